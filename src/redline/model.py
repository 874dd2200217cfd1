"""The ad scorer: a calibrated linear model over the normalised text and the recognisers' signals.

It follows scikit-learn's estimator API (`fit`, `decision_function`, `predict_proba`) so it can
be cross-validated, swapped or stacked like any other classifier. Features are hashed, so the
model has no vocabulary: the artifact is a vector of weights and two calibration numbers, a
few MB at most, and it holds no text from the data it was trained on.

Inputs are `Doc`s that went through normalisation and recognition (`X` is a sequence of Docs).
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from redline.features import N_FEATURES, feature_arrays_of
from redline.types import Doc

FORMAT = "redline-ad-scorer/2"


def feature_matrix(docs: Sequence[Doc]) -> Any:
    """The docs' features as a SciPy CSR matrix (training only: imports SciPy)."""
    import scipy.sparse as sp

    vectors = feature_arrays_of(docs)
    indptr = np.concatenate(([0], np.cumsum([len(columns) for columns, _ in vectors])))
    indices = np.concatenate([columns for columns, _ in vectors]) if vectors else []
    values = np.concatenate([values for _, values in vectors]) if vectors else []
    shape = (len(docs), N_FEATURES)
    return sp.csr_matrix((values, indices, indptr), shape=shape, dtype=np.float64)


class AdScorer:
    """Probability that a post is an ad for a banned service rather than talk about one.

    A scikit-learn classifier by protocol (`get_params`, `set_params`, `fit`,
    `decision_function`, `predict_proba`, `predict`, `classes_`), so `clone`,
    `cross_val_score` and friends work, without importing scikit-learn until `fit`.
    """

    _estimator_type = "classifier"

    def __init__(self, C: float = 4.0, calibration_folds: int = 3, random_state: int = 0) -> None:
        self.C = C
        self.calibration_folds = calibration_folds
        self.random_state = random_state

    def __sklearn_tags__(self) -> Any:
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True),
            classifier_tags=ClassifierTags(),
            input_tags=InputTags(two_d_array=False, pairwise=False),
        )

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {
            "C": self.C,
            "calibration_folds": self.calibration_folds,
            "random_state": self.random_state,
        }

    def set_params(self, **params: Any) -> AdScorer:
        for name, value in params.items():
            if name not in self.get_params():
                raise ValueError(f"AdScorer has no parameter {name!r}")
            setattr(self, name, value)
        return self

    def fit(
        self, X: Sequence[Doc], y: Sequence[int], sample_weight: Sequence[float] | None = None
    ) -> AdScorer:
        """Fit the linear model, then Platt-calibrate it on out-of-fold margins."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        matrix = feature_matrix(X)
        labels = np.asarray(y, dtype=np.int64)
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        linear = LogisticRegression(C=self.C, max_iter=3000, class_weight="balanced")
        folds = StratifiedKFold(
            self.calibration_folds, shuffle=True, random_state=self.random_state
        )
        margins = cross_val_predict(
            linear,
            matrix,
            labels,
            cv=folds,
            method="decision_function",
            params=None if weights is None else {"sample_weight": weights},
        )
        platt = LogisticRegression(C=1e6).fit(margins.reshape(-1, 1), labels)
        linear.fit(matrix, labels, sample_weight=weights)
        self.coef_ = linear.coef_.ravel().astype(np.float32)
        self.intercept_ = float(linear.intercept_[0])
        self.platt_ = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))
        self.classes_ = np.array([0, 1])
        return self

    def decision_function(self, X: Sequence[Doc]) -> np.ndarray:
        coef = self.coef_
        out = np.empty(len(X))
        for row, (columns, values) in enumerate(feature_arrays_of(X)):
            out[row] = float(values @ coef[columns]) + self.intercept_
        return out

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
        try:
            archive = np.load(path, allow_pickle=False)
        except (EOFError, zipfile.BadZipFile, ValueError) as exc:
            raise ValueError(f"{path}: not a {FORMAT} model ({exc})") from None
        with archive as data:
            if "format" not in data.files or str(data["format"]) != FORMAT:
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
