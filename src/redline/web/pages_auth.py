"""Password login and logout for people; both forms carry the CSRF token.

Logging out ends the user's sessions everywhere (every browser, every copy of the cookie): the
cookie is signed, not stored, so replacing the browser's copy alone would leave a copied one
valid until it expired.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response

from redline.store import accounts
from redline.web.auth import browser_session, require_csrf
from redline.web.render import page, redirect
from redline.web.schemas import NulFree
from redline.web.services import Services, services
from redline.web.sessions import Session

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only local paths: a login link must not forward anyone to another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/review"
    return target


@router.get("/login")
def login_form(
    request: Request,
    svc: Annotated[Services, Depends(services)],
    _session: Annotated[Session, Depends(browser_session)],
    next: str = "/review",
) -> Response:
    return page(request, svc, "login.html", next=safe_next(next), error=None)


@router.post("/login")
def login(
    request: Request,
    svc: Annotated[Services, Depends(services)],
    session: Annotated[Session, Depends(browser_session)],
    name: Annotated[str, Form(max_length=64), NulFree],
    password: Annotated[str, Form(max_length=1024)],
    csrf: Annotated[str, Form(max_length=128)] = "",
    next: Annotated[str, Form(max_length=2048)] = "/review",
) -> Response:
    require_csrf(request, svc, session, csrf)
    with svc.transaction() as connection:
        user = accounts.authenticate(connection, name, password)
    if user is None:
        return page(
            request, svc, "login.html", 401, next=safe_next(next),
            error="Wrong name or password.",
        )  # fmt: skip
    lifetime = int(svc.config.session_lifetime.total_seconds())
    request.state.new_session = session.for_user(user.id, user.session_generation, lifetime)
    return redirect(request, svc, safe_next(next))


@router.post("/logout")
def logout(
    request: Request,
    svc: Annotated[Services, Depends(services)],
    session: Annotated[Session, Depends(browser_session)],
    csrf: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    require_csrf(request, svc, session, csrf)
    if session.user_id is not None:
        with svc.transaction() as connection:
            accounts.end_sessions(connection, session.user_id, session.generation)
    lifetime = int(svc.config.session_lifetime.total_seconds())
    request.state.new_session = Session.anonymous(lifetime)
    return redirect(request, svc, "/login")
