"""Score decisions against labelled records: precision, recall, F1, false-positive rate.

Every rate comes with a 95% interval, because the labelled sets are small (tens to hundreds of
real items) and a point estimate alone overstates what a run shows. Proportions use the Wilson
score interval, which stays inside [0, 1] and behaves at 0/n and n/n; F1 is not a proportion,
so its interval comes from a seeded bootstrap.

"Flagged" means the verdict puts the post in front of someone (`violating` or `review`): that is
what the quality bars count. The strict variant (only `violating`) is reported beside it.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from redline.types import VERDICTS

AD, BENIGN = "violating_ad", "benign"
LABELS = (AD, BENIGN)
FLAGGED = frozenset({"violating", "review"})
STRICT_FLAGGED = frozenset({"violating"})
BREAKDOWN_KEYS = ("category", "lang", "evasion")
"""Row fields that get a per-value breakdown, when the rows have them."""

Z_95 = 1.959963984540054
BOOTSTRAP_RESAMPLES = 1_000
BOOTSTRAP_SEED = 0
PREVIEW_CHARS = 120
NO_VALUE = "(none)"
"""Group name for rows that lack the breakdown key."""


def wilson_interval(k: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials (n > 0)."""
    if n <= 0:
        raise ValueError("a proportion needs n > 0")
    if not 0 <= k <= n:
        raise ValueError(f"k={k} is outside 0..{n}")
    p = k / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half_width = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


@dataclass(frozen=True, slots=True)
class Rate:
    """k of n, with its Wilson interval; undefined (None) when n is 0."""

    k: int
    n: int

    @property
    def value(self) -> float | None:
        return self.k / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.k, self.n) if self.n else None

    def to_dict(self) -> dict[str, Any]:
        low, high = self.interval or (None, None)
        return {"value": self.value, "low": low, "high": high, "k": self.k, "n": self.n}


@dataclass(frozen=True, slots=True)
class Estimate:
    """A statistic that is not a simple proportion (F1), with a bootstrap interval."""

    value: float | None
    low: float | None
    high: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "low": self.low, "high": self.high}


@dataclass(frozen=True, slots=True)
class Scores:
    """The four outcome counts and the rates built from them, for one meaning of "flagged"."""

    tp: int
    fp: int
    fn: int
    tn: int
    f1: Estimate

    @property
    def precision(self) -> Rate:
        return Rate(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> Rate:
        return Rate(self.tp, self.tp + self.fn)

    @property
    def false_positive_rate(self) -> Rate:
        """Benign records flagged, over all benign records."""
        return Rate(self.fp, self.fp + self.tn)

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": self.precision.to_dict(),
            "recall": self.recall.to_dict(),
            "f1": self.f1.to_dict(),
            "fpr": self.false_positive_rate.to_dict(),
            "counts": {"tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn},
        }


@dataclass(frozen=True, slots=True)
class GroupRates:
    """Recall over a group's ads and false-positive rate over its benign records.

    A group with only one label (a category usually has) gets only the rate that applies.
    """

    name: str
    n: int
    recall: Rate | None
    fpr: Rate | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "n": self.n,
            "recall": self.recall.to_dict() if self.recall else None,
            "fpr": self.fpr.to_dict() if self.fpr else None,
        }


@dataclass(frozen=True, slots=True)
class Case:
    """One wrong call, with what a reviewer needs to see why."""

    id: str
    label: str
    category: str | None
    verdict: str
    score: float | None
    rules: tuple[str, ...]
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "category": self.category,
            "verdict": self.verdict,
            "score": self.score,
            "rules": list(self.rules),
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class EvalReport:
    """Everything `evaluate` measured; `to_dict` for machines, `render` for people."""

    n: int
    ads: int
    benign: int
    flagged: Scores
    strict: Scores
    confusion: Mapping[str, Mapping[str, int]]
    breakdowns: Mapping[str, Sequence[GroupRates]]
    misses: Sequence[Case]
    false_flags: Sequence[Case]

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "ads": self.ads,
            "benign": self.benign,
            "flagged": self.flagged.to_dict(),
            "strict": self.strict.to_dict(),
            "confusion": {label: dict(row) for label, row in self.confusion.items()},
            "breakdowns": {
                key: [group.to_dict() for group in groups]
                for key, groups in self.breakdowns.items()
            },
            "misses": [case.to_dict() for case in self.misses],
            "false_flags": [case.to_dict() for case in self.false_flags],
        }

    def render(self) -> str:
        """A plain-text report with aligned tables."""
        return "\n".join(_render_lines(self)) + "\n"


