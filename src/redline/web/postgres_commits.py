"""The inline writer's commits on PostgreSQL: autocommit psycopg `AsyncConnection`s.

Why autocommit: `insert_decisions_async` stores a batch and opens its review items in one
statement, atomic by itself, so a transaction is one round trip (not ping, BEGIN, INSERT,
COMMIT). Why async: the event loop waits for that round trip (and the server's fsync) like for
any socket, instead of a thread that must win the GIL back from the busy loop before and after.
A connection the server dropped is replaced and the batch retried once on the new one: safe,
since storing is insert-or-ignore (a batch that did commit before the drop stores nothing twice
and opens no second review item).

Why two connections: with `durable="flagged"` (the default) a batch of only `allow` decisions
commits on a connection with `synchronous_commit = off`, and any batch holding a flagged
decision on one that waits for the WAL flush. Waiting for the disk was the tail of the inline
path (500 requests/s, 2 workers, this project's VM: p99 15-26 ms waiting, 9.2-9.4 ms not); an
asynchronous commit is still atomic and consistent, and a crash of the database server (not of
redline) can lose at most the last fraction of a second of allow decisions (PostgreSQL's
`wal_writer_delay`, 200 ms by default, times three), never a flagged one or its review item.
A durable commit also makes every commit before it durable (the WAL is flushed up to it).
`durable="all"` makes every commit wait. SQLite makes the same bargain (`web.sqlite_commits`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Engine

from redline.store.decisions import ScreenedPost, insert_decisions_async
from redline.web import durability
from redline.web.dbapi_errors import as_sqlalchemy_error
from redline.web.durability import Durability


class PostgresCommits:
    """Commits on the event loop that opened the connections (a new loop gets new ones)."""

    def __init__(self, engine: Engine, durable: Durability = "flagged") -> None:
        self._durable = durability.check_durability(durable)
        self._dialect = engine.dialect
        args, self._connect_kwargs = self._dialect.create_connect_args(engine.url)
        self._conninfo: str = args[0] if args else ""
        self._connections: dict[bool, Any] = {}
        """By whether its commits wait for the disk (`synchronous_commit` on)."""
        self._loop: asyncio.AbstractEventLoop | None = None

    def waits_for_disk(self, rows: Sequence[ScreenedPost]) -> bool:
        """Whether the commit of `rows` must wait for the WAL flush."""
        return durability.waits_for_disk(self._durable, rows)

    async def commit(self, rows: list[ScreenedPost]) -> None:
        waits = self.waits_for_disk(rows)
        for attempt in (1, 2):
            connection = await self._connected(waits)
            try:
                await insert_decisions_async(connection, rows)
                return
            except self._dialect.loaded_dbapi.Error as exc:
                dropped = connection.closed or connection.broken
                self._close(waits)
                if not (dropped and attempt == 1):
                    raise as_sqlalchemy_error(self._dialect, exc) from exc
            except BaseException:  # e.g. cancelled mid-statement: the connection's state unknown
                self._close(waits)
                raise

    def close(self) -> None:
        """Close the connections now (what `AsyncConnection.close` does, callable off the loop)."""
        for waits in list(self._connections):
            self._close(waits)

    def _close(self, waits: bool) -> None:
        connection = self._connections.pop(waits, None)
        if connection is not None:
            connection.pgconn.finish()

    async def _connected(self, waits: bool) -> Any:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self.close()  # opened on another loop (tests run several): unusable on this one
            self._loop = loop
        if (connection := self._connections.get(waits)) is not None:
            return connection
        from psycopg import AsyncConnection

        try:
            connection = await AsyncConnection.connect(
                self._conninfo, autocommit=True, **self._connect_kwargs
            )
        except self._dialect.loaded_dbapi.Error as exc:
            raise as_sqlalchemy_error(self._dialect, exc) from exc
        if not waits:
            try:
                await connection.execute("SET synchronous_commit = off")
            except self._dialect.loaded_dbapi.Error as exc:
                connection.pgconn.finish()
                raise as_sqlalchemy_error(self._dialect, exc) from exc
        self._connections[waits] = connection
        return connection
