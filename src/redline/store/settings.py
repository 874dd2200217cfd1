"""Server-wide settings kept in the database, so every worker and restart agrees on them.

Why the session key lives here: two uvicorn workers must sign and check the same cookies, and a
restart must not log everyone out; an operator can still pin it with REDLINE_SECRET_KEY.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from redline.store.tables import server_settings

SESSION_KEY = "session_key"


def session_key(engine: Engine) -> bytes:
    """The cookie-signing key, created on first use (first writer wins under concurrency)."""
    with engine.begin() as connection:
        return bytes.fromhex(ensure_setting(connection, SESSION_KEY, secrets.token_hex(32)))


def ensure_setting(connection: Connection, name: str, value: str) -> str:
    """The setting's stored value, storing `value` first when there is none (the first writer
    wins when several processes start at once)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    connection.execute(
        dialect.insert(server_settings).values(name=name, value=value).on_conflict_do_nothing()
    )
    stored = read_setting(connection, name)
    assert stored is not None
    return stored


def read_setting(connection: Connection, name: str) -> str | None:
    return connection.execute(
        sa.select(server_settings.c.value).where(server_settings.c.name == name)
    ).scalar_one_or_none()
