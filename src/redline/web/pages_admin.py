"""Admin pages: users, API tokens, packs. Admins only (others get 403); every change is audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response

from redline.store import accounts, audit
from redline.web.auth import Caller, browser_session, page_user, require_csrf
from redline.web.render import page, redirect
from redline.web.services import Services, services
from redline.web.sessions import Session

router = APIRouter(prefix="/admin", include_in_schema=False)
Admin = Annotated[Caller, Depends(page_user("admin"))]
Svc = Annotated[Services, Depends(services)]
BrowserSession = Annotated[Session, Depends(browser_session)]
Csrf = Annotated[str, Form(max_length=128)]


def _users_page(request: Request, svc: Services, error: str | None = None) -> Response:
    with svc.reading() as connection:
        users = accounts.list_users(connection)
    status = 422 if error else 200
    return page(
        request, svc, "admin_users.html", status, users=users, roles=accounts.USER_ROLES,
        error=error,
    )  # fmt: skip


@router.get("/users")
def users_page(request: Request, _admin: Admin, svc: Svc) -> Response:
    return _users_page(request, svc)


@router.post("/users")
def add_user(
    request: Request,
    admin: Admin,
    svc: Svc,
    session: BrowserSession,
    name: Annotated[str, Form(max_length=64)],
    role: Annotated[str, Form(max_length=16)],
    password: Annotated[str, Form(max_length=1024)],
    csrf: Csrf = "",
) -> Response:
    require_csrf(request, svc, session, csrf)
    try:
        with svc.transaction() as connection:
            user = accounts.add_user(connection, name, role, password)
            audit.append(connection, admin.principal, "user.add", user.principal, {"role": role})
    except accounts.AccountError as exc:
        return _users_page(request, svc, str(exc))
    return redirect(request, svc, "/admin/users")


@router.post("/users/update")
def update_user(
    request: Request,
    admin: Admin,
    svc: Svc,
    session: BrowserSession,
    user_id: Annotated[int, Form()],
    role: Annotated[str, Form(max_length=16)],
    active: Annotated[str, Form(max_length=8)] = "",
    csrf: Csrf = "",
) -> Response:
    require_csrf(request, svc, session, csrf)
    try:
        with svc.transaction() as connection:
            user = accounts.update_user(connection, user_id, role=role, active=active == "on")
            audit.append(
                connection, admin.principal, "user.update", user.principal,
                {"role": user.role, "active": user.active},
            )  # fmt: skip
    except accounts.AccountError as exc:
        return _users_page(request, svc, str(exc))
    return redirect(request, svc, "/admin/users")


def _tokens_page(
    request: Request, svc: Services, error: str | None = None, created: str | None = None
) -> Response:
    with svc.reading() as connection:
        tokens = accounts.list_tokens(connection)
    return page(
        request, svc, "admin_tokens.html", 422 if error else 200, tokens=tokens,
        roles=(*accounts.TOKEN_ROLES, accounts.INSTITUTION_ROLE), error=error, created=created,
        institution_role=accounts.INSTITUTION_ROLE,
    )  # fmt: skip


@router.get("/tokens")
def tokens_page(request: Request, _admin: Admin, svc: Svc) -> Response:
    return _tokens_page(request, svc)


@router.post("/tokens")
def create_token(
    request: Request,
    admin: Admin,
    svc: Svc,
    session: BrowserSession,
    name: Annotated[str, Form(max_length=64)],
    role: Annotated[str, Form(max_length=16)],
    institution: Annotated[str, Form(max_length=64)] = "",
    csrf: Csrf = "",
) -> Response:
    """Shows the new token once, on this response; it is never stored or shown again.

    An `institution` token is bound to the ledger institution named in `institution` (the
    inst_id its ledger events carry); an empty field means no binding.
    """
    require_csrf(request, svc, session, csrf)
    if role == accounts.INSTITUTION_ROLE and not institution:
        return _tokens_page(request, svc, "an institution token needs the institution's id")
    bound = institution or None
    try:
        with svc.transaction() as connection:
            token, secret = accounts.create_token(connection, name, role, bound)
            details = {"role": role, **({"institution": bound} if bound else {})}
            audit.append(connection, admin.principal, "token.create", token.principal, details)
    except accounts.AccountError as exc:
        return _tokens_page(request, svc, str(exc))
    return _tokens_page(request, svc, created=secret)


@router.post("/tokens/revoke")
def revoke_token(
    request: Request,
    admin: Admin,
    svc: Svc,
    session: BrowserSession,
    token_id: Annotated[int, Form()],
    csrf: Csrf = "",
) -> Response:
    require_csrf(request, svc, session, csrf)
    try:
        with svc.transaction() as connection:
            token = accounts.revoke_token(connection, token_id)
            audit.append(connection, admin.principal, "token.revoke", token.principal, {})
        svc.tokens.clear()  # this worker stops accepting it now; others within token_cache_s
    except accounts.AccountError as exc:
        return _tokens_page(request, svc, str(exc))
    return redirect(request, svc, "/admin/tokens")


@router.get("/packs")
def packs_page(request: Request, _admin: Admin, svc: Svc) -> Response:
    """The packs this server screens with (read-only: packs change by file and `pack check`)."""
    packs = svc.pipeline.packs if svc.pipeline is not None else ()
    return page(request, svc, "admin_packs.html", packs=packs)
