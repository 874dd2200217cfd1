"""The inline writer's commits on SQLite: on the event loop, checkpoints in a thread.

Why on the loop: in WAL mode with synchronous=NORMAL a commit writes the WAL without an fsync,
~0.1 ms of CPU: less than handing it to a thread and back costs. Two things could stall the
loop, so neither happens on it:

- the other worker's write lock: this connection has no busy timeout, so `BEGIN IMMEDIATE`
  fails at once when the lock is taken, and the writer retries after sleeping on the loop
  (1, 2, 4... ms, up to the engine's busy timeout, then 503 as before; the loop screens on);
- checkpoints (copying the WAL into the database file, with fsyncs: 3-12 ms every few hundred
  commits): automatic checkpoints are off on this connection. Every `CHECKPOINT_EVERY` commits
  a PASSIVE checkpoint runs in a thread on a second connection while commits go on; if commits
  made meanwhile were left uncopied, the next commit first waits for a short second checkpoint
  of just those, so the WAL is copied whole and restarts from its beginning instead of growing.

Durable commits (`web.durability`: by default those holding a flagged decision) are answered
only once the WAL is on disk: after the commit, a thread fsyncs the WAL file, while the loop
screens on and other commits go ahead (the write lock is already released: a commit with
synchronous=FULL would hold it, and every other writer, through the fsync). That fsync is what
FULL would have done at the same point; if a checkpoint has meanwhile copied the commit into the
database file, it synced the WAL before copying and the database after. So a power cut can take
the last allow decisions, as before, but never a flagged decision or its review item.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy.engine import Engine

from redline.store import engine as store_engine
from redline.store.decisions import ScreenedPost, insert_decisions
from redline.web import durability
from redline.web.dbapi_errors import as_sqlalchemy_error
from redline.web.durability import Durability

CHECKPOINT_EVERY = 100
"""Commits between checkpoints: ~470 WAL pages (~2 MB) at ~4.7 pages per one-post commit."""
FIRST_RETRY_S, LONGEST_RETRY_S = 0.001, 0.05


class SqliteCommits:
    def __init__(self, engine: Engine, durable: Durability = "flagged") -> None:
        self._engine = engine
        self._durable = durability.check_durability(durable)
        self._connection: Any = None  # the loop's
        self._checkpointer: Any = None  # the thread's
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-checkpoint")
        self._syncer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-fsync")
        self._database_file = ""  # as SQLite names it; "" for an in-memory database
        self._since_checkpoint = 0
        self._checkpointing: asyncio.Task[None] | None = None
        self._uncopied = False  # the last checkpoint left commits made meanwhile in the WAL

    def waits_for_disk(self, rows: Sequence[ScreenedPost]) -> bool:
        """Whether the commit of `rows` is answered only once the WAL is on disk."""
        return durability.waits_for_disk(self._durable, rows)

    async def commit(self, rows: list[ScreenedPost]) -> None:
        if self._uncopied:
            self._uncopied = False
            await self._checkpoint()
        await self._store(rows)
        self._since_checkpoint += 1
        loop = asyncio.get_running_loop()
        if self._since_checkpoint >= CHECKPOINT_EVERY and self._checkpointing is None:
            self._since_checkpoint = 0
            self._checkpointing = loop.create_task(self._checkpoint_aside())
        if self._database_file and self.waits_for_disk(rows):
            await loop.run_in_executor(self._syncer, self._sync_log, self._database_file)

    def close(self) -> None:
        """Let a checkpoint or an fsync in progress finish, then close both connections."""
        self._thread.shutdown(wait=True)
        self._syncer.shutdown(wait=True)
        for connection in (self._connection, self._checkpointer):
            if connection is not None:
                connection.close()
        self._connection = self._checkpointer = None

    async def _store(self, rows: list[ScreenedPost]) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + store_engine.SQLITE_BUSY_TIMEOUT_MS / 1000
        delay = FIRST_RETRY_S
        dialect = self._engine.dialect
        while True:
            connection = self._connected()
            try:
                connection.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                busy = exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
                if busy and loop.time() + delay < deadline:
                    await asyncio.sleep(delay)
                    delay = min(2 * delay, LONGEST_RETRY_S)
                    continue
                raise as_sqlalchemy_error(dialect, exc) from exc
            try:
                insert_decisions(connection, dialect, rows)
                connection.commit()
                return
            except BaseException as exc:
                self._discard()
                if isinstance(exc, sqlite3.Error):
                    raise as_sqlalchemy_error(dialect, exc) from exc
                raise

    def _connected(self) -> Any:
        if self._connection is None:
            connection = self._open()
            connection.execute("PRAGMA busy_timeout=0")  # never sleep on the event loop
            connection.execute("PRAGMA wal_autocheckpoint=0")  # nor checkpoint there
            connection.execute("PRAGMA synchronous=NORMAL")  # nor fsync: `_sync_log` does
            self._database_file = connection.execute("PRAGMA database_list").fetchone()[2]
            self._connection = connection
        return self._connection

    @staticmethod
    def _sync_log(database_file: str) -> None:
        """fsync the WAL (in the fsync thread): every commit in it is then on disk. Any
        descriptor of a file flushes all of that file. No WAL file: it was checkpointed into the
        database file and removed, so that is synced instead."""
        try:
            descriptor = os.open(database_file + "-wal", os.O_RDONLY)
        except FileNotFoundError:
            descriptor = os.open(database_file, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def _open(self) -> Any:
        pooled = self._engine.raw_connection()  # the engine's pragmas: WAL, foreign keys...
        connection = pooled.driver_connection
        pooled.detach()  # ours from now on: the pool neither counts nor reuses it
        return connection

    def _discard(self) -> None:
        """Roll back and drop the loop's connection: the next commit opens a fresh one."""
        connection, self._connection = self._connection, None
        with contextlib.suppress(sqlite3.Error):  # already broken: closing it is all that is left
            connection.rollback()
        connection.close()

    async def _checkpoint_aside(self) -> None:
        try:
            self._uncopied = not await self._checkpoint()
        finally:
            self._checkpointing = None

    async def _checkpoint(self) -> bool:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, self._checkpoint_in_thread)

    def _checkpoint_in_thread(self) -> bool:
        """A PASSIVE checkpoint; True when the whole WAL is now in the database file.

        A failure only postpones copying: SQLite stays consistent, the next one tries again.
        """
        try:
            if self._checkpointer is None:
                self._checkpointer = self._open()
            busy, logged, copied = self._checkpointer.execute(
                "PRAGMA wal_checkpoint(PASSIVE)"
            ).fetchone()
        except sqlite3.Error:
            if self._checkpointer is not None:
                self._checkpointer.close()
                self._checkpointer = None
            return False
        return not busy and logged == copied
