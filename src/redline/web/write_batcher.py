"""Group commit for the inline path: concurrent requests share one write transaction.

Why: each screening request must be stored before it is answered, but a commit costs far more
than the insert (an fsync on PostgreSQL, the write lock on SQLite, shared by every worker).
Requests hand their rows to the worker's writer and wait; the writer commits everything pending
in one transaction while the event loop keeps screening. An idle service commits each request
alone at once (no timer, no added wait); a busy one commits many per transaction. A request's
rows are never split across transactions, so a failed commit fails every request in it and
writes nothing for any of them.

Two lanes: a commit holding a flagged decision waits for the disk and an allow-only one need
not (`web.durability`), so requests queue by which kind their commit is, and each lane commits
one transaction at a time, independently: an allow request never waits behind another
request's fsync (on PostgreSQL each lane has its own connection; on SQLite the fsync follows
the commit, in a thread).

How a transaction is committed depends on the database (`PostgresCommits`, `SqliteCommits`):
both keep a DB-API connection of their own below SQLAlchemy, whose pool checkout, statement
execution and commit bookkeeping cost several times the insert itself, and both wait for the
database without a thread hop on the way (handing a commit to a thread and back cost ~0.3 ms of
CPU per request: waking it, and the GIL passing to it and back from the busy event loop).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.engine import Engine

from redline.store.decisions import ScreenedPost
from redline.web.durability import Durability
from redline.web.postgres_commits import PostgresCommits
from redline.web.sqlite_commits import SqliteCommits


class Commits(Protocol):
    def waits_for_disk(self, rows: Sequence[ScreenedPost]) -> bool:
        """Whether committing `rows` waits for the disk flush: the writer's lane for them."""

    async def commit(self, rows: list[ScreenedPost]) -> None:
        """Store `rows` in one transaction; raise SQLAlchemy's error when it fails."""

    def close(self) -> None:
        """Close the connection(s), off the event loop too."""


class DecisionWriter:
    def __init__(self, engine: Engine, durable: Durability = "flagged") -> None:
        """`durable`: which commits are on disk before their requests are answered."""
        self._pending: dict[bool, list[tuple[Sequence[ScreenedPost], asyncio.Future[None]]]] = {
            False: [],
            True: [],
        }
        """Requests waiting for a commit, by lane (whether that commit waits for the disk)."""
        self._draining: set[bool] = set()
        self._commits: Commits = (
            PostgresCommits(engine, durable)
            if engine.dialect.name == "postgresql"
            else SqliteCommits(engine, durable)
        )

    async def write(self, posts: Sequence[ScreenedPost]) -> None:
        """Return once `posts` are committed; raise what the commit raised."""
        lane = self._commits.waits_for_disk(posts)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending[lane].append((posts, future))
        if lane not in self._draining:
            self._draining.add(lane)
            asyncio.get_running_loop().create_task(self._drain(lane))
        await future

    def close(self) -> None:
        """Let the commit in progress finish, then close the connection."""
        self._commits.close()

    async def _drain(self, lane: bool) -> None:
        try:
            while self._pending[lane]:
                batch, self._pending[lane] = self._pending[lane], []
                try:
                    await self._commits.commit([post for posts, _ in batch for post in posts])
                except Exception as exc:  # every waiter learns the commit failed
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                else:
                    for _, future in batch:
                        if not future.done():
                            future.set_result(None)
        finally:
            self._draining.discard(lane)
