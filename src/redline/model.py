"""The ad scorer: a calibrated linear model over the normalised text and the recognisers' signals.

It follows scikit-learn's estimator API (`fit`, `decision_function`, `predict_proba`) so it can
be cross-validated, swapped or stacked like any other classifier. Features are hashed, so the
model has no vocabulary: the artifact is a vector of weights and two calibration numbers, a
few MB at most, and it holds no text from the data it was trained on.

Inputs are `Doc`s that went through normalisation and recognition (`X` is a sequence of Docs).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from redline.types import Doc

FORMAT = "redline-ad-scorer/1"
_CHAR_FEATURES = 2**18
_WORD_FEATURES = 2**16
_SIGNAL_FEATURES = 2**12


def signal_tokens(doc: Doc) -> list[str]:
    """Signal features: which categories and families fired, how often, and key combinations."""
    categories = sorted({s.category for s in doc.signals})
    counts: dict[str, int] = {}
    for signal in doc.signals:
        family = signal.category.split(".", 1)[0]
        counts[family] = counts.get(family, 0) + 1
    tokens = [f"cat:{c}" for c in categories]
    tokens += [f"fam:{f}" for f in counts]
    tokens += [f"fam:{f}>1" for f, n in counts.items() if n > 1]
    topic = [f for f in counts if f in ("sexid", "sexsel", "blood")]
    for first in topic:
        for other in ("contact", "price", "offer", "claim", "address", "testimony", "logistics"):
            if other in counts:
                tokens.append(f"pair:{first}+{other}")
        for frame in (c for c in categories if c.startswith("frame.")):
            tokens.append(f"pair:{first}+{frame}")
    size = len(doc.text)
    tokens.append(
        "len:" + ("xs" if size < 40 else "s" if size < 120 else "m" if size < 400 else "l")
    )
    return tokens


def _identity(tokens: list[str]) -> list[str]:
    return tokens


class AdScorer(ClassifierMixin, BaseEstimator):
    """Probability that a post is an ad for a banned service rather than talk about one."""

    def __init__(self, C: float = 4.0, calibration_folds: int = 3, random_state: int = 0) -> None:
        self.C = C
        self.calibration_folds = calibration_folds
        self.random_state = random_state

    # features -----------------------------------------------------------------------------

    @staticmethod
    def _vectorizers() -> tuple[HashingVectorizer, HashingVectorizer, HashingVectorizer]:
        chars = HashingVectorizer(
            analyzer="char",
            ngram_range=(1, 3),
            lowercase=False,
            n_features=_CHAR_FEATURES,
            alternate_sign=False,
            norm="l2",
        )
        words = HashingVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            lowercase=False,
            n_features=_WORD_FEATURES,
            token_pattern=r"[a-z0-9\u0900-\u097f]{2,}",
            alternate_sign=False,
            norm="l2",
        )
        signals = HashingVectorizer(
            analyzer=_identity,
            n_features=_SIGNAL_FEATURES,
            alternate_sign=False,
            norm=None,
        )
        return chars, words, signals

    def features(self, docs: Sequence[Doc]) -> sp.csr_matrix:
        """The sparse feature matrix for `docs` (text char n-grams, Latin words, signals)."""
        chars, words, signals = self._vectorizers()
        texts = [d.text for d in docs]
        return sp.hstack(
            [
                chars.transform(texts),
                words.transform(texts),
                signals.transform([signal_tokens(d) for d in docs]),
            ],
            format="csr",
        )

    # estimator API ------------------------------------------------------------------------

    def fit(self, X: Sequence[Doc], y: Sequence[int], sample_weight: Sequence[float] | None = None):
        matrix = self.features(X)
        labels = np.asarray(y, dtype=np.int64)
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        folds = StratifiedKFold(
            self.calibration_folds, shuffle=True, random_state=self.random_state
        )
        margins = cross_val_predict(
            self._linear(),
            matrix,
            labels,
            cv=folds,
            method="decision_function",
            params={"sample_weight": weights} if weights is not None else None,
        )
        platt = LogisticRegression(C=1e6).fit(margins.reshape(-1, 1), labels)
        linear = self._linear().fit(matrix, labels, sample_weight=weights)
        self.coef_ = linear.coef_.ravel().astype(np.float32)
        self.intercept_ = float(linear.intercept_[0])
        self.platt_ = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))
        self.classes_ = np.array([0, 1])
        return self

    def _linear(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, max_iter=2000, class_weight="balanced")

    def decision_function(self, X: Sequence[Doc]) -> np.ndarray:
        if not len(X):
            return np.zeros(0)
        return self.features(X) @ self.coef_ + self.intercept_

    def predict_proba(self, X: Sequence[Doc]) -> np.ndarray:
        slope, offset = self.platt_
        positive = 1.0 / (1.0 + np.exp(-(slope * self.decision_function(X) + offset)))
        return np.column_stack([1.0 - positive, positive])

    def predict(self, X: Sequence[Doc]) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(np.int64)

    # persistence --------------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Store only the non-zero weights: no pickle, nothing executable, a few MB at most."""
        index = np.flatnonzero(self.coef_).astype(np.int32)
        np.savez_compressed(
            path,
            format=np.array(FORMAT),
            size=np.array(self.coef_.size),
            index=index,
            weight=self.coef_[index],
            intercept=np.array(self.intercept_),
            platt=np.array(self.platt_),
            params=np.array([self.C, self.calibration_folds, self.random_state]),
        )

    @classmethod
    def load(cls, path: str | Path) -> AdScorer:
        with np.load(path, allow_pickle=False) as data:
            if str(data["format"]) != FORMAT:
                raise ValueError(f"{path}: not a {FORMAT} model")
            C, folds, seed = data["params"].tolist()
            scorer = cls(C=float(C), calibration_folds=int(folds), random_state=int(seed))
            coef = np.zeros(int(data["size"]), dtype=np.float32)
            coef[data["index"]] = data["weight"]
            scorer.coef_ = coef
            scorer.intercept_ = float(data["intercept"])
            scorer.platt_ = tuple(data["platt"].tolist())
            scorer.classes_ = np.array([0, 1])
        return scorer


def shipped_model_path() -> Path:
    """Where the trained model ships inside the package."""
    return Path(__file__).parent / "models" / "ad_scorer.npz"
