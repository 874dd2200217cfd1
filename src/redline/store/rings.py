"""Rings that persist across batches: records, ring ids, and the history of merges and splits.

Each batch is added to the store and the whole stored graph is linked again (linking is cheap:
seconds for a million posts). What must be stable is the *names*: a ring keeps its id when it
grows; when rings merge, the result keeps the id of the largest (then oldest) predecessor; when
a ring splits, its largest part keeps the id. Every change is an event with its time and cause
(the contacts that joined the rings, or the contacts newly judged generic that split one).

Read API for other adapters (the review service): `list_rings`, `ring`, `ring_of`,
`ring_records`, `events`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from redline.link import LinkConfig, LinkGraph, LinkRecord, compute_rings
from redline.link.entities import EntityKey
from redline.store.engine import create_engine

MAX_ID_CHARS = 512
"""Longest record id stored; callers reject longer ones (see `redline link`)."""

metadata = sa.MetaData()

records_table = sa.Table(
    "link_records",
    metadata,
    sa.Column("record_id", sa.String(MAX_ID_CHARS), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("flagged", sa.Boolean, nullable=False),
    sa.Column("verdict", sa.String(16)),
    sa.Column("account", sa.Text),
    sa.Column("platform", sa.Text),
    sa.Column("created_at", sa.Text),
    sa.Column("entities", sa.Text, nullable=False),
    sa.Column("raw", sa.Text, nullable=False),
    sa.Column("decision", sa.Text),
    sa.Column("batch_id", sa.Integer, nullable=False),
    sa.Column("ring_id", sa.String(32), index=True),
)
rings_table = sa.Table(
    "link_rings",
    metadata,
    sa.Column("ring_id", sa.String(32), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("created_at", sa.String(64), nullable=False),
    sa.Column("updated_at", sa.String(64), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
)
events_table = sa.Table(
    "link_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(64), nullable=False),
    sa.Column("batch_id", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("ring_id", sa.String(32), nullable=False, index=True),
    sa.Column("related", sa.Text, nullable=False),
    sa.Column("cause", sa.Text, nullable=False),
)
batches_table = sa.Table(
    "link_batches",
    metadata,
    sa.Column("batch_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("at", sa.String(64), nullable=False),
    sa.Column("added", sa.Integer, nullable=False),
    sa.Column("duplicates", sa.Integer, nullable=False),
)

ACTIVE, MERGED, DISSOLVED = "active", "merged", "dissolved"


@dataclass(slots=True)
class StoredRecord:
    """A record to store: its graph form, the record as received, and its decision (posts)."""

    record: LinkRecord
    raw: dict[str, Any]
    decision: dict[str, Any] | None = None
    verdict: str | None = None


@dataclass(slots=True)
class BatchResult:
    batch_id: int
    added: int
    duplicates: int
    rings: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class RingStore:
    """Rings in a database (a path for SQLite, or a URL)."""

    def __init__(self, url: str, config: LinkConfig | None = None) -> None:
        self.engine: Engine = create_engine(url)
        self.config = config or LinkConfig()
        metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # writing ---------------------------------------------------------------------------------

    def add_batch(self, records: Iterable[StoredRecord], at: str | None = None) -> BatchResult:
        """Store new records (ids already stored are skipped and counted) and relink."""
        at = at or _now()
        with self.engine.begin() as connection:
            batch_id = (
                connection.execute(sa.select(sa.func.max(batches_table.c.batch_id))).scalar() or 0
            ) + 1
            existing = set(connection.execute(sa.select(records_table.c.record_id)).scalars())
            rows: dict[str, dict[str, Any]] = {}
            duplicates = 0
            for item in records:
                record = item.record
                if record.id in existing or record.id in rows:
                    duplicates += 1
                    continue
                rows[record.id] = {
                    "record_id": record.id,
                    "kind": record.kind,
                    "flagged": record.flagged,
                    "verdict": item.verdict,
                    "account": record.account,
                    "platform": record.platform,
                    "created_at": record.created_at,
                    "entities": _dumps([list(key) for key in record.entities]),
                    "raw": _dumps(item.raw),
                    "decision": _dumps(item.decision) if item.decision is not None else None,
                    "batch_id": batch_id,
                    "ring_id": None,
                }
            if rows:
                connection.execute(records_table.insert(), list(rows.values()))
            connection.execute(
                batches_table.insert(),
                {"batch_id": batch_id, "at": at, "added": len(rows), "duplicates": duplicates},
            )
            result = BatchResult(batch_id, len(rows), duplicates)
            self._relink(connection, batch_id, at, result)
        return result

    def _relink(self, connection: Connection, batch_id: int, at: str, result: BatchResult) -> None:
        graph, old_ring = _load_graph(connection)
        ring_set = compute_rings(graph, self.config)
        old_rings = {
            row.ring_id: row
            for row in connection.execute(
                sa.select(rings_table).where(rings_table.c.status == ACTIVE)
            )
        }
        next_number = _next_ring_number(connection)
        order = sorted(range(len(ring_set.rings)), key=lambda i: -len(ring_set.rings[i].records))
        assigned: dict[int, str] = {}
        claimed: set[str] = set()
        for index in order:
            ring = ring_set.rings[index]
            predecessors = Counter(
                old_ring[graph.record_ids[i]]
                for i in ring.records
                if old_ring.get(graph.record_ids[i])
            )
            choices = sorted(
                (p for p in predecessors if p in old_rings and p not in claimed),
                key=lambda p: (-old_rings[p].size, old_rings[p].created_at, p),
            )
            if choices:
                assigned[index] = choices[0]
            else:
                assigned[index] = f"ring-{next_number:06d}"
                next_number += 1
            claimed.add(assigned[index])

        new_of_record: dict[str, str] = {}
        for index, ring_id in assigned.items():
            for i in ring_set.rings[index].records:
                new_of_record[graph.record_ids[i]] = ring_id
        events: list[dict[str, Any]] = []

        def event(kind: str, ring_id: str, related: Sequence[str], cause: Any) -> None:
            events.append(
                {
                    "at": at,
                    "batch_id": batch_id,
                    "kind": kind,
                    "ring_id": ring_id,
                    "related": _dumps(sorted(related)),
                    "cause": _dumps(cause),
                }
            )

        cache: dict[str, dict[int, list[int]]] = {}

        def mentions() -> dict[int, list[int]]:
            if "all" not in cache:
                cache["all"] = _linking_mentions(graph, ring_set.generic)
            return cache["all"]

        ring_rows: list[dict[str, Any]] = []
        for index, ring_id in assigned.items():
            ring = ring_set.rings[index]
            data = ring_set.ring_dict(ring)
            data["ring_id"] = ring_id
            ids = [graph.record_ids[i] for i in ring.records]
            preds = Counter(old_ring.get(r) for r in ids)
            previous = old_rings.get(ring_id)
            absorbed = sorted(p for p in preds if p and p != ring_id and p in old_rings)
            if previous is None:
                event("created", ring_id, [], {"links": data["links"]})
            if absorbed:
                event(
                    "merged",
                    ring_id,
                    absorbed,
                    {"joined_by": _joining_links(graph, ring.records, old_ring, mentions())},
                )
            if previous is not None and len(ids) > previous.size and not absorbed:
                event(
                    "grew",
                    ring_id,
                    [],
                    {"batch": batch_id, "records_before": previous.size, "records_after": len(ids)},
                )
            ring_rows.append(
                {
                    "ring_id": ring_id,
                    "status": ACTIVE,
                    "size": len(ids),
                    "created_at": previous.created_at if previous else at,
                    "updated_at": at,
                    "data": _dumps(data),
                }
            )
            result.rings.append(data)

        now_in_of: dict[str, Counter] = {old_id: Counter() for old_id in old_rings}
        for record_id, old_id in old_ring.items():
            if old_id in now_in_of:
                now_in_of[old_id][new_of_record.get(record_id)] += 1
        retired: list[dict[str, Any]] = []
        for old_id, row in old_rings.items():
            now_in = now_in_of[old_id]
            parts = sorted(r for r in now_in if r is not None)
            if parts == [old_id] and None not in now_in:
                continue  # kept whole (it may have grown)
            cut = _cut_links(json.loads(row.data), graph, ring_set.generic)
            if len(parts) > 1 or (old_id in claimed and None in now_in):
                event(
                    "split",
                    old_id,
                    [p for p in parts if p != old_id],
                    {"generic_now": cut, "unlinked_records": now_in.get(None, 0)},
                )
            if old_id in claimed:
                continue
            if parts:
                status = MERGED
                if len(parts) == 1:
                    event("absorbed", old_id, parts, {"into": parts[0]})
            else:
                status = DISSOLVED
                event("dissolved", old_id, [], {"generic_now": cut})
            retired.append({"rid": old_id, "status": status, "at": at})
        if retired:
            connection.execute(
                rings_table.update()
                .where(rings_table.c.ring_id == sa.bindparam("rid"))
                .values(status=sa.bindparam("status"), updated_at=sa.bindparam("at")),
                retired,
            )
        kept = [
            {"rid": r["ring_id"], "size": r["size"], "at": at, "data": r["data"]}
            for r in ring_rows
            if r["ring_id"] in old_rings and r["data"] != old_rings[r["ring_id"]].data
        ]
        if kept:
            connection.execute(
                rings_table.update()
                .where(rings_table.c.ring_id == sa.bindparam("rid"))
                .values(
                    size=sa.bindparam("size"),
                    updated_at=sa.bindparam("at"),
                    data=sa.bindparam("data"),
                    status=ACTIVE,
                ),
                kept,
            )
        fresh = [r for r in ring_rows if r["ring_id"] not in old_rings]
        if fresh:
            connection.execute(rings_table.insert(), fresh)
        changed = [
            {"rid": r, "ring": new_of_record.get(r)}
            for r in set(old_ring) | set(new_of_record)
            if old_ring.get(r) != new_of_record.get(r)
        ]
        if changed:
            connection.execute(
                records_table.update()
                .where(records_table.c.record_id == sa.bindparam("rid"))
                .values(ring_id=sa.bindparam("ring")),
                changed,
            )
        if events:
            connection.execute(events_table.insert(), events)
        result.events = [
            {**e, "related": json.loads(e["related"]), "cause": json.loads(e["cause"])}
            for e in events
        ]

    # reading ---------------------------------------------------------------------------------

    def list_rings(
        self, *, status: str | None = ACTIVE, limit: int = 100, offset: int = 0
    ) -> list[dict[str, Any]]:
        """Rings, largest first: id, status, size, first/last update."""
        query = sa.select(
            rings_table.c.ring_id,
            rings_table.c.status,
            rings_table.c.size,
            rings_table.c.created_at,
            rings_table.c.updated_at,
        ).order_by(rings_table.c.size.desc(), rings_table.c.ring_id)
        if status is not None:
            query = query.where(rings_table.c.status == status)
        with self.engine.connect() as connection:
            rows = connection.execute(query.limit(limit).offset(offset))
            return [dict(row._mapping) for row in rows]

    def ring(self, ring_id: str) -> dict[str, Any] | None:
        """A ring's `rings.jsonl` object plus status and dates, or None."""
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(rings_table).where(rings_table.c.ring_id == ring_id)
            ).first()
        if row is None:
            return None
        data = json.loads(row.data)
        data.update(status=row.status, created_at=row.created_at, updated_at=row.updated_at)
        return data

    def ring_of(self, record_id: str) -> str | None:
        """The active ring a post (or shipment) belongs to, or None."""
        with self.engine.connect() as connection:
            return connection.execute(
                sa.select(records_table.c.ring_id).where(records_table.c.record_id == record_id)
            ).scalar()

    def ring_records(self, ring_id: str) -> list[dict[str, Any]]:
        """The ring's records as received, with verdict, decision, account and kind."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(records_table)
                .where(records_table.c.ring_id == ring_id)
                .order_by(records_table.c.created_at, records_table.c.record_id)
            )
            return [
                {
                    "id": row.record_id,
                    "kind": row.kind,
                    "verdict": row.verdict,
                    "account": row.account,
                    "platform": row.platform,
                    "created_at": row.created_at,
                    "entities": json.loads(row.entities),
                    "raw": json.loads(row.raw),
                    "decision": json.loads(row.decision) if row.decision else None,
                }
                for row in rows
            ]

    def events(self, ring_id: str | None = None) -> list[dict[str, Any]]:
        """Ring history, oldest first (all rings, or those naming `ring_id`)."""
        query = sa.select(events_table).order_by(events_table.c.id)
        if ring_id is not None:
            query = query.where(
                (events_table.c.ring_id == ring_id)
                | events_table.c.related.contains(f'"{ring_id}"')
            )
        with self.engine.connect() as connection:
            return [
                {
                    "at": row.at,
                    "batch_id": row.batch_id,
                    "kind": row.kind,
                    "ring_id": row.ring_id,
                    "related": json.loads(row.related),
                    "cause": json.loads(row.cause),
                }
                for row in connection.execute(query)
            ]


def _load_graph(connection: Connection) -> tuple[LinkGraph, dict[str, str]]:
    """The graph of every stored record, and each record's current ring id."""
    graph = LinkGraph()
    ring_of: dict[str, str] = {}
    kinds = {"post": 0, "waybill": 1, "seizure": 2}
    query = sa.select(
        records_table.c.record_id,
        records_table.c.kind,
        records_table.c.flagged,
        records_table.c.account,
        records_table.c.entities,
        records_table.c.ring_id,
    ).order_by(records_table.c.batch_id, records_table.c.record_id)
    for row in connection.execute(query):
        keys = [EntityKey(*pair) for pair in json.loads(row.entities)]
        if row.kind == "post" and not row.flagged:
            graph.add_benign(keys, row.account)
            continue
        graph.add_node(row.record_id, keys, row.account, kinds[row.kind], bool(row.flagged))
        if row.ring_id:
            ring_of[row.record_id] = row.ring_id
    return graph, ring_of


