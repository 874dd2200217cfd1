"""GET /v1/decisions: stored decisions filtered by verdict, pack and screening time, and read in
the order they were written, with a cursor (`after`, `next`), by clients that poll for new ones."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, HTTPException, Query, Response

from redline.store.decisions import (
    FEED_START,
    FeedPosition,
    StoredDecision,
    feed,
    feed_epoch,
    find_decisions,
    get_decision,
    prepare_feed,
)
from redline.store.text import holds_nul
from redline.web.auth import Caller, token_caller
from redline.web.schemas import NulFree
from redline.web.services import Services, services

router = APIRouter(prefix="/v1", tags=["decisions"])

SINCE_HELP = (
    "screened at or after (ISO 8601). A filter, not a polling cursor: a decision can be stored "
    "after one screened later, so polling with the last time seen can miss one; poll with "
    "`after` instead"
)
AFTER_HELP = (
    "read after this cursor, in the order decisions were written (SQLite: commit order; "
    "PostgreSQL: the order their transactions began, each once all older ones ended): empty for "
    "the first page, then the `next` of the previous answer. Never skips or repeats a decision; "
    "410 when the stored decisions were renumbered: start again with an empty one"
)


def _utc(moment: datetime | None) -> datetime | None:
    """Times without a zone are read as UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


STALE_CURSOR = (
    "this cursor is from before the stored decisions were renumbered (the schema migrated again "
    "or the database moved to another server): start again with after= (empty)"
)


def encode_cursor(epoch: str, position: FeedPosition) -> str:
    """Opaque to clients, and URL-safe: they pass it back as it came."""
    data = orjson.dumps([epoch, position.key, position.id])
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def decode_cursor(cursor: str, epoch: str) -> FeedPosition:
    """The position a cursor names ("" is the start); 422 naming `after` when it is not one,
    410 when it is one of another numbering of the feed (`store.decisions.prepare_feed`)."""
    if not cursor:
        return FEED_START
    try:
        data = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if type(data) is list and len(data) == 2:  # a cursor from before epochs: another numbering
            data = [None, *data]
        given, key, post_id = data
        if (
            type(given) not in (str, type(None))
            or type(key) is not int
            or type(post_id) is not str
            or not -1 <= key < 2**63
            or holds_nul(post_id)
        ):
            raise ValueError(cursor)
    except (ValueError, TypeError):
        detail = [{"loc": ["query", "after"], "msg": "not a cursor this service gave",
                   "type": "value_error"}]  # fmt: skip
        raise HTTPException(422, detail) from None
    if given != epoch:
        raise HTTPException(410, STALE_CURSOR)
    return FeedPosition(key, post_id)


@router.get(
    "/decisions",
    summary="Stored decisions, oldest first",
    responses={401: {}, 403: {}, 410: {"description": STALE_CURSOR}},
)
def list_decisions(
    _caller: Annotated[Caller, Depends(token_caller("analyst"))],
    svc: Annotated[Services, Depends(services)],
    verdict: Literal["violating", "review", "allow"] | None = None,
    pack: Annotated[str | None, Query(max_length=64), NulFree] = None,
    since: Annotated[datetime | None, Query(description=SINCE_HELP)] = None,
    until: Annotated[datetime | None, Query(description="screened before (ISO 8601)")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, description="not with `after`")] = 0,
    after: Annotated[str | None, Query(max_length=2048, description=AFTER_HELP)] = None,
) -> Response:
    """Without `after`: decisions ordered by screening time, a page at a time by `offset`.

    To follow new decisions, poll with `after`: start with `after=` (empty), then pass the
    `next` of each answer, whether or not it held decisions. Decisions then come each exactly
    once, in the order they were written (`AFTER_HELP`), and a decision whose commit is still in
    flight (or, on PostgreSQL, is behind another write transaction still open) comes in a later
    answer rather than never. A cursor from before the decisions were renumbered answers 410:
    the client starts again. `since`, `until`, `verdict` and `pack` still filter what is
    returned, and `next` moves past what they leave out. Polling with `since` set to the last
    `screened_at` seen is not safe: the time is taken before the commit, so a decision can
    become visible after a later-stamped one and fall behind that time.
    """
    filters: dict[str, Any] = {
        "verdict": verdict, "pack": pack, "since": _utc(since), "until": _utc(until),
        "limit": limit,
    }  # fmt: skip
    if after is not None:
        if offset:
            detail = [{"loc": ["query", "offset"], "msg": "offset cannot be used with after",
                       "type": "value_error"}]  # fmt: skip
            raise HTTPException(422, detail)
        page = _feed_page(svc, after, filters)
        if page is None:  # renumbered under the running service (0005 applied again)
            prepare_feed(svc.engine)
            page = _feed_page(svc, after, filters)
            assert page is not None  # prepare_feed made an epoch; only a migration deletes it
        epoch, found, position = page
        payload = {
            "decisions": [d.to_dict() for d in found], "limit": limit,
            "next": encode_cursor(epoch, position),
        }  # fmt: skip
        return Response(orjson.dumps(payload), media_type="application/json")
    with svc.reading() as connection:
        found = find_decisions(connection, offset=offset, **filters)
    payload = {"decisions": [d.to_dict() for d in found], "limit": limit, "offset": offset}
    return Response(orjson.dumps(payload), media_type="application/json")


def _feed_page(
    svc: Services, after: str, filters: dict[str, Any]
) -> tuple[str, list[StoredDecision], FeedPosition] | None:
    """The feed's epoch and a page of it after the cursor `after`, in one read; None when the
    feed has no epoch."""
    with svc.reading() as connection:
        epoch = feed_epoch(connection)
        if epoch is None:
            return None
        return epoch, *feed(connection, decode_cursor(after, epoch), **filters)


@router.get("/decisions/{decision_id:path}", summary="One stored decision")
def one_decision(
    decision_id: Annotated[str, NulFree],
    _caller: Annotated[Caller, Depends(token_caller("analyst"))],
    svc: Annotated[Services, Depends(services)],
) -> Response:
    with svc.reading() as connection:
        found = get_decision(connection, decision_id)
    if found is None:
        raise HTTPException(404, f"no decision stored for post {decision_id!r}")
    return Response(orjson.dumps(found.to_dict()), media_type="application/json")
