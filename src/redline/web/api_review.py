"""The review queue for machines and scripts: list, claim, release, decide; the audit log."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query

from redline.store import accounts, audit, review
from redline.web.auth import Caller, token_caller
from redline.web.schemas import ClaimIn, DecideIn, NulFree
from redline.web.services import Services, services

router = APIRouter(prefix="/v1", tags=["review"])


def workable_statuses(role: str) -> tuple[str, ...]:
    """Reviewers work new items; analysts and admins also work escalated ones."""
    return ("open", "escalated") if accounts.role_at_least(role, "analyst") else ("open",)


def _item_json(item: review.QueueItem) -> dict[str, Any]:
    return {
        "id": item.id, "score": item.score, "verdict": item.verdict, "status": item.status,
        "claimed_by": item.claimed_by,
        "claim_expires_at": item.claim_expires_at.isoformat() if item.claim_expires_at else None,
    }  # fmt: skip


@router.get("/review/queue", summary="Review items, highest score first")
def queue(
    caller: Annotated[Caller, Depends(token_caller("reviewer"))],
    svc: Annotated[Services, Depends(services)],
    status: Literal["open", "escalated", "confirmed", "dismissed"] = "open",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    if status != "open" and not accounts.role_at_least(caller.role, "analyst"):
        raise HTTPException(403, f"listing {status} items needs the analyst role or above")
    with svc.reading() as connection:
        items = review.queue(connection, (status,), limit)
    return {"items": [_item_json(item) for item in items]}


@router.post("/review/claim", summary="Claim an item (409 when another reviewer holds it)")
def claim(
    body: ClaimIn,
    caller: Annotated[Caller, Depends(token_caller("reviewer"))],
    svc: Annotated[Services, Depends(services)],
) -> dict[str, Any]:
    with svc.transaction() as connection:
        until = review.claim(
            connection, body.id, caller.principal, workable_statuses(caller.role),
            svc.config.claim_ttl,
        )  # fmt: skip
    if until is None:
        raise HTTPException(409, f"{body.id!r} is claimed by someone else, decided, or unknown")
    return {"id": body.id, "claimed_by": caller.principal, "claimed_until": until.isoformat()}


@router.post("/review/release", summary="Give a claim back")
def release(
    body: ClaimIn,
    caller: Annotated[Caller, Depends(token_caller("reviewer"))],
    svc: Annotated[Services, Depends(services)],
) -> dict[str, Any]:
    with svc.transaction() as connection:
        released = review.release(connection, body.id, caller.principal)
    return {"id": body.id, "released": released}


@router.post("/review/decide", summary="Confirm, dismiss or escalate an item you hold")
def decide(
    body: DecideIn,
    caller: Annotated[Caller, Depends(token_caller("reviewer"))],
    svc: Annotated[Services, Depends(services)],
) -> dict[str, Any]:
    try:
        with svc.transaction() as connection:
            record = review.decide(
                connection, body.id, caller.principal, body.action, body.note,
                workable_statuses(caller.role),
            )  # fmt: skip
    except review.ClaimError as exc:
        raise HTTPException(409, str(exc)) from None
    return {
        "id": record.decision_id, "action": record.action, "reviewer": record.reviewer,
        "note": record.note, "decided_at": record.decided_at.isoformat(),
    }  # fmt: skip


@router.get("/audit", summary="Audit entries, newest first")
def audit_entries(
    _caller: Annotated[Caller, Depends(token_caller("analyst"))],
    svc: Annotated[Services, Depends(services)],
    subject: Annotated[str | None, Query(max_length=256), NulFree] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    with svc.reading() as connection:
        found = audit.entries(connection, subject=subject, newest_first=True, limit=limit)
    return {"entries": [_entry_json(e) for e in found]}


def _entry_json(entry: audit.AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq, "at": entry.at, "actor": entry.actor, "action": entry.action,
        "subject": entry.subject, "details": entry.details, "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }  # fmt: skip


@router.get("/audit/verify", summary="Check the audit chain")
def audit_verify(
    _caller: Annotated[Caller, Depends(token_caller("analyst"))],
    svc: Annotated[Services, Depends(services)],
) -> dict[str, Any]:
    with svc.reading() as connection:
        report = audit.verify(connection)
    return {"ok": report.ok, "checked": report.checked, "problems": report.problems}
