"""Claim recognisers (gestational weeks, accuracy) on already-normalised text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redline.recognizers.base import Recognizer
from redline.recognizers.claims import AccuracyClaimRecognizer, GestationalWeekRecognizer


def found(recognizer: Recognizer, text: str) -> list[tuple[str, str]]:
    """(covered text, value) of every claim, so offsets are checked with values."""
    return [(text[s.start : s.end], s.value) for s in recognizer.recognize(text)]


# --- gestational weeks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "covered", "value"),
    [
        ("孕6周即可检测", "6周", "6"),
        ("6周", "6周", "6"),
        ("怀孕七周", "七周", "7"),
        ("怀孕十二周以上", "十二周", "12"),
        ("最早两周", "两周", "2"),
        ("5-8周", "5-8周", "5-8"),
        ("孕5到8周", "5到8周", "5-8"),
        ("6+周", "6+周", "6"),
        ("怀孕7个星期", "7个星期", "7"),
        ("怀孕42天就能测", "42天", "6"),
        ("7 weeks", "7 weeks", "7"),
        ("from 6 weeks", "6 weeks", "6"),
        ("6 wks", "6 wks", "6"),
        ("as early as week 7", "week 7", "7"),
        ("from six weeks of pregnancy", "six weeks", "6"),
        ("6-8 weeks", "6-8 weeks", "6-8"),
        ("गर्भावस्था के 6 सप्ताह", "6 सप्ताह", "6"),
        ("7 हफ्ते", "7 हफ्ते", "7"),
        ("孕2周", "2周", "2"),
        ("无论六周还是七周都能验血", "六周", "6"),
    ],
)
def test_gestational_week_is_found_with_its_span_and_value(
    text: str, covered: str, value: str
) -> None:
    assert found(GestationalWeekRecognizer(), text)[0] == (covered, value)


@pytest.mark.parametrize(
    "text",
    [
        "一周内出结果",
        "2周出报告",
        "results in 2 weeks",
        "two weeks delivery",
        "孕晚期一周去一次医院",  # a duration, even in a pregnancy post
        "环顾四周",  # 四周 = all around
        "周六周日休息",
        "宝宝三周岁",
        "十周年庆",
        "2周口市",  # a city name
        "产后42天复查",
        "隔离14天",
        "50周",  # not a pregnancy week
        "8-5周",
    ],
)
def test_durations_and_other_weeks_are_not_claims(text: str) -> None:
    assert found(GestationalWeekRecognizer(), text) == []


# --- accuracy -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "covered", "value"),
    [
        ("99%", "99%", "99"),
        ("99.9%", "99.9%", "99.9"),
        ("准确率可达99.4-99.5%", "99.4-99.5%", "99.4-99.5"),
        ("准确率高达99.8%", "99.8%", "99.8"),
        ("百分之九十九", "百分之九十九", "99"),
        ("百分之九十九点九", "百分之九十九点九", "99.9"),
        ("百分之百准确", "百分之百", "100"),
        ("accuracy of 99%", "99%", "99"),
        ("95% accurate", "95%", "95"),
        ("准确率95%", "95%", "95"),
        ("95 percent accuracy", "95 percent", "95"),
        ("सटीकता 95%", "95%", "95"),
        ("98%~100%", "98%~100%", "98-100"),
    ],
)
def test_accuracy_claim_is_found_with_its_span_and_value(
    text: str, covered: str, value: str
) -> None:
    assert found(AccuracyClaimRecognizer(), text) == [(covered, value)]


@pytest.mark.parametrize(
    "text",
    [
        "增长了95%",  # high, but no accuracy word and under 99
        "准确率85%",  # an accuracy word, but too low to be a claim
        "50%",
        "150%",
        "1999%",
    ],
)
def test_percentages_that_are_not_accuracy_claims_are_ignored(text: str) -> None:
    assert found(AccuracyClaimRecognizer(), text) == []


# --- properties -----------------------------------------------------------------------------

_CLAIM_PIECES = [*"0123456789 .-+%~一二两三四五六七八九十百点周天孕", "百分之", "weeks", "准确率"]


@given(
    st.lists(st.sampled_from(_CLAIM_PIECES) | st.characters(codec="utf-8"), max_size=60).map(
        "".join
    )
)
def test_every_claim_is_a_non_empty_span_inside_the_text(text: str) -> None:
    for recognizer in (GestationalWeekRecognizer(), AccuracyClaimRecognizer()):
        for signal in recognizer.recognize(text):
            assert 0 <= signal.start < signal.end <= len(text)
            assert signal.value
            assert signal.entity and signal.pack is None
            assert signal.category in {"claim.weeks", "claim.accuracy"}


_CONTEXT = st.text(st.sampled_from("的是我们你好请联系详情咨询。，！？、 【】"), max_size=12)
"""Chinese prose around a claim: no digit, numeral or unit that could join it."""


@given(before=_CONTEXT, after=_CONTEXT, week=st.integers(1, 40))
def test_a_pregnancy_week_is_found_in_any_prose(before: str, after: str, week: int) -> None:
    text = f"{before}怀孕{week}周{after}"
    assert (f"{week}周", str(week)) in found(GestationalWeekRecognizer(), text)


@given(before=_CONTEXT, after=_CONTEXT, percent=st.integers(90, 100))  # lower is no claim
def test_an_accuracy_percentage_is_found_in_any_prose(
    before: str, after: str, percent: int
) -> None:
    text = f"{before}准确率{percent}%{after}"
    assert (f"{percent}%", str(percent)) in found(AccuracyClaimRecognizer(), text)
