"""Shared, session-scoped fixtures: the built-in packs and a tiny scorer trained on synthetic data.

Fitting a scorer takes seconds (the hashed feature space is wide), so it is trained once per
session and shared; tests never rely on the shipped model, which may not exist yet.
The term-table cache goes to a per-session temporary folder, never to ~/.cache: conftest runs
before any test module builds a recogniser, and subprocesses inherit the variable.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from threadpoolctl import threadpool_limits

from redline.model import AdScorer
from redline.pipeline import Pipeline
from redline.policy import Pack, load_packs
from redline.recognizers import REGISTRY
from redline.training import collect
from redline.types import Doc

_CACHE_DIR = tempfile.mkdtemp(prefix="redline-test-cache-")
os.environ["REDLINE_CACHE_DIR"] = _CACHE_DIR  # read when a recogniser is built, not on import

TRAINING_SEED = 11
TRAINING_POSTS = 600
TINY_SCORER_PARAMS = {"C": 2.0, "calibration_folds": 2, "random_state": TRAINING_SEED}
"""Two calibration folds instead of three: a third fewer fits, same code paths."""


@dataclass(frozen=True)
class TrainingSet:
    """What `redline.training.collect` returned for the synthetic-only session data."""

    seed: int
    synthetic: int
    docs: list[Doc]
    labels: list[int]
    weights: list[float]
    counts: dict[str, int]


@pytest.fixture(scope="session", autouse=True)
def _remove_cache_dir() -> Iterator[None]:
    yield
    shutil.rmtree(_CACHE_DIR, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _one_blas_thread() -> Iterator[None]:
    """Fitting is several times slower when BLAS threads fight over a busy two-core machine.

    The limit only reaches libraries already loaded, so SciPy's and scikit-learn's come first.
    """
    import scipy.optimize  # noqa: F401
    import sklearn.linear_model  # noqa: F401

    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="session")
def packs() -> list[Pack]:
    """The built-in policy packs."""
    return load_packs()


@pytest.fixture(scope="session")
def bare_pipeline(packs: list[Pack]) -> Pipeline:
    """Built-in packs and every recogniser, no scorer (score 0): only score-free rules fire."""
    return Pipeline(packs, [factory(packs) for factory in REGISTRY.values()], None)


@pytest.fixture(scope="session")
def training_set(bare_pipeline: Pipeline) -> TrainingSet:
    docs, labels, weights, counts = collect(
        bare_pipeline, None, seed=TRAINING_SEED, synthetic=TRAINING_POSTS, weibo=0
    )
    return TrainingSet(TRAINING_SEED, TRAINING_POSTS, docs, labels, weights, counts)


@pytest.fixture(scope="session")
def tiny_scorer_params() -> dict[str, Any]:
    return dict(TINY_SCORER_PARAMS)


@pytest.fixture(scope="session")
def tiny_scorer(training_set: TrainingSet) -> AdScorer:
    return AdScorer(**TINY_SCORER_PARAMS).fit(training_set.docs, training_set.labels)


@pytest.fixture(scope="session")
def tiny_model_path(tiny_scorer: AdScorer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("model") / "tiny_scorer.npz"
    tiny_scorer.save(path)
    return path


@pytest.fixture(scope="session")
def pipeline(tiny_model_path: Path) -> Pipeline:
    """The built-in packs with the tiny scorer, loaded the way `redline` loads a model."""
    loaded = Pipeline.load(model=tiny_model_path)
    assert loaded.scorer is not None
    return loaded


# --- Real servers: a throwaway PostgreSQL cluster and Debian's Chromium -----------------------
# Tests that need them take the fixtures below. Where the binaries are missing they skip, unless
# REDLINE_REQUIRE_SERVERS=1 (set by .ci/run, which installs them), where a missing one fails.

REQUIRE_SERVERS = os.environ.get("REDLINE_REQUIRE_SERVERS") == "1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Without the networking flags Chromium keeps dialling out, which this closed network refuses."""


def _missing(what: str) -> None:
    if REQUIRE_SERVERS:
        pytest.fail(f"{what} not found, and REDLINE_REQUIRE_SERVERS=1")
    pytest.skip(f"{what} not found (install it, or see .ci/run)")


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class PostgresServer:
    """A running throwaway cluster; `new_database()` gives each test its own empty database."""

    bin_dir: Path
    host: str
    port: int
    user: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    def new_database(self) -> str:
        import subprocess
        import uuid

        name = f"t_{uuid.uuid4().hex[:12]}"
        subprocess.run(
            [str(self.bin_dir / "psql"), "-h", self.host, "-p", str(self.port), "-U", self.user,
             "-d", "postgres", "-q", "-c", f"CREATE DATABASE {name}"],
            check=True, capture_output=True,
        )  # fmt: skip
        return self.url(name)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server started for this test session (or REDLINE_TEST_POSTGRES_HOST:PORT)."""
    import subprocess

    if host := os.environ.get("REDLINE_TEST_POSTGRES_HOST"):
        port = int(os.environ.get("REDLINE_TEST_POSTGRES_PORT", "5432"))
        user = os.environ.get("REDLINE_TEST_POSTGRES_USER", "postgres")
        yield PostgresServer(Path(shutil.which("psql") or "psql").parent, host, port, user)
        return
    bin_dir = _postgres_bin()
    if bin_dir is None:
        _missing("PostgreSQL (initdb)")
    data = Path(tempfile.mkdtemp(prefix="redline-pg-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: run the cluster as the postgres user
        shutil.chown(data, "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    user = "redline"
    subprocess.run(
        [*as_owner, str(bin_dir / "initdb"), "-D", str(data / "db"), "-U", user,
         "--auth=trust", "-E", "UTF8", "--locale=C"],
        check=True, capture_output=True,
    )  # fmt: skip
    options = f"-h 127.0.0.1 -p {port} -k {data} -c fsync=off -c full_page_writes=off"
    subprocess.run(
        [*as_owner, str(bin_dir / "pg_ctl"), "-D", str(data / "db"), "-o", options, "-w",
         "-l", str(data / "log"), "start"],
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        yield PostgresServer(bin_dir, "127.0.0.1", port, user)
    finally:
        subprocess.run(
            [*as_owner, str(bin_dir / "pg_ctl"), "-D", str(data / "db"), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture()
def postgres_url(postgres_server: PostgresServer) -> str:
    """An SQLAlchemy URL (psycopg 3) of a fresh, empty database."""
    return postgres_server.new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each storage test once on an SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'redline.db'}"
    return request.getfixturevalue("postgres_server").new_database()


@pytest.fixture()
def engine(db_url: str) -> Iterator[Any]:
    """A fresh database of each backend (`db_url`), migrated to the current schema."""
    from redline.store.engine import create_engine
    from redline.store.migrate import upgrade

    engine = create_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Debian's Chromium (or $REDLINE_CHROMIUM); launch it with CHROMIUM_ARGS, headless."""
    path = os.environ.get("REDLINE_CHROMIUM") or shutil.which("chromium")
    if not path:
        _missing("Chromium")
    return path


@pytest.fixture(scope="session")
def chromium_args() -> list[str]:
    """CHROMIUM_ARGS as a fixture: test modules cannot import conftest when two exist."""
    return list(CHROMIUM_ARGS)
