"""The review queue through its HTML forms: order, evidence, claims, decisions, admin pages."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from web_service import FLAGGED_TEXTS, PASSWORD, Service, csrf_of

from redline.store import accounts


def screen_flagged(service: Service) -> None:
    posts = [{"id": k, "text": t} for k, t in FLAGGED_TEXTS.items()]
    response = service.client.post(
        "/v1/screen", json={"posts": posts}, headers=service.auth("screener")
    )
    assert response.status_code == 200


def test_item_page_highlights_evidence_and_cites_clauses(
    service: Service, login: Callable[[str], str]
) -> None:
    screen_flagged(service)
    login("reviewer")
    page = service.client.get("/review/item", params={"id": "ad-1"})
    marked = re.findall(r"<mark[^>]*>([^<]*)</mark>", page.text)
    decision = service.client.get("/v1/decisions/ad-1", headers=service.auth("analyst")).json()
    assert marked and all(piece in FLAGGED_TEXTS["ad-1"] for piece in marked)
    cited = re.search(r'<ul class="clauses">(.*?)</ul>', page.text, re.S)
    assert decision["clauses"] and cited
    for clause in decision["clauses"]:
        assert str(escape(clause["citation"])) in cited.group(1)
        assert str(escape(clause["title"])) in cited.group(1)
    assert "Claim this post" in page.text  # not claimed yet: no decision form
    assert 'id="decide-form"' not in page.text


def test_work_the_queue_through_forms(service: Service, login: Callable[[str], str]) -> None:
    screen_flagged(service)
    csrf = login("reviewer")
    first = service.client.post("/review/next", data={"csrf": csrf})
    assert 'id="decide-form"' in first.text
    seen = []
    page = first
    for action in ("confirm", "dismiss", "escalate"):
        post_id = re.search(r'name="id" value="([^"]+)"', page.text).group(1)
        seen.append(post_id)
        page = service.client.post(
            "/review/decide",
            data={"csrf": csrf, "id": post_id, "action": action, "note": f"n-{action}"},
        )
        assert page.status_code == 200
    assert sorted(seen) == sorted(FLAGGED_TEXTS)
    assert "Nothing waiting" in page.text
    login("analyst")
    audit = service.client.get("/audit").text
    assert "Chain intact: 3 entries" in audit
    assert all(f"review.{a}" in audit for a in ("confirm", "dismiss", "escalate"))
    assert seen[2] in service.client.get("/review?status=escalated").text


def test_a_post_claimed_by_one_reviewer_cannot_be_decided_by_another(
    service: Service, login: Callable[[str], str]
) -> None:
    screen_flagged(service)
    csrf = login("reviewer")
    held = service.client.post("/review/next", data={"csrf": csrf})
    post_id = re.search(r'name="id" value="([^"]+)"', held.text).group(1)
    csrf = login("analyst")
    page = service.client.get("/review/item", params={"id": post_id})
    assert "Claimed by user:reviewer" in page.text and 'id="decide-form"' not in page.text
    refused = service.client.post(
        "/review/decide", data={"csrf": csrf, "id": post_id, "action": "dismiss"}
    )
    assert refused.status_code == 409
    nxt = service.client.post("/review/next", data={"csrf": csrf})
    other = re.search(r'name="id" value="([^"]+)"', nxt.text).group(1)
    assert other != post_id


def test_admin_adds_users_and_tokens_and_each_is_audited(
    service: Service, login: Callable[[str], str]
) -> None:
    csrf = login("admin")
    added = service.client.post(
        "/admin/users", data={"name": "dana", "role": "reviewer", "password": "long enough 1",
                              "csrf": csrf},
    )  # fmt: skip
    assert added.status_code == 200 and "dana" in added.text
    refused = service.client.post(
        "/admin/users", data={"name": "eve", "role": "reviewer", "password": "short",
                              "csrf": csrf},
    )  # fmt: skip
    assert refused.status_code == 422 and "8 characters" in refused.text
    made = service.client.post(
        "/admin/tokens", data={"name": "platform-x", "role": "screener", "csrf": csrf}
    )
    secret = re.search(r'id="new-token">([^<]+)<', made.text).group(1)
    assert (
        service.client.post(
            "/v1/screen",
            json={"id": "z", "text": "x"},
            headers={"Authorization": f"Bearer {secret}"},
        ).status_code
        == 200
    )
    assert secret not in service.client.get("/admin/tokens").text  # shown once only
    audit = service.client.get("/audit").text
    assert "user.add" in audit and "token.create" in audit
    packs_page = service.client.get("/admin/packs").text
    packs = service.app.state.services.pipeline.packs
    assert packs
    for pack in packs:
        assert str(escape(pack.name)) in packs_page
        assert all(str(escape(c.citation)) in packs_page for c in pack.clauses.values())


def test_logout_ends_the_session(service: Service, login: Callable[[str], str]) -> None:
    csrf = login("reviewer")
    page = service.client.post("/logout", data={"csrf": csrf})
    assert page.url.path == "/login"
    assert service.client.get("/review", follow_redirects=False).status_code == 303
    assert csrf_of(page.text) != csrf


def test_logout_ends_every_copy_of_the_session(
    service: Service, login: Callable[[str], str]
) -> None:
    """A cookie copied before logout (another tab's, a stolen one) is refused after it, and so
    is every other session of that user; logging in again works, and only the newest counts."""
    csrf = login("reviewer")
    copied = service.client.cookies["redline_session"]
    other = TestClient(service.app)  # the same user logged in elsewhere
    form = other.get("/login")
    other.post("/login", data={"name": "reviewer", "password": PASSWORD,
                               "csrf": csrf_of(form.text)})  # fmt: skip
    assert other.get("/review", follow_redirects=False).status_code == 200
    service.client.post("/logout", data={"csrf": csrf})
    service.client.cookies.clear()
    service.client.cookies.set("redline_session", copied)
    replayed = service.client.get("/review", follow_redirects=False)
    assert replayed.status_code == 303 and replayed.headers["location"].startswith("/login")
    refused = service.client.post(
        "/review/next", data={"csrf": csrf}, follow_redirects=False
    )  # forms too, with the copied cookie's own CSRF token
    assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
    assert other.get("/review", follow_redirects=False).status_code == 303
    login("reviewer")
    assert service.client.get("/review", follow_redirects=False).status_code == 200
    service.client.cookies.set("redline_session", copied)
    assert service.client.get("/review", follow_redirects=False).status_code == 303


def test_disabling_a_user_ends_their_sessions_for_good(
    service: Service, login: Callable[[str], str]
) -> None:
    """Enabling the account again does not bring back a cookie issued before it was disabled."""
    login("reviewer")
    copied = service.client.cookies["redline_session"]
    with service.app.state.services.reading() as connection:
        reviewer = next(u for u in accounts.list_users(connection) if u.name == "reviewer")
    csrf = login("admin")
    for active in ("", "on"):
        changed = service.client.post(
            "/admin/users/update", data={"csrf": csrf, "user_id": reviewer.id,
                                         "role": "reviewer", "active": active},
        )  # fmt: skip
        assert changed.status_code == 200
    service.client.cookies.clear()
    service.client.cookies.set("redline_session", copied)
    assert service.client.get("/review", follow_redirects=False).status_code == 303
    login("reviewer")
    assert service.client.get("/review", follow_redirects=False).status_code == 200


def test_a_decision_recorded_before_the_next_claim_fails_is_not_reported_as_lost(
    service: Service, login: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The decide commits, then claiming the next post meets a busy database: the reviewer is
    sent back to the queue (no 503 saying nothing was written), and the decision stands."""
    import sqlalchemy as sa

    from redline.store import review

    screen_flagged(service)
    csrf = login("reviewer")
    first = service.client.post("/review/next", data={"csrf": csrf})
    post_id = re.search(r'name="id" value="([^"]+)"', first.text).group(1)

    def busy(*_: object, **__: object) -> None:
        raise sa.exc.OperationalError("claim next", {}, Exception("database is locked"))

    real_claim_next = review.claim_next
    monkeypatch.setattr(review, "claim_next", busy)
    page = service.client.post(
        "/review/decide", data={"csrf": csrf, "id": post_id, "action": "confirm"}
    )
    assert page.status_code == 200 and "nothing was written" not in page.text
    assert str(page.url).endswith("/review?status=open")
    monkeypatch.setattr(review, "claim_next", real_claim_next)
    login("analyst")
    assert "review.confirm" in service.client.get("/audit").text
