"""Server-wide settings kept in the database, so every worker and restart agrees on them.

Why the session key lives here: two uvicorn workers must sign and check the same cookies, and a
restart must not log everyone out; an operator can still pin it with REDLINE_SECRET_KEY.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from redline.store.tables import server_settings

SESSION_KEY = "session_key"


def session_key(engine: Engine) -> bytes:
    """The cookie-signing key, created on first use (first writer wins under concurrency)."""
    with engine.begin() as connection:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        connection.execute(
            dialect.insert(server_settings)
            .values(name=SESSION_KEY, value=secrets.token_hex(32))
            .on_conflict_do_nothing()
        )
        value = connection.execute(
            sa.select(server_settings.c.value).where(server_settings.c.name == SESSION_KEY)
        ).scalar_one()
    return bytes.fromhex(value)