# --- computing -------------------------------------------------------------------------------


def evaluate(
    rows: Sequence[Mapping[str, Any]], decisions: Sequence[Mapping[str, Any]]
) -> EvalReport:
    """Compare `decisions` with the labelled `rows` they were made for (same order, same ids)."""
    _check_pairs(rows, decisions)
    confusion = {label: dict.fromkeys(reversed(VERDICTS), 0) for label in LABELS}
    misses: list[Case] = []
    false_flags: list[Case] = []
    for row, decision in zip(rows, decisions, strict=True):
        label, verdict = row["label"], decision["verdict"]
        confusion[label][verdict] += 1
        flagged = verdict in FLAGGED
        if label == AD and not flagged:
            misses.append(_case(row, decision))
        elif label == BENIGN and flagged:
            false_flags.append(_case(row, decision))
    breakdowns = {
        key: rates_by(rows, decisions, key)
        for key in BREAKDOWN_KEYS
        if any(row.get(key) is not None for row in rows)
    }
    return EvalReport(
        n=len(rows),
        ads=sum(confusion[AD].values()),
        benign=sum(confusion[BENIGN].values()),
        flagged=_scores(confusion, FLAGGED),
        strict=_scores(confusion, STRICT_FLAGGED),
        confusion=confusion,
        breakdowns=breakdowns,
        misses=misses,
        false_flags=false_flags,
    )


def rates_by(
    rows: Sequence[Mapping[str, Any]],
    decisions: Sequence[Mapping[str, Any]],
    key: str,
    flagged: Collection[str] = FLAGGED,
) -> list[GroupRates]:
    """Recall and false-positive rate for each value of `rows[i][key]`, sorted by value."""
    _check_pairs(rows, decisions)
    counts: dict[str, list[int]] = {}  # value -> [ads, ads flagged, benign, benign flagged]
    for row, decision in zip(rows, decisions, strict=True):
        value = row.get(key)
        cell = counts.setdefault(NO_VALUE if value is None else str(value), [0, 0, 0, 0])
        offset = 0 if row["label"] == AD else 2
        cell[offset] += 1
        cell[offset + 1] += decision["verdict"] in flagged
    return [
        GroupRates(
            name=name,
            n=ads + benign,
            recall=Rate(ads_flagged, ads) if ads else None,
            fpr=Rate(benign_flagged, benign) if benign else None,
        )
        for name, (ads, ads_flagged, benign, benign_flagged) in sorted(counts.items())
    ]


def _check_pairs(rows: Sequence[Mapping[str, Any]], decisions: Sequence[Mapping[str, Any]]) -> None:
    """Refuse misaligned input: a shifted decision list would give plausible, wrong numbers."""
    if len(rows) != len(decisions):
        raise ValueError(f"{len(rows)} labelled rows but {len(decisions)} decisions")
    for index, (row, decision) in enumerate(zip(rows, decisions, strict=True)):
        if str(row["id"]) != str(decision["id"]):
            raise ValueError(
                f"position {index}: row id {row['id']!r} but decision id {decision['id']!r}"
            )
        if row["label"] not in LABELS:
            raise ValueError(f"row {row['id']!r}: label {row['label']!r} is not one of {LABELS}")
        if decision["verdict"] not in VERDICTS:
            raise ValueError(
                f"decision {decision['id']!r}: unknown verdict {decision['verdict']!r}"
            )


def _scores(confusion: Mapping[str, Mapping[str, int]], flagged: Collection[str]) -> Scores:
    tp = sum(count for verdict, count in confusion[AD].items() if verdict in flagged)
    fp = sum(count for verdict, count in confusion[BENIGN].items() if verdict in flagged)
    fn = sum(confusion[AD].values()) - tp
    tn = sum(confusion[BENIGN].values()) - fp
    return Scores(tp=tp, fp=fp, fn=fn, tn=tn, f1=_f1_with_interval(tp, fp, fn, tn))


