"""The ledger: append submissions, sign checkpoints, hand out entries and proofs.

One `append` call is one database transaction: every accepted event of the batch is written, or
none is (a failure rolls the whole batch back, and `all_or_nothing` refuses the batch when any
event is refused). Entries get dense `seq` numbers and are chained to the entry before.
Concurrent writers in two processes would both try to take the next `seq`; the primary key lets
one win and the other's transaction fail, never a fork of the chain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import orjson
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import Connection, Engine

from redline.ledger import checkpoint as checkpoints_mod
from redline.ledger import storage
from redline.ledger.checkpoint import Checkpoint
from redline.ledger.entry import GENESIS_HASH, Entry, Submission
from redline.ledger.events import parse_time
from redline.ledger.intake import (
    EntityIndex,
    EntryRef,
    Intake,
    IntakeError,
    entry_ref,
    institution_key,
)
from redline.ledger.merkle import CompactRange, consistency_proof, inclusion_proof, leaf_hash
from redline.run.reader import Reject

_INSERT_CHUNK = 5_000


def utc_now() -> str:
    return recorded_time(datetime.now(UTC))


def recorded_time(when: datetime) -> str:
    """The one form of `ts` (UTC, microseconds, Z), so that string order is time order."""
    return when.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class ConcurrentAppendError(RuntimeError):
    """Another writer took the next `seq` first; nothing of this batch was written."""


@dataclass(slots=True)
class AppendReport:
    """What one `append` did: how many entries were written (and, unless told not to keep them,
    the entries), and the events refused."""

    appended: list[Entry] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    read: int = 0
    written: int = 0
    first_seq: int | None = None
    last_seq: int | None = None

    @property
    def balanced(self) -> bool:
        return self.read == self.written + len(self.rejects)


Numbered = tuple[int, Submission] | Reject
"""An input record: a parsed submission with its line number, or a line already refused."""


class Ledger:
    """A ledger in a database opened with `redline.store.engine.create_engine`."""

    def __init__(self, engine: Engine):
        self.engine = engine
        storage.create_tables(engine)
        self._index = EntityIndex()
        self._indexed_to = -1
        self._tree: CompactRange | None = None

    @classmethod
    def open(cls, url: str | Path, *, sqlite_synchronous: str = "NORMAL") -> Ledger:
        """`sqlite_synchronous="FULL"` where an append is acknowledged to someone who may hold
        on to it (the HTTP intake): on SQLite it is then on disk when `append` returns."""
        from redline.store.engine import create_engine

        return cls(create_engine(url, sqlite_synchronous=sqlite_synchronous))

    # --- reading ------------------------------------------------------------------------------

    def size(self) -> int:
        with self.engine.connect() as connection:
            last = storage.head(connection)
        return 0 if last is None else last.seq + 1

    def entries(self, start: int = 0, event_types: Sequence[str] | None = None) -> Iterator[Entry]:
        return storage.iter_entries(self.engine, start, event_types=event_types)

    def entry(self, seq: int) -> Entry | None:
        with self.engine.connect() as connection:
            return storage.entry_at(connection, seq)

    def checkpoints(self) -> list[Checkpoint]:
        return storage.all_checkpoints(self.engine)

    # --- appending ----------------------------------------------------------------------------

    def _refresh_index(self) -> None:
        """Bring the entity index up to the entries written since (by anyone)."""
        with self.engine.connect() as connection:
            rows = list(storage.entities_after(connection, self._indexed_to))
        for kind, entity_id, seq in rows:
            self._index.add(kind, entity_id, seq)
            if kind == "institution":
                registered = self.entry(seq)
                assert registered is not None
                payload = registered.payload_dict()
                self._index.institutions[entity_id] = institution_key(payload)
        if rows:
            self._indexed_to = max(seq for _, _, seq in rows)

    def append(
        self,
        records: Iterable[Numbered | Submission],
        *,
        source: str = "<input>",
        all_or_nothing: bool = False,
        ts_of: Callable[[Submission], str] | None = None,
        keep_entries: bool = True,
    ) -> AppendReport:
        """Validate and append records in one transaction; refused ones become `Reject`s.

        `ts_of` gives the recording time (default: now, never earlier than the previous entry).
        `keep_entries=False` keeps only counts in the report, so a huge import stays small.
        """
        self._refresh_index()
        report = AppendReport()
        tree = self._tree.copy() if self._tree is not None else None
        try:
            with self.engine.begin() as connection:
                writer = _BatchWriter(connection, self._index, tree, report, keep_entries)
                writer.write(records, source, ts_of)
                if all_or_nothing and report.rejects:
                    connection.rollback()
                    report.appended, report.written = [], 0
                    report.first_seq = report.last_seq = None
                    return report
                writer.finish()
        except sa.exc.IntegrityError as exc:
            raise ConcurrentAppendError(
                "another writer appended at the same time; nothing was written, run it again"
            ) from exc
        writer.intake.commit()
        self._tree = tree if writer.tree_in_step else None
        return report

    # --- checkpoints and proofs ---------------------------------------------------------------

    def tree(self) -> CompactRange:
        """The compact Merkle range over every entry (kept in step with this object's appends)."""
        size = self.size()
        if self._tree is None or self._tree.size != size:
            tree = CompactRange()
            for value in storage.leaf_values(self.engine, size):
                tree.append(value)
            self._tree = tree
        return self._tree

    def checkpoint(
        self, key: Ed25519PrivateKey, origin: str, time: str | None = None
    ) -> Checkpoint:
        """Sign the current tree head and store it (a no-op returning the last one if unchanged)."""
        tree = self.tree()
        existing = [c for c in self.checkpoints() if c.tree_size == tree.size]
        if existing:
            return existing[0]
        signed = checkpoints_mod.sign(key, origin, tree.size, tree.root(), time or utc_now())
        with self.engine.begin() as connection:
            storage.insert_checkpoint(connection, signed)
        return signed

    def checkpoint_due(self, every_entries: int | None, every_minutes: float | None) -> bool:
        """Whether a checkpoint policy ("every N entries or T minutes") calls for one now."""
        signed = self.checkpoints()
        size = self.size()
        if not signed:
            return size > 0
        last = signed[-1]
        if size == last.tree_size:
            return False
        if every_entries is not None and size - last.tree_size >= every_entries:
            return True
        if every_minutes is not None:
            age = datetime.now(UTC) - parse_time(last.time)
            return age.total_seconds() >= every_minutes * 60
        return every_entries is None

    def inclusion_proof(self, seq: int, tree_size: int | None = None) -> list[bytes]:
        size = self.size() if tree_size is None else tree_size
        values = storage.leaf_values(self.engine, size)
        return inclusion_proof(seq, [leaf_hash(v) for v in values])

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        values = storage.leaf_values(self.engine, new_size)
        return consistency_proof(old_size, [leaf_hash(v) for v in values])


class _BatchWriter:
    """Checks, chains and inserts the records of one `append`, inside its transaction.

    Corrections may name entries of the same batch: `lookup` flushes what is pending and reads
    through the transaction's own connection, which sees its uncommitted rows, so nothing of
    the batch has to stay in memory.
    """

    def __init__(
        self,
        connection: Connection,
        index: EntityIndex,
        tree: CompactRange | None,
        report: AppendReport,
        keep_entries: bool,
    ) -> None:
        self.connection = connection
        self.report = report
        self.keep_entries = keep_entries
        self.intake = Intake(index, self.lookup)
        self.pending: list[Entry] = []
        self.declared: list[tuple[str, str, int]] = []
        last = storage.head(connection)
        self.seq = 0 if last is None else last.seq + 1
        self.prev_hash = GENESIS_HASH if last is None else last.entry_hash
        self.last_ts = "" if last is None else last.ts
        self.tree = tree
        self.tree_in_step = tree is not None and tree.size == self.seq

    def lookup(self, seq: int) -> EntryRef | None:
        self.flush()
        found = storage.entry_at(self.connection, seq)
        return entry_ref(found.inst_id, found.event_type, found.payload) if found else None

    def write(
        self,
        records: Iterable[Numbered | Submission],
        source: str,
        ts_of: Callable[[Submission], str] | None,
    ) -> None:
        report = self.report
        for number, record in enumerate(records, 1):
            report.read += 1
            if isinstance(record, Reject):
                report.rejects.append(record)
                continue
            line, sub = record if isinstance(record, tuple) else (number, record)
            try:
                declared, canonical = self.intake.check(sub)
            except IntakeError as exc:
                report.rejects.append(Reject(source, line, str(exc), _raw(sub)))
                continue
            when = recorded_time(parse_time(ts_of(sub))) if ts_of else utc_now()
            self._add(sub, declared, canonical, max(when, self.last_ts))

    def _add(
        self, sub: Submission, declared: list[tuple[str, str]], canonical: bytes, ts: str
    ) -> None:
        entry = Entry.chain(sub, self.seq, ts, self.prev_hash, canonical)
        self.intake.accept(sub, self.seq, declared)
        self.declared.extend((kind, value, self.seq) for kind, value in declared)
        self.pending.append(entry)
        report = self.report
        if self.keep_entries:
            report.appended.append(entry)
        report.written += 1
        report.first_seq = self.seq if report.first_seq is None else report.first_seq
        report.last_seq = self.seq
        if self.tree_in_step and self.tree is not None:
            self.tree.append(entry.entry_hash)
        self.seq, self.prev_hash, self.last_ts = self.seq + 1, entry.entry_hash, ts
        if len(self.pending) >= _INSERT_CHUNK:
            self.flush()

    def flush(self) -> None:
        storage.insert_entries(self.connection, self.pending)
        storage.insert_entities(self.connection, self.declared)
        self.pending, self.declared = [], []

    def finish(self) -> None:
        self.flush()


def _raw(sub: Submission) -> str:
    try:
        return orjson.dumps(sub.to_dict()).decode()[:2000]
    except TypeError:
        return str(sub.to_dict())[:2000]
