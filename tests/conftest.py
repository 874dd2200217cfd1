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
