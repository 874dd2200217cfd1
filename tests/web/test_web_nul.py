"""A NUL character (U+0000) in text a request gives: 422 naming the field, nothing written.

PostgreSQL stores no NUL in text, so each of these was a 500 there (after a claim had been
taken, or with the review note's transaction half done) while SQLite took it; both backends
now refuse it before the handler runs (`store.text`, `web.schemas.NulFree`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from web_service import FLAGGED_TEXTS, Service, csrf_of

from redline.store import audit, review


def _screen_flagged(service: Service) -> None:
    posts = [{"id": k, "text": t} for k, t in FLAGGED_TEXTS.items()]
    response = service.client.post(
        "/v1/screen", json={"posts": posts}, headers=service.auth("screener")
    )
    assert response.status_code == 200


def _refused(response: Any, loc: list[str]) -> None:
    assert response.status_code == 422, response.text
    errors = response.json()["detail"]
    assert loc in [error["loc"] for error in errors], errors
    assert any("NUL character" in error["msg"] for error in errors)


def _nothing_recorded(service: Service, post_id: str) -> None:
    with service.app.state.services.reading() as connection:
        assert review.history(connection, post_id) == []
        assert audit.entries(connection) == []
        item = review.get_item(connection, post_id)
    assert item is not None and item.status == "open"


def test_a_nul_in_a_review_note_from_the_browser(
    service: Service, login: Callable[[str], str]
) -> None:
    _screen_flagged(service)
    csrf = login("reviewer")
    held = service.client.post("/review/next", data={"csrf": csrf})
    post_id = re.search(r'name="id" value="([^"]+)"', held.text).group(1)
    form = {"csrf": csrf, "id": post_id, "action": "confirm", "note": "see\u0000this"}
    _refused(service.client.post("/review/decide", data=form), ["body", "note"])
    _nothing_recorded(service, post_id)
    done = service.client.post("/review/decide", data={**form, "note": "see this"})
    assert done.status_code == 200  # still claimed: the same decision without the NUL goes in
    with service.app.state.services.reading() as connection:
        assert [r.note for r in review.history(connection, post_id)] == ["see this"]


def test_a_nul_in_a_review_note_over_the_api(service: Service) -> None:
    _screen_flagged(service)
    reviewer = service.auth("reviewer")
    claimed = service.client.post("/v1/review/claim", json={"id": "ad-1"}, headers=reviewer)
    assert claimed.status_code == 200
    body = {"id": "ad-1", "action": "dismiss", "note": "\u0000"}
    _refused(service.client.post("/v1/review/decide", json=body, headers=reviewer),
             ["body", "note"])  # fmt: skip
    _nothing_recorded(service, "ad-1")
    done = service.client.post("/v1/review/decide", json={**body, "note": ""}, headers=reviewer)
    assert done.status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "given", "loc"),
    [("post", "/v1/review/decide", {"json": {"id": "ad-1\u0000", "action": "confirm"}},
      ["body", "id"]),
     ("post", "/v1/review/claim", {"json": {"id": "ad-1\u0000"}}, ["body", "id"]),
     ("post", "/v1/review/release", {"json": {"id": "ad-1\u0000"}}, ["body", "id"]),
     ("get", "/v1/decisions", {"params": {"pack": "c\u0000n"}}, ["query", "pack"]),
     ("get", "/v1/decisions/ad-1%00", {}, ["path", "decision_id"]),
     ("get", "/v1/audit", {"params": {"subject": "ad-1\u0000"}}, ["query", "subject"]),
     ("get", "/v1/rings/ring%00", {}, ["path", "ring_id"])],
)  # fmt: skip
def test_a_nul_in_what_the_api_looks_up(
    service: Service, method: str, path: str, given: dict, loc: list[str]
) -> None:
    _screen_flagged(service)
    response = service.client.request(method, path, headers=service.auth("admin"), **given)
    _refused(response, loc)
    _nothing_recorded(service, "ad-1")


@pytest.mark.parametrize(
    ("method", "path", "given", "loc"),
    [("get", "/review/item", {"params": {"id": "ad-1\u0000"}}, ["query", "id"]),
     ("post", "/review/claim", {"data": {"id": "ad-1\u0000"}}, ["body", "id"]),
     ("post", "/review/decide", {"data": {"id": "ad-1\u0000", "action": "confirm"}},
      ["body", "id"]),
     ("get", "/rings/ring%00", {}, ["path", "ring_id"])],
)  # fmt: skip
def test_a_nul_in_what_the_pages_look_up(
    service: Service,
    login: Callable[[str], str],
    method: str,
    path: str,
    given: dict,
    loc: list[str],
) -> None:
    _screen_flagged(service)
    csrf = login("analyst")
    if "data" in given:
        given = {"data": {**given["data"], "csrf": csrf}}
    _refused(service.client.request(method, path, **given), loc)
    _nothing_recorded(service, "ad-1")


def test_a_nul_in_a_login_name_or_an_account_name(
    service: Service, login: Callable[[str], str]
) -> None:
    csrf = csrf_of(service.client.get("/login").text)
    form = {"name": "admin\u0000", "password": "whatever it is", "csrf": csrf}
    _refused(service.client.post("/login", data=form), ["body", "name"])
    csrf = login("admin")
    for path, form in (
        ("/admin/users", {"name": "x\u0000", "role": "reviewer", "password": "long enough"}),
        ("/admin/tokens", {"name": "x\u0000", "role": "screener"}),
        ("/admin/tokens", {"name": "x", "role": "institution", "institution": "H\u0000"}),
    ):
        refused = service.client.post(path, data={**form, "csrf": csrf})
        assert refused.status_code == 422 and "printable characters" in refused.text
    with service.app.state.services.reading() as connection:
        assert audit.entries(connection) == []
