"""GET /v1/decisions: stored decisions filtered by verdict, pack and screening time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Depends, HTTPException, Query, Response

from redline.store.decisions import find_decisions, get_decision
from redline.web.auth import Caller, token_caller
from redline.web.schemas import NulFree
from redline.web.services import Services, services

router = APIRouter(prefix="/v1", tags=["decisions"])


def _utc(moment: datetime | None) -> datetime | None:
    """Times without a zone are read as UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


@router.get("/decisions", summary="Stored decisions, oldest first", responses={401: {}, 403: {}})
def list_decisions(
    _caller: Annotated[Caller, Depends(token_caller("analyst"))],
    svc: Annotated[Services, Depends(services)],
    verdict: Literal["violating", "review", "allow"] | None = None,
    pack: Annotated[str | None, Query(max_length=64), NulFree] = None,
    since: Annotated[datetime | None, Query(description="screened at or after (ISO 8601)")] = None,
    until: Annotated[datetime | None, Query(description="screened before (ISO 8601)")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    with svc.reading() as connection:
        found = find_decisions(
            connection, verdict=verdict, pack=pack, since=_utc(since), until=_utc(until),
            limit=limit, offset=offset,
        )  # fmt: skip
    payload = {"decisions": [d.to_dict() for d in found], "limit": limit, "offset": offset}
    return Response(orjson.dumps(payload), media_type="application/json")


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
