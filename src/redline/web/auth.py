"""Who is calling: machines by bearer token (API), people by session cookie (pages).

Dependencies here answer 401 when nobody is identified, 403 when the role is too weak, 429 when
a token has spent its rate; handlers only ever see an authorised caller.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request, status

from redline.store import accounts
from redline.web.services import Services, services
from redline.web.sessions import COOKIE_NAME, Session


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated machine or person: what the audit log and claims record."""

    principal: str
    role: str
    user: accounts.User | None = None
    institution: str | None = None  # the ledger institution of an `institution` token


def _unauthorised(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"}
    )


def token_caller(minimum_role: str, *also: str) -> Callable[..., Caller]:
    """A dependency: the API token in `Authorization: Bearer`, with at least this role (or one
    of the roles in `also`, e.g. the unranked `institution`)."""

    async def dependency(request: Request, svc: Annotated[Services, Depends(services)]) -> Caller:
        """Async, run inline on the event loop: one indexed lookup, mostly served from cache."""
        return bearer_caller(svc, request.headers.get("authorization", ""), minimum_role, *also)

    return dependency


def bearer_caller(svc: Services, authorization: str, minimum_role: str, *also: str) -> Caller:
    """The caller an `Authorization` header names: 401 unknown, 429 over its rate, 403 too weak.

    Apart from `token_caller` so the inline screening path, which reads its headers itself,
    checks tokens with the very same code.
    """
    scheme, _, secret = authorization.partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise _unauthorised("send an API token: Authorization: Bearer TOKEN")
    cached, token = svc.tokens.get(secret)
    if not cached:
        with svc.reading() as connection:
            token = accounts.token_for(connection, secret)
        svc.tokens.put(secret, token)
    if token is None:
        raise _unauthorised("unknown or revoked API token")
    wait = svc.limiter.acquire(f"token:{token.id}")
    if wait > 0:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"rate limit of {svc.config.limits.rate_per_second:g} requests/s exceeded",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )
    if not accounts.role_at_least(token.role, minimum_role) and token.role not in also:
        wanted = " or ".join((f"the {minimum_role} role or above", *also))
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"this needs {wanted}")
    return Caller(token.principal, token.role, institution=token.institution)


# --- people ------------------------------------------------------------------------------


class LoginRequired(Exception):
    """Raised by page dependencies; the app turns it into a redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        self.location = "/login?next=" + quote(next_path, safe="/")


class PageForbidden(Exception):
    """Raised by page dependencies; the app renders a 403 page."""

    def __init__(self, minimum_role: str) -> None:
        self.minimum_role = minimum_role


def browser_session(request: Request, svc: Annotated[Services, Depends(services)]) -> Session:
    """The request's session; a new anonymous one (cookie set on the response) when it has none."""
    found = svc.sessions.decode(request.cookies.get(COOKIE_NAME))
    if found is None:
        lifetime = int(svc.config.session_lifetime.total_seconds())
        found = Session.anonymous(lifetime)
        request.state.new_session = found
    request.state.session = found
    return found


def page_user(minimum_role: str) -> Callable[..., Caller]:
    """A dependency: the logged-in, active user with at least this role, whose session has not
    been ended (its generation is the user's: the row is loaded anyway, so the check is free)."""

    def dependency(
        request: Request,
        svc: Annotated[Services, Depends(services)],
        session: Annotated[Session, Depends(browser_session)],
    ) -> Caller:
        user = None
        if session.user_id is not None:
            with svc.reading() as connection:
                user = accounts.get_user(connection, session.user_id)
        if user is None or not user.active or user.session_generation != session.generation:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise LoginRequired(target if request.method == "GET" else "/review")
        request.state.user = user
        if not accounts.role_at_least(user.role, minimum_role):
            raise PageForbidden(minimum_role)
        return Caller(user.principal, user.role, user)

    return dependency


def require_csrf(request: Request, svc: Services, session: Session, token: str | None) -> None:
    """Refuse a form post whose CSRF token is not this session's (403)."""
    if not svc.sessions.check_csrf(session, token):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or wrong CSRF token")
