"""Storing screened posts below SQLAlchemy (`insert_decisions`): every form, both backends.

PostgreSQL gets a few rows as VALUES and many as arrays; SQLite row by row. Whatever the form,
what is read back through SQLAlchemy must be what the SQLAlchemy-level code would have stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Connection, Engine

from redline.store import review
from redline.store.decisions import (
    FEED_START,
    MAX_VALUES_ROWS,
    FeedPosition,
    ScreenedPost,
    count_decisions,
    feed,
    feed_epoch,
    find_decisions,
    get_decision,
    insert_decisions,
    prepare_feed,
    store_decisions,
)
from redline.store.engine import create_engine
from redline.store.migrate import upgrade
from redline.store.tables import decisions


def _screened(post_id: str, verdict: str, text: str = "t", meta: dict | None = None):
    decision = {
        "id": post_id, "verdict": verdict, "score": 0.25 if verdict == "allow" else 0.75,
        "clauses": [] if verdict == "allow" else [{"pack": "cn"}, {"pack": "in"}],
    }  # fmt: skip
    return ScreenedPost(text, decision, "token:t", meta)


@pytest.mark.parametrize("count", [3, MAX_VALUES_ROWS + 5], ids=["values", "arrays"])
def test_a_batch_is_stored_once_in_order_and_reads_back_exactly(engine: Engine, count: int) -> None:
    at = datetime(2026, 3, 1, 12, 30, 45, 123456, tzinfo=UTC)
    posts = [
        _screened(f"p{n}", "review" if n % 2 else "allow", f"文本 {n} '; DROP", {"n": n})
        for n in range(count)
    ]
    posts.append(_screened("p1", "allow", "a repeat: the first row wins"))
    with engine.begin() as connection:
        driver = connection.connection.driver_connection
        new = insert_decisions(driver, connection.dialect, posts, at)
        again = insert_decisions(driver, connection.dialect, posts[:2], at)
    assert new == [f"p{n}" for n in range(count)] and again == []
    with engine.connect() as connection:
        assert count_decisions(connection) == (count, count)
        first = get_decision(connection, "p1")
        assert first is not None
        assert (first.text, first.verdict, first.score) == ("文本 1 '; DROP", "review", 0.75)
        assert (first.packs, first.meta, first.screened_at) == (("cn", "in"), {"n": 1}, at)
        assert first.decision == dict(posts[1].decision)
        found = find_decisions(connection, pack="in", since=at, limit=1000)
        assert {d.id for d in found} == {f"p{n}" for n in range(count) if n % 2}
        assert {item.id for item in review.queue(connection, limit=1000)} == {
            f"p{n}" for n in range(count) if n % 2
        }


@pytest.mark.parametrize("count", [2, MAX_VALUES_ROWS + 5], ids=["values", "arrays"])
def test_a_bad_row_stores_nothing_of_its_batch(engine: Engine, count: int) -> None:
    posts = [_screened(f"p{n}", "violating") for n in range(count)]
    posts[-1] = ScreenedPost(None, posts[-1].decision, "token:t")  # type: ignore[arg-type]
    with pytest.raises(Exception, match=r"(?i)null"), engine.begin() as connection:
        insert_decisions(connection.connection.driver_connection, connection.dialect, posts)
    with engine.connect() as connection:
        assert count_decisions(connection) == (0, 0)
        assert review.queue(connection) == []


def _store(connection: Connection, ids: list[str], at: datetime, verdict: str = "allow") -> None:
    store_decisions(connection, [_screened(i, verdict) for i in ids], at)


def _read_all(
    connection: Connection, after: FeedPosition, limit: int, **filters: object
) -> tuple[list[str], FeedPosition]:
    """What a client following `feed`'s positions a page at a time reads, until a short page."""
    seen: list[str] = []
    while True:
        found, after = feed(connection, after, limit=limit, **filters)
        seen += [d.id for d in found]
        if len(found) < limit:
            return seen, after


