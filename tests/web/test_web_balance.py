"""Load-aware connection shedding between server workers (`web.balance`)."""

from __future__ import annotations

import asyncio
import multiprocessing
from typing import Any

import pytest

from redline.web.balance import ConnectionBalance, LoadShares


def _counts(workers: int) -> Any:
    """Shared answer counts as `serve --workers N` makes them."""
    return multiprocessing.get_context("spawn").RawArray("Q", workers)


def _sheds(shares: LoadShares, others: dict[int, int], rounds: int) -> list[bool]:
    """Each round: the other workers answer `others[slot]` times, this one `check_every` times;
    whether this worker shed a connection at the end of each round."""
    out = []
    for _ in range(rounds):
        for slot, answers in others.items():
            shares.counts[slot] += answers
        verdicts = [shares.answered() for _ in range(shares.check_every)]
        assert not any(verdicts[:-1])  # only a check can shed
        out.append(verdicts[-1])
    return out


def test_a_worker_with_its_even_share_or_less_never_sheds() -> None:
    shares = LoadShares(_counts(2), slot=0, check_every=50)
    assert _sheds(shares, {1: 50}, rounds=5) == [False] * 5
    assert _sheds(shares, {1: 80}, rounds=5) == [False] * 5


def test_a_worker_over_its_share_by_more_than_the_slack_sheds_at_each_check() -> None:
    shares = LoadShares(_counts(2), slot=1, check_every=100, slack=0.1)
    assert _sheds(shares, {0: 82}, rounds=2) == [False, False]  # 100 vs a mean of 91: within
    assert _sheds(shares, {0: 80}, rounds=2) == [True, True]  # 100 vs a mean of 90: over
    assert _sheds(shares, {0: 0}, rounds=1) == [True]  # all the work


def test_shares_count_only_the_stretch_since_the_last_check() -> None:
    counts = _counts(3)
    counts[1], counts[2] = 10_000, 0  # long ago, before this worker's start
    shares = LoadShares(counts, slot=0, check_every=10)
    assert _sheds(shares, {1: 10, 2: 10}, rounds=3) == [False] * 3
    assert _sheds(shares, {1: 5, 2: 5}, rounds=1) == [True]
    assert counts[0] == 40  # this worker's own answers, in its own slot


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="slot 2"):
        LoadShares(_counts(2), slot=2)
    with pytest.raises(ValueError, match="check_every"):
        LoadShares(_counts(2), slot=0, check_every=0)


def test_the_middleware_closes_the_connection_after_the_answers_the_shares_pick() -> None:
    async def answer(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"x-a", b"1")]})
        await send({"type": "http.response.body", "body": b"ok"})

    app = ConnectionBalance(answer, LoadShares(_counts(2), slot=0, check_every=3))

    async def request() -> list[tuple[bytes, bytes]]:
        sent: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await app({"type": "http"}, None, send)
        assert sent[1] == {"type": "http.response.body", "body": b"ok"}
        return sent[0]["headers"]

    headers = [asyncio.run(request()) for _ in range(6)]  # the other worker answers none
    closing = [(b"connection", b"close") in h for h in headers]
    assert closing == [False, False, True, False, False, True]
    assert all((b"x-a", b"1") in h for h in headers)


def test_the_middleware_leaves_lifespan_and_websocket_scopes_alone() -> None:
    seen: list[str] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["type"])

    shares = LoadShares(_counts(2), slot=0, check_every=1)
    asyncio.run(ConnectionBalance(inner, shares)({"type": "lifespan"}, None, None))
    assert seen == ["lifespan"] and shares.counts[0] == 0
