"""Security: 401 without a token, 403 for a weak role, CSRF on forms, inert payloads, tampering."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from audit_attack import drop_audit_guard
from web_service import Service, csrf_of

from redline.store.tables import APPEND_ONLY_MESSAGE, audit_log

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SQL = "'; DROP TABLE decisions; -- \" OR 1=1 --"
PAYLOAD_TEXT = f"香港验血查男女，加V预约 {SCRIPT} {SQL}"


@pytest.mark.parametrize(
    ("method", "path", "json"),
    [("post", "/v1/screen", {"id": "a", "text": "x"}), ("get", "/v1/decisions", None),
     ("get", "/v1/review/queue", None), ("post", "/v1/review/claim", {"id": "a"}),
     ("get", "/v1/audit", None), ("get", "/v1/rings", None)],
)  # fmt: skip
def test_no_or_bad_token_is_401(service: Service, method: str, path: str, json: dict) -> None:
    for headers in ({}, {"Authorization": "Bearer rl_not-a-token"}, {"Authorization": "Basic x"}):
        response = service.client.request(method, path, json=json, headers=headers)
        assert response.status_code == 401, (path, headers)
        assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("role", "method", "path", "json"),
    [("screener", "get", "/v1/review/queue", None),
     ("screener", "post", "/v1/review/decide", {"id": "a", "action": "confirm"}),
     ("reviewer", "get", "/v1/decisions", None), ("reviewer", "get", "/v1/audit", None),
     ("reviewer", "get", "/v1/rings", None)],
)  # fmt: skip
def test_wrong_role_is_403(service: Service, role: str, method: str, path: str, json: dict) -> None:
    response = service.client.request(method, path, json=json, headers=service.auth(role))
    assert response.status_code == 403


def test_a_revoked_token_is_refused(service: Service, login: Callable[[str], str]) -> None:
    from redline.store import accounts

    with service.app.state.services.transaction() as connection:
        token, secret = accounts.create_token(connection, "short-lived", "screener")
        accounts.revoke_token(connection, token.id)
    response = service.client.post(
        "/v1/screen", json={"id": "a", "text": "x"}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 401


@pytest.mark.parametrize("path", ["/admin/users", "/admin/tokens", "/admin/packs"])
def test_reviewers_and_analysts_are_refused_admin_pages(
    service: Service, login: Callable[[str], str], path: str
) -> None:
    for name in ("reviewer", "analyst"):
        login(name)
        assert service.client.get(path).status_code == 403
    login("admin")
    assert service.client.get(path).status_code == 200


def test_reviewer_cannot_post_admin_forms(service: Service, login: Callable[[str], str]) -> None:
    csrf = login("reviewer")
    response = service.client.post(
        "/admin/users", data={"name": "mallory", "role": "admin", "password": "x" * 10,
                              "csrf": csrf},
    )  # fmt: skip
    assert response.status_code == 403
    login("admin")
    assert "mallory" not in service.client.get("/admin/users").text


def test_pages_need_login(service: Service) -> None:
    response = service.client.get("/review?status=open", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/review%3Fstatus%3Dopen"


def test_forms_without_the_csrf_token_are_refused(
    service: Service, login: Callable[[str], str]
) -> None:
    login("admin")
    for csrf in ("", "forged"):
        response = service.client.post(
            "/admin/tokens", data={"name": "sneaky", "role": "admin", "csrf": csrf}
        )
        assert response.status_code == 403
    form = service.client.get("/login")
    bad_login = service.client.post("/login", data={"name": "admin", "password": "x" * 10})
    assert form.status_code == 200 and bad_login.status_code == 403


def test_session_cookie_is_signed_httponly_strict(service: Service) -> None:
    response = service.client.get("/login")
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    service.client.cookies.set("redline_session", "eyJ1IjoxfQ.forged")
    assert service.client.get("/review", follow_redirects=False).status_code == 303


def test_wrong_password_and_foreign_redirects(service: Service) -> None:
    csrf = csrf_of(service.client.get("/login").text)
    wrong = service.client.post(
        "/login", data={"name": "admin", "password": "wrong password", "csrf": csrf}
    )
    assert wrong.status_code == 401 and "Wrong name or password" in wrong.text
    from web_service import PASSWORD

    redirected = service.client.post(
        "/login",
        data={"name": "admin", "password": PASSWORD, "csrf": csrf,
              "next": "//evil.example/steal"},
        follow_redirects=False,
    )  # fmt: skip
    assert redirected.headers["location"] == "/review"


def test_script_and_sql_payloads_are_stored_verbatim_and_shown_inert(
    service: Service, login: Callable[[str], str]
) -> None:
    post_id = "x'); DROP TABLE users; --<b>"
    screened = service.client.post(
        "/v1/screen", json={"id": post_id, "text": PAYLOAD_TEXT},
        headers=service.auth("screener"),
    )  # fmt: skip
    assert screened.status_code == 200
    assert screened.json()["verdict"] in ("violating", "review")
    stored = service.client.get("/v1/decisions", headers=service.auth("analyst")).json()[
        "decisions"
    ]
    assert [(d["id"], d["text"]) for d in stored] == [(post_id, PAYLOAD_TEXT)]
    login("reviewer")
    for page in (service.client.get("/review"),
                 service.client.get("/review/item", params={"id": post_id})):  # fmt: skip
        assert page.status_code == 200
        for raw in ("<script>", "<img src=x", "--<b>"):
            assert raw not in page.text
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "DROP TABLE decisions" in service.client.get("/review").text  # shown, as text
    login("admin")
    assert "reviewer" in service.client.get("/admin/users").text  # the users table survived


def test_a_tampered_audit_log_is_detected(service: Service, login: Callable[[str], str]) -> None:
    csrf = login("admin")
    for name in ("t1", "t2", "t3"):
        service.client.post("/admin/tokens", data={"name": name, "role": "screener", "csrf": csrf})
    analyst = service.auth("analyst")
    assert service.client.get("/v1/audit/verify", headers=analyst).json()["ok"] is True
    forge = audit_log.update().where(audit_log.c.seq == 2).values(actor="user:nobody")
    refused = pytest.raises(sa.exc.DBAPIError, match=APPEND_ONLY_MESSAGE)
    with refused, service.app.state.services.transaction() as connection:
        connection.execute(forge)
    assert service.client.get("/v1/audit/verify", headers=analyst).json()["ok"] is True
    with service.app.state.services.transaction() as connection:
        drop_audit_guard(connection)  # an attacker with DDL rights
        connection.execute(forge)
    report = service.client.get("/v1/audit/verify", headers=analyst).json()
    assert report["ok"] is False
    assert report["problems"] == ["entry 2 changed (its hash no longer matches)"]
    page = service.client.get("/audit")
    assert "Chain broken" in page.text and "entry 2 changed" in page.text
