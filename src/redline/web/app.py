"""`create_app`: the one ASGI app of the review service, assembled from its routers.

No module-level app: tests build one per database, and `redline serve --workers N` has each
worker call `app_from_env` (an import-string factory), reading what the parent decided from
REDLINE_* environment variables.
"""

from __future__ import annotations

import gc
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import timedelta
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from redline.store.decisions import prepare_feed
from redline.store.engine import create_engine
from redline.store.migrate import ensure_current, upgrade
from redline.store.settings import session_key
from redline.web import (
    api_decisions,
    api_ledger,
    api_review,
    api_rings,
    api_screen,
    pages_admin,
    pages_audit,
    pages_auth,
    pages_review,
    pages_rings,
)
from redline.web.auth import LoginRequired, PageForbidden
from redline.web.balance import ConnectionBalance, LoadShares
from redline.web.config import Limits, WebConfig
from redline.web.middleware import BodySizeLimit, SecurityHeaders
from redline.web.ratelimit import TokenBucketLimiter
from redline.web.render import page
from redline.web.rings_lookup import RingsView
from redline.web.services import Services
from redline.web.sessions import SessionCodec
from redline.web.token_cache import TokenCache
from redline.web.write_batcher import DecisionWriter

if TYPE_CHECKING:
    from redline.pipeline import Pipeline

PACKAGE_DIR = files("redline.web")


