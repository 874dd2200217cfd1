"""The service's small parts: token bucket, signed sessions, CSRF, evidence runs, token cache."""

from __future__ import annotations

import gc
import time

from redline.normalize.rules import readings
from redline.pipeline import Pipeline
from redline.store.accounts import ApiToken
from redline.store.tables import utcnow
from redline.web.app import warm_up
from redline.web.highlight import Run, runs
from redline.web.ratelimit import TokenBucketLimiter
from redline.web.sessions import Session, SessionCodec
from redline.web.token_cache import TokenCache


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_allows_a_burst_then_the_rate() -> None:
    clock = FakeClock()
    limiter = TokenBucketLimiter(rate=2.0, burst=3, clock=clock)
    assert [limiter.acquire("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.acquire("a") == 0.5  # one token comes back every half second
    assert limiter.acquire("b") == 0.0  # another key has its own bucket
    clock.now += 0.5
    assert limiter.acquire("a") == 0.0
    clock.now += 100
    assert [limiter.acquire("a") for _ in range(4)][-1] > 0  # refills only up to the burst


def test_sessions_are_signed_and_expire() -> None:
    codec = SessionCodec(b"k" * 32)
    session = Session.anonymous(60).for_user(7, 3, 60)
    cookie = codec.encode(session)
    assert codec.decode(cookie) == session and session.generation == 3
    body, signature = cookie.split(".")
    assert (
        codec.decode(body + "." + signature[:-1] + ("A" if signature[-1] != "A" else "B")) is None
    )
    assert SessionCodec(b"other key" * 4).decode(cookie) is None
    assert codec.decode("garbage") is None and codec.decode(None) is None
    expired = Session(7, "n", int(time.time()) - 1)
    assert codec.decode(codec.encode(expired)) is None


def test_a_user_session_without_a_generation_is_refused() -> None:
    """Cookies from before sessions had a generation could never be revoked: log in again."""
    import base64

    import orjson

    codec = SessionCodec(b"k" * 32)

    def signed(payload: dict) -> str:
        body = base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")
        return f"{body}.{codec._sign(body.encode())}"

    later = int(time.time()) + 60
    assert codec.decode(signed({"u": 7, "n": "n", "e": later})) is None
    assert codec.decode(signed({"u": 7, "n": "n", "e": later, "g": 0})) == Session(7, "n", later)
    assert codec.decode(signed({"u": None, "n": "n", "e": later})) == Session(None, "n", later)


def test_csrf_tokens_belong_to_one_session() -> None:
    codec = SessionCodec(b"k" * 32)
    first, second = Session.anonymous(60), Session.anonymous(60)
    token = codec.csrf_token(first)
    assert codec.check_csrf(first, token)
    assert not codec.check_csrf(second, token)
    assert not codec.check_csrf(first, "") and not codec.check_csrf(first, None)
    assert not codec.check_csrf(first.for_user(1, 0, 60), token)  # login renews the nonce


def test_evidence_runs_cover_the_text_once_and_merge_overlaps() -> None:
    text = "香港验血查男女，加V预约"
    evidence = [
        {"start": 0, "end": 4, "signal": "sexid.service"},
        {"start": 2, "end": 7, "signal": "sexid.service"},
        {"start": 2, "end": 4, "signal": "sexid.cue"},
        {"start": 8, "end": 10, "signal": "offer.cta"},
    ]
    found = runs(text, evidence)
    assert "".join(run.text for run in found) == text
    assert found[0] == Run("香港", ("sexid.service",))
    assert found[1] == Run("验血", ("sexid.cue", "sexid.service"))
    assert Run("，", ()) in found and not Run("，", ()).is_evidence
    assert runs("abc", [{"start": 5, "end": 9, "signal": "x"}]) == [Run("abc")]


def test_token_cache_remembers_for_its_ttl_only() -> None:
    clock = FakeClock()
    cache = TokenCache(ttl_s=5, clock=clock)
    token = ApiToken(1, "t", "screener", "rl_abcde", utcnow(), None)
    assert cache.get("secret") == (False, None)
    cache.put("secret", token)
    cache.put("unknown", None)
    assert cache.get("secret") == (True, token)
    assert cache.get("unknown") == (True, None)
    clock.now += 6
    assert cache.get("secret") == (False, None)
    cache.put("secret", token)
    cache.clear()
    assert cache.get("secret") == (False, None)


def test_warm_up_loads_the_pinyin_readings_and_freezes_only_when_asked(
    bare_pipeline: Pipeline,
) -> None:
    readings.cache_clear()
    before = gc.get_freeze_count()
    warm_up(bare_pipeline)
    assert readings.cache_info().currsize >= 1  # loaded before any request needs it
    assert gc.get_freeze_count() == before
    try:
        warm_up(bare_pipeline, freeze=True)
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
