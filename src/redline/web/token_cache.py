"""A few seconds' memory of which API tokens are valid, so the inline path skips a query.

Why: at hundreds of requests a second the token lookup was a third of a request's database
time. The price: a revoked token keeps working for at most `ttl` seconds in each worker.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable

from redline.store.accounts import ApiToken

DEFAULT_TTL_S = 5.0
MAX_ENTRIES = 10_000


class TokenCache:
    def __init__(self, ttl_s: float = DEFAULT_TTL_S, clock: Callable[[], float] = time.monotonic):
        self.ttl_s, self._clock = ttl_s, clock
        self._entries: dict[str, tuple[ApiToken | None, float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(secret: str) -> str:
        return hashlib.sha256(secret.encode("utf-8")).hexdigest()

    def get(self, secret: str) -> tuple[bool, ApiToken | None]:
        """(found, token): found is False when the cache has no fresh answer for `secret`."""
        with self._lock:
            entry = self._entries.get(self._key(secret))
        if entry is None or entry[1] < self._clock():
            return False, None
        return True, entry[0]

    def put(self, secret: str, token: ApiToken | None) -> None:
        """Remember a lookup; unknown secrets are remembered too, so guessing costs no queries."""
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[self._key(secret)] = (token, self._clock() + self.ttl_s)

    def clear(self) -> None:
        """Forget everything (this worker trusts no lookup older than now)."""
        with self._lock:
            self._entries.clear()
