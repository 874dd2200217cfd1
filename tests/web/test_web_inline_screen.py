"""`InlineScreen`, the fast path of POST /v1/screen: it answers as the documented route does."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_service import FLAGGED_TEXTS, Service, make_service

from redline.pipeline import Pipeline
from redline.store import engine as store_engine
from redline.store.decisions import count_decisions
from redline.web import api_screen


def inline_bodies(monkeypatch: pytest.MonkeyPatch) -> list[bytes | None]:
    """Every body `InlineScreen` reads (only it calls `_body`; the route reads its own), so a
    test can tell the fast path answered and not the route behind it."""
    read: list[bytes | None] = []
    real = api_screen._body

    async def counted(receive: Any) -> bytes | None:
        read.append(await real(receive))
        return read[-1]

    monkeypatch.setattr(api_screen, "_body", counted)
    return read


def test_the_inline_path_answers_exactly_as_the_documented_route(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    bodies = inline_bodies(monkeypatch)
    route_only = FastAPI()
    route_only.include_router(api_screen.router)
    route_only.state.services = service.app.state.services
    through_route = TestClient(route_only)
    auth = service.auth("screener")
    requests = [
        ({"id": "ad-1", "text": FLAGGED_TEXTS["ad-1"], "author": "u1"}, auth),
        ({"posts": [{"id": 7, "text": "天气好"}, {"id": "ad-2", "text": FLAGGED_TEXTS["ad-2"]}]},
         auth),
        ({"id": "", "text": "x"}, auth),  # 422: id too short
        ({"posts": [{"id": "a", "text": "x"}, {"id": "b"}]}, auth),  # 422: posts.1.text
        ({"id": "a", "text": "x"}, {}),  # 401
        ({"id": "a", "text": "x"}, {"Authorization": "Bearer nope"}),  # 401 too
    ]  # fmt: skip
    for body, headers in requests:
        before = len(bodies)
        inline = service.client.post("/v1/screen", json=body, headers=headers)
        assert len(bodies) == before + 1  # answered by InlineScreen
        routed = through_route.post("/v1/screen", json=body, headers=headers)
        assert len(bodies) == before + 1  # answered by the route alone
        assert (inline.status_code, inline.json()) == (routed.status_code, routed.json())
        assert inline.headers.get("www-authenticate") == routed.headers.get("www-authenticate")
    assert service.client.post("/v1/screen", content=b"[1", headers=auth).status_code == 422
    assert service.client.get("/v1/screen", headers=auth).status_code == 405
    document = service.client.get("/openapi.json").json()
    schema = document["paths"]["/v1/screen"]["post"]["requestBody"]["content"]["application/json"]
    assert {"#/components/schemas/PostIn", "#/components/schemas/BatchIn"} == {
        one["$ref"] for one in schema["schema"]["oneOf"]
    }


def test_a_locked_database_is_503_and_nothing_is_written(
    tmp_path: Path, bare_pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_engine, "SQLITE_BUSY_TIMEOUT_MS", 50)
    made = make_service(str(tmp_path / "locked.db"), bare_pipeline)
    auth = made.auth("screener")
    with made.client:
        warm = made.client.post("/v1/screen", json={"id": "warm", "text": "x"}, headers=auth)
        assert warm.status_code == 200
        other = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
        bodies = inline_bodies(monkeypatch)
        busy = made.client.post("/v1/screen", json={"id": "p", "text": "x"}, headers=auth)
        assert len(bodies) == 1  # InlineScreen met the lock, not the route behind it
        other.execute("ROLLBACK")
        other.close()
        assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
        again = made.client.post("/v1/screen", json={"id": "p", "text": "x"}, headers=auth)
        assert again.status_code == 200
        with made.app.state.services.reading() as connection:
            assert count_decisions(connection) == (2, 2)
    made.app.state.services.engine.dispose()
