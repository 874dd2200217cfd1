"""An append-only, hash-chained audit log of reviewers' decisions and admins' actions.

Each entry's `hash` is SHA-256 over the previous entry's hash and the entry's canonical JSON
(sorted keys, no spaces, UTF-8), so changing, removing or reordering any entry breaks the chain
from there on. The chain's order is the links, not the `seq` column: a row moved to another
`seq` still verifies on its own and is reported as reordered. The one-row `audit_head` holds the
last entry's number and hash; appends lock it, so concurrent writers never fork the chain, and
verification compares the log's tail with it, so removing the newest entries shows too.

The database itself refuses edits: triggers (migration revision 0003) abort
any UPDATE or DELETE of `audit_log` (and TRUNCATE on PostgreSQL) with "audit_log is append-only".
The chain remains the proof for whoever can drop triggers (DDL rights, a restored backup).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from redline.store.tables import APPEND_ONLY_TRIGGERS, audit_head, audit_log, utcnow

GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    subject: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(slots=True)
class AuditReport:
    """What `verify` found: entries checked and one line per problem (empty when intact)."""

    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, at: str, actor: str, action: str, subject: str, details: str) -> str:
    """The hash of one entry; `details` is already canonical JSON text."""
    body = canonical_json(
        {"prev_hash": prev_hash, "at": at, "actor": actor, "action": action,
         "subject": subject, "details": json.loads(details)}
    )  # fmt: skip
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append(
    connection: Connection,
    actor: str,
    action: str,
    subject: str,
    details: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEntry:
    """Add an entry in the caller's transaction (it commits or rolls back with the action).

    The first statement bumps the head row, which takes its write lock (PostgreSQL: row lock;
    SQLite: the database write lock) before the previous hash is read.
    """
    connection.execute(
        audit_head.update().where(audit_head.c.id == 1).values(seq=audit_head.c.seq + 1)
    )
    seq, prev_hash = connection.execute(
        sa.select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)
    ).one()
    at = (now or utcnow()).isoformat(timespec="microseconds")
    text = canonical_json(dict(details or {}))
    digest = entry_hash(prev_hash, at, actor, action, subject, text)
    connection.execute(
        audit_log.insert().values(
            seq=seq, at=at, actor=actor, action=action, subject=subject, details=text,
            prev_hash=prev_hash, hash=digest,
        )
    )  # fmt: skip
    connection.execute(audit_head.update().where(audit_head.c.id == 1).values(hash=digest))
    return AuditEntry(seq, at, actor, action, subject, json.loads(text), prev_hash, digest)


def _entry(row: sa.Row[Any]) -> AuditEntry:
    return AuditEntry(
        row.seq, row.at, row.actor, row.action, row.subject, json.loads(row.details),
        row.prev_hash, row.hash,
    )  # fmt: skip


def entries(
    connection: Connection,
    *,
    subject: str | None = None,
    newest_first: bool = False,
    limit: int | None = None,
) -> list[AuditEntry]:
    query = sa.select(audit_log)
    if subject is not None:
        query = query.where(audit_log.c.subject == subject)
    order = audit_log.c.seq.desc() if newest_first else audit_log.c.seq
    query = query.order_by(order).limit(limit)
    return [_entry(row) for row in connection.execute(query)]


def _head(connection: Connection) -> tuple[int, str]:
    seq, hash_ = connection.execute(
        sa.select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)
    ).one()
    return seq, hash_


def verify(connection: Connection) -> AuditReport:
    """Walk the log in `seq` order; report each entry changed, removed or reordered.

    Entries may be appended while it runs (each statement sees what was committed when it
    started): the head is read before the entries, so every entry up to it must be among them,
    and again after, so entries past the first head are the log's own if the head has moved
    over them meanwhile, and added behind its back if not."""
    head_seq, head_hash = _head(connection)
    rows = list(connection.execute(sa.select(audit_log).order_by(audit_log.c.seq)))
    report = AuditReport(checked=len(rows))
    seq_of_hash = {row.hash: row.seq for row in rows}
    previous_hash, previous_seq = GENESIS_HASH, 0
    for row in rows:
        if row.seq != previous_seq + 1:
            missing = (
                f"{previous_seq + 1}"
                if row.seq == previous_seq + 2
                else (f"{previous_seq + 1}-{row.seq - 1}")
            )
            report.problems.append(f"entry {missing} removed (numbering jumps to {row.seq})")
        recomputed = entry_hash(
            row.prev_hash, row.at, row.actor, row.action, row.subject, row.details
        )
        if recomputed != row.hash:
            report.problems.append(f"entry {row.seq} changed (its hash no longer matches)")
        elif row.prev_hash != previous_hash:
            if row.prev_hash in seq_of_hash:
                report.problems.append(
                    f"entry {row.seq} reordered (it was written after entry "
                    f"{seq_of_hash[row.prev_hash]}, not after entry {previous_seq})"
                )
            elif row.seq == previous_seq + 1:
                report.problems.append(
                    f"entry {row.seq} does not follow entry {previous_seq}: "
                    "an entry before it was removed or changed"
                )
        previous_hash, previous_seq = row.hash, row.seq
    hash_at = {0: GENESIS_HASH, **{row.seq: row.hash for row in rows}}
    if head_seq > previous_seq:
        report.problems.append(
            f"entries {previous_seq + 1}-{head_seq} removed (the log ends before its head)"
        )
    elif hash_at.get(head_seq) != head_hash:
        report.problems.append(f"entry {head_seq} changed or replaced (the head records another)")
    elif previous_seq > _head(connection)[0]:
        report.problems.append(f"entries after {head_seq} were added outside the log's head")
    return report


def triggers(connection: Connection) -> set[str]:
    """The names of the triggers on `audit_log` (SQLite or PostgreSQL)."""
    if connection.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
    else:
        query = (
            "SELECT tgname FROM pg_trigger "
            "WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal"
        )
    return set(connection.exec_driver_sql(query).scalars())


def is_append_only(connection: Connection) -> bool:
    """Whether the database refuses UPDATE and DELETE of audit entries (its triggers are there)."""
    wanted = APPEND_ONLY_TRIGGERS.get(connection.dialect.name)
    return wanted is not None and wanted <= triggers(connection)
