"""The HTTP API on both backends: screening, stored decisions, review endpoints, limits."""

from __future__ import annotations

import base64
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import orjson
import pytest
from web_service import FLAGGED_TEXTS, Service, make_service

from redline.pipeline import Pipeline
from redline.store.decisions import (
    FEED_EPOCH,
    ScreenedPost,
    count_decisions,
    prepare_feed,
    store_decisions,
)
from redline.store.tables import server_settings
from redline.types import Post
from redline.web.config import Limits


def test_single_post_is_answered_like_scan_and_stored_once(
    service: Service, bare_pipeline: Pipeline
) -> None:
    body = {"id": "ad-1", "text": FLAGGED_TEXTS["ad-1"], "author": "u1"}
    first = service.client.post("/v1/screen", json=body, headers=service.auth("screener"))
    again = service.client.post("/v1/screen", json=body, headers=service.auth("screener"))
    assert first.status_code == again.status_code == 200
    expected = bare_pipeline.screen([Post("ad-1", body["text"])])[0].to_dict()
    assert first.json() == again.json() == expected
    stored = service.client.get("/v1/decisions/ad-1", headers=service.auth("analyst")).json()
    assert stored["verdict"] == expected["verdict"] and stored["text"] == body["text"]
    assert stored["source"] == "token:screener-token"
    with service.app.state.services.reading() as connection:
        assert count_decisions(connection) == (1, 1)


def test_batch_answers_in_order(service: Service, bare_pipeline: Pipeline) -> None:
    posts = [{"id": f"p{i}", "text": t} for i, t in enumerate([*FLAGGED_TEXTS.values(), "天气好"])]
    posts.append({"id": 42, "text": "integer ids are read as text"})
    response = service.client.post(
        "/v1/screen", json={"posts": posts}, headers=service.auth("screener")
    )
    assert response.status_code == 200
    answers = response.json()["decisions"]
    assert [a["id"] for a in answers] == ["p0", "p1", "p2", "p3", "42"]
    expected = bare_pipeline.screen([Post(str(p["id"]), p["text"]) for p in posts])
    assert answers == [d.to_dict() for d in expected]


def test_decisions_filter_by_verdict_and_pack(service: Service) -> None:
    posts = [{"id": k, "text": t} for k, t in FLAGGED_TEXTS.items()]
    posts.append({"id": "ok", "text": "今天天气很好"})
    service.client.post("/v1/screen", json={"posts": posts}, headers=service.auth("screener"))
    get = lambda query: service.client.get(  # noqa: E731
        "/v1/decisions" + query, headers=service.auth("analyst")
    ).json()["decisions"]
    assert [d["id"] for d in get("?verdict=allow")] == ["ok"]
    assert {d["id"] for d in get("?pack=cn")} == set(FLAGGED_TEXTS)
    assert get("?pack=in") == []
    assert len(get("?since=2000-01-01T00:00:00Z")) == 4
    assert get("?until=2000-01-01T00:00:00") == []


@pytest.mark.parametrize(
    ("body", "field"),
    [({"text": "x"}, ["body", "id"]), ({"id": "a"}, ["body", "text"]),
     ({"id": "a", "text": 5}, ["body", "text"]), ({"id": True, "text": "x"}, ["body", "id"]),
     ({"posts": [{"id": "a", "text": "x"}, {"id": "b"}]}, ["body", "posts", 1, "text"]),
     ({"posts": "nope"}, ["body", "posts"]),
     # PostgreSQL stores no NUL (and one in a shared commit failed every request in it)
     ({"id": "a", "text": "x\u0000y"}, ["body", "text"]),
     ({"id": "a\u0000", "text": "x"}, ["body", "id"]),
     ({"posts": [{"id": "a", "text": "x"}, {"id": "b", "text": "y", "src": ["\u0000"]}]},
      ["body", "posts", 1])],
)  # fmt: skip
def test_schema_errors_are_422_naming_the_field_and_write_nothing(
    service: Service, body: dict, field: list
) -> None:
    response = service.client.post("/v1/screen", json=body, headers=service.auth("screener"))
    assert response.status_code == 422
    assert field in [error["loc"] for error in response.json()["detail"]]
    with service.app.state.services.reading() as connection:
        assert count_decisions(connection) == (0, 0)


def test_bad_json_is_422(service: Service) -> None:
    response = service.client.post(
        "/v1/screen", content=b"{not json", headers=service.auth("screener")
    )
    assert response.status_code == 422


def test_size_limits(db_url: str, bare_pipeline: Pipeline) -> None:
    limits = Limits(max_body_bytes=4000, max_text_chars=50, max_batch=3)
    small = make_service(db_url, bare_pipeline, limits)
    with small.client:
        _check_size_limits(small)


