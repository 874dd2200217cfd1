"""Evaluation metrics, checked against counts worked out by hand."""

from __future__ import annotations

import json
from typing import Any

import pytest

from redline.evaluate import PREVIEW_CHARS, evaluate, rates_by, wilson_interval


def row(record_id: str, label: str, category: str, lang: str = "en", **extra: Any) -> dict:
    return {
        "id": record_id,
        "text": f"text of {record_id}",
        "label": label,
        "category": category,
        "lang": lang,
        **extra,
    }


def decision(record_id: str, verdict: str, score: float = 0.5) -> dict[str, Any]:
    rules = [] if verdict == "allow" else ["cn.offer"]
    return {"id": record_id, "verdict": verdict, "score": score, "rules": rules, "evidence": []}


# 4 ads (violating, review, allow, violating) and 6 benign (4 allow, review, violating).
ROWS = [
    row("a1", "violating_ad", "fetal_sex_id_ad", "zh"),
    row("a2", "violating_ad", "fetal_sex_id_ad", "zh"),
    row("a3", "violating_ad", "blood_shipping_ad", "en"),
    row("a4", "violating_ad", "blood_shipping_ad", "en"),
    row("b1", "benign", "news", "zh"),
    row("b2", "benign", "news", "zh"),
    row("b3", "benign", "news", "zh"),
    row("b4", "benign", "warning", "en"),
    row("b5", "benign", "warning", "en"),
    row("b6", "benign", "news", "zh"),
]
DECISIONS = [
    decision("a1", "violating", 0.9),
    decision("a2", "review", 0.6),
    decision("a3", "allow", 0.2),
    decision("a4", "violating", 0.95),
    decision("b1", "allow", 0.1),
    decision("b2", "allow", 0.1),
    decision("b3", "allow", 0.1),
    decision("b4", "allow", 0.1),
    decision("b5", "review", 0.55),
    decision("b6", "violating", 0.8),
]


# --- Wilson ----------------------------------------------------------------------------------


def test_wilson_interval_matches_the_textbook_value() -> None:
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.490, abs=5e-4)
    assert high == pytest.approx(0.943, abs=5e-4)


def test_wilson_interval_at_zero_and_symmetry() -> None:
    low, high = wilson_interval(0, 10)
    assert low == 0.0
    assert high == pytest.approx(3.8415 / 13.8415, abs=1e-4)  # z^2 / (n + z^2)
    assert wilson_interval(10, 10) == pytest.approx((1 - high, 1.0))
    low3, high3 = wilson_interval(3, 10)
    low7, high7 = wilson_interval(7, 10)
    assert (low3, high3) == pytest.approx((1 - high7, 1 - low7))


def test_wilson_interval_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        wilson_interval(0, 0)
    with pytest.raises(ValueError):
        wilson_interval(11, 10)


# --- overall scores --------------------------------------------------------------------------


def test_flagged_scores_are_exact() -> None:
    report = evaluate(ROWS, DECISIONS)
    scores = report.flagged
    assert (scores.tp, scores.fp, scores.fn, scores.tn) == (3, 2, 1, 4)
    assert scores.precision.value == pytest.approx(3 / 5)
    assert scores.recall.value == pytest.approx(3 / 4)
    assert scores.false_positive_rate.value == pytest.approx(2 / 6)
    assert scores.f1.value == pytest.approx(2 / 3)
    assert scores.recall.interval == pytest.approx(wilson_interval(3, 4))
    assert (report.n, report.ads, report.benign) == (10, 4, 6)


def test_strict_scores_count_only_violating() -> None:
    scores = evaluate(ROWS, DECISIONS).strict
    assert (scores.tp, scores.fp, scores.fn, scores.tn) == (2, 1, 2, 5)
    assert scores.precision.value == pytest.approx(2 / 3)
    assert scores.recall.value == pytest.approx(2 / 4)
    assert scores.false_positive_rate.value == pytest.approx(1 / 6)
    assert scores.f1.value == pytest.approx(4 / 7)


def test_f1_interval_is_seeded_and_brackets_the_estimate() -> None:
    first = evaluate(ROWS, DECISIONS).flagged.f1
    second = evaluate(ROWS, DECISIONS).flagged.f1
    assert first == second
    assert first.low is not None and first.high is not None and first.value is not None
    assert 0.0 <= first.low < first.value < first.high <= 1.0


def test_perfect_decisions_have_a_degenerate_f1_interval() -> None:
    decisions = [
        decision(r["id"], "violating" if r["label"] == "violating_ad" else "allow") for r in ROWS
    ]
    f1 = evaluate(ROWS, decisions).flagged.f1
    assert (f1.value, f1.low, f1.high) == (1.0, 1.0, 1.0)


