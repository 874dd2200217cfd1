"""Pairwise precision and recall of ring membership against ground truth.

Pairwise scores count pairs of records: a pair is *true* when both belong to the same operation
and *predicted* when both lie in the same ring. They punish one giant ring (precision) and
shattered operations (recall) alike, and need no matching of ring ids to operation ids.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PairwiseScores:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0


def _pairs(sizes: Counter) -> int:
    return sum(k * (k - 1) // 2 for k in sizes.values())


def pairwise_scores(
    truth: Mapping[str, str | None], predicted: Mapping[str, str | None]
) -> PairwiseScores:
    """Scores over the records in `truth`; None (no operation, no ring) pairs with nothing.

    A record of `truth` missing from `predicted` is in no ring.
    """
    true_sizes: Counter = Counter(v for v in truth.values() if v is not None)
    pred_sizes: Counter = Counter(predicted.get(k) for k in truth if predicted.get(k) is not None)
    both: Counter = Counter(
        (v, predicted.get(k))
        for k, v in truth.items()
        if v is not None and predicted.get(k) is not None
    )
    return PairwiseScores(_pairs(true_sizes), _pairs(pred_sizes), _pairs(both))