def _check_size_limits(small: Service) -> None:
    auth = small.auth("screener")
    long_text = small.client.post("/v1/screen", json={"id": "a", "text": "x" * 51}, headers=auth)
    assert long_text.status_code == 422
    assert long_text.json()["detail"][0]["loc"] == ["body", "text"]
    batch = {"posts": [{"id": str(i), "text": "x"} for i in range(4)]}
    too_many = small.client.post("/v1/screen", json=batch, headers=auth)
    assert too_many.status_code == 422 and "at most 3" in too_many.json()["detail"][0]["msg"]
    huge = small.client.post("/v1/screen", content=b"x" * 5000, headers=auth)
    assert huge.status_code == 413

    def chunks():
        yield b'{"id": "a", "text": "'
        yield b"y" * 5000
        yield b'"}'

    chunked = small.client.post("/v1/screen", content=chunks(), headers=auth)
    assert chunked.status_code == 413
    with small.app.state.services.reading() as connection:
        assert count_decisions(connection) == (0, 0)


def test_rate_limit_per_token(db_url: str, bare_pipeline: Pipeline) -> None:
    limited = make_service(db_url, bare_pipeline, Limits(rate_per_second=0.01, rate_burst=2))
    with limited.client:
        _check_rate_limit(limited)


def _check_rate_limit(limited: Service) -> None:
    statuses = [
        limited.client.post(
            "/v1/screen", json={"id": str(i), "text": "x"}, headers=limited.auth("screener")
        ).status_code
        for i in range(3)
    ]
    assert statuses == [200, 200, 429]
    other = limited.client.post("/v1/screen", json={"id": "o", "text": "x"},
                                headers=limited.auth("admin"))  # fmt: skip
    assert other.status_code == 200  # buckets are per token


def test_concurrent_duplicate_posts_are_stored_once(service: Service) -> None:
    body = {"id": "dup", "text": FLAGGED_TEXTS["ad-2"]}

    def send(_: int) -> int:
        return service.client.post(
            "/v1/screen", json=body, headers=service.auth("screener")
        ).status_code

    with ThreadPoolExecutor(4) as pool:
        assert set(pool.map(send, range(12))) == {200}
    with service.app.state.services.reading() as connection:
        assert count_decisions(connection) == (1, 1)
    queue = service.client.get("/v1/review/queue", headers=service.auth("reviewer")).json()
    assert [item["id"] for item in queue["items"]] == ["dup"]


def test_review_endpoints_claim_lock_and_decide(service: Service) -> None:
    posts = [{"id": k, "text": t} for k, t in FLAGGED_TEXTS.items()]
    service.client.post("/v1/screen", json={"posts": posts}, headers=service.auth("screener"))
    reviewer, analyst = service.auth("reviewer"), service.auth("analyst")
    assert service.client.post("/v1/review/claim", json={"id": "ad-1"},
                               headers=reviewer).status_code == 200  # fmt: skip
    taken = service.client.post("/v1/review/claim", json={"id": "ad-1"}, headers=analyst)
    assert taken.status_code == 409
    not_mine = service.client.post(
        "/v1/review/decide", json={"id": "ad-1", "action": "confirm"}, headers=analyst
    )
    assert not_mine.status_code == 409
    done = service.client.post(
        "/v1/review/decide", json={"id": "ad-1", "action": "escalate", "note": "unsure"},
        headers=reviewer,
    )  # fmt: skip
    assert done.status_code == 200 and done.json()["reviewer"] == "token:reviewer-token"
    bad = service.client.post(
        "/v1/review/decide", json={"id": "ad-2", "action": "approve"}, headers=reviewer
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "action"]
    assert service.client.get("/v1/review/queue?status=escalated",
                              headers=reviewer).status_code == 403  # fmt: skip
    escalated = service.client.get("/v1/review/queue?status=escalated", headers=analyst).json()
    assert [item["id"] for item in escalated["items"]] == ["ad-1"]
    audit = service.client.get("/v1/audit", headers=analyst).json()["entries"]
    assert [(e["action"], e["subject"]) for e in audit] == [("review.escalate", "ad-1")]
    assert service.client.get("/v1/audit/verify", headers=analyst).json()["ok"] is True


def test_health_and_openapi(service: Service) -> None:
    assert service.client.get("/healthz").json() == {"status": "ok"}
    document = service.client.get("/openapi.json").json()
    assert {"/v1/screen", "/v1/decisions", "/v1/review/decide", "/v1/rings"} <= set(
        document["paths"]
    )


def _poll(service: Service, after: str, **query: object) -> tuple[list[str], str]:
    """One poll the documented way: `after` the `next` of the previous answer."""
    response = service.client.get(
        "/v1/decisions", params={"after": after, **query}, headers=service.auth("analyst")
    )
    assert response.status_code == 200, response.text
    return [d["id"] for d in response.json()["decisions"]], response.json()["next"]


def _poll_all(service: Service, after: str, limit: int) -> tuple[list[str], str]:
    seen: list[str] = []
    while True:
        found, after = _poll(service, after, limit=limit)
        seen += found
        if len(found) < limit:
            return seen, after


