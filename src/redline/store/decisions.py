"""Screened posts and their decisions, each stored exactly once, and the review items they open.

Why insert-or-ignore: a platform retries a request it timed out on, and two server workers may
screen the same post at once; the first write wins and every later one is a no-op, so a post id
is never stored twice and never rewritten under a reviewer's feet.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from redline.store.tables import decisions, review_items, utcnow

FLAGGED = ("violating", "review")
"""Verdicts that open a review item; `allow` never reaches the queue."""


@dataclass(frozen=True, slots=True)
class ScreenedPost:
    """What is stored for one screened post: its text, its decision dict, who sent it."""

    text: str
    decision: Mapping[str, Any]
    source: str
    meta: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class StoredDecision:
    """A row of `decisions`, decoded."""

    id: str
    text: str
    verdict: str
    score: float
    packs: tuple[str, ...]
    decision: dict[str, Any]
    meta: dict[str, Any] | None
    source: str
    screened_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """The decision JSON of `scan`, plus the text and when and by whom it was screened."""
        return {
            **self.decision,
            "text": self.text,
            "screened_at": self.screened_at.isoformat(),
            "source": self.source,
        }


@functools.cache
def _insert_new_decisions(dialect_name: str) -> Any:
    """`INSERT ... ON CONFLICT DO NOTHING RETURNING id`, built once per dialect (building it
    costs more than running it on the inline path)."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return dialect.insert(decisions).on_conflict_do_nothing().returning(decisions.c.id)


def _packs_of(decision: Mapping[str, Any]) -> str:
    packs = sorted({clause["pack"] for clause in decision.get("clauses", ())})
    return "," + ",".join(packs) + "," if packs else ","


def store_decisions(
    connection: Connection, posts: Sequence[ScreenedPost], now: datetime | None = None
) -> list[str]:
    """Insert each post not stored yet (in the caller's transaction); returns the new ids.

    Flagged new posts also get an open review item, in the same transaction.
    """
    if not posts:
        return []
    now = now or utcnow()
    rows = [
        {
            "id": post.decision["id"],
            "text": post.text,
            "verdict": post.decision["verdict"],
            "score": float(post.decision["score"]),
            "packs": _packs_of(post.decision),
            "decision": orjson.dumps(post.decision).decode(),
            "meta": orjson.dumps(dict(post.meta)).decode() if post.meta else None,
            "source": post.source,
            "screened_at": now,
        }
        for post in posts
    ]
    statement = _insert_new_decisions(connection.dialect.name)
    if len(rows) == 1:
        inserted = list(connection.execute(statement, rows[0]).scalars())
    else:
        inserted = list(connection.execute(statement, rows).scalars())
    new = set(inserted)
    first_of = {row["id"]: row for row in reversed(rows)}  # a repeated id: its first row won
    items = [
        {"decision_id": row["id"], "score": row["score"], "status": "open", "updated_at": now}
        for post_id, row in first_of.items()
        if post_id in new and row["verdict"] in FLAGGED
    ]
    if items:
        connection.execute(review_items.insert(), items)
    return inserted


def _decode(row: sa.Row[Any]) -> StoredDecision:
    return StoredDecision(
        id=row.id,
        text=row.text,
        verdict=row.verdict,
        score=row.score,
        packs=tuple(p for p in row.packs.split(",") if p),
        decision=orjson.loads(row.decision),
        meta=orjson.loads(row.meta) if row.meta else None,
        source=row.source,
        screened_at=row.screened_at,
    )


def get_decision(connection: Connection, decision_id: str) -> StoredDecision | None:
    row = connection.execute(sa.select(decisions).where(decisions.c.id == decision_id)).first()
    return _decode(row) if row else None


def find_decisions(
    connection: Connection,
    *,
    verdict: str | None = None,
    pack: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[StoredDecision]:
    """Stored decisions, oldest first, by verdict, pack and screening time [since, until)."""
    query = sa.select(decisions)
    if verdict is not None:
        query = query.where(decisions.c.verdict == verdict)
    if pack is not None:
        escaped = pack.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(decisions.c.packs.like(f"%,{escaped},%", escape="\\"))
    if since is not None:
        query = query.where(decisions.c.screened_at >= since)
    if until is not None:
        query = query.where(decisions.c.screened_at < until)
    query = query.order_by(decisions.c.screened_at, decisions.c.id).limit(limit).offset(offset)
    return [_decode(row) for row in connection.execute(query)]


def count_decisions(connection: Connection) -> tuple[int, int]:
    """(rows, distinct ids): equal unless the exactly-once guarantee was broken."""
    rows = connection.execute(sa.select(sa.func.count()).select_from(decisions)).scalar_one()
    distinct = connection.execute(
        sa.select(sa.func.count(sa.distinct(decisions.c.id)))
    ).scalar_one()
    return rows, distinct
