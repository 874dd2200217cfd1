"""Rings in the browser: the list of rings and one ring with its contacts, accounts and posts.

For analysts and admins, like `/v1/rings` (reviewers see a post's ring only on its review page).
The data is the rings store's (`redline link`), read through the same `RingsView` as the API;
without the store the pages say rings are not available instead of showing an empty list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from redline.store import review
from redline.web.api_rings import UNAVAILABLE
from redline.web.auth import Caller, page_user
from redline.web.render import page
from redline.web.schemas import NulFree
from redline.web.services import Services, services

router = APIRouter(include_in_schema=False)
Analyst = Annotated[Caller, Depends(page_user("analyst"))]
Svc = Annotated[Services, Depends(services)]
PAGE_SIZE = 50
STATUSES = ("active", "merged", "dissolved", "all")


@dataclass(frozen=True, slots=True)
class RingRow:
    """One line of the rings list: the stored summary and counts from the ring's data."""

    ring_id: str
    status: str
    size: int
    posts: int
    flagged_posts: int
    shipments: int
    accounts: int
    contacts: int
    updated_at: str


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """One event of a ring's history as the detail page shows it: when, what, which rings."""

    at: str
    kind: str
    text: str
    rings: tuple[str, ...]


def history_line(event: dict[str, Any], ring_id: str) -> HistoryLine:
    """An event in words, seen from `ring_id` (its own event, or another ring's naming it)."""
    kind, own, cause = event["kind"], event["ring_id"] == ring_id, event.get("cause") or {}
    others = tuple(r for r in [event["ring_id"], *event["related"]] if r != ring_id)
    if kind == "created":
        text = "first linked"
    elif kind == "grew":
        text = f"grew from {cause.get('records_before')} to {cause.get('records_after')} records"
    elif kind == "merged":
        text = "took in the records of" if own else "merged into"
    elif kind == "absorbed":
        text = "merged into" if own else "took in the records of"
    elif kind == "split":
        unlinked = cause.get("unlinked_records", 0)
        text = "split; parts went to" if own else "split off from"
        if own and not others:
            text = "split"
        if own and unlinked:
            text += f" ({unlinked} records now in no ring)"
    elif kind == "dissolved":
        text = "dissolved: what linked it is now too common to mean one operation"
    else:
        text = kind
    return HistoryLine(at=event["at"], kind=kind, text=text, rings=others)


@dataclass(frozen=True, slots=True)
class Member:
    """A record of the ring as the detail page shows it; `in_review` says the post has an item."""

    id: str
    kind: str
    verdict: str | None
    account: str | None
    platform: str | None
    created_at: str | None
    text: str
    in_review: bool


def _row(summary: dict[str, Any], data: dict[str, Any] | None) -> RingRow:
    data = data or {}
    return RingRow(
        ring_id=summary["ring_id"],
        status=summary["status"],
        size=summary["size"],
        posts=len(data.get("post_ids", ())),
        flagged_posts=int(data.get("flagged_posts", 0)),
        shipments=len(data.get("shipment_ids", ())),
        accounts=len(data.get("accounts", ())),
        contacts=len(data.get("entities", ())),
        updated_at=summary["updated_at"],
    )


def _unavailable(request: Request, svc: Services) -> Response:
    message = UNAVAILABLE[:1].upper() + UNAVAILABLE[1:] + "."
    return page(request, svc, "error.html", 404, message=message)


@router.get("/rings")
def rings_page(
    request: Request,
    _caller: Analyst,
    svc: Svc,
    status: Literal["active", "merged", "dissolved", "all"] = "active",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """Rings largest first, a page at a time (one more is read to know whether a next exists)."""
    if not svc.rings.available:
        return _unavailable(request, svc)
    found = svc.rings.list(PAGE_SIZE + 1, offset, None if status == "all" else status)
    rows = [_row(summary, svc.rings.get(summary["ring_id"])) for summary in found[:PAGE_SIZE]]
    return page(
        request, svc, "rings.html", rings=rows, status=status, statuses=STATUSES,
        offset=offset, page_size=PAGE_SIZE, has_next=len(found) > PAGE_SIZE,
    )  # fmt: skip


@router.get("/rings/{ring_id}")
def ring_page(
    request: Request, _caller: Analyst, svc: Svc, ring_id: Annotated[str, NulFree]
) -> Response:
    if not svc.rings.available:
        return _unavailable(request, svc)
    ring = svc.rings.get(ring_id)
    if ring is None:
        return page(request, svc, "error.html", 404, message=f"No ring {ring_id!r}.")
    records = svc.rings.members(ring_id)
    posts = [record["id"] for record in records if record["kind"] == "post"]
    with svc.reading() as connection:
        in_review = review.with_items(connection, posts)
    members = [_member(record, record["id"] in in_review) for record in records]
    history = [history_line(event, ring_id) for event in svc.rings.history(ring_id)]
    return page(request, svc, "ring.html", ring=ring, members=members, history=history)


def _member(record: dict[str, Any], in_review: bool) -> Member:
    raw = record.get("raw") or {}
    text = raw.get("text") if isinstance(raw, dict) else None
    return Member(
        id=record["id"],
        kind=record["kind"],
        verdict=record.get("verdict"),
        account=record.get("account"),
        platform=record.get("platform"),
        created_at=record.get("created_at"),
        text=text if isinstance(text, str) else "",
        in_review=in_review,
    )