def _f1_with_interval(tp: int, fp: int, fn: int, tn: int) -> Estimate:
    """F1 and a 95% percentile interval from resampling the records.

    F1 depends on the records only through the four outcome counts, so resampling n records
    with replacement is a multinomial draw of those counts: same distribution, no n-sized
    arrays. Resamples where F1 is undefined (no ads and no flags drawn) are left out.
    """
    if 2 * tp + fp + fn == 0:
        return Estimate(None, None, None)
    cells = np.array([tp, fp, fn, tn], dtype=np.int64)
    total = int(cells.sum())
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    draws = rng.multinomial(total, cells / total, size=BOOTSTRAP_RESAMPLES)
    numerator = 2 * draws[:, 0]
    denominator = numerator + draws[:, 1] + draws[:, 2]
    defined = denominator > 0
    f1 = numerator[defined] / denominator[defined]
    low, high = np.percentile(f1, [2.5, 97.5])
    return Estimate(2 * tp / (2 * tp + fp + fn), float(low), float(high))


def _case(row: Mapping[str, Any], decision: Mapping[str, Any]) -> Case:
    score = decision.get("score")
    return Case(
        id=str(row["id"]),
        label=row["label"],
        category=row.get("category"),
        verdict=decision["verdict"],
        score=None if score is None else float(score),
        rules=tuple(decision.get("rules", ())),
        text=str(row.get("text", ""))[:PREVIEW_CHARS],
    )


# --- rendering -------------------------------------------------------------------------------


def _render_lines(report: EvalReport) -> list[str]:
    flagged = report.flagged
    lines = [
        f"Evaluated {report.n} records: {report.ads} ads, {report.benign} benign.",
        "Flagged = verdict violating or review. 95% intervals: Wilson; F1 by bootstrap "
        f"({BOOTSTRAP_RESAMPLES:,} resamples).",
        "",
        *_table(
            ["metric", "value", "95% interval", "count"],
            [
                _rate_row("precision", flagged.precision),
                _rate_row("recall", flagged.recall),
                ["F1", _number(flagged.f1.value), _interval((flagged.f1.low, flagged.f1.high)), ""],
                _rate_row("FPR", flagged.false_positive_rate),
            ],
            right={1},
        ),
        "",
        "Strict (only violating counts as flagged): "
        f"precision {_number(report.strict.precision.value)}  "
        f"recall {_number(report.strict.recall.value)}  "
        f"F1 {_number(report.strict.f1.value)}  "
        f"FPR {_number(report.strict.false_positive_rate.value)}",
        "",
        "Confusion (rows: label, columns: verdict)",
        *_table(
            ["label", *report.confusion[AD], "total"],
            [
                [label, *map(str, row.values()), str(sum(row.values()))]
                for label, row in report.confusion.items()
            ],
            right={1, 2, 3, 4},
        ),
    ]
    for key, groups in report.breakdowns.items():
        lines += [
            "",
            f"By {key} (recall over ads, FPR over benign)",
            *_table(
                [key, "n", "recall", "", "FPR", ""],
                [
                    [group.name, str(group.n), *_group_rate(group.recall), *_group_rate(group.fpr)]
                    for group in groups
                ],
                right={1, 2, 4},
            ),
        ]
    for title, cases in (
        ("Misses: ads not flagged", report.misses),
        ("False flags: benign records flagged", report.false_flags),
    ):
        lines += ["", f"{title} ({len(cases)})"]
        if cases:
            lines += _table(
                ["id", "score", "verdict", "rules", "text"],
                [
                    [
                        case.id,
                        _number(case.score),
                        case.verdict,
                        ",".join(case.rules) or "-",
                        " ".join(case.text.split()),
                    ]
                    for case in cases
                ],
                right={1},
            )
    return lines


def _table(headers: list[str], rows: list[list[str]], right: Collection[int] = ()) -> list[str]:
    """Rows of text in columns padded to the widest cell; `right` columns are right-aligned.

    The last column is not padded, so long free text (a post preview) can end a row.
    """
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = []
    for cells in [headers, *rows]:
        padded = [
            cell.rjust(width) if index in right else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        padded[-1] = cells[-1].rjust(widths[-1]) if len(cells) - 1 in right else cells[-1]
        lines.append(("  " + "  ".join(padded)).rstrip())
    return lines


def _rate_row(name: str, rate: Rate) -> list[str]:
    return [name, _number(rate.value), _interval(rate.interval), f"{rate.k}/{rate.n}"]


def _group_rate(rate: Rate | None) -> list[str]:
    if rate is None:
        return ["-", ""]
    return [_number(rate.value), f"({rate.k}/{rate.n})"]


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _interval(bounds: tuple[float | None, float | None] | None) -> str:
    if bounds is None or bounds[0] is None or bounds[1] is None:
        return "-"
    return f"[{bounds[0]:.3f}, {bounds[1]:.3f}]"
