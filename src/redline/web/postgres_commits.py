"""The inline writer's commits on PostgreSQL: one autocommit psycopg `AsyncConnection`.

Why autocommit: `insert_decisions_async` stores a batch and opens its review items in one
statement, atomic by itself, so a transaction is one round trip (not ping, BEGIN, INSERT,
COMMIT). Why async: the event loop waits for that round trip (and the server's fsync) like for
any socket, instead of a thread that must win the GIL back from the busy loop before and after.
A connection the server dropped is replaced and the batch retried once on the new one: safe,
since storing is insert-or-ignore (a batch that did commit before the drop stores nothing twice
and opens no second review item).
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.engine import Engine

from redline.store.decisions import ScreenedPost, insert_decisions_async
from redline.web.dbapi_errors import as_sqlalchemy_error


class PostgresCommits:
    """Commits on the event loop that opened the connection (a new loop gets a new one)."""

    def __init__(self, engine: Engine) -> None:
        self._dialect = engine.dialect
        args, self._connect_kwargs = self._dialect.create_connect_args(engine.url)
        self._conninfo: str = args[0] if args else ""
        self._connection: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def commit(self, rows: list[ScreenedPost]) -> None:
        for attempt in (1, 2):
            connection = await self._connected()
            try:
                await insert_decisions_async(connection, rows)
                return
            except self._dialect.loaded_dbapi.Error as exc:
                dropped = connection.closed or connection.broken
                self.close()
                if not (dropped and attempt == 1):
                    raise as_sqlalchemy_error(self._dialect, exc) from exc
            except BaseException:  # e.g. cancelled mid-statement: the connection's state unknown
                self.close()
                raise

    def close(self) -> None:
        """Close the connection now (what `AsyncConnection.close` does, callable off the loop)."""
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.pgconn.finish()

    async def _connected(self) -> Any:
        loop = asyncio.get_running_loop()
        if self._connection is not None and self._loop is loop:
            return self._connection
        self.close()  # opened on another loop (tests run several): unusable on this one
        from psycopg import AsyncConnection

        try:
            self._connection = await AsyncConnection.connect(
                self._conninfo, autocommit=True, **self._connect_kwargs
            )
        except self._dialect.loaded_dbapi.Error as exc:
            raise as_sqlalchemy_error(self._dialect, exc) from exc
        self._loop = loop
        return self._connection
