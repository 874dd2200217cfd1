"""Canonical entity values, so that two spellings of one contact point are one graph node.

The screening recognisers already emit canonical values (E.164 phones, lower-case handles,
host + path links); this module maps those, and the raw values of other records (a waybill's
sender phone typed by a clerk), onto the key the graph links on. Only contact points link:
prices and claims describe an operation but are shared by chance.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from redline.link.domains import link_key
from redline.recognizers.contacts import PhoneRecognizer

LINKING_TYPES: frozenset[str] = frozenset(
    {"phone", "wechat", "qq", "telegram", "line", "whatsapp", "url", "email"}
)
"""Entity types that tie records together."""

DEFAULT_PHONE_REGION = "CN"
"""How a phone without `+country` is read: most records in this domain are Chinese."""

_RECOGNIZER = PhoneRecognizer()
_HANDLE_STRIP = re.compile(r"[\s@]")
_QQ = re.compile(r"[1-9][0-9]{4,11}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,24}")


class EntityError(ValueError):
    """A value that cannot be a contact point of its type (the message says why)."""


class EntityKey(NamedTuple):
    """One node of the graph: a normalised contact point.

    A named tuple, not a dataclass: a million of them are hashed while interning, and tuples
    hash in C.
    """

    type: str
    value: str

    def to_dict(self) -> dict[str, str]:
        return {"type": self.type, "value": self.value}


@lru_cache(maxsize=65_536)
def normalize_phone(value: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """E.164 (`+8613800138000`) for a phone written any way, or `EntityError`.

    Already-E.164 values (what the recogniser emits) pass through the same check, so a record
    cannot smuggle a malformed number into the graph.
    """
    text = unicodedata.normalize("NFKC", value).strip()
    found = _RECOGNIZER.recognize(text.lower())
    if len(found) == 1 and not re.search(r"[0-9]", text[: found[0].start] + text[found[0].end :]):
        return found[0].value  # the screening recogniser's reading: `(852) 5123 4567` is HK
    digits = re.sub(r"[^0-9+]", "", text)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not digits or digits.count("+") > 1 or "+" in digits[1:]:
        raise EntityError(f"not a phone number: {value!r}")
    if re.fullmatch(r"1[3-9][0-9]{9}", digits):
        return "+86" + digits  # mainland mobiles by shape, as the recogniser does
    if re.fullmatch(r"\+861[3-9][0-9]{9}", digits):
        return digits
    try:
        parsed = phonenumbers.parse(digits, None if digits.startswith("+") else region)
    except NumberParseException as exc:
        raise EntityError(f"not a phone number: {value!r} ({exc})") from None
    if not phonenumbers.is_possible_number(parsed):
        raise EntityError(f"not a possible phone number: {value!r}")
    return phonenumbers.format_number(parsed, PhoneNumberFormat.E164)


def normalize_entity(type_: str, value: str) -> EntityKey:
    """The graph key of a contact point; `EntityError` when the value is unusable."""
    type_ = type_.strip().lower().removeprefix("contact.")
    if type_ not in LINKING_TYPES:
        raise EntityError(f"entity type {type_!r} does not link records")
    if not isinstance(value, str) or not value.strip():
        raise EntityError(f"empty {type_} value")
    if type_ in ("phone", "whatsapp"):
        return EntityKey("phone", normalize_phone(value))
    if type_ == "url":
        try:
            return EntityKey("url", link_key(value))
        except ValueError as exc:
            raise EntityError(str(exc)) from None
    folded = unicodedata.normalize("NFKC", value).casefold()
    if type_ == "email":
        folded = folded.strip()
        if not _EMAIL.fullmatch(folded):
            raise EntityError(f"not an e-mail address: {value!r}")
        return EntityKey("email", folded)
    handle = _HANDLE_STRIP.sub("", folded).removeprefix("t.me/")
    if type_ == "qq" and not _QQ.fullmatch(handle):
        raise EntityError(f"not a QQ number: {value!r}")
    if type_ == "wechat" and re.fullmatch(r"1[3-9][0-9]{9}", handle):
        return EntityKey("phone", "+86" + handle)  # a WeChat id that is a mobile is that phone
    if not handle:
        raise EntityError(f"empty {type_} handle: {value!r}")
    return EntityKey(type_, handle)
