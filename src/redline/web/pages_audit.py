"""The audit log in the browser, with the chain's verification on top (analysts and admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from redline.store import audit
from redline.web.auth import Caller, page_user
from redline.web.render import page
from redline.web.services import Services, services

router = APIRouter(include_in_schema=False)


@router.get("/audit")
def audit_page(
    request: Request,
    caller: Annotated[Caller, Depends(page_user("analyst"))],
    svc: Annotated[Services, Depends(services)],
) -> Response:
    with svc.reading() as connection:
        entries = audit.entries(connection, newest_first=True, limit=500)
        report = audit.verify(connection)
    return page(request, svc, "audit.html", entries=entries, report=report)
