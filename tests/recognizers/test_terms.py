"""TermRecognizer: pack terms over normalised text, with the spellings the variants give."""

from __future__ import annotations

import pytest

from redline.policy import Pack
from redline.recognizers.terms import TermRecognizer
from redline.variants import glued_initials


@pytest.fixture(scope="module")
def recognizer(packs: list[Pack]) -> TermRecognizer:
    return TermRecognizer(packs)


def test_glued_initials_are_the_initials_of_two_character_terms() -> None:
    assert (glued_initials("血样"), glued_initials("验血")) == ("xy", "yx")
    assert glued_initials("宝宝性别") is None and glued_initials("y染") is None


@pytest.mark.parametrize("text", ["xy寄出后有单号", "全国各地均可jx,到港后出结果", "去香港yx"])
def test_initials_touching_chinese_are_topic_terms(recognizer: TermRecognizer, text: str) -> None:
    found = {s.value for s in recognizer.recognize(text)}
    assert found & {"血样", "寄血", "验血"}, found


@pytest.mark.parametrize("text", ["plot x against y: xy plane", "jx 2024", "the yx ratio"])
def test_initials_in_latin_text_are_not_terms(recognizer: TermRecognizer, text: str) -> None:
    assert not {s.value for s in recognizer.recognize(text)} & {"血样", "寄血", "验血"}