def create_app(
    db_url: str,
    pipeline: Pipeline | None = None,
    *,
    config: WebConfig | None = None,
    migrate: bool = True,
    packs: tuple[str, ...] = (),
    model: str | None = None,
    balance: LoadShares | None = None,
) -> FastAPI:
    """The service over `db_url`; screens with `pipeline` (else loads packs/model at startup).

    `migrate=False` refuses a database whose schema is not current instead of upgrading it
    (what server workers do: the parent process upgraded once before starting them).
    """
    config = config or WebConfig()
    # What people do here (review decisions, claims, accounts, the audit log) is on disk when
    # it is answered; the inline writer's own connections commit with NORMAL and sync the WAL
    # only for durable commits (`web.sqlite_commits`).
    engine = create_engine(db_url, sqlite_synchronous="FULL")
    if migrate:
        upgrade(engine)
    else:
        ensure_current(engine)
    prepare_feed(engine)
    key = os.environ.get("REDLINE_SECRET_KEY")
    templates = Jinja2Templates(directory=str(PACKAGE_DIR / "templates"))
    svc = Services(
        engine=engine,
        config=config,
        sessions=SessionCodec(key.encode() if key else session_key(engine)),
        limiter=TokenBucketLimiter(config.limits.rate_per_second, config.limits.rate_burst),
        templates=templates,
        tokens=TokenCache(config.token_cache_s),
        writer=DecisionWriter(engine, config.durable),
        rings=RingsView(db_url),
        pipeline=pipeline,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if svc.pipeline is None:
            from redline.pipeline import Pipeline

            svc.pipeline = Pipeline.load(packs, model)
        warm_up(svc.pipeline, freeze=config.freeze_after_warm_up)
        yield
        svc.writer.close()
        svc.rings.close()
        ledger.close()
        engine.dispose()

    app = FastAPI(
        title="redline review service",
        version="1",
        summary="Inline screening of posts and the review queue of what was flagged.",
        docs_url=None,  # Swagger UI needs scripts from a CDN; /openapi.json is the document
        redoc_url=None,
        lifespan=lifespan,
        # No OpenTelemetry here: otherwise FastAPI asks the global providers on every request
        # whether anyone listens (~5% of the inline path's CPU), and nobody does.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.services = svc
    app.state.ledger = ledger = api_ledger.LedgerHandle(config.ledger_db or db_url)
    for module in (api_screen, api_decisions, api_review, api_rings, api_ledger):
        app.include_router(module.router)
    for module in (pages_auth, pages_review, pages_audit, pages_admin, pages_rings):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=str(PACKAGE_DIR / "static")), name="static")

    @app.get("/healthz", tags=["health"], summary="Liveness and database reachability")
    def healthz() -> dict[str, str]:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return {"status": "ok"}

    @app.exception_handler(LoginRequired)
    async def to_login(_request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(exc.location, status_code=303)

    @app.exception_handler(PageForbidden)
    async def forbidden_page(request: Request, exc: PageForbidden) -> Response:
        message = f"This page needs the {exc.minimum_role} role."
        return page(request, svc, "error.html", 403, message=message)

    @app.exception_handler(sa.exc.OperationalError)
    async def database_busy(_request: Request, exc: sa.exc.OperationalError) -> Response:
        return JSONResponse(
            {"detail": "the database is busy or unreachable; nothing was written, retry"},
            status_code=503,
            headers={"Retry-After": "1"},
        )

    app.add_middleware(api_screen.InlineScreen)  # added first: the innermost of the three
    app.add_middleware(BodySizeLimit, max_bytes=config.limits.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    if balance is not None:  # outermost: every answer counts
        app.add_middleware(ConnectionBalance, shares=balance)
    return app


def warm_up(pipeline: Pipeline, *, freeze: bool = False) -> None:
    """Make the worker's latency its steady one from the first request.

    Screens the packs' own examples (recognisers, scorer and caches set up: without it a
    worker's first flagged post takes ~1 s) and loads the pinyin dictionaries the normaliser
    otherwise loads on first use. `freeze` then moves everything loaded out of the garbage
    collector's reach: in a server worker it lives as long as the process, and each full
    collection walking its ~250,000 objects stalled every request in flight for 50-150 ms.
    (Not in tests, which build many apps in one process: frozen cycles are never freed.)
    """
    from redline.normalize import preload
    from redline.types import Post

    preload()
    examples = [example.text for pack in pipeline.packs for example in pack.examples]
    pipeline.screen([Post(f"warm-up-{i}", text) for i, text in enumerate(examples)])
    if freeze:
        gc.collect()
        gc.freeze()


def ledger_rules_from_env(env: Mapping[str, str]) -> Any:
    """The findings rules `redline serve --ledger-config/--watchlist` named (checked there)."""
    config, watchlist = env.get("REDLINE_LEDGER_CONFIG"), env.get("REDLINE_LEDGER_WATCHLIST")
    if not (config or watchlist):
        return None
    from redline.ledger.config import rule_config

    return rule_config(Path(config) if config else None, Path(watchlist) if watchlist else None)


def app_from_env(balance: LoadShares | None = None) -> FastAPI:
    """The factory `redline serve` gives uvicorn (`redline.web.app:app_from_env`); a worker of
    several passes its `LoadShares` (`web.balance`)."""
    env, defaults = os.environ, Limits()
    limits = Limits(
        max_body_bytes=int(env.get("REDLINE_MAX_BODY_BYTES", defaults.max_body_bytes)),
        max_text_chars=int(env.get("REDLINE_MAX_TEXT_CHARS", defaults.max_text_chars)),
        max_batch=int(env.get("REDLINE_MAX_BATCH", defaults.max_batch)),
        rate_per_second=float(env.get("REDLINE_RATE", defaults.rate_per_second)),
        rate_burst=float(env.get("REDLINE_BURST", defaults.rate_burst)),
    )
    config = WebConfig(
        limits=limits,
        secure_cookies=env.get("REDLINE_SECURE_COOKIES", "1") == "1",
        claim_ttl=timedelta(seconds=float(env.get("REDLINE_CLAIM_TTL_S", 600))),
        ledger_db=env.get("REDLINE_LEDGER_DB") or None,
        ledger_rules=ledger_rules_from_env(env),
        durable=env.get("REDLINE_DURABLE", "flagged"),  # type: ignore[arg-type]
        freeze_after_warm_up=True,
    )
    packs = tuple(p for p in env.get("REDLINE_PACKS", "").split(",") if p)
    return create_app(
        env["REDLINE_DB_URL"], config=config, migrate=False, packs=packs,
        model=env.get("REDLINE_MODEL") or None, balance=balance,
    )  # fmt: skip
