"""POST /v1/ledger/events, GET /v1/ledger/findings: the HGR ledger under the service's tokens.

Institutions write over HTTP what `redline ledger import` reads from files: the same event
format and the same intake checks (signature by the institution's registered key included). An
`institution` token writes only its own institution's events, so a stolen token cannot forge
another institution's history even before the signature check. A request is all-or-nothing:
one refused event writes nothing, and the 422 names it and why.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request, status

from redline.store.accounts import INSTITUTION_ROLE
from redline.web.auth import Caller, token_caller
from redline.web.services import Services, services

if TYPE_CHECKING:
    from redline.ledger.entry import Submission
    from redline.ledger.ledger import AppendReport, Ledger

router = APIRouter(prefix="/v1/ledger", tags=["ledger"])


class LedgerHandle:
    """The ledger a service writes to, opened on first use and appended to one batch at a time.

    `Ledger` keeps an in-memory entity index between appends, so appends from the worker's
    thread pool are serialised here; other workers are kept apart by the `seq` primary key.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._ledger: Ledger | None = None
        self._lock = threading.Lock()

    def ledger(self) -> Ledger:
        with self._lock:
            if self._ledger is None:
                from redline.ledger.ledger import Ledger

                # acknowledged appends must outlive a power cut (SQLite: FULL, not NORMAL)
                self._ledger = Ledger.open(self.url, sqlite_synchronous="FULL")
            return self._ledger

    def append(self, submissions: list[Submission]) -> AppendReport:
        ledger = self.ledger()
        with self._lock:
            return ledger.append(submissions, source="<http>", all_or_nothing=True)

    def close(self) -> None:
        if self._ledger is not None:
            self._ledger.engine.dispose()


def _handle(request: Request) -> LedgerHandle:
    return request.app.state.ledger


def _refused(loc: list[str | int], reason: str) -> dict[str, Any]:
    return {"loc": loc, "msg": reason, "type": "ledger_event"}


def _events_of(body: dict[str, Any], max_batch: int) -> tuple[list[Any], list[str]]:
    """The events of a body (one event, or `{"events": [...]}`) and where they sit in it."""
    if set(body) != {"events"}:
        return [body], ["body"]
    events = body["events"]
    if not isinstance(events, list) or not events:
        raise HTTPException(422, [_refused(["body", "events"], "must be a non-empty list")])
    if len(events) > max_batch:
        reason = f"at most {max_batch} events a request, got {len(events)}"
        raise HTTPException(422, [_refused(["body", "events"], reason)])
    return events, ["body", "events"]


@router.post("/events", summary="Append signed ledger events (one, or {'events': [...]})")
def post_events(
    body: Annotated[dict[str, Any], Body()],
    caller: Annotated[Caller, Depends(token_caller(INSTITUTION_ROLE))],
    svc: Annotated[Services, Depends(services)],
    handle: Annotated[LedgerHandle, Depends(_handle)],
) -> dict[str, Any]:
    from redline.ledger.intake import IntakeError, parse_submission
    from redline.ledger.ledger import ConcurrentAppendError

    events, base = _events_of(body, svc.config.limits.max_batch)
    batch = len(base) > 1

    def where(index: int) -> list[str | int]:
        return [*base, index] if batch else list(base)

    submissions, refused = [], []
    for index, record in enumerate(events):
        try:
            submission = parse_submission(record)
        except IntakeError as exc:
            refused.append(_refused(where(index), str(exc)))
            continue
        if submission.inst_id != caller.institution:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"event {index}: this token writes only {caller.institution!r}'s events, "
                f"not {submission.inst_id!r}'s; nothing was written",
            )
        submissions.append(submission)
    if refused:
        raise HTTPException(422, refused)
    try:
        report = handle.append(submissions)
    except ConcurrentAppendError as exc:
        raise HTTPException(503, str(exc), headers={"Retry-After": "1"}) from None
    if report.rejects:
        raise HTTPException(422, [_refused(where(r.line - 1), r.reason) for r in report.rejects])
    receipts = [
        {"seq": e.seq, "ts": e.ts, "entry_hash": e.entry_hash.hex()} for e in report.appended
    ]
    return {"seqs": [r["seq"] for r in receipts], "receipts": receipts}


@router.get("/findings", summary="Rules R1-R14 over the ledger (an institution sees its own)")
def findings(
    caller: Annotated[Caller, Depends(token_caller("analyst", INSTITUTION_ROLE))],
    handle: Annotated[LedgerHandle, Depends(_handle)],
    svc: Annotated[Services, Depends(services)],
    rule: Annotated[str | None, Query(pattern=r"^R([1-9]|1[0-4])$")] = None,
    institution: Annotated[str | None, Query(max_length=64)] = None,
    as_of: Annotated[str | None, Query(description="RFC 3339; default the last event")] = None,
    verify: bool = True,
) -> dict[str, Any]:
    from redline.ledger.analysis import analyse
    from redline.ledger.events import parse_time

    if caller.role == INSTITUTION_ROLE:
        if institution not in (None, caller.institution):
            raise HTTPException(403, f"this token reads only {caller.institution!r}'s findings")
        institution = caller.institution
    try:
        when = parse_time(as_of) if as_of is not None else None
    except ValueError as exc:
        raise HTTPException(422, [_refused(["query", "as_of"], str(exc))]) from None
    analysis = analyse(handle.ledger(), svc.config.ledger_rules, as_of=when, check_integrity=verify)
    found = [
        f.to_dict()
        for f in analysis.findings
        if (rule is None or f.rule_id == rule) and (institution is None or f.inst_id == institution)
    ]
    return {"findings": found, "entries": analysis.state.size}
