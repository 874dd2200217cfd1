"""Price recogniser on already-normalised text."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redline.recognizers.prices import (
    _PRICE,
    PriceRecognizer,
    _digit_matches,
    chinese_numeral_value,
)


def found(text: str) -> list[tuple[str, str]]:
    """(covered text, value) of every price, so offsets are checked with values."""
    return [(text[s.start : s.end], s.value) for s in PriceRecognizer().recognize(text)]


@pytest.mark.parametrize(
    ("text", "covered", "value"),
    [
        ("检测费2000元", "2000元", "CNY 2000"),
        ("收费2,000-3,000元不等", "2,000-3,000元", "CNY 2000-3000"),
        ("2000元-3000元", "2000元-3000元", "CNY 2000-3000"),
        ("¥2800", "¥2800", "CNY 2800"),
        ("rmb 2800", "rmb 2800", "CNY 2800"),
        ("3000块一次", "3000块", "CNY 3000"),
        ("2800块钱", "2800块钱", "CNY 2800"),
        ("2万元", "2万元", "CNY 20000"),
        ("2-3k元", "2-3k元", "CNY 2000-3000"),
        ("价格2k", "2k", "CNY 2000"),
        ("费用2-3万", "2-3万", "CNY 20000-30000"),
        ("港币3500", "港币3500", "HKD 3500"),
        ("3500港元", "3500港元", "HKD 3500"),
        ("hk$ 3500", "hk$ 3500", "HKD 3500"),
        ("68块港币", "68块港币", "HKD 68"),
        ("$499 only", "$499", "USD 499"),
        ("usd 1,200", "usd 1,200", "USD 1200"),
        ("$2,000 to $3,000", "$2,000 to $3,000", "USD 2000-3000"),
        ("₹15000", "₹15000", "INR 15000"),
        ("rs. 12,500", "rs. 12,500", "INR 12500"),
        ("sirf rs 1,20,000 mein", "rs 1,20,000", "INR 120000"),  # lakhs, the Indian grouping
        ("₹1,00,00,000", "₹1,00,00,000", "INR 10000000"),  # a crore
        ("₹45,000-1,20,000", "₹45,000-1,20,000", "INR 45000-120000"),
        ("$12,345,678", "$12,345,678", "USD 12345678"),  # millions are not lakhs
        ("fees rs.12500 only", "rs.12500", "INR 12500"),  # a stop after a letter
        ("15000 रुपये", "15000 रुपये", "INR 15000"),
        ("रु. 15,000", "रु. 15,000", "INR 15000"),
        ("15k rupees", "15k rupees", "INR 15000"),
        ("19.90元", "19.90元", "CNY 19.9"),
        ("两千八元", "两千八元", "CNY 2800"),
        ("两千八百块", "两千八百块", "CNY 2800"),
        ("调理包,198元,加v下单", "198元", "CNY 198"),  # after a comma between words ("，" folded)
    ],
)
def test_price_is_found_with_its_span_and_canonical_value(
    text: str, covered: str, value: str
) -> None:
    assert found(text) == [(covered, value)]


@pytest.mark.parametrize(
    "text",
    [
        "23袋",
        "100,000 mothers",
        "2k",  # a shorthand amount needs a price word before it
        "2020元旦快乐",
        "三块蛋糕",
        "3块",  # 块 is a counter for small numbers
        "孕6周",
        "2020-2021年",
        "working hours 12",
        "几百块",
        "一元化管理",  # spoken numbers under 100 are words
        "价格战中产能3万件",  # a counter follows the shorthand amount
        "三个套餐:88,98,128元",  # a list, not lakhs: only rupees are grouped in lakhs
        "套餐:88,98,128.5元",
        "价格.5元",  # the tail of a decimal
        "价格分别为10,20,300元",
        "价格.5元",  # a decimal without its leading zero is not read as 5
    ],
)
def test_numbers_without_a_currency_are_not_prices(text: str) -> None:
    assert found(text) == []


def test_a_descending_range_keeps_only_the_first_amount() -> None:
    assert [value for _, value in found("3000-200元")] == ["CNY 3000"]


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("三百五", 350),
        ("两千八", 2800),
        ("两千零八", 2008),
        ("一万二", 12000),
        ("一万两千", 12000),
        ("一三八", None),
        ("十百", None),  # units must fall
        ("", None),
    ],
)
def test_chinese_numerals_read_as_spoken(numeral: str, value: int | None) -> None:
    assert chinese_numeral_value(numeral) == value


_PRICE_PIECES = [*"0123456789 ,.-~k万千元块¥$₹港币到", "rmb", "usd", "rs.", "rupees", "价格"]


@given(
    st.lists(st.sampled_from(_PRICE_PIECES) | st.characters(codec="utf-8"), max_size=60).map(
        "".join
    )
)
def test_every_price_is_a_non_empty_span_inside_the_text(text: str) -> None:
    for signal in PriceRecognizer().recognize(text):
        assert 0 <= signal.start < signal.end <= len(text)
        assert signal.category == "price"
        assert signal.entity and signal.pack is None
        assert signal.value.split(" ")[0] in {"CNY", "HKD", "USD", "INR"}


_START_PIECES = [*_PRICE_PIECES, "hk$", "us$", "hkd", "cny", "inr", "人民币", "港元", "a", "c", "h"]


@given(
    st.lists(st.sampled_from(_START_PIECES) | st.characters(codec="utf-8"), max_size=60).map(
        "".join
    )
)
def test_price_matches_are_tried_only_where_one_can_begin_and_none_is_lost(text: str) -> None:
    """The recogniser tries its digit regex only at a currency's or a number's first
    character: it must find exactly the matches a scan of every position finds."""

    def spans(matches: Iterable[re.Match[str]]) -> list[tuple[tuple[int, int], dict]]:
        return [(m.span(), m.groupdict()) for m in matches]

    assert spans(_digit_matches(text)) == spans(_PRICE.finditer(text))


_CONTEXT = st.text(st.sampled_from("的是我们你好请联系详情咨询。，！？、 【】"), max_size=12)
"""Chinese prose around a price: no digit, numeral, letter or currency that could join it."""


@given(
    before=_CONTEXT,
    after=_CONTEXT,
    amount=st.integers(100, 999_999),  # "1块" is a piece of something, not a price
    unit=st.sampled_from([("元", "CNY"), ("块", "CNY"), ("港币", "HKD"), ("港元", "HKD")]),
)
def test_an_amount_with_its_currency_is_found_in_any_prose(
    before: str, after: str, amount: int, unit: tuple[str, str]
) -> None:
    word, currency = unit
    price = f"{amount}{word}"
    assert (price, f"{currency} {amount}") in found(before + price + after)


def test_a_group_with_more_digits_after_it_is_no_grouping() -> None:
    """1,20,0000 is no number written in lakhs: never read as 1,20,000 and a stray 0."""
    assert all(value != "INR 120000" for _, value in found("rs 1,20,0000 only"))