def _next_ring_number(connection: Connection) -> int:
    ids = connection.execute(sa.select(rings_table.c.ring_id)).scalars()
    return 1 + max((int(i.rsplit("-", 1)[1]) for i in ids), default=0)


def _linking_mentions(graph: LinkGraph, generic: dict[int, str]) -> dict[int, list[int]]:
    """Record index -> the non-generic contacts it mentions (built once per relink, on demand)."""
    by_record: dict[int, list[int]] = {}
    for r, e in zip(graph.mention_record, graph.mention_entity, strict=True):
        if e not in generic:
            by_record.setdefault(r, []).append(e)
    return by_record


def _joining_links(
    graph: LinkGraph, records: list[int], old_ring: dict[str, str], mentions: dict[int, list[int]]
) -> list[dict[str, str]]:
    """Contacts and accounts whose records in this ring came from different predecessors."""
    label = {i: old_ring.get(graph.record_ids[i], "new") for i in records}
    seen: dict[int, set[str]] = {}
    accounts: dict[int, set[str]] = {}
    for r in records:
        for e in mentions.get(r, ()):
            seen.setdefault(e, set()).add(label[r])
    for i in records:
        if graph.record_account[i] >= 0:
            accounts.setdefault(graph.record_account[i], set()).add(label[i])
    found = [graph.entity_keys[e].to_dict() for e, labels in seen.items() if len(labels) > 1]
    found += [
        {"type": "account", "value": graph.account_names[a]}
        for a, labels in accounts.items()
        if len(labels) > 1
    ]
    return sorted(found, key=lambda d: (d["type"], d["value"]))


def _cut_links(old: dict[str, Any], graph: LinkGraph, generic: dict[int, str]) -> list[dict]:
    """Links that held an old ring together and are now judged generic, with why."""
    reasons = {graph.entity_keys[e]: why for e, why in generic.items()}
    out = []
    for link in old.get("links", []):
        if link.get("kind") != "entity":
            continue
        why = reasons.get(EntityKey(link["type"], link["value"]))
        if why:
            out.append({"type": link["type"], "value": link["value"], "reason": why})
    return out
