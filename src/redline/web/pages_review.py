"""The review queue in the browser: the list, one post with its evidence, one-key decisions.

Every POST names its CSRF token; deciding takes the next item at once, so a reviewer works the
queue with c / d / e alone.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Form, Request, Response

from redline.store import audit, review
from redline.store.decisions import get_decision
from redline.store.tables import utcnow
from redline.web.api_review import workable_statuses
from redline.web.auth import Caller, browser_session, page_user, require_csrf
from redline.web.highlight import runs
from redline.web.render import page, redirect
from redline.web.schemas import NulFree
from redline.web.services import Services, services
from redline.web.sessions import Session

router = APIRouter(include_in_schema=False)
Reviewer = Annotated[Caller, Depends(page_user("reviewer"))]
Svc = Annotated[Services, Depends(services)]
BrowserSession = Annotated[Session, Depends(browser_session)]


def _item_url(decision_id: str) -> str:
    return "/review/item?id=" + quote(decision_id, safe="")


@router.get("/")
def home(request: Request, svc: Svc) -> Response:
    return redirect(request, svc, "/review")


@router.get("/review")
def queue_page(
    request: Request,
    caller: Reviewer,
    svc: Svc,
    status: Literal["open", "escalated"] = "open",
) -> Response:
    allowed = workable_statuses(caller.role)
    status = status if status in allowed else "open"
    with svc.reading() as connection:
        items = review.queue(connection, (status,), limit=200)
    return page(
        request, svc, "queue.html", items=items, status=status, statuses=allowed,
        now=utcnow(), me=caller.principal,
    )  # fmt: skip


@router.post("/review/next")
def next_item(
    request: Request,
    caller: Reviewer,
    svc: Svc,
    session: BrowserSession,
    csrf: Annotated[str, Form(max_length=128)] = "",
    status: Annotated[str, Form(max_length=16)] = "open",
) -> Response:
    require_csrf(request, svc, session, csrf)
    statuses = (status,) if status in workable_statuses(caller.role) else ("open",)
    with svc.transaction() as connection:
        taken = review.claim_next(connection, caller.principal, statuses, svc.config.claim_ttl)
    if taken is None:
        return redirect(request, svc, "/review?status=" + statuses[0])
    return redirect(request, svc, _item_url(taken))


@router.get("/review/item")
def item_page(
    request: Request, caller: Reviewer, svc: Svc, id: Annotated[str, NulFree]
) -> Response:
    with svc.reading() as connection:
        stored = get_decision(connection, id)
        item = review.get_item(connection, id)
        past = review.history(connection, id)
        trail = audit.entries(connection, subject=id)
    ring = svc.rings.of_post(id)
    if stored is None or item is None:
        return page(request, svc, "error.html", 404, message=f"No review item {id!r}.")
    now = utcnow()
    mine = item.claimed_by == caller.principal and (
        item.claim_expires_at is not None and item.claim_expires_at > now
    )
    return page(
        request, svc, "item.html", item=item, stored=stored,
        runs=runs(stored.text, stored.decision.get("evidence", ())),
        mine=mine, held_by_other=item.claimed_by_other(caller.principal, now),
        workable=item.status in workable_statuses(caller.role), history=past, trail=trail,
        ring=ring,
    )  # fmt: skip


@router.post("/review/claim")
def claim_item(
    request: Request,
    caller: Reviewer,
    svc: Svc,
    session: BrowserSession,
    id: Annotated[str, Form(max_length=256), NulFree],
    csrf: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    require_csrf(request, svc, session, csrf)
    with svc.transaction() as connection:
        review.claim(
            connection, id, caller.principal, workable_statuses(caller.role), svc.config.claim_ttl
        )
    return redirect(request, svc, _item_url(id))


@router.post("/review/decide")
def decide_item(
    request: Request,
    caller: Reviewer,
    svc: Svc,
    session: BrowserSession,
    id: Annotated[str, Form(max_length=256), NulFree],
    action: Annotated[Literal["confirm", "dismiss", "escalate"], Form()],
    csrf: Annotated[str, Form(max_length=128)] = "",
    note: Annotated[str, Form(max_length=2000), NulFree] = "",
    queue: Annotated[str, Form(max_length=16)] = "open",
) -> Response:
    """Record the action, then claim the next item of the same queue and show it."""
    require_csrf(request, svc, session, csrf)
    statuses = workable_statuses(caller.role)
    try:
        with svc.transaction() as connection:
            review.decide(connection, id, caller.principal, action, note, statuses)
    except review.ClaimError:
        return page(
            request, svc, "error.html", 409,
            message="This post is no longer claimed by you (the claim expired and another "
            "reviewer took it, or it was decided). Nothing was recorded.",
        )  # fmt: skip
    follow = (queue,) if queue in statuses else ("open",)
    try:
        with svc.transaction() as connection:
            taken = review.claim_next(connection, caller.principal, follow, svc.config.claim_ttl)
    except sa.exc.OperationalError:
        taken = None  # the decision is recorded: back to the queue, not a 503 "nothing written"
    if taken is None:
        return redirect(request, svc, "/review?status=" + follow[0])
    return redirect(request, svc, _item_url(taken))
