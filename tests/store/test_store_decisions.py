"""Storing screened posts below SQLAlchemy (`insert_decisions`): every form, both backends.

PostgreSQL gets a few rows as VALUES and many as arrays; SQLite row by row. Whatever the form,
what is read back through SQLAlchemy must be what the SQLAlchemy-level code would have stored.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine

from redline.store import review
from redline.store.decisions import (
    MAX_VALUES_ROWS,
    ScreenedPost,
    count_decisions,
    find_decisions,
    get_decision,
    insert_decisions,
)


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
