"""Group commit: concurrent screening writes share transactions; a failed commit writes nothing."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from redline.store import review
from redline.store.decisions import ScreenedPost, count_decisions
from redline.store.engine import create_engine
from redline.store.migrate import upgrade
from redline.web import postgres_commits, sqlite_commits
from redline.web.write_batcher import DecisionWriter


def _post(post_id: str, verdict: str = "allow") -> ScreenedPost:
    decision = {"id": post_id, "verdict": verdict, "score": 0.5, "clauses": []}
    return ScreenedPost("text", decision, "token:t")


def test_concurrent_writes_share_commits_and_all_land(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    transactions: list[int] = []
    insert, insert_async = sqlite_commits.insert_decisions, postgres_commits.insert_decisions_async

    def counted(*args: Any) -> list[str]:
        transactions.append(1)
        return insert(*args)

    async def counted_async(*args: Any) -> list[str]:
        transactions.append(1)
        return await insert_async(*args)

    monkeypatch.setattr(sqlite_commits, "insert_decisions", counted)
    monkeypatch.setattr(postgres_commits, "insert_decisions_async", counted_async)
    writer = DecisionWriter(engine)

    async def run() -> None:
        await asyncio.gather(*(writer.write([_post(f"p{i}")]) for i in range(20)))
        await writer.write([_post("p0"), _post("late")])  # a duplicate id is a no-op

    asyncio.run(run())
    with engine.connect() as connection:
        assert count_decisions(connection) == (21, 21)
    assert 1 <= len(transactions) <= 3  # 21 requests, a couple of transactions
    writer.close()


def test_the_same_post_sent_concurrently_is_stored_once_in_one_commit(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twelve requests for one flagged post, in flight together: they meet in one commit
    (seen by the spy), which stores one decision and opens one review item."""
    commits: list[list[str]] = []
    insert, insert_async = sqlite_commits.insert_decisions, postgres_commits.insert_decisions_async

    def counted(connection: Any, dialect: Any, rows: list[ScreenedPost]) -> list[str]:
        commits.append([row.decision["id"] for row in rows])
        return insert(connection, dialect, rows)

    async def counted_async(connection: Any, rows: list[ScreenedPost], *args: Any) -> list[str]:
        commits.append([row.decision["id"] for row in rows])
        return await insert_async(connection, rows, *args)

    monkeypatch.setattr(sqlite_commits, "insert_decisions", counted)
    monkeypatch.setattr(postgres_commits, "insert_decisions_async", counted_async)
    writer = DecisionWriter(engine)

    async def run() -> None:
        await asyncio.gather(*(writer.write([_post("dup", "violating")]) for _ in range(12)))

    asyncio.run(run())
    writer.close()
    assert sum(len(ids) for ids in commits) == 12 and max(len(ids) for ids in commits) >= 2
    with engine.connect() as connection:
        assert count_decisions(connection) == (1, 1)
        assert [item.id for item in review.queue(connection)] == ["dup"]


def test_a_failed_commit_fails_every_request_in_it_and_writes_nothing(engine: Engine) -> None:
    writer = DecisionWriter(engine)
    broken = ScreenedPost("text", {"id": "bad", "score": 0.0}, "token:t")  # no verdict

    async def run() -> list[object]:
        return await asyncio.gather(
            writer.write([_post("a")]), writer.write([broken]), return_exceptions=True
        )

    outcomes = asyncio.run(run())
    assert all(isinstance(outcome, KeyError) for outcome in outcomes)
    with engine.connect() as connection:
        assert count_decisions(connection) == (0, 0)
    asyncio.run(writer.write([_post("after")]))  # the writer recovers
    with engine.connect() as connection:
        assert count_decisions(connection) == (1, 1)
    writer.close()


def test_a_database_error_rolls_back_the_whole_batch_as_sqlalchemys_error(engine: Engine) -> None:
    writer = DecisionWriter(engine)
    textless = ScreenedPost(None, _post("second").decision, "token:t")  # type: ignore[arg-type]
    with pytest.raises(sa.exc.IntegrityError):  # what the app's error handlers know
        asyncio.run(writer.write([_post("first", "violating"), textless]))
    asyncio.run(writer.write([_post("after", "review")]))
    with engine.connect() as connection:
        assert count_decisions(connection) == (1, 1)
        assert [item.id for item in review.queue(connection)] == ["after"]
    writer.close()


