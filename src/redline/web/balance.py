"""Keep-alive connections spread by load over the workers of `redline serve --workers N`.

Why: each worker listens on its own SO_REUSEPORT socket and the kernel hands every new
connection to one of them by a hash of its addresses. Keep-alive clients (a platform's
screening clients, a proxy's upstream pool) keep their connections, so a worker's load is its
share of a few dozen connections, and a hash splits 32 of them 20/12 or worse often enough: in
one load run the busier worker answered 67% of the requests, and its queue was the tail.

So a worker that answers clearly more than its share asks one client to reconnect: its answer
carries `Connection: close`, which every HTTP/1.1 client honours by opening a new connection for
its next request, and the kernel hashes that one afresh (to another worker as often as not).
Only a worker over its share does this, one connection per check, so the split settles near
even within seconds and then stays, at the cost of an occasional reconnect.

The workers' answer counts live in shared memory, one slot per worker: each worker writes only
its own slot (an aligned 64-bit word: no lock), and reads the others' at each check.
"""

from __future__ import annotations

from collections.abc import MutableSequence
from typing import Any

from redline.web.middleware import ASGIApp, Scope

CHECK_EVERY = 100
"""Answers of a worker between two looks at how the work is shared."""
SLACK = 0.1
"""How far above an even share (as a fraction of it) a worker may run before shedding."""

_CLOSE = (b"connection", b"close")


class LoadShares:
    """This worker's view of the answer counts of all workers (`counts`, one slot each)."""

    def __init__(
        self,
        counts: MutableSequence[int],
        slot: int,
        check_every: int = CHECK_EVERY,
        slack: float = SLACK,
    ) -> None:
        if not 0 <= slot < len(counts):
            raise ValueError(f"slot {slot} outside the {len(counts)} workers' counts")
        if check_every < 1 or slack < 0:
            raise ValueError("check_every must be at least 1 and slack at least 0")
        self.counts, self.slot, self.check_every, self.slack = counts, slot, check_every, slack
        self._seen = list(counts)
        self._until_check = check_every

    def answered(self) -> bool:
        """Count one answer of this worker; whether its connection should be closed after it.

        Every `check_every` answers, compares what each worker answered since this worker's
        last check (the same stretch of time for all): over `1 + slack` times the mean, shed.
        """
        self.counts[self.slot] += 1
        self._until_check -= 1
        if self._until_check:
            return False
        self._until_check = self.check_every
        now = list(self.counts)
        done = [after - before for after, before in zip(now, self._seen, strict=True)]
        self._seen = now
        return done[self.slot] * len(done) > (1 + self.slack) * sum(done)


class ConnectionBalance:
    """ASGI middleware: counts every HTTP answer and closes the connection after the answers
    `LoadShares.answered` picks."""

    def __init__(self, app: ASGIApp, shares: LoadShares) -> None:
        self.app = app
        self.shares = shares

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def counted(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start" and self.shares.answered():
                message["headers"] = [*message.get("headers", []), _CLOSE]
            await send(message)

        await self.app(scope, receive, counted)
