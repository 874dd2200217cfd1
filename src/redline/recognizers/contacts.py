"""Contact points an advertiser leaves behind: phones, messenger handles, URLs, e-mail addresses.

Contacts are what turns a post into an offer and what links posts into one operation, so each
recogniser emits a canonical value (E.164 phone, lower-cased handle, host + path) that compares
equal across posts however the advertiser spelled it. All read normalised text: lower case,
ASCII digits, full-width punctuation folded to ASCII.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar

from redline.types import Signal
from redline.variants import is_hanzi

if TYPE_CHECKING:
    from redline.policy import Pack

# --- phones -----------------------------------------------------------------------------------

_PHONE_CANDIDATE = re.compile(
    r"""
    (?<![0-9])(?<![0-9][.,])        # not the tail of a longer number or a decimal
    (?P<plus>\+\ ?)?
    \(?[0-9]+
    (?:[\ .\-–—()]{1,3}[0-9]+)*     # digit groups split by short runs of separators
    """,
    re.VERBOSE,
)
_DIGIT_GROUP = re.compile(r"[0-9]+")
_MAINLAND_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_SERVICE_NUMBER = re.compile(r"[48]00[0-9]{7}")  # 400/800 nationwide numbers, dialled without 0
_HK_CONTEXT = re.compile(r"香港|港|hk|852|hong ?kong")
_INDIAN_MOBILE = re.compile(r"(?:91)?[6-9][0-9]{9}")
_IN_GROUPINGS = frozenset({(10,), (5, 5), (12,), (2, 10), (2, 5, 5)})
"""How Indian mobiles are written without `+`: 9876543210, 98765 43210, 91 98765 43210.
Not 3-3-4 (North American grouping), nor with a trunk 0 (07911 123456 is a UK mobile)."""
_IN_CONTEXT = 20
"""How far each side of a run shaped as an Indian mobile Chinese text makes it something else."""
_LABEL_BEFORE = 16
"""How far before the run a reference label (FIR No, PNR) is looked for."""
_NOT_A_PHONE_AFTER = re.compile(r"\s?(?:[元块%年月日岁]|ml|mg|kg|cm|mm|km|[$¥])")
_NOT_A_PHONE_BEFORE = re.compile(r"(?:[$¥₹#]|单号|编号|订单|no\.|order|rmb|usd|hkd)\s?:?\s?$")
_NOT_AN_INDIAN_MOBILE_BEFORE = re.compile(
    r"(?<![a-z])(?:order|rs|inr|fir|pnr|isbn|awb|ticket|invoice|account|a/c|tracking"
    r"|transaction|txn)"
    r"(?:\.? ?(?:no|id|number))?\.?\s?[:#-]?\s?$"
)
"""Ten digits after these are a reference (FIR No, PNR, ISBN, order id) or an amount; after
"mobile no" or "WhatsApp number" they are the phone itself."""
_HK_CONTEXT_BEFORE = 20
_HK_CONTEXT_AFTER = 20  # from the number's start: 9123 4567 (香港)
_MIN_DIGITS = 7
_MAX_DIGITS = 17  # E.164 allows 15, plus a written `00` international prefix
_HK_GROUPINGS = frozenset({(8,), (4, 4)})
"""How Hong Kong numbers are written; dates (2024.05.06) and prices are grouped otherwise."""
_MAX_GROUPS_PER_NUMBER = 15  # 1 3 8 0 0 1 3 8 0 0 0 is eleven groups


@lru_cache(maxsize=4096)
def _e164(number: str, region: str | None) -> str | None:
    """`number` in E.164 if phonenumbers considers it a valid number of `region`, else None.

    Cached: parsing costs ~0.1 ms, and the posts of one operation repeat the same numbers.
    phonenumbers is imported here, at the first number that needs it (mainland mobiles do
    not): its import costs a twentieth of a second, which a command that screens no such
    number (`explain` of most texts, a small scan) no longer pays at start-up.
    """
    import phonenumbers
    from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

    try:
        parsed = phonenumbers.parse(number, region)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    hk_types = (
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
    if region == "HK" and phonenumbers.number_type(parsed) not in hk_types:
        return None
    return phonenumbers.format_number(parsed, PhoneNumberFormat.E164)


def _classify_phone(digits: str, plus: bool, maybe_hk: bool, maybe_in: bool = False) -> str | None:
    """The E.164 form of a digit string, or None.

    Mainland mobiles are accepted by shape alone (11 digits, 1[3-9]): new prefixes appear faster
    than library metadata, and a fake-looking but well-formed number is still a contact point.
    Indian mobiles (10 digits, [6-9], perhaps after 91) likewise, but only written as mobiles
    are and with no Chinese around them (`maybe_in`): in a Chinese post such a run is an order
    or account number. Everything else must be a valid number for phonenumbers, and bare
    8-digit numbers count as Hong Kong numbers only near a Hong Kong cue, because on their own
    they are mostly not phones.
    """
    if plus or digits.startswith("00"):
        return _e164("+" + digits.removeprefix("00"), None)
    if _MAINLAND_MOBILE.fullmatch(digits):
        return "+86" + digits
    if digits.startswith("86") and _MAINLAND_MOBILE.fullmatch(digits[2:]):
        return "+" + digits
    if digits.startswith("852") and len(digits) == 11:
        return _e164("+" + digits, None)
    if maybe_in and _INDIAN_MOBILE.fullmatch(digits):
        return "+91" + digits[-10:]  # 8001234567 with no Chinese near: Indian, not a 800 number
    if digits.startswith("0") or _SERVICE_NUMBER.fullmatch(digits):
        return _e164(digits, "CN")
    if len(digits) == 8 and maybe_hk:
        return _e164(digits, "HK")
    return None


class PhoneRecognizer:
    """Mainland China, Hong Kong and Indian phone numbers, and any number written with
    `+country`.

    Digit groups split by spaces, dashes, dots or brackets are joined; when a run of groups holds
    more than one thing (a date, then a phone, then a price) the longest run of consecutive
    groups that makes a valid number wins. `phonenumbers` validates every non-mobile number; its
    `PhoneNumberMatcher` is not used because it drops numbers glued to Latin letters
    (`vx13800138000`) and costs milliseconds per post.
    """

    name: ClassVar[str] = "phone"
    category: ClassVar[str] = "contact.phone"

    def __init__(self, packs: Sequence[Pack] = ()) -> None:
        """Packs are ignored: phone shapes do not depend on policy."""

    def recognize(self, text: str) -> list[Signal]:
        """All phone numbers in `text`, valued in E.164."""
        signals: list[Signal] = []
        for candidate in _PHONE_CANDIDATE.finditer(text):
            signals.extend(self._numbers_in(text, candidate))
        return signals

    def _numbers_in(self, text: str, candidate: re.Match[str]) -> Iterator[Signal]:
        """Valid numbers made of consecutive digit groups of one candidate, left to right."""
        groups = [
            (m.start() + candidate.start(), m.end() + candidate.start(), m.group())
            for m in _DIGIT_GROUP.finditer(candidate.group())
        ]
        plus = candidate.group("plus") is not None
        first = 0
        while first < len(groups):
            found = self._longest_number(text, groups, first, plus and first == 0)
            if found is None:
                first += 1
                continue
            last, value = found
            start = candidate.start() if plus and first == 0 else groups[first][0]
            if start > candidate.start() and text[start - 1] == "(":
                start -= 1  # keep the opening bracket of (020) with its number
            yield Signal(self.category, start, groups[last][1], value, entity=True)
            first = last + 1

    def _longest_number(
        self, text: str, groups: list[tuple[int, int, str]], first: int, plus: bool
    ) -> tuple[int, str] | None:
        """(index of last group, E.164) of the longest valid number starting at group `first`."""
        start = groups[first][0]
        if _NOT_A_PHONE_BEFORE.search(text, max(0, start - 8), start):
            return None
        stop = min(len(groups), first + _MAX_GROUPS_PER_NUMBER)
        hk_context: bool | None = None  # looked up only for 8-digit runs
        not_indian: bool | None = None  # Chinese or a reference label (FIR No, PNR) near
        for last in range(stop - 1, first - 1, -1):
            run = [group for _, _, group in groups[first : last + 1]]
            digits = "".join(run)
            if len(digits) < _MIN_DIGITS:
                return None  # shorter runs only get shorter
            if len(digits) > _MAX_DIGITS:
                continue
            maybe_hk = maybe_in = False
            grouping = tuple(len(group) for group in run)
            if grouping in _HK_GROUPINGS:
                if hk_context is None:
                    window = text[max(0, start - _HK_CONTEXT_BEFORE) : start + _HK_CONTEXT_AFTER]
                    hk_context = _HK_CONTEXT.search(window) is not None
                maybe_hk = hk_context
            elif grouping in _IN_GROUPINGS:
                if not_indian is None:
                    window = text[max(0, start - _IN_CONTEXT) : groups[last][1] + _IN_CONTEXT]
                    label_from = max(0, start - _LABEL_BEFORE)
                    not_indian = any(map(is_hanzi, window)) or (
                        _NOT_AN_INDIAN_MOBILE_BEFORE.search(text, label_from, start) is not None
                    )
                maybe_in = not not_indian
            value = _classify_phone(digits, plus, maybe_hk, maybe_in)
            if value is not None and not _NOT_A_PHONE_AFTER.match(text, groups[last][1]):
                return last, value
        return None


# --- messenger handles ------------------------------------------------------------------------

_SEPARATOR = (
    r"(?P<sep>(?:[\s:：=()\[\]<>\"'“”【】「」《》~-]|号码|号|是|加|id(?![a-z])|账号|群){0,6})"
)
"""What may stand between a marker and its handle. `id` not before a letter (`微信id: abc123`,
`qq id12345`): `微信:idol2024` is the handle idol2024, not ol2024."""
_WECHAT = re.compile(
    r"(?P<marker>微信号?|薇信|威信|徽信|维信|v信|卫星|绿泡泡|加微|加薇|加我|[加+➕]\s?v(?![a-z])"
    r"|(?<![a-z])(?:vx|wx|weixin|wechat|v)(?![a-z]))"
    + _SEPARATOR
    + r"(?P<handle>(?>wxid_[a-z0-9]{4,30}|[a-z][a-z0-9_-]{5,19}|1[3-9](?:[ -]?[0-9]){9}))"
    r"(?![a-z0-9_-])"
    r"|(?<![a-z0-9_])(?P<bare>wxid_[a-z0-9]{4,30})(?![a-z0-9_])"
)
_QQ = re.compile(
    r"(?P<marker>扣扣|企鹅|(?<![a-z])(?:qq|q)(?![a-z]))"
    + _SEPARATOR
    + r"(?P<handle>[1-9][0-9]{4,10})(?![0-9])"
)
_TELEGRAM = re.compile(
    r"(?P<marker>纸?飞机|电报|(?<![a-z])(?:telegram|tg)(?![a-z]))"
    + _SEPARATOR
    + r"(?P<at>@\s?)?(?P<handle>(?>[a-z][a-z0-9_]{4,31}))(?![a-z0-9_])"
    r"|(?<![a-z0-9])t\.me/(?P<bare>(?>[a-z][a-z0-9_]{4,31}))(?![a-z0-9_])"
)
_LINE = re.compile(
    r"(?P<marker>加赖|赖|(?<![a-z])line(?:\s?id)?(?![a-z]))"
    + _SEPARATOR
    + r"(?P<at>@\s?)?(?P<handle>(?>[a-z0-9][a-z0-9._-]{3,19}))(?![a-z0-9._-])"
)
_EXPLICIT_SEPARATOR = re.compile(r"[:：=]|号|是|id")
_LATIN_MARKER = re.compile(r"[a-z]+")
_COMMON_WORDS = frozenset(
    {"account", "contact", "details", "message", "number", "official", "please", "support"}
)
_LOOSE_MARKERS = frozenset({"v", "q", "赖", "line"})
"""Markers that are also ordinary words or letters: they need `:`, `=` or `id` after them."""
_AT_MARKERS = frozenset({"飞机", "纸飞机", "电报"})
"""Telegram nicknames that are also ordinary words: they need an `@name` after them."""


def _is_handle_plausible(marker: str, separator: str, handle: str, at: bool) -> bool:
    """Whether a token after a marker is a handle rather than the next word of the sentence.

    A letters-only token counts only after an explicit separator (`微信号: abcdef`) or glued to a
    Chinese marker (`加微abcdef`); after a bare space it is usually prose (`wechat account`).
    """
    explicit = _EXPLICIT_SEPARATOR.search(separator) is not None
    if marker in _LOOSE_MARKERS and not (explicit or at or (not separator and handle.isdigit())):
        return False
    if marker in _AT_MARKERS and not at:
        return False
    if not handle.isalpha():
        return True
    if handle in _COMMON_WORDS:
        return False
    glued_to_chinese = not separator and not _LATIN_MARKER.fullmatch(marker)
    return explicit or at or glued_to_chinese


class HandleRecognizer:
    """WeChat, QQ, Telegram and Line handles written after a marker (`加v:abc_123`, `qq 12345`).

    The signal spans the handle only, not its marker: the handle is the entity reviewers act on
    and link on, and the marker is already evidence through the pack's `offer` terms. A WeChat id
    may be a mobile number (`vx 138-0013-8000`); its value is then the bare digits.
    """

    name: ClassVar[str] = "handle"
    _PATTERNS: ClassVar[tuple[tuple[str, re.Pattern[str]], ...]] = (
        ("contact.wechat", _WECHAT),
        ("contact.qq", _QQ),
        ("contact.telegram", _TELEGRAM),
        ("contact.line", _LINE),
    )

    def __init__(self, packs: Sequence[Pack] = ()) -> None:
        """Packs are ignored: markers are fixed platform names and their slang."""

    def recognize(self, text: str) -> list[Signal]:
        """All handles in `text`, valued lower-case without `@` or separators."""
        signals: list[Signal] = []
        for category, pattern in self._PATTERNS:
            for match in pattern.finditer(text):
                signal = self._signal(category, match)
                if signal is not None:
                    signals.append(signal)
        return signals

    @staticmethod
    def _signal(category: str, match: re.Match[str]) -> Signal | None:
        groups = match.groupdict()
        if groups.get("bare"):  # a handle that needs no marker: wxid_..., t.me/name
            start, end = match.span("bare")
            return Signal(category, start, end, groups["bare"], entity=True)
        handle = groups["handle"]
        marker = re.sub(r"\s", "", groups["marker"])
        if not _is_handle_plausible(marker, groups["sep"], handle, bool(groups.get("at"))):
            return None
        start, end = match.span("handle")
        handle = handle.rstrip(".")  # `line: abc123.` ends a sentence, not the id
        end = start + len(handle)
        value = re.sub(r"[ -]", "", handle) if handle[0].isdigit() else handle
        return Signal(category, start, end, value, entity=True)


# --- URLs and e-mail --------------------------------------------------------------------------

_URL = re.compile(
    r"""
    (?<![a-z0-9@._%+-])
    (?P<scheme>https?://)?
    (?P<host>
        (?:[0-9]{1,3}\.){3}[0-9]{1,3}
      | (?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?P<tld>[a-z]{2,24})
    )
    (?![a-z0-9-])
    (?::[0-9]{2,5})?
    (?P<rest>[/?#][a-z0-9\-._~%!$&'()*+,;=:@/?#]*)?
    """,
    re.VERBOSE,
)
_BARE_DOMAIN_TLD = re.compile(
    r"com|net|org|cn|hk|tw|mo|in|io|co|me|info|biz|top|xyz|vip|cc|tv|us|uk|sg|my|th|jp|kr|au|ca"
    r"|asia|shop|site|online|app|ly|link|club|store|ai|icu|cyou|live|life|pro|wang|ltd|ink|fun"
    r"|work|space|today|xin|ren"
)
"""Top-level domains accepted without a scheme or `www.`: common ones that are not file
extensions, so `report.pdf` and `photo.jpg` are not links."""
_TRAILING_PUNCTUATION = ".,;:!?)'\"]@#"


class UrlRecognizer:
    """Links, with or without a scheme: `https://x.com/a`, `www.x.hk`, `example.com/abc`."""

    name: ClassVar[str] = "url"
    category: ClassVar[str] = "contact.url"

    def __init__(self, packs: Sequence[Pack] = ()) -> None:
        """Packs are ignored: URL syntax does not depend on policy."""

    def recognize(self, text: str) -> list[Signal]:
        """All links in `text`, valued as lower-case host + path (no scheme, `www.` or query)."""
        signals: list[Signal] = []
        for match in _URL.finditer(text):
            host = match.group("host")
            explicit = match.group("scheme") is not None or host.startswith("www.")
            tld = match.group("tld")
            if not explicit and (tld is None or not _BARE_DOMAIN_TLD.fullmatch(tld)):
                continue
            end = match.end()
            if not explicit and not text.startswith("/", match.end("host")):
                end = match.end("host")  # `by874.com##tag##`: only a path makes a bare link longer
            while end > match.end("host") and text[end - 1] in _TRAILING_PUNCTUATION:
                end -= 1
            rest = text[match.end("host") : end]
            path = re.split(r"[?#]", rest, maxsplit=1)[0].rstrip("/")
            value = host.removeprefix("www.") + path
            signals.append(Signal(self.category, match.start(), end, value, entity=True))
        return signals


_EMAIL = re.compile(
    r"(?<![a-z0-9._%+-])[a-z0-9][a-z0-9._%+-]{0,63}@(?:[a-z0-9-]+\.)+[a-z]{2,24}(?![a-z0-9-])"
)


class EmailRecognizer:
    """E-mail addresses (`12345@qq.com` is also how QQ users are reached)."""

    name: ClassVar[str] = "email"
    category: ClassVar[str] = "contact.email"

    def __init__(self, packs: Sequence[Pack] = ()) -> None:
        """Packs are ignored: address syntax does not depend on policy."""

    def recognize(self, text: str) -> list[Signal]:
        """All e-mail addresses in `text`, valued lower-case."""
        return [
            Signal(self.category, m.start(), m.end(), m.group().lower(), entity=True)
            for m in _EMAIL.finditer(text)
        ]