def test_feed_reads_each_decision_once_in_commit_order_whatever_its_time(engine: Engine) -> None:
    """Screening times out of commit order (a later commit stamped earlier) change nothing."""
    noon = datetime(2026, 3, 1, 12, tzinfo=UTC)
    commits = [(["b", "a"], noon), (["c"], noon - timedelta(hours=1)), (["e", "d"], noon)]
    for ids, at in commits:
        with engine.begin() as connection:
            _store(connection, ids, at, "review" if "d" in ids else "allow")
    with engine.connect() as connection:
        seen, position = _read_all(connection, FEED_START, limit=2)
        # by commit; within one commit the order is the database's (PostgreSQL: by id)
        assert [sorted(seen[:2]), seen[2], sorted(seen[3:])] == [["a", "b"], "c", ["d", "e"]]
        assert feed(connection, position) == ([], position)
    with engine.begin() as connection:
        _store(connection, ["f"], noon - timedelta(days=1))
    with engine.begin() as connection:
        _store(connection, ["g"], noon - timedelta(days=1), "violating")
    with engine.connect() as connection:
        assert _read_all(connection, position, limit=1)[0] == ["f", "g"]
        flagged, moved = feed(connection, position, verdict="violating")
        assert [d.id for d in flagged] == ["g"]
        assert feed(connection, moved) == ([], moved)  # past what the filter left out too


@pytest.fixture()
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    engine = create_engine(postgres_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("slow_first", [True, False], ids=["slow-began-first", "fast-began-first"])
def test_feed_holds_back_what_an_open_transaction_can_still_put_before_it(
    postgres_engine: Engine, slow_first: bool
) -> None:
    """PostgreSQL, two writers: one's commit is still on its way ("slow", stamped earlier) when
    the other's ("fast", stamped later) is visible. A client polling with `since=` the last time
    it saw gets "fast" and never "slow" (the bug); `feed` returns "fast" only once nothing can
    come before it, so the client gets both, each once."""
    noon = datetime(2026, 3, 1, 12, tzinfo=UTC)
    slow, fast = postgres_engine.connect(), postgres_engine.connect()
    with postgres_engine.connect() as reader:
        if not slow_first:  # "fast" takes its transaction id first, "slow" second
            fast.begin()
            _store(fast, ["fast"], noon + timedelta(seconds=1))
        slow.begin()
        _store(slow, ["slow"], noon)  # the earlier stamp, not committed yet
        if slow_first:
            fast.begin()
            _store(fast, ["fast"], noon + timedelta(seconds=1))
        fast.commit()
        polled = find_decisions(reader, since=noon)
        assert [d.id for d in polled] == ["fast"]  # what a client polling by time sees now
        held, position = feed(reader)
        assert [d.id for d in held] == ([] if slow_first else ["fast"])
        slow.commit()
        last_seen = polled[-1].screened_at
        assert [d.id for d in find_decisions(reader, since=last_seen)] == ["fast"]  # "slow" lost
        rest, position = feed(reader, position)
        assert [d.id for d in held + rest] == (["slow", "fast"] if slow_first else ["fast", "slow"])
        assert feed(reader, position) == ([], position)
    slow.close()
    fast.close()


def test_prepare_feed_renumbers_keys_another_cluster_wrote_under_a_new_epoch(
    postgres_engine: Engine,
) -> None:
    """A database restored into another cluster keeps the old cluster's transaction ids as keys,
    above this cluster's counter: new decisions sorted before them, and readers held them back
    for good. `prepare_feed` (each server start) puts them first under a new epoch, and leaves
    a database it can trust as it is."""
    noon = datetime(2026, 3, 1, 12, tzinfo=UTC)
    with postgres_engine.begin() as connection:
        _store(connection, ["a", "b"], noon)
    prepare_feed(postgres_engine)
    with postgres_engine.connect() as reader:
        epoch = feed_epoch(reader)
    prepare_feed(postgres_engine)  # nothing to renumber: same epoch, cursors stay good
    with postgres_engine.begin() as connection:
        assert feed_epoch(connection) == epoch
        # what a restore leaves: keys of transactions this cluster has not reached yet
        connection.execute(decisions.update().values(cursor_key=decisions.c.cursor_key + 10**9))
    with postgres_engine.begin() as connection:
        _store(connection, ["new"], noon)
    with postgres_engine.connect() as reader:
        assert [d.id for d in feed(reader)[0]] == ["new"]  # "a" and "b" held back: the bug
    prepare_feed(postgres_engine)
    with postgres_engine.connect() as reader:
        assert feed_epoch(reader) != epoch  # old cursors are refused, not trusted
        found, position = feed(reader)
        assert [d.id for d in found] == ["a", "b", "new"]
        assert feed(reader, position) == ([], position)
