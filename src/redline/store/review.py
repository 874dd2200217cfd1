"""The review queue: claims that lock a post to one reviewer, and reviewers' decisions.

Why conditional UPDATEs: "is it free? then take it" as two statements lets two reviewers both
see a post free. `claim` is one UPDATE whose WHERE says "free, expired, or already mine"; the
database applies it to at most one claimant, and the row count says who won. `decide` is one
UPDATE whose WHERE says "still claimed by me, not expired": a reviewer whose claim lapsed and
was taken over cannot overwrite the new reviewer's work.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from redline.store import audit
from redline.store.tables import decisions, review_decisions, review_items, utcnow

ACTIONS = {"confirm": "confirmed", "dismiss": "dismissed", "escalate": "escalated"}
"""Each reviewer action and the status it leaves the item in."""
LABELS = {"confirm": "violating_ad", "dismiss": "benign"}
"""What a final action says about the post, for retraining."""
DEFAULT_CLAIM_TTL = timedelta(minutes=10)


class ClaimError(RuntimeError):
    """The item is not claimed by this reviewer (never claimed, expired and taken, or decided)."""


@dataclass(frozen=True, slots=True)
class QueueItem:
    id: str
    score: float
    verdict: str
    status: str
    claimed_by: str | None
    claim_expires_at: datetime | None
    text: str

    def claimed_by_other(self, principal: str, now: datetime) -> bool:
        return (
            self.claimed_by is not None
            and self.claimed_by != principal
            and self.claim_expires_at is not None
            and self.claim_expires_at > now
        )


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    decision_id: str
    reviewer: str
    action: str
    note: str
    decided_at: datetime


def _claimable(principal: str, now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        review_items.c.claimed_by.is_(None),
        review_items.c.claimed_by == principal,
        review_items.c.claim_expires_at <= now,
    )


def _items_query() -> sa.Select:
    """Review items joined to their decisions, as `QueueItem` fields, for any filter."""
    return sa.select(
        review_items.c.decision_id,
        review_items.c.score,
        decisions.c.verdict,
        review_items.c.status,
        review_items.c.claimed_by,
        review_items.c.claim_expires_at,
        decisions.c.text,
    ).join(decisions, decisions.c.id == review_items.c.decision_id)


def claim(
    connection: Connection,
    decision_id: str,
    principal: str,
    statuses: Sequence[str] = ("open",),
    ttl: timedelta = DEFAULT_CLAIM_TTL,
    now: datetime | None = None,
) -> datetime | None:
    """Take (or renew) the claim on one item; returns its expiry, or None if someone holds it."""
    now = now or utcnow()
    expires = now + ttl
    taken = connection.execute(
        review_items.update()
        .where(
            review_items.c.decision_id == decision_id,
            review_items.c.status.in_(statuses),
            _claimable(principal, now),
        )
        .values(claimed_by=principal, claim_expires_at=expires, updated_at=now)
    ).rowcount
    return expires if taken == 1 else None


def claim_next(
    connection: Connection,
    principal: str,
    statuses: Sequence[str] = ("open",),
    ttl: timedelta = DEFAULT_CLAIM_TTL,
    now: datetime | None = None,
) -> str | None:
    """Claim the highest-scored free item (the one already held first); None when none is left.

    Candidates are read without a lock, then claimed one by one with the conditional UPDATE: a
    candidate another reviewer won in between is simply skipped.
    """
    now = now or utcnow()
    query = (
        sa.select(review_items.c.decision_id)
        .where(review_items.c.status.in_(statuses), _claimable(principal, now))
        .order_by(
            sa.case((review_items.c.claimed_by == principal, 0), else_=1),
            review_items.c.score.desc(),
            review_items.c.decision_id,
        )
        .limit(20)
    )
    for decision_id in connection.execute(query).scalars().all():
        if claim(connection, decision_id, principal, statuses, ttl, now) is not None:
            return decision_id
    return None


def release(connection: Connection, decision_id: str, principal: str) -> bool:
    """Give a claim back so another reviewer can take the item at once."""
    return (
        connection.execute(
            review_items.update()
            .where(
                review_items.c.decision_id == decision_id, review_items.c.claimed_by == principal
            )
            .values(claimed_by=None, claim_expires_at=None, updated_at=utcnow())
        ).rowcount
        == 1
    )


def decide(
    connection: Connection,
    decision_id: str,
    principal: str,
    action: str,
    note: str = "",
    statuses: Sequence[str] = ("open",),
    now: datetime | None = None,
) -> ReviewRecord:
    """Record a reviewer's action on an item they hold, and its audit entry, in one transaction."""
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {', '.join(ACTIONS)}, not {action!r}")
    now = now or utcnow()
    changed = connection.execute(
        review_items.update()
        .where(
            review_items.c.decision_id == decision_id,
            review_items.c.status.in_(statuses),
            review_items.c.claimed_by == principal,
            review_items.c.claim_expires_at > now,
        )
        .values(status=ACTIONS[action], claimed_by=None, claim_expires_at=None, updated_at=now)
    ).rowcount
    if changed != 1:
        raise ClaimError(f"{decision_id!r} is not claimed by {principal} (claim it first)")
    connection.execute(
        review_decisions.insert().values(
            decision_id=decision_id, reviewer=principal, action=action, note=note, decided_at=now
        )
    )
    audit.append(connection, principal, f"review.{action}", decision_id, {"note": note}, now=now)
    return ReviewRecord(decision_id, principal, action, note, now)


