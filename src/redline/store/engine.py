"""Open a database from what a user types: a file path (SQLite) or a SQLAlchemy/libpq URL.

Why one place: SQLite needs pragmas on every connection (WAL so readers never block the writer,
foreign keys on, a busy timeout instead of instant "database is locked"), and `postgresql://`
URLs copied from libpq tools must map to the psycopg 3 driver we install.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

SQLITE_BUSY_TIMEOUT_MS = 10_000


def database_url(value: str | Path) -> str:
    """A SQLAlchemy URL for a path or URL: paths become SQLite files; libpq URLs get psycopg 3."""
    text = str(value)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    for prefix in ("postgres://", "postgresql://"):
        if text.startswith(prefix):
            return "postgresql+psycopg://" + text[len(prefix) :]
    return text


SQLITE_SYNCHRONOUS = ("NORMAL", "FULL")


def _sqlite_file(url: sa.URL) -> Path | None:
    """The file a SQLite URL names; None for memory and for server URLs."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def missing_sqlite_file(value: str | Path) -> Path | None:
    """The file of a SQLite `value` that does not exist (None for one that does, for memory and
    for server URLs): what commands that only read or sign a database refuse, rather than create
    an empty one on a mistyped path and report on nothing."""
    path = _sqlite_file(sa.make_url(database_url(value)))
    return None if path is None or path.exists() else path


def _sqlite_pragmas(synchronous: str) -> Any:
    def set_pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    return set_pragmas


def create_engine(
    value: str | Path, *, sqlite_synchronous: str = "NORMAL", **kwargs: Any
) -> Engine:
    """An engine for `value` (see `database_url`), with SQLite's pragmas set on every connection.

    `sqlite_synchronous`: NORMAL (in WAL mode a commit survives a crash of the process, not a
    power cut until the next sync: right for bulk work that can be redone) or FULL (every commit
    is on disk when it returns: for what people decide and the audit log)."""
    if sqlite_synchronous not in SQLITE_SYNCHRONOUS:
        raise ValueError(f"sqlite_synchronous must be NORMAL or FULL, not {sqlite_synchronous!r}")
    url = sa.make_url(database_url(value))
    if url.get_backend_name() == "sqlite":
        if (path := _sqlite_file(url)) is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False})
        engine = sa.create_engine(url, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas(sqlite_synchronous))
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return sa.create_engine(url, **kwargs)
