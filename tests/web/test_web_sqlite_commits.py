"""SQLite commits on the event loop: a taken write lock is waited for without blocking the loop,
and checkpoints run aside in a thread, so the WAL is copied into the database and restarts."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from redline.store.decisions import ScreenedPost, count_decisions
from redline.store.engine import create_engine
from redline.store.migrate import upgrade
from redline.web import sqlite_commits
from redline.web.sqlite_commits import SqliteCommits


def _post(post_id: str, verdict: str = "allow") -> ScreenedPost:
    decision = {"id": post_id, "verdict": verdict, "score": 0.5, "clauses": []}
    return ScreenedPost("text " * 200, decision, "token:t")


@pytest.fixture()
def sqlite_engine(tmp_path: Path) -> Engine:
    engine = create_engine(tmp_path / "inline.db")
    upgrade(engine)
    yield engine
    engine.dispose()


def _database_file(engine: Engine) -> Path:
    return Path(str(engine.url.database))


def test_a_taken_write_lock_is_waited_for_while_the_loop_runs_on(sqlite_engine: Engine) -> None:
    commits = SqliteCommits(sqlite_engine)
    other = sqlite3.connect(_database_file(sqlite_engine), isolation_level=None)

    async def run() -> None:
        await commits.commit([_post("first")])  # opens the connection
        other.execute("BEGIN IMMEDIATE")  # another worker holds the write lock
        writing = asyncio.create_task(commits.commit([_post("second", "review")]))
        for _ in range(5):  # the loop is free while the writer waits for the lock
            await asyncio.sleep(0.002)
        assert not writing.done()
        assert commits._connection.execute("PRAGMA busy_timeout").fetchone()[0] == 0  # no wait
        other.execute("ROLLBACK")
        await writing

    try:
        asyncio.run(run())
    finally:
        other.close()
        commits.close()
    with sqlite_engine.connect() as connection:
        assert count_decisions(connection) == (2, 2)


def _commit_many(engine: Engine, count: int) -> int:
    """Commit `count` one-post batches, each checkpoint let finish before the next commit (how
    far a checkpoint gets while commits go on depends on the machine's load, which a test must
    not); the WAL's size after."""
    commits = SqliteCommits(engine)

    async def run() -> None:
        for n in range(count):
            await commits.commit([_post(f"p{n}")])
            if commits._checkpointing is not None:
                await commits._checkpointing

    asyncio.run(run())
    commits.close()
    return Path(f"{_database_file(engine)}-wal").stat().st_size


def test_checkpoints_run_aside_and_keep_the_wal_from_growing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes = {}
    for every in (10**9, 5):  # never, then every 5 commits
        monkeypatch.setattr(sqlite_commits, "CHECKPOINT_EVERY", every)
        engine = create_engine(tmp_path / f"every-{every}.db")
        upgrade(engine)
        with engine.connect() as connection:  # keeps the WAL from being removed at close
            before = _database_file(engine).stat().st_size
            sizes[every] = _commit_many(engine, 60), _database_file(engine).stat().st_size
            assert count_decisions(connection) == (60, 60)
        engine.dispose()
        if every == 5:
            assert sizes[every][1] > before  # pages were copied into the database file
        else:
            assert sizes[every][1] == before  # nothing checkpoints on the loop's connection
    assert sizes[5][0] < sizes[10**9][0] / 2  # the WAL restarted instead of growing


def test_a_failed_statement_rolls_back_and_the_next_commit_uses_a_fresh_connection(
    sqlite_engine: Engine,
) -> None:
    commits = SqliteCommits(sqlite_engine)
    textless = ScreenedPost(None, _post("bad").decision, "token:t")  # type: ignore[arg-type]

    async def run() -> None:
        with pytest.raises(Exception, match="NOT NULL"):
            await commits.commit([_post("kept-out", "violating"), textless])
        await commits.commit([_post("after")])

    asyncio.run(run())
    commits.close()
    with sqlite_engine.connect() as connection:
        assert count_decisions(connection) == (1, 1)