def queue(
    connection: Connection,
    statuses: Sequence[str] = ("open",),
    limit: int = 50,
    offset: int = 0,
) -> list[QueueItem]:
    """Items in these statuses, highest score first."""
    query = (
        _items_query()
        .where(review_items.c.status.in_(statuses))
        .order_by(review_items.c.score.desc(), review_items.c.decision_id)
        .limit(limit)
        .offset(offset)
    )
    return [QueueItem(*row) for row in connection.execute(query)]


def get_item(connection: Connection, decision_id: str) -> QueueItem | None:
    query = _items_query().where(review_items.c.decision_id == decision_id)
    row = connection.execute(query).first()
    return QueueItem(*row) if row else None


def with_items(connection: Connection, decision_ids: Sequence[str]) -> set[str]:
    """Which of `decision_ids` have a review item: one query per 500 ids (SQLite caps the
    number of bound parameters), not one per id."""
    found: set[str] = set()
    for start in range(0, len(decision_ids), 500):
        chunk = decision_ids[start : start + 500]
        query = sa.select(review_items.c.decision_id).where(review_items.c.decision_id.in_(chunk))
        found.update(connection.execute(query).scalars())
    return found


def history(connection: Connection, decision_id: str) -> list[ReviewRecord]:
    query = (
        sa.select(
            review_decisions.c.decision_id,
            review_decisions.c.reviewer,
            review_decisions.c.action,
            review_decisions.c.note,
            review_decisions.c.decided_at,
        )
        .where(review_decisions.c.decision_id == decision_id)
        .order_by(review_decisions.c.id)
    )
    return [ReviewRecord(*row) for row in connection.execute(query)]


def labels(connection: Connection) -> Iterator[tuple[str, str, str]]:
    """(id, text, label) for each post whose latest final review confirmed or dismissed it."""
    latest = (
        sa.select(sa.func.max(review_decisions.c.id))
        .where(review_decisions.c.action.in_(tuple(LABELS)))
        .group_by(review_decisions.c.decision_id)
    )
    query = (
        sa.select(decisions.c.id, decisions.c.text, review_decisions.c.action)
        .join(decisions, decisions.c.id == review_decisions.c.decision_id)
        .where(review_decisions.c.id.in_(latest))
        .order_by(review_decisions.c.id)
    )
    for decision_id, text, action in connection.execute(query):
        yield decision_id, text, LABELS[action]
