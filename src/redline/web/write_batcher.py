"""Group commit for the inline path: concurrent requests share one write transaction.

Why: each screening request must be stored before it is answered, but a commit costs far more
than the insert (an fsync on PostgreSQL, the write lock on SQLite, shared by every worker).
Requests hand their rows to the worker's writer and wait; the writer commits everything pending
in one transaction, in its own thread so the event loop keeps screening. An idle service commits
each request alone at once (no timer, no added wait); a busy one commits many per transaction. A
request's rows are never split across transactions, so a failed commit fails every request in
it and writes nothing for any of them.

Why a connection of its own, below SQLAlchemy: per transaction, SQLAlchemy's pool checkout (with
its liveness ping on PostgreSQL), statement execution and commit bookkeeping cost several times
the insert itself. The writer keeps one DB-API connection; on PostgreSQL it runs in autocommit,
since `insert_decisions` is there a single statement: one round trip per transaction instead of
four or five (ping, BEGIN, INSERTs, COMMIT). A connection the database dropped is replaced and
the batch retried once on the new one: safe, since storing is insert-or-ignore (a batch that did
commit before the drop stores nothing twice and opens no second review item).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from redline.store.decisions import ScreenedPost, insert_decisions


class DecisionWriter:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._pending: list[tuple[Sequence[ScreenedPost], asyncio.Future[None]]] = []
        self._draining = False
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="decision-writer")
        self._connection: Any = None  # the DB-API connection, opened by the first commit

    async def write(self, posts: Sequence[ScreenedPost]) -> None:
        """Return once `posts` are committed; raise what the commit raised."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((posts, future))
        if not self._draining:
            self._draining = True
            asyncio.get_running_loop().create_task(self._drain())
        await future

    def close(self) -> None:
        """Let the commit in progress finish, then close the connection."""
        self._thread.shutdown(wait=True)
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                rows = [post for posts, _ in batch for post in posts]
                try:
                    await loop.run_in_executor(self._thread, self._commit, rows)
                except Exception as exc:  # every waiter learns the commit failed
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                else:
                    for _, future in batch:
                        if not future.done():
                            future.set_result(None)
        finally:
            self._draining = False

    def _commit(self, rows: list[ScreenedPost]) -> None:
        """Store `rows` in one transaction; DB-API errors come out as SQLAlchemy's (the app
        answers `OperationalError` with 503)."""
        dialect = self._engine.dialect
        for attempt in (1, 2):
            connection = self._connect() if self._connection is None else self._connection
            try:
                insert_decisions(connection, dialect, rows)
                connection.commit()
                return
            except dialect.loaded_dbapi.Error as exc:
                dropped = dialect.is_disconnect(exc, connection, None)
                self._discard(connection)
                if not (dropped and attempt == 1):
                    raise sa.exc.DBAPIError.instance(
                        None, None, exc, dialect.loaded_dbapi.Error, dialect=dialect
                    ) from exc
            except BaseException:
                self._discard(connection)
                raise

    def _connect(self) -> Any:
        pooled = self._engine.raw_connection()
        connection = pooled.driver_connection
        pooled.detach()  # the writer's own from now on: the pool neither counts nor reuses it
        if self._engine.dialect.name == "postgresql":
            connection.autocommit = True
        self._connection = connection
        return connection

    def _discard(self, connection: Any) -> None:
        """Roll back and drop the connection: the next commit starts from a fresh one."""
        self._connection = None
        try:
            connection.rollback()
            connection.close()
        except Exception:  # already broken: closing it is all that is left
            connection.close()
