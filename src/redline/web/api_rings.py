"""GET /v1/rings: rings of accounts and contacts, from the rings store (`redline link`).

Without the rings store installed (the `link` extra) this answers 404 with a message saying so,
rather than an empty list that would read as "no rings found".
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query

from redline.web.auth import Caller, token_caller
from redline.web.schemas import NulFree
from redline.web.services import Services, services

router = APIRouter(prefix="/v1", tags=["rings"])
UNAVAILABLE = "rings are not available: the rings store (the `link` extra) is not installed"


def _available(svc: Services) -> None:
    if not svc.rings.available:
        raise HTTPException(404, UNAVAILABLE)


@router.get("/rings", summary="Rings of accounts and contacts, largest first")
def rings(
    _caller: Annotated[Caller, Depends(token_caller("analyst"))],
    svc: Annotated[Services, Depends(services)],
    status: Literal["active", "merged", "dissolved", "all"] = "active",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    _available(svc)
    chosen = None if status == "all" else status
    return {"rings": svc.rings.list(limit, offset, chosen), "limit": limit, "offset": offset}


@router.get("/rings/{ring_id}", summary="One ring with its member records")
def one_ring(
    ring_id: Annotated[str, NulFree],
    _caller: Annotated[Caller, Depends(token_caller("analyst"))],
    svc: Annotated[Services, Depends(services)],
) -> dict[str, Any]:
    _available(svc)
    found = svc.rings.get(ring_id)
    if found is None:
        raise HTTPException(404, f"no ring {ring_id!r}")
    return {**found, "records": svc.rings.members(ring_id)}
