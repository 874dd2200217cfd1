"""Rings from the rings store show in the API and on the review page (both backends)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from web_service import FLAGGED_TEXTS, Service

rings = pytest.importorskip("redline.store.rings")
link = pytest.importorskip("redline.link")


def _stored(post_id: str, author: str, handle: str):
    entities = [{"type": "wechat", "value": handle}]
    meta = {"author": author, "platform": "weibo", "created_at": "2026-02-01"}
    record = link.post_record(post_id, "violating", meta, entities)
    decision = {"id": post_id, "verdict": "violating", "entities": entities}
    raw = {"id": post_id, "text": FLAGGED_TEXTS[post_id], **meta}
    return rings.StoredRecord(record, raw, decision, "violating")


def test_rings_are_listed_and_shown_on_the_review_page(
    service: Service, db_url: str, login: Callable[[str], str]
) -> None:
    posts = [{"id": k, "text": t} for k, t in FLAGGED_TEXTS.items()]
    service.client.post("/v1/screen", json={"posts": posts}, headers=service.auth("screener"))
    store = rings.RingStore(db_url)
    store.add_batch([_stored("ad-1", "u1", "op_main"), _stored("ad-2", "u2", "op_main")])
    store.close()
    listed = service.client.get("/v1/rings", headers=service.auth("analyst"))
    assert listed.status_code == 200
    (ring,) = listed.json()["rings"]
    one = service.client.get(f"/v1/rings/{ring['ring_id']}", headers=service.auth("analyst"))
    assert sorted(r["id"] for r in one.json()["records"]) == ["ad-1", "ad-2"]
    missing = service.client.get("/v1/rings/nope", headers=service.auth("analyst"))
    assert missing.status_code == 404
    login("reviewer")
    page = service.client.get("/review/item", params={"id": "ad-1"})
    assert f"Ring <code>{ring['ring_id']}</code>" in page.text
    assert f'href="/rings/{ring["ring_id"]}"' not in page.text  # reviewers have no rings pages
    login("analyst")
    page = service.client.get("/review/item", params={"id": "ad-1"})
    assert f'<a href="/rings/{ring["ring_id"]}"><code>{ring["ring_id"]}</code></a>' in page.text
    lonely = service.client.get("/review/item", params={"id": "ad-3"})
    assert "No ring known for this post." in lonely.text


def test_without_the_rings_store_the_api_says_so(service: Service) -> None:
    service.app.state.services.rings._store = None  # as when the `link` extra is missing
    response = service.client.get("/v1/rings", headers=service.auth("analyst"))
    assert response.status_code == 404
    assert "rings are not available" in response.json()["detail"]
