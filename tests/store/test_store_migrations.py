"""Each schema revision on a database that already holds data, both backends: upgrading keeps
the rows and gives new columns their values; downgrading and upgrading again round-trips.

(That the migrations build exactly the declared schema is `test_store_accounts`'s check; the
append-only triggers of 0003 are `test_store_audit`'s.)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from redline.store import accounts, review
from redline.store.decisions import (
    FEED_START,
    ScreenedPost,
    count_decisions,
    feed,
    feed_epoch,
    prepare_feed,
    store_decisions,
)
from redline.store.engine import create_engine
from redline.store.migrate import alembic_config, current_revision, head_revision, upgrade
from redline.store.tables import decisions, review_items

EARLIER = datetime(2000, 1, 1, tzinfo=UTC)


@pytest.fixture()
def bare(db_url: str) -> Iterator[Engine]:
    """A fresh database of each backend with no schema yet: each test upgrades it itself."""
    engine = create_engine(db_url)
    yield engine
    engine.dispose()


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _screened(post_id: str, verdict: str) -> ScreenedPost:
    return ScreenedPost("t", {"id": post_id, "verdict": verdict, "score": 0.5}, "token:t")


def _store_as_0004(connection: sa.Connection, post_id: str, verdict: str) -> None:
    """A decision (and its review item when flagged) with the columns decisions had at 0004."""
    old = sa.table("decisions", *(sa.column(c.name, c.type) for c in decisions.c
                                  if c.name != "cursor_key"))  # fmt: skip
    connection.execute(
        old.insert().values(
            id=post_id, text="t", verdict=verdict, score=0.5, packs=",", decision="{}",
            meta=None, source="token:t", screened_at=EARLIER,
        )
    )  # fmt: skip
    if verdict != "allow":
        connection.execute(
            review_items.insert().values(
                decision_id=post_id, score=0.5, status="open", updated_at=EARLIER
            )
        )


def columns(engine: Engine, table: str) -> set[str]:
    with engine.connect() as connection:
        return {column["name"] for column in sa.inspect(connection).get_columns(table)}


def test_0004_gives_existing_users_a_fresh_generation_and_a_round_trip_revives_no_cookie(
    bare: Engine,
) -> None:
    """Applied again after a downgrade, 0004 must not hand out a generation an ended cookie
    holds (it did: every user went back to 0, and a cookie of before a logout matched again)."""
    upgrade(bare, "0003")
    with bare.begin() as connection:  # a user as 0003 stored one
        connection.execute(
            sa.text(
                "INSERT INTO users (name, role, password_hash, active, created_at) "
                "VALUES ('old', 'reviewer', :hash, :active, :at)"
            ),
            {"hash": accounts.hasher.hash("a long passphrase"), "active": True,
             "at": "2026-01-01 00:00:00"},
        )  # fmt: skip
    assert "session_generation" not in columns(bare, "users")
    before = accounts.fresh_session_generation()
    assert upgrade(bare, "0004") == "0004"
    with bare.begin() as connection:
        old = accounts.authenticate(connection, "old", "a long passphrase")
        assert old is not None
        ended = old.session_generation  # a cookie issued now holds it; logout ends it
        assert ended >= before
        for _ in range(3):  # logouts count up from it
            assert accounts.end_sessions(
                connection, old.id, accounts.get_user(connection, old.id).session_generation
            )
        counted = accounts.get_user(connection, old.id).session_generation
        assert counted == ended + 3
    downgrade(bare, "0003")
    assert "session_generation" not in columns(bare, "users")
    with bare.connect() as connection:
        names = connection.execute(sa.text("SELECT name FROM users")).scalars().all()
    assert names == ["old"]
    upgrade(bare)
    assert current_revision(bare) == head_revision()
    with bare.connect() as connection:
        assert accounts.get_user(connection, old.id).session_generation > counted


def test_0005_puts_existing_decisions_first_and_round_trips(bare: Engine) -> None:
    upgrade(bare, "0004")
    with bare.begin() as connection:  # decisions as 0004 stored them, one with a review item
        for post_id, verdict in (("old-b", "review"), ("old-a", "allow"), ("old-c", "allow")):
            _store_as_0004(connection, post_id, verdict)
    assert "cursor_key" not in columns(bare, "decisions")
    assert upgrade(bare, "0005") == "0005"
    with bare.begin() as connection:
        keys = dict(connection.execute(sa.select(decisions.c.id, decisions.c.cursor_key)).all())
        assert keys == {"old-a": 0, "old-b": 0, "old-c": 0}
        store_decisions(connection, [_screened("new", "violating")], now=EARLIER)
    prepare_feed(bare)
    with bare.connect() as connection:
        found, position = feed(connection, FEED_START, limit=10)
        assert [d.id for d in found] == ["old-a", "old-b", "old-c", "new"]
        assert feed(connection, position) == ([], position)
        first_epoch = feed_epoch(connection)
    downgrade(bare, "0004")
    assert "cursor_key" not in columns(bare, "decisions")
    with bare.connect() as connection:
        assert count_decisions(connection) == (4, 4)
        assert {item.id for item in review.queue(connection)} == {"old-b", "new"}
    upgrade(bare)
    assert current_revision(bare) == head_revision()
    prepare_feed(bare)
    with bare.connect() as connection:
        assert [d.id for d in feed(connection, FEED_START)[0]] == [
            "new", "old-a", "old-b", "old-c"
        ]  # fmt: skip
        # keys started over: cursors of the first pass name its epoch, which is gone
        assert feed_epoch(connection) != first_epoch