def test_rates_with_no_denominator_are_undefined() -> None:
    rows = [row("b1", "benign", "news")]
    report = evaluate(rows, [decision("b1", "allow")])
    assert report.flagged.recall.value is None
    assert report.flagged.recall.interval is None
    assert report.flagged.precision.value is None
    assert report.flagged.f1.value is None
    assert report.flagged.false_positive_rate.value == 0.0


def test_confusion_table_is_label_by_verdict() -> None:
    confusion = evaluate(ROWS, DECISIONS).confusion
    assert confusion == {
        "violating_ad": {"violating": 2, "review": 1, "allow": 1},
        "benign": {"violating": 1, "review": 1, "allow": 4},
    }


# --- breakdowns ------------------------------------------------------------------------------


def test_per_category_gives_the_rate_that_applies() -> None:
    groups = {group.name: group for group in evaluate(ROWS, DECISIONS).breakdowns["category"]}
    assert set(groups) == {"blood_shipping_ad", "fetal_sex_id_ad", "news", "warning"}
    blood = groups["blood_shipping_ad"]
    assert blood.fpr is None
    assert blood.recall is not None
    assert (blood.recall.k, blood.recall.n, blood.n) == (1, 2, 2)
    news = groups["news"]
    assert news.recall is None
    assert news.fpr is not None
    assert (news.fpr.k, news.fpr.n, news.n) == (1, 4, 4)


def test_per_lang_groups_with_both_labels_get_both_rates() -> None:
    groups = {group.name: group for group in evaluate(ROWS, DECISIONS).breakdowns["lang"]}
    en = groups["en"]
    assert en.recall is not None and en.fpr is not None
    assert (en.recall.k, en.recall.n) == (1, 2)
    assert (en.fpr.k, en.fpr.n) == (1, 2)


def test_evasion_breakdown_only_when_rows_have_the_key() -> None:
    assert "evasion" not in evaluate(ROWS, DECISIONS).breakdowns
    rows = [dict(r, evasion="pinyin" if r["id"] in ("a1", "a3") else None) for r in ROWS]
    groups = {group.name: group for group in evaluate(rows, DECISIONS).breakdowns["evasion"]}
    pinyin = groups["pinyin"]
    assert pinyin.recall is not None
    assert (pinyin.recall.k, pinyin.recall.n) == (1, 2)
    assert groups["(none)"].n == 8


def test_rates_by_can_use_the_strict_meaning_of_flagged() -> None:
    groups = rates_by(ROWS, DECISIONS, "category", flagged={"violating"})
    fetal = next(group for group in groups if group.name == "fetal_sex_id_ad")
    assert fetal.recall is not None
    assert (fetal.recall.k, fetal.recall.n) == (1, 2)


# --- cases -----------------------------------------------------------------------------------


def test_misses_and_false_flags_are_listed() -> None:
    report = evaluate(ROWS, DECISIONS)
    assert [case.id for case in report.misses] == ["a3"]
    assert [(case.id, case.verdict) for case in report.false_flags] == [
        ("b5", "review"),
        ("b6", "violating"),
    ]
    false_flag = report.false_flags[1]
    assert false_flag.score == 0.8
    assert false_flag.rules == ("cn.offer",)
    assert false_flag.text == "text of b6"


def test_case_text_is_cut_to_the_preview_length() -> None:
    long_row = dict(row("a1", "violating_ad", "fetal_sex_id_ad"), text="字" * 500)
    [miss] = evaluate([long_row], [decision("a1", "allow")]).misses
    assert miss.text == "字" * PREVIEW_CHARS


# --- input checks and output -----------------------------------------------------------------


def test_misaligned_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="decisions"):
        evaluate(ROWS, DECISIONS[:-1])
    with pytest.raises(ValueError, match="position 1"):
        evaluate(ROWS[:2], [DECISIONS[0], DECISIONS[2]])
    with pytest.raises(ValueError, match="label"):
        evaluate([dict(ROWS[0], label="spam")], DECISIONS[:1])


def test_to_dict_is_json_and_carries_the_numbers() -> None:
    data = json.loads(json.dumps(evaluate(ROWS, DECISIONS).to_dict()))
    assert data["flagged"]["precision"]["k"] == 3
    assert data["flagged"]["precision"]["n"] == 5
    assert data["strict"]["counts"] == {"tp": 2, "fp": 1, "fn": 2, "tn": 5}
    assert data["misses"][0]["id"] == "a3"
    assert {group["name"] for group in data["breakdowns"]["lang"]} == {"en", "zh"}


def test_render_aligns_the_metric_table() -> None:
    text = evaluate(ROWS, DECISIONS).render()
    lines = text.splitlines()
    metric_lines = [
        line for line in lines if line.split()[:1] in (["precision"], ["recall"], ["FPR"])
    ]
    assert len(metric_lines) == 3
    assert len({line.index("[") for line in metric_lines}) == 1
    assert "0.600" in metric_lines[0] and "3/5" in metric_lines[0]
    assert "Misses: ads not flagged (1)" in text
    assert "False flags: benign records flagged (2)" in text
