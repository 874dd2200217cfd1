"""Prices: an amount with a currency is what makes a description an offer.

Values are canonical (`CNY 2000`, `CNY 2000-3000`, `HKD 3500`, `USD 499`, `INR 12500`) so that
posts of one operation quoting one price compare equal. A bare number is never a price: a currency
word or symbol must be attached, or a thousands shorthand (`2k`, `3w`, `2万`) right after a
price word (`价格2k`). Amounts are not converted between currencies.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, ClassVar

from redline.types import Signal

if TYPE_CHECKING:
    from redline.policy import Pack

_CURRENCIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # currency: (tokens written before the amount, tokens written after it)
    "CNY": (("¥", "rmb", "cny", "人民币"), ("元", "块钱", "块", "rmb", "cny", "人民币")),
    "HKD": (("hk$", "hkd", "港币"), ("港币", "港元", "港纸", "hkd")),
    "USD": (("us$", "usd", "$"), ("usd", "美元", "美金", "dollars", "dollar", "刀")),
    "INR": (
        ("₹", "rs.", "rs", "inr", "रु."),
        ("rupees", "rupee", "rs.", "rs", "inr", "रुपये", "रुपए", "रुपया", "卢比"),
    ),
}
_CURRENCY_OF = {
    token: currency for currency, (before, after) in _CURRENCIES.items() for token in before + after
}
_PREFIX_TOKENS = [token for before, _ in _CURRENCIES.values() for token in before]
_SUFFIX_TOKENS = [token for _, after in _CURRENCIES.values() for token in after]
_CHINESE_SUFFIX_TOKENS = [token for token in _SUFFIX_TOKENS if not token.isascii()]


def _alternation(tokens: Sequence[str]) -> str:
    """A regex alternation of `tokens`, longest first; Latin words get word boundaries."""
    parts = []
    for token in sorted(tokens, key=len, reverse=True):
        escaped = re.escape(token)
        if token[0].isascii() and token[0].isalpha():
            escaped = rf"(?<![a-z]){escaped}(?![a-z])"
        elif token == "元":
            escaped = r"元(?![旦宵素])"  # 元旦, 元宵, 元素 are words, not yuan
        parts.append(escaped)
    return "|".join(parts)


_LAKHS = r"[0-9]{1,2}(?:,[0-9]{2})+,[0-9]{3}"
"""Grouped the Indian way, in lakhs and crores: 1,20,000 is 120,000 (read in thousands, 1)."""
_AMOUNT = (
    r"(?<![0-9])(?<![0-9][.,])(?<![^a-z]\.)(?<!^\.)"
    rf"(?:(?:{_LAKHS}|[0-9]{{1,3}}(?:,[0-9]{{3}})+)(?![0-9])|[0-9]+)(?:\.[0-9]+)?"
)
"""Grouped in thousands (1,500), in lakhs (rupees only: see `PriceRecognizer._digit_price`), or
not at all; a group with more digits after it is no grouping (1,20,0000 reads as 1). Not the
tail of a longer number or a decimal (1,500 / 3.75), but after a comma or a stop that ends
a word: folding makes Chinese "，" the ASCII one, so "套餐，198元" is a price; so is
"rs.12500" (a stop after a letter), not ".5元"."""
_IN_LAKHS = re.compile(_LAKHS + r"(?:\.[0-9]+)?")
_MULTIPLIER = r"(?:k|w)(?![a-z])|万|千"
_RANGE = r"\s?(?:-|~|–|—|到|至|(?<![a-z])to(?![a-z]))\s?"
_PRE = _alternation(_PREFIX_TOKENS)
_SUF = _alternation(_SUFFIX_TOKENS)
_PRICE = re.compile(
    rf"(?:(?P<pre>{_PRE})\s?)?"
    rf"(?P<a>{_AMOUNT})(?:\s?(?P<ma>{_MULTIPLIER}))?"
    rf"(?:\s?(?P<mid>{_SUF}))?"
    rf"(?:{_RANGE}(?:(?P<pre2>{_PRE})\s?)?(?P<b>{_AMOUNT})(?:\s?(?P<mb>{_MULTIPLIER}))?)?"
    rf"(?:\s?(?P<suf>{_SUF}))?"
)
_PRICE_STARTS = re.compile(
    "[0-9" + "".join(sorted({re.escape(token[0]) for token in _PREFIX_TOKENS})) + "]"
)
"""Where a `_PRICE` match can begin: at a currency written before the amount, or at its first
digit. Trying `_PRICE` only there finds the same matches as `finditer`, several times faster:
its optional leading group keeps the regex engine from skipping ahead by itself."""
_CHINESE_PRICE = re.compile(
    r"(?<![0-9.几数零两一二三四五六七八九十百千万])(?P<amount>[零两一二三四五六七八九十百千万]++)"
    rf"\s?(?P<suf>{_alternation(_CHINESE_SUFFIX_TOKENS)})"
)
_PRICE_WORD_BEFORE = re.compile(
    r"(?:价格?|价钱|费用?|收费|只要|只需|仅需|全包|套餐|price|cost|fee|charge)"
    r"\s?(?:[:是为]\s?)?$"
)
_PRICE_WORD_WINDOW = 8
_COUNTER_AFTER = re.compile(r"\s?[件个人只台份次盒袋箱瓶支例名位家张]")
"""`产能3万件` counts things: a shorthand amount followed by a counter is not a price."""
_MULTIPLIER_VALUES = {"k": 1000, "千": 1000, "w": 10000, "万": 10000}
_GENERIC_YUAN = frozenset({"元", "块", "块钱"})
_MIN_KUAI = 100
"""`块` is also a counter (三块蛋糕), so with digits it means yuan only from 100 up."""
_MIN_SPOKEN = 100
"""Spoken amounts below 100 are mostly words (一元化, 二元论, 三块蛋糕); ads quote hundreds."""

_CHINESE_DIGITS = {char: digit for digit, char in enumerate("零一二三四五六七八九")} | {"两": 2}
_CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_numeral_value(numeral: str) -> int | None:
    """The value of a Chinese numeral (`十二` 12, `两千八` 2800, `一万二` 12000), or None.

    Spoken amounts drop the last unit (`两千八` is 2800, not 2008), so a trailing digit after a
    unit of a hundred or more counts one unit lower. Runs of bare digits (`一三八`) are not
    numerals: the normaliser turns long ones into ASCII digits already.
    """
    if not numeral:
        return None
    total = section = 0
    digit: int | None = None
    last_unit: int | None = None
    for char in numeral:
        if char == "零":
            if digit is not None:
                return None
            last_unit = None
        elif char in _CHINESE_DIGITS:
            if digit is not None:
                return None
            digit = _CHINESE_DIGITS[char]
        elif char in _CHINESE_UNITS:
            unit = _CHINESE_UNITS[char]
            if last_unit is not None and last_unit <= unit:
                return None
            section += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        elif char == "万":
            if total:
                return None
            total = (section + (digit or 0) or 1) * 10000
            section, digit, last_unit = 0, None, 10000
        else:
            return None
    if digit is not None:
        elided = last_unit is not None and last_unit >= 100
        section += digit * (last_unit // 10 if elided and last_unit else 1)
    return total + section


def _currency(tokens: Sequence[str]) -> str:
    """The currency the tokens name; `68块港币` is Hong Kong dollars, so a named currency
    outranks the generic `块`/`元`."""
    named = [token for token in tokens if token not in _GENERIC_YUAN]
    return _CURRENCY_OF[(named or tokens)[0]]


def _amount(number: str, multiplier: str | None) -> Decimal | None:
    """The value of `2,000`, `2.5` + `万` and the like, or None if it does not parse."""
    try:
        value = Decimal(number.replace(",", ""))
    except InvalidOperation:
        return None
    return value * _MULTIPLIER_VALUES[multiplier] if multiplier else value


def _format(amount: Decimal) -> str:
    """`2000`, `12.5`: no exponent, no trailing zeros."""
    text = format(amount.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _digit_matches(text: str) -> Iterator[re.Match[str]]:
    """`_PRICE.finditer(text)`: the same matches, tried only where one can begin."""
    end = 0
    for start in _PRICE_STARTS.finditer(text):
        position = start.start()
        if position < end:
            continue
        match = _PRICE.match(text, position)
        if match:
            end = match.end()
            yield match


class PriceRecognizer:
    """Amounts with a currency: `2000元`, `2,000-3,000元`, `¥2800`, `hk$ 3500`, `rs. 12,500`."""

    name: ClassVar[str] = "price"
    category: ClassVar[str] = "price"

    def __init__(self, packs: Sequence[Pack] = ()) -> None:
        """Packs are ignored: currencies do not depend on policy."""

    def recognize(self, text: str) -> list[Signal]:
        """All prices in `text`, valued as `CURRENCY amount` or `CURRENCY low-high`."""
        signals = [s for m in _digit_matches(text) if (s := self._digit_price(text, m))]
        for match in _CHINESE_PRICE.finditer(text):
            amount = chinese_numeral_value(match.group("amount"))
            if amount is not None and amount >= _MIN_SPOKEN:
                value = f"{_CURRENCY_OF[match.group('suf')]} {amount}"
                signals.append(Signal(self.category, *match.span(), value, entity=True))
        return signals

    def _digit_price(self, text: str, match: re.Match[str]) -> Signal | None:
        """The price a digit match states, or None if it names no currency."""
        tokens = [match.group(g) for g in ("pre", "mid", "pre2", "suf") if match.group(g)]
        if not tokens and not (match.group("ma") or match.group("mb")):
            return None  # a bare number (most matches): neither a currency nor a shorthand
        low = _amount(match.group("a"), match.group("ma"))
        if low is None:
            return None
        high = None
        if match.group("b"):
            high = _amount(match.group("b"), match.group("mb"))
            if high is not None and match.group("mb") and not match.group("ma") and low < high:
                low *= _MULTIPLIER_VALUES[match.group("mb")]  # 2-3k: the unit is said once
            if high is not None and high <= low:
                high = None
        if tokens:
            if tokens == ["块"] and (high or low) < _MIN_KUAI:
                return None
            currency = _currency(tokens)
        elif self._is_bare_thousands(text, match):
            currency = "CNY"
        else:
            return None
        if currency != "INR" and any(_IN_LAKHS.fullmatch(match.group(g) or "") for g in ("a", "b")):
            return None  # only rupees are grouped in lakhs: 88,98,128元 lists three prices
        value = f"{currency} {_format(low)}" + (f"-{_format(high)}" if high else "")
        return Signal(self.category, match.start(), match.end(), value, entity=True)

    @staticmethod
    def _is_bare_thousands(text: str, match: re.Match[str]) -> bool:
        """`价格2k`, `费用3万`: a shorthand amount right after a price word, taken as yuan."""
        if not (match.group("ma") or match.group("mb")):
            return False
        start = match.start()
        if _COUNTER_AFTER.match(text, match.end()):
            return False
        return bool(_PRICE_WORD_BEFORE.search(text, max(0, start - _PRICE_WORD_WINDOW), start))