def test_a_connection_the_server_dropped_is_replaced_without_losing_the_batch(
    postgres_url: str,
) -> None:
    engine = create_engine(postgres_url)
    upgrade(engine)
    writer = DecisionWriter(engine)
    asyncio.run(writer.write([_post("before")]))
    with engine.begin() as connection:  # what a server restart does to the writer's connection
        dropped = connection.execute(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    assert dropped >= 1
    asyncio.run(writer.write([_post("after", "violating")]))
    with engine.connect() as connection:
        assert count_decisions(connection) == (2, 2)
        assert [item.id for item in review.queue(connection)] == ["after"]
    writer.close()
    engine.dispose()


async def _four_commits(writer: DecisionWriter) -> None:
    """allow; violating; allow + review; allow: one request (and so one commit) at a time."""
    await writer.write([_post("a")])
    await writer.write([_post("b", "violating")])
    await writer.write([_post("c"), _post("d", "review")])
    await writer.write([_post("e")])


@pytest.mark.parametrize("durable", ["flagged", "all"])
def test_on_postgresql_commits_holding_a_flagged_decision_always_wait_for_the_disk(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, durable: str
) -> None:
    engine = create_engine(postgres_url)
    upgrade(engine)
    seen: list[tuple[list[str], str]] = []  # each commit's verdicts, and its synchronous_commit
    insert_async = postgres_commits.insert_decisions_async

    async def spied(connection: Any, rows: list[ScreenedPost], *args: Any) -> list[str]:
        cursor = await connection.execute("SHOW synchronous_commit")
        (setting,) = await cursor.fetchone()
        seen.append(([row.decision["verdict"] for row in rows], setting))
        return await insert_async(connection, rows, *args)

    monkeypatch.setattr(postgres_commits, "insert_decisions_async", spied)
    writer = DecisionWriter(engine, durable)  # type: ignore[arg-type]

    asyncio.run(_four_commits(writer))
    allow_only = "off" if durable == "flagged" else "on"
    assert seen == [
        (["allow"], allow_only),
        (["violating"], "on"),
        (["allow", "review"], "on"),
        (["allow"], allow_only),
    ]
    with engine.connect() as connection:
        assert count_decisions(connection) == (5, 5)
        assert sorted(item.id for item in review.queue(connection)) == ["b", "d"]
    writer.close()
    engine.dispose()


def test_an_unknown_durability_is_refused(postgres_url: str) -> None:
    with pytest.raises(ValueError, match="flagged, all"):
        DecisionWriter(create_engine(postgres_url), "sometimes")  # type: ignore[arg-type]


def test_on_postgresql_an_allow_request_never_waits_behind_a_flagged_commit(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(postgres_url)
    upgrade(engine)
    insert_async = postgres_commits.insert_decisions_async

    async def run() -> None:
        held = asyncio.Event()  # the flagged commit stays in flight until the allow one is done
        started = asyncio.Event()

        async def spied(connection: Any, rows: list[ScreenedPost], *args: Any) -> list[str]:
            if any(row.decision["verdict"] != "allow" for row in rows):
                started.set()
                await held.wait()
            return await insert_async(connection, rows, *args)

        monkeypatch.setattr(postgres_commits, "insert_decisions_async", spied)
        writer = DecisionWriter(engine)
        flagged = asyncio.create_task(writer.write([_post("f", "violating")]))
        await asyncio.wait_for(started.wait(), timeout=30)  # the flagged commit is in flight
        await asyncio.wait_for(writer.write([_post("a")]), timeout=30)
        assert not flagged.done()
        held.set()
        await flagged
        writer.close()

    asyncio.run(run())
    with engine.connect() as connection:
        assert count_decisions(connection) == (2, 2)
    engine.dispose()


def _sqlite_engine(tmp_path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{tmp_path / 'screen.db'}")
    upgrade(engine)
    return engine


@pytest.mark.parametrize("durable", ["flagged", "all"])
def test_on_sqlite_durable_commits_are_answered_after_the_wal_is_synced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, durable: str
) -> None:
    engine = _sqlite_engine(tmp_path)
    wal = tmp_path / "screen.db-wal"
    synced: list[str] = []  # after each fsync of the WAL, the ids then in the database
    real_fsync = os.fsync

    def spied(descriptor: int) -> None:
        real_fsync(descriptor)
        if os.fstat(descriptor).st_ino == os.stat(wal).st_ino:
            with engine.connect() as connection:
                ids = connection.execute(sa.text("SELECT id FROM decisions ORDER BY id"))
                synced.append(",".join(row[0] for row in ids))

    monkeypatch.setattr(os, "fsync", spied)
    writer = DecisionWriter(engine, durable)  # type: ignore[arg-type]

    asyncio.run(_four_commits(writer))
    writer.close()
    if durable == "flagged":  # each flagged commit synced, once it was in the database
        assert synced == ["a,b", "a,b,c,d"]
    else:
        assert synced == ["a", "a,b", "a,b,c,d", "a,b,c,d,e"]
    with engine.connect() as connection:
        assert count_decisions(connection) == (5, 5)
    engine.dispose()


def test_on_sqlite_an_allow_request_never_waits_behind_a_flagged_commits_fsync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _sqlite_engine(tmp_path)
    entered, release = threading.Event(), threading.Event()
    real_fsync = os.fsync

    def held(descriptor: int) -> None:
        entered.set()
        release.wait(timeout=60)
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", held)
    writer = DecisionWriter(engine)

    async def run() -> None:
        flagged = asyncio.create_task(writer.write([_post("f", "violating")]))
        await asyncio.get_running_loop().run_in_executor(None, entered.wait, 60)
        await writer.write([_post("a")])  # committed and answered while the fsync is held
        assert not flagged.done()  # the flagged request waits for its fsync
        release.set()
        await flagged

    asyncio.run(run())
    writer.close()
    with engine.connect() as connection:
        assert count_decisions(connection) == (2, 2)
        assert [item.id for item in review.queue(connection)] == ["f"]
    engine.dispose()


def test_on_sqlite_the_service_syncs_what_people_do_and_the_writer_only_durable_commits(
    tmp_path: Path,
) -> None:
    """The app's own connections (review decisions, audit log) commit with synchronous=FULL;
    the inline writer's with NORMAL, its durable commits synced by `_sync_log`."""
    from redline.web.app import create_app

    app = create_app(f"sqlite:///{tmp_path / 'service.db'}", pipeline=None)
    services = app.state.services
    with services.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    commits = services.writer._commits
    assert isinstance(commits, sqlite_commits.SqliteCommits)
    assert commits._connected().execute("PRAGMA synchronous").fetchone()[0] == 1
    services.writer.close()
    services.engine.dispose()
