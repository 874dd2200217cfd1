"""Each schema revision on a database that already holds data, both backends: upgrading keeps
the rows and gives new columns their values; downgrading and upgrading again round-trips.

(That the migrations build exactly the declared schema is `test_store_accounts`'s check; the
append-only triggers of 0003 are `test_store_audit`'s.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from redline.store import accounts
from redline.store.engine import create_engine
from redline.store.migrate import alembic_config, current_revision, head_revision, upgrade


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


def columns(engine: Engine, table: str) -> set[str]:
    with engine.connect() as connection:
        return {column["name"] for column in sa.inspect(connection).get_columns(table)}


def test_0004_gives_existing_users_session_generation_0_and_round_trips(bare: Engine) -> None:
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
    assert upgrade(bare, "0004") == "0004"
    with bare.begin() as connection:
        old = accounts.authenticate(connection, "old", "a long passphrase")
        assert old is not None and old.session_generation == 0
        assert accounts.end_sessions(connection, old.id, 0)
        assert accounts.get_user(connection, old.id).session_generation == 1
    downgrade(bare, "0003")
    assert "session_generation" not in columns(bare, "users")
    with bare.connect() as connection:
        names = connection.execute(sa.text("SELECT name FROM users")).scalars().all()
    assert names == ["old"]
    upgrade(bare)
    assert current_revision(bare) == head_revision()
    with bare.connect() as connection:
        assert accounts.get_user(connection, old.id).session_generation == 0
