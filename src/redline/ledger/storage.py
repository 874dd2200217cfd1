"""The ledger's tables (SQLAlchemy Core) and the only statements that touch them.

Three tables, all append-only: entries, checkpoints, and an index of the entity ids each entry
declared (so intake can tell "unknown specimen" without replaying the ledger). Triggers refuse
UPDATE and DELETE on SQLite and PostgreSQL: an accident cannot rewrite history, and an operator
who drops the triggers to do it on purpose is what verification and exported checkpoints catch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from redline.ledger.checkpoint import Checkpoint
from redline.ledger.entry import Entry

metadata = sa.MetaData()

entries = sa.Table(
    "ledger_entries",
    metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("ts", sa.Text, nullable=False),
    sa.Column("event_time", sa.Text, nullable=False),
    sa.Column("inst_id", sa.Text, nullable=False),
    sa.Column("actor_id", sa.Text, nullable=False),
    sa.Column("event_type", sa.Text, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("payload_hash", sa.LargeBinary, nullable=False),
    sa.Column("prev_hash", sa.LargeBinary, nullable=False),
    sa.Column("entry_hash", sa.LargeBinary, nullable=False),
    sa.Column("signature", sa.Text, nullable=False),
)
sa.Index("ledger_entries_type", entries.c.event_type)

checkpoints = sa.Table(
    "ledger_checkpoints",
    metadata,
    sa.Column("tree_size", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("origin", sa.Text, nullable=False),
    sa.Column("root_hash", sa.LargeBinary, nullable=False),
    sa.Column("time", sa.Text, nullable=False),
    sa.Column("public_key", sa.Text, nullable=False),
    sa.Column("signature", sa.Text, nullable=False),
)

entities = sa.Table(
    "ledger_entities",
    metadata,
    sa.Column("kind", sa.Text, primary_key=True),
    sa.Column("entity_id", sa.Text, primary_key=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
)

sa.Index("ledger_entities_seq", entities.c.seq)

_TABLES = ("ledger_entries", "ledger_checkpoints", "ledger_entities")


def create_tables(engine: Engine) -> None:
    """Create the tables and the append-only triggers if they are not there yet."""
    metadata.create_all(engine)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            for table in _TABLES:
                for op in ("UPDATE", "DELETE"):
                    connection.exec_driver_sql(
                        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} "
                        f"ON {table} BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                    )
        elif engine.dialect.name == "postgresql":
            connection.exec_driver_sql(
                "CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION '%% is append-only', TG_TABLE_NAME; END $$ LANGUAGE plpgsql"
            )
            for table in _TABLES:
                exists = connection.exec_driver_sql(
                    "SELECT 1 FROM pg_trigger WHERE tgname = %(name)s",
                    {"name": f"{table}_append_only"},
                ).first()
                if not exists:
                    connection.exec_driver_sql(
                        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                        "FOR EACH ROW EXECUTE FUNCTION ledger_append_only()"
                    )


def drop_append_only_triggers(engine: Engine) -> None:
    """What a dishonest operator would do first; used by the tampering tests."""
    with engine.begin() as connection:
        for table in _TABLES:
            if engine.dialect.name == "sqlite":
                for op in ("update", "delete"):
                    connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{op}")
            else:
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")


def _entry(row: Any) -> Entry:
    return Entry(
        seq=row.seq,
        ts=row.ts,
        event_time=row.event_time,
        inst_id=row.inst_id,
        actor_id=row.actor_id,
        event_type=row.event_type,
        payload=row.payload,
        payload_hash=bytes(row.payload_hash),
        prev_hash=bytes(row.prev_hash),
        entry_hash=bytes(row.entry_hash),
        signature=row.signature,
    )


def head(connection: Connection) -> Entry | None:
    row = connection.execute(sa.select(entries).order_by(entries.c.seq.desc()).limit(1)).first()
    return _entry(row) if row else None


def entry_at(connection: Connection, seq: int) -> Entry | None:
    row = connection.execute(sa.select(entries).where(entries.c.seq == seq)).first()
    return _entry(row) if row else None


def iter_entries(
    engine: Engine,
    start: int = 0,
    *,
    event_types: Sequence[str] | None = None,
    page: int = 20_000,
) -> Iterator[Entry]:
    """Entries with seq >= start in seq order, read page by page (keyset pagination)."""
    after = start - 1
    while True:
        query = sa.select(entries).where(entries.c.seq > after)
        if event_types is not None:
            query = query.where(entries.c.event_type.in_(list(event_types)))
        with engine.connect() as connection:
            rows = connection.execute(query.order_by(entries.c.seq).limit(page)).all()
        if not rows:
            return
        for row in rows:
            yield _entry(row)
        after = rows[-1].seq


def leaf_values(engine: Engine, size: int) -> list[bytes]:
    """The entry hashes of entries [0, size) in seq order (for proofs)."""
    with engine.connect() as connection:
        query = sa.select(entries.c.entry_hash).where(entries.c.seq < size).order_by(entries.c.seq)
        return [bytes(value) for value in connection.execute(query).scalars()]


def insert_entries(connection: Connection, rows: Iterable[Entry]) -> None:
    values = [
        {
            "seq": e.seq,
            "ts": e.ts,
            "event_time": e.event_time,
            "inst_id": e.inst_id,
            "actor_id": e.actor_id,
            "event_type": e.event_type,
            "payload": e.payload,
            "payload_hash": e.payload_hash,
            "prev_hash": e.prev_hash,
            "entry_hash": e.entry_hash,
            "signature": e.signature,
        }
        for e in rows
    ]
    if values:
        connection.execute(entries.insert(), values)


def insert_entities(connection: Connection, rows: Sequence[tuple[str, str, int]]) -> None:
    if rows:
        connection.execute(
            entities.insert(), [{"kind": k, "entity_id": i, "seq": s} for k, i, s in rows]
        )


def entity_seq(connection: Connection, kind: str, entity_id: str) -> int | None:
    query = sa.select(entities.c.seq).where(
        entities.c.kind == kind, entities.c.entity_id == entity_id
    )
    return connection.execute(query).scalar()


def entities_after(connection: Connection, seq: int) -> Iterator[tuple[str, str, int]]:
    """(kind, id, seq) of the entities declared by entries after `seq`."""
    for row in connection.execute(sa.select(entities).where(entities.c.seq > seq)):
        yield row.kind, row.entity_id, row.seq


def insert_checkpoint(connection: Connection, checkpoint: Checkpoint) -> None:
    connection.execute(
        checkpoints.insert(),
        {
            "tree_size": checkpoint.tree_size,
            "origin": checkpoint.origin,
            "root_hash": checkpoint.root_hash,
            "time": checkpoint.time,
            "public_key": checkpoint.public_key,
            "signature": checkpoint.signature,
        },
    )


def all_checkpoints(engine: Engine) -> list[Checkpoint]:
    with engine.connect() as connection:
        rows = connection.execute(sa.select(checkpoints).order_by(checkpoints.c.tree_size)).all()
    return [
        Checkpoint(r.origin, r.tree_size, bytes(r.root_hash), r.time, r.public_key, r.signature)
        for r in rows
    ]
