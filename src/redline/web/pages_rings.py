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
def ring_page(request: Request, _caller: Analyst, svc: Svc, ring_id: str) -> Response:
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
    return page(request, svc, "ring.html", ring=ring, members=members)


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
