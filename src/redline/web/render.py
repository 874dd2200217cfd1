"""Pages and redirects that carry the session cookie when one was just made or changed."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from redline.web.services import Services
from redline.web.sessions import COOKIE_NAME, Session


def set_session_cookie(response: Response, svc: Services, session: Session) -> None:
    response.set_cookie(
        COOKIE_NAME,
        svc.sessions.encode(session),
        max_age=int(svc.config.session_lifetime.total_seconds()),
        path="/",
        secure=svc.config.secure_cookies,
        httponly=True,
        samesite="strict",
    )


def _with_cookie(request: Request, svc: Services, response: Response) -> Response:
    new: Session | None = getattr(request.state, "new_session", None)
    if new is not None:
        set_session_cookie(response, svc, new)
    return response


def page(
    request: Request, svc: Services, template: str, status_code: int = 200, **context: Any
) -> Response:
    """Render a template (autoescaped) with the user and this session's CSRF token."""
    session: Session | None = getattr(request.state, "session", None)
    context.setdefault("user", getattr(request.state, "user", None))
    context["csrf"] = svc.sessions.csrf_token(session) if session else ""
    response: HTMLResponse = svc.templates.TemplateResponse(
        request, template, context, status_code=status_code
    )
    response.headers["cache-control"] = "no-store"
    return _with_cookie(request, svc, response)


def redirect(request: Request, svc: Services, location: str) -> Response:
    return _with_cookie(request, svc, RedirectResponse(location, status_code=303))
