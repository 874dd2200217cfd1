"""What every request handler needs, built once per app by `create_app` and kept on app.state."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Connection, Engine

from redline.web.config import WebConfig
from redline.web.ratelimit import TokenBucketLimiter
from redline.web.rings_lookup import RingsView
from redline.web.sessions import SessionCodec
from redline.web.token_cache import TokenCache
from redline.web.write_batcher import DecisionWriter

if TYPE_CHECKING:
    from redline.pipeline import Pipeline


@dataclass(slots=True)
class Services:
    engine: Engine
    config: WebConfig
    sessions: SessionCodec
    limiter: TokenBucketLimiter
    templates: Jinja2Templates
    tokens: TokenCache
    writer: DecisionWriter
    rings: RingsView
    pipeline: Pipeline | None = None  # set at startup when not given

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction: everything a request writes commits together or not at all."""
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            yield connection


def services_of(request: Request) -> Services:
    return request.app.state.services


async def services(request: Request) -> Services:
    """Async so FastAPI calls it inline: a sync dependency would cost a thread hop per request."""
    return services_of(request)
