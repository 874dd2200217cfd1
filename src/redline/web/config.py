"""What an operator can tune: request limits, the rate limit, cookies, claim lifetime."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from redline.web.durability import Durability


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what one request may ask for; beyond them it is refused, never half-done."""

    max_body_bytes: int = 16 * 1024 * 1024
    max_text_chars: int = 100_000  # the same bound `scan` applies to a record
    max_batch: int = 1000
    rate_per_second: float = 1000.0  # per token, per server worker (token bucket)
    rate_burst: float = 2000.0


@dataclass(frozen=True, slots=True)
class WebConfig:
    limits: Limits = field(default_factory=Limits)
    secure_cookies: bool = True
    """Mark cookies Secure (HTTPS only). Turn off only when serving plain HTTP on loopback."""
    session_lifetime: timedelta = timedelta(hours=12)
    claim_ttl: timedelta = timedelta(minutes=10)
    token_cache_s: float = 5.0
    """How long a worker trusts a token lookup: a revoked token works at most this long."""
    ledger_db: str | None = None
    """The HGR ledger that /v1/ledger writes to (path or URL); None: the service's database."""
    durable: Durability = "flagged"
    """Which inline screening commits are on disk before their answers go out: those holding a
    flagged decision, or all (see `web.durability`)."""
    freeze_after_warm_up: bool = False
    """Freeze the loaded heap out of the garbage collector's reach once warmed up (server
    workers: `app_from_env` sets it; see `app.warm_up`)."""
    ledger_rules: Any = None
    """The `LedgerConfig` that /v1/ledger/findings applies (thresholds, authority, R12's
    watchlist); None: the shipped defaults. `Any` so this module needs no ledger import."""
