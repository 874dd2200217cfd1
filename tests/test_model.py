"""The ad scorer: probabilities, persistence, determinism and the scikit-learn protocol."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from sklearn.base import clone, is_classifier

import redline
from redline.model import FORMAT, AdScorer, shipped_model_path
from redline.normalize import normalize
from redline.types import Doc, Post

if TYPE_CHECKING:
    from conftest import TrainingSet

MAX_ARTIFACT_BYTES = 5_000_000


def _doc(text: str) -> Doc:
    return Doc(Post("x", text), normalize(text))


def test_probabilities_are_a_distribution(tiny_scorer: AdScorer, training_set: TrainingSet) -> None:
    docs = [*training_set.docs[:50], _doc(""), _doc("香港验血查男女")]
    probabilities = tiny_scorer.predict_proba(docs)
    assert probabilities.shape == (len(docs), 2)
    assert np.all((probabilities >= 0.0) & (probabilities <= 1.0))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    predictions = tiny_scorer.predict(docs)
    np.testing.assert_array_equal(predictions, (probabilities[:, 1] >= 0.5).astype(np.int64))
    assert list(tiny_scorer.classes_) == [0, 1]


def test_calibration_keeps_the_order_of_the_margins(
    tiny_scorer: AdScorer, training_set: TrainingSet
) -> None:
    """Platt scaling is monotone increasing: a larger margin never means a smaller probability."""
    docs = training_set.docs[:80]
    margins = tiny_scorer.decision_function(docs)
    positive = tiny_scorer.predict_proba(docs)[:, 1]
    order = np.argsort(margins, kind="stable")
    assert np.all(np.diff(positive[order]) >= 0)
    assert tiny_scorer.platt_[0] > 0


def test_the_scorer_learns_to_tell_ads_from_talk(
    tiny_scorer: AdScorer, training_set: TrainingSet
) -> None:
    positive = tiny_scorer.predict_proba(training_set.docs)[:, 1]
    labels = np.asarray(training_set.labels)
    assert positive[labels == 1].mean() > positive[labels == 0].mean() + 0.3


def test_save_and_load_give_identical_probabilities(
    tiny_scorer: AdScorer,
    tiny_model_path: Path,
    training_set: TrainingSet,
    tiny_scorer_params: dict[str, Any],
) -> None:
    loaded = AdScorer.load(tiny_model_path)
    docs = training_set.docs
    np.testing.assert_array_equal(loaded.predict_proba(docs), tiny_scorer.predict_proba(docs))
    assert loaded.get_params() == tiny_scorer.get_params() == tiny_scorer_params


def test_the_artifact_is_small_and_holds_only_numbers(tiny_model_path: Path) -> None:
    assert tiny_model_path.stat().st_size < MAX_ARTIFACT_BYTES
    with np.load(tiny_model_path, allow_pickle=False) as data:
        assert str(data["format"]) == FORMAT
        for name in data.files:
            if name != "format":
                assert data[name].dtype.kind in "iuf", name


def test_training_twice_with_the_same_seed_gives_the_same_model(
    tiny_scorer: AdScorer, training_set: TrainingSet, tiny_scorer_params: dict[str, Any]
) -> None:
    again = AdScorer(**tiny_scorer_params).fit(training_set.docs, training_set.labels)
    np.testing.assert_array_equal(again.coef_, tiny_scorer.coef_)
    assert again.intercept_ == tiny_scorer.intercept_
    assert again.platt_ == tiny_scorer.platt_


def test_clone_keeps_the_parameters() -> None:
    original = AdScorer(C=2.0)
    copy = clone(original)
    assert copy is not original
    assert copy.get_params() == {"C": 2.0, "calibration_folds": 3, "random_state": 0}


def test_clone_of_a_fitted_scorer_is_unfitted(tiny_scorer: AdScorer) -> None:
    copy = clone(tiny_scorer)
    assert copy.get_params() == tiny_scorer.get_params()
    assert not hasattr(copy, "coef_")


def test_set_params_changes_known_and_rejects_unknown_names() -> None:
    scorer = AdScorer()
    assert scorer.set_params(C=0.5, random_state=9) is scorer
    assert scorer.get_params()["C"] == 0.5 and scorer.random_state == 9
    with pytest.raises(ValueError, match="penalty"):
        scorer.set_params(penalty="l1")
    assert "penalty" not in scorer.get_params()


def test_scikit_learn_sees_a_classifier() -> None:
    assert is_classifier(AdScorer())


def test_loading_a_model_of_another_format_fails(tmp_path: Path) -> None:
    path = tmp_path / "old.npz"
    np.savez(path, format=np.array("redline-ad-scorer/1"), size=np.array(3))
    with pytest.raises(ValueError, match="not a"):
        AdScorer.load(path)


def test_loading_a_file_that_is_not_a_model_fails(tmp_path: Path) -> None:
    path = tmp_path / "notes.npz"
    path.write_text("not a model\n", encoding="utf-8")
    with pytest.raises(ValueError):
        AdScorer.load(path)


def test_loading_an_unrelated_npz_fails_with_value_error(tmp_path: Path) -> None:
    path = tmp_path / "weights.npz"
    np.savez(path, weights=np.zeros(4))
    with pytest.raises(ValueError):
        AdScorer.load(path)


def test_the_shipped_model_lives_in_the_package() -> None:
    path = shipped_model_path()
    assert path.name == "ad_scorer.npz"
    assert path.parent.parent == Path(redline.__file__).parent
