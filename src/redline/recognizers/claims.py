"""Claims that sell a sex test: how early in pregnancy it works, and how accurate it is.

"From 6 weeks" and "99.9% accurate" are what ads promise and what news, warnings and licensed
screening pages rarely state as an offer. Both are ordinary numbers elsewhere (a one-week
delivery time, a 95% growth figure), so each claim needs its unit and either a plausible value
or a nearby word that makes it a claim. Values are plain numbers as strings: `6`, `5-8`, `99.9`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, ClassVar

from redline.recognizers.prices import chinese_numeral_value
from redline.types import Signal

if TYPE_CHECKING:
    from redline.policy import Pack

# --- gestational weeks ------------------------------------------------------------------------

_CHINESE_SMALL_NUMERAL = r"[一二两三四五六七八九十]{1,3}"
_ENGLISH_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight")
_ENGLISH_NUMBER_WORDS += ("nine", "ten", "eleven", "twelve")
_ENGLISH_NUMBERS = {word: number for number, word in enumerate(_ENGLISH_NUMBER_WORDS, start=1)}
_WEEK_NUMBER = rf"[0-9]{{1,2}}|{_CHINESE_SMALL_NUMERAL}|{'|'.join(_ENGLISH_NUMBERS)}"
_WEEK_RANGE = rf"(?P<low>{_WEEK_NUMBER})(?:\s?(?:-|~|–|—|到|至|to)\s?(?P<high>{_WEEK_NUMBER}))?"
_WEEKS = re.compile(
    rf"(?<![0-9a-z.])(?:{_WEEK_RANGE})\s?(?P<plus>\+)?\s?(?:"
    r"(?P<zh>个?(?:周(?![岁年期末边围刊报转口到全密])|星期(?![一二三四五六日天])))"
    r"|(?P<en>weeks?|wks?)(?![a-z])"
    r"|(?P<hi>सप्ताह|ह(?:\u095e|\u092b\u093c?)\u094d\u0924[\u0947\u093e])"  # हफ़्ते
    r"|(?P<days>天))"
    r"|(?<![a-z])(?:week|wk)\s?(?P<ordinal>[0-9]{1,2})(?![0-9])"
)
_PREGNANCY = r"孕|胎|怀上|怀了|pregnan|gestation|गर्भ"
_PREGNANCY_WORDS = re.compile(_PREGNANCY)
_TEST = r"检测|验血|测男女|性别|男女|blood test|gender test|sex test"
_CLAIM_BEFORE = re.compile(rf"{_PREGNANCY}|{_TEST}|最早|早至|早在|from|since|as early as")
_CLAIM_AFTER = re.compile(rf"{_PREGNANCY}|{_TEST}|^\s?(?:以上|起|即可|就可|就能|可测|可验)")
_RIGHT_AFTER_PREGNANT = re.compile(r"(?:孕|怀孕|pregnant)\s?(?:第\s?)?$")
_CONTEXT_BEFORE = 10
_DAYS_CONTEXT_BEFORE = 20  # 孕妈从末次月经第一天算起42天: the pregnancy word comes early
_CONTEXT_AFTER = 10
_MAX_WEEK = 42
_WEEKS_WITHOUT_CONTEXT = 4
"""From this week on, digits + weeks are a claim on their own; below it (2周, 2 weeks) they are
usually a duration ("results in 2 weeks") unless pregnancy words are near. Spelled-out numbers
(四周 "all around", 一周, "six weeks") and days (产后42天, 22天) always need those words."""
_NOT_PREGNANCY_DAYS = re.compile(r"产后|月子")
"""Days count as weeks of pregnancy only next to pregnancy words, and not after birth."""


def _week_number(token: str | None) -> int | None:
    """A count of weeks or days (1..294, 42 weeks) from `6`, `六`, `十二`, `six`; else None."""
    if token is None:
        return None
    if token.isdigit():
        number: int | None = int(token)
    elif token in _ENGLISH_NUMBERS:
        number = _ENGLISH_NUMBERS[token]
    else:
        number = chinese_numeral_value(token)
    return number if number is not None and 1 <= number <= _MAX_WEEK * 7 else None


class GestationalWeekRecognizer:
    """Weeks of pregnancy: `孕6周`, `怀孕七周`, `5-8周`, `42天`, `from 6 weeks`, `7 हफ्ते`."""

    name: ClassVar[str] = "weeks"
    category: ClassVar[str] = "claim.weeks"

    def __init__(self, packs: Sequence[Pack] = ()) -> None:
        """Packs are ignored: the units of pregnancy are the same in every jurisdiction."""

    def recognize(self, text: str) -> list[Signal]:
        """All gestational-age claims in `text`, valued as a week or a `low-high` range."""
        signals: list[Signal] = []
        for match in _WEEKS.finditer(text):
            weeks = self._weeks(text, match)
            if weeks is not None:
                low, high = weeks
                value = str(low) if high is None else f"{low}-{high}"
                signals.append(
                    Signal(self.category, match.start(), match.end(), value, entity=True)
                )
        return signals

    @staticmethod
    def _weeks(text: str, match: re.Match[str]) -> tuple[int, int | None] | None:
        """(low, high) weeks of a match, or None if it is not a plausible pregnancy claim."""
        if match.group("ordinal"):
            low, high = _week_number(match.group("ordinal")), None
        else:
            low, high = _week_number(match.group("low")), _week_number(match.group("high"))
        if low is None or (match.group("high") and high is None):
            return None
        before = text[max(0, match.start() - _CONTEXT_BEFORE) : match.start()]
        after = text[match.end() : match.end() + _CONTEXT_AFTER]
        in_context = bool(_CLAIM_BEFORE.search(before) or _CLAIM_AFTER.search(after))
        spelled_out = not (match.group("ordinal") or match.group("low").isdigit())
        if spelled_out and not in_context:
            return None
        if match.group("days"):
            wide_before = text[max(0, match.start() - _DAYS_CONTEXT_BEFORE) : match.start()]
            pregnant = _PREGNANCY_WORDS.search(wide_before) or _PREGNANCY_WORDS.search(after)
            if not pregnant or _NOT_PREGNANCY_DAYS.search(before):
                return None
            low, high = low // 7, high // 7 if high is not None else None
            if low == 0:
                return None
        if low > _MAX_WEEK or (high is not None and not low < high <= _MAX_WEEK):
            return None
        if not in_context and low < _WEEKS_WITHOUT_CONTEXT and match.group("plus") is None:
            return None
        if low == 1 and high is None and not _RIGHT_AFTER_PREGNANT.search(before):
            return None  # 一周 / one week is a duration even in a pregnancy post
        return low, high


# --- accuracy ---------------------------------------------------------------------------------

_PERCENT_NUMBER = r"[0-9]{1,3}(?:\.[0-9]+)?"
_CHINESE_PERCENT = r"[零一二三四五六七八九十百]{1,4}(?:点[零一二三四五六七八九]{1,4})?"
_ACCURACY = re.compile(
    rf"(?<![0-9.])(?P<low>{_PERCENT_NUMBER})(?:%?\s?(?:-|~|–|到|至)\s?(?P<high>{_PERCENT_NUMBER}))?"
    r"\s?(?:%|percent(?![a-z])|per cent(?![a-z])|प्रतिशत)"
    rf"|百分之(?P<chinese>{_CHINESE_PERCENT}|{_PERCENT_NUMBER})"
)
_ACCURACY_CONTEXT = re.compile(
    r"准|成功率|保证|确保|正确率|符合率|吻合|命中|误差|靠谱|accura|guarantee|success rate|reliab"
    r"|सटीक"
)
_CONTEXT_WINDOW = 12
_MIN_CLAIM = Decimal(90)
_CLAIM_WITHOUT_CONTEXT = Decimal(99)
_MAX_PERCENT = Decimal(100)


def _chinese_percent(numeral: str) -> Decimal | None:
    """`九十九点九` -> 99.9; digits after 点 are read one by one."""
    whole, _, fraction = numeral.partition("点")
    whole_value = chinese_numeral_value(whole)
    if whole_value is None:
        return None
    digits = "".join(str(chinese_numeral_value(char)) for char in fraction)
    return Decimal(f"{whole_value}.{digits}" if digits else whole_value)


def _percent(token: str) -> Decimal | None:
    """`99.9` or `九十九点九` as a number."""
    try:
        return Decimal(token)
    except InvalidOperation:
        return _chinese_percent(token)


def _format(percent: Decimal) -> str:
    """`99.9`, `100`: no exponent, no trailing zeros."""
    text = format(percent, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class AccuracyClaimRecognizer:
    """Accuracy percentages: `准确率高达99.8%`, `99.4-99.5%`, `百分之九十九`, `99% accurate`."""

    name: ClassVar[str] = "accuracy"
    category: ClassVar[str] = "claim.accuracy"

    def __init__(self, packs: Sequence[Pack] = ()) -> None:
        """Packs are ignored: a percentage reads the same in every jurisdiction."""

    def recognize(self, text: str) -> list[Signal]:
        """All accuracy claims in `text`, valued as the percentage or a `low-high` range."""
        signals: list[Signal] = []
        for match in _ACCURACY.finditer(text):
            value = self._claim(text, match)
            if value is not None:
                signals.append(
                    Signal(self.category, match.start(), match.end(), value, entity=True)
                )
        return signals

    @staticmethod
    def _claim(text: str, match: re.Match[str]) -> str | None:
        """The canonical percentage of a match, or None if it is not an accuracy claim.

        Only 90% and up is a claim; 99% and up is one on its own, below that it needs an
        accuracy word within a few characters, so a 95% growth figure is just a number.
        """
        low = _percent(match.group("chinese") or match.group("low"))
        high = _percent(match.group("high")) if match.group("high") else None
        if low is None or not _MIN_CLAIM <= low <= _MAX_PERCENT:
            return None
        if high is not None and not low < high <= _MAX_PERCENT:
            return None
        if (high or low) < _CLAIM_WITHOUT_CONTEXT:
            start, end = match.span()
            window = text[max(0, start - _CONTEXT_WINDOW) : end + _CONTEXT_WINDOW]
            if _ACCURACY_CONTEXT.search(window) is None:
                return None
        return _format(low) + (f"-{_format(high)}" if high is not None else "")
