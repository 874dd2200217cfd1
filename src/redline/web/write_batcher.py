"""Group commit for the inline path: concurrent requests share one write transaction.

Why: each screening request must be stored before it is answered, but a commit costs far more
than the insert (an fsync on PostgreSQL, the write lock on SQLite, shared by every worker).
Requests hand their rows to the worker's writer and wait; the writer commits everything pending
in one transaction, in a thread so the event loop keeps screening. An idle service commits each
request alone at once (no timer, no added wait); a busy one commits many per transaction. A
request's rows are never split across transactions, so a failed commit fails every request in
it and writes nothing for any of them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from redline.store.decisions import ScreenedPost, store_decisions


class DecisionWriter:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._pending: list[tuple[Sequence[ScreenedPost], asyncio.Future[None]]] = []
        self._draining = False

    async def write(self, posts: Sequence[ScreenedPost]) -> None:
        """Return once `posts` are committed; raise what the commit raised."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((posts, future))
        if not self._draining:
            self._draining = True
            asyncio.get_running_loop().create_task(self._drain())
        await future

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                rows = [post for posts, _ in batch for post in posts]
                try:
                    await run_in_threadpool(self._commit, rows)
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
        with self._engine.begin() as connection:
            store_decisions(connection, rows)