def _screen(service: Service, *ids: str) -> None:
    posts = [{"id": i, "text": FLAGGED_TEXTS.get(i, "今天天气很好")} for i in ids]
    response = service.client.post(
        "/v1/screen", json={"posts": posts}, headers=service.auth("screener")
    )
    assert response.status_code == 200


def test_polling_with_the_cursor_reads_each_decision_once(service: Service) -> None:
    _screen(service, "ad-1", "p1")
    _screen(service, "p2")
    _screen(service, "ad-2", "p3", "p4")
    seen, cursor = _poll_all(service, "", limit=2)
    assert sorted(seen) == ["ad-1", "ad-2", "p1", "p2", "p3", "p4"]
    assert sorted(seen[:2]) == ["ad-1", "p1"] and seen[2] == "p2"  # commit order
    assert _poll(service, cursor) == ([], cursor)
    _screen(service, "ad-3")
    _screen(service, "p5")
    assert _poll(service, cursor, verdict="allow")[0] == ["p5"]
    assert _poll_all(service, cursor, limit=1)[0] == ["ad-3", "p5"]
    analyst = service.auth("analyst")
    bad = service.client.get("/v1/decisions", params={"after": "nonsense"}, headers=analyst)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "after"]
    both = service.client.get("/v1/decisions?after=&offset=2", headers=analyst)
    assert both.status_code == 422 and both.json()["detail"][0]["loc"] == ["query", "offset"]
    document = service.client.get("/openapi.json").json()
    parameters = document["paths"]["/v1/decisions"]["get"]["parameters"]
    described = {p["name"]: p.get("description", "") for p in parameters}
    assert "not a polling cursor" in described["since"] and "next" in described["after"]


def test_a_cursor_of_an_earlier_numbering_answers_410_and_the_client_starts_again(
    service: Service,
) -> None:
    """When the keys are renumbered (revision 0005 applied again deletes the epoch, as does
    `prepare_feed` on keys another cluster wrote), a cursor of before could skip decisions: it
    is refused with 410, and polling from `after=` reads every decision once."""
    _screen(service, "p1", "p2")
    seen, cursor = _poll_all(service, "", limit=10)
    engine = service.app.state.services.engine
    analyst = service.auth("analyst")
    with engine.begin() as connection:  # 0005 applied again under the running service
        connection.execute(server_settings.delete().where(server_settings.c.name == FEED_EPOCH))
    _screen(service, "p3")
    stale = service.client.get("/v1/decisions", params={"after": cursor}, headers=analyst)
    assert stale.status_code == 410, stale.text  # not a 500 for the missing epoch
    assert "start again" in stale.json()["detail"]
    assert sorted(_poll_all(service, "", limit=10)[0]) == sorted([*seen, "p3"])
    _, current = _poll(service, "")
    with engine.begin() as connection:  # and at the next start, after 0005 again
        connection.execute(server_settings.delete().where(server_settings.c.name == FEED_EPOCH))
    prepare_feed(engine)
    again = service.client.get("/v1/decisions", params={"after": current}, headers=analyst)
    assert again.status_code == 410, again.text
    # a cursor from before cursors named their numbering ([key, id]) is one of another numbering
    old_style = base64.urlsafe_b64encode(orjson.dumps([0, "p1"])).decode().rstrip("=")
    older = service.client.get("/v1/decisions", params={"after": old_style}, headers=analyst)
    assert older.status_code == 410, older.text
    document = service.client.get("/openapi.json").json()
    assert "410" in document["paths"]["/v1/decisions"]["get"]["responses"]


def test_a_decision_committed_late_is_not_skipped_by_a_polling_client(
    postgres_url: str, bare_pipeline: Pipeline
) -> None:
    """PostgreSQL: another worker's decision, screened first, is still committing when this
    worker's later one is visible. A client that polled with `since=` the later one's time
    never saw the earlier; one that follows `next` is given neither until both can be read."""
    service = make_service(postgres_url, bare_pipeline)
    engine = service.app.state.services.engine
    with service.client:
        _screen(service, "p0")
        _, cursor = _poll(service, "")
        other_worker = engine.connect()
        committing = other_worker.begin()
        earlier = datetime(2000, 1, 1, tzinfo=UTC)  # screened before anything here
        post = ScreenedPost("x", {"id": "slow", "verdict": "review", "score": 0.5}, "token:t")
        store_decisions(other_worker, [post], earlier)
        _screen(service, "fast")
        by_time = service.client.get("/v1/decisions", headers=service.auth("analyst")).json()
        assert [d["id"] for d in by_time["decisions"]][-1] == "fast"  # "slow" not visible yet
        held, cursor = _poll(service, cursor)
        assert held == []  # "fast" waits for the transaction that began before it
        committing.commit()
        other_worker.close()
        since = by_time["decisions"][-1]["screened_at"]
        late = service.client.get(
            "/v1/decisions", params={"since": since}, headers=service.auth("analyst")
        ).json()
        assert [d["id"] for d in late["decisions"]] == ["fast"]  # polling by time lost "slow"
        assert _poll(service, cursor)[0] == ["slow", "fast"]
    engine.dispose()
