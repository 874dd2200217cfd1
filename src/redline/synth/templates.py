"""Shared template machinery: slot filling, fake contact points and the per-language pack shape.

Templates are plain strings with ``{slot}`` holes. Slots are filled from seeded generators so the
same seed always yields the same text; a slot name repeated inside one post keeps its value (a
post quotes one price, one lab), while distinct names (``{wk}``, ``{wk2}``) draw separately.
Contact points are fake but shaped like real ones (mainland mobiles, +852 numbers, QQ numbers,
WeChat and Telegram handles), because the recognisers downstream learn those shapes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from random import Random

SlotFn = Callable[[Random], str]
_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class LanguagePack:
    """Everything the generator needs to write posts in one language.

    ``violating`` and ``benign`` map a category to its sentence templates; a post mixes one to
    four of them. ``cta`` holds contact and booking lines that any ad may end with;
    ``benign_contact`` holds the shop or clinic lines that commercial negatives carry, so a
    contact line alone never gives the label away.

    ``page_style`` maps a category (of either label) to sentences in the register of web pages:
    SEO advertorials, seller FAQs, lab guides, clinic pages, and their neutral twins (doctors'
    Q&A, news features, licensed NIPT pages). Real ads missed by models trained on short offers
    read like this, with no contact or price, so tone and function must carry the label.

    ``listing`` maps a category to one-line posts: a service and a contact or price and
    nothing else (classifieds, menu lines, comment spam), and their twins of either label
    (a legal test's price line, a parrot-sexing listing, a short user question). Without them
    the model only knows ads that explain themselves in sentences.

    ``advertorial`` maps a category (of either label) to sentences of content-farm articles:
    ads that sell in an explainer's or travel writer's voice (science, earliest, accurate,
    safe, "many institutions offer it", "more and more families go"), usually with no price or
    contact, and for the same vocabulary the reports, explainers and warnings that quote those
    claims to doubt them. Tone carries the label there, not the words.
    """

    lang: str
    violating: Mapping[str, tuple[str, ...]]
    cta: tuple[str, ...]
    benign: Mapping[str, tuple[str, ...]]
    benign_contact: Mapping[str, tuple[str, ...]]
    slots: Mapping[str, SlotFn]
    joiners: tuple[str, ...]
    hashtags: tuple[str, ...]
    trailers: tuple[str, ...]
    hashtag_format: str = "#{}"
    page_style: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    listing: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    advertorial: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def fill(template: str, slots: Mapping[str, SlotFn], rng: Random, cache: dict[str, str]) -> str:
    """Fill every ``{slot}`` hole; a slot reused within one post keeps its first value."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in cache:
            cache[name] = slots[name](rng)
        return cache[name]

    return _SLOT.sub(value, template)


def slot_names(template: str) -> set[str]:
    """The slot names a template uses (for checking that packs define them all)."""
    return set(_SLOT.findall(template))


def choice(options: tuple[str, ...] | list[str]) -> SlotFn:
    """A slot that picks one of fixed options."""
    frozen = tuple(options)
    return lambda rng: rng.choice(frozen)


def _digits(rng: Random, count: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(count))


def cn_mobile(rng: Random) -> str:
    """A mainland mobile number 1[3-9]x xxxx xxxx, in one of the spacings people type."""
    number = f"1{rng.randint(3, 9)}{_digits(rng, 9)}"
    style = rng.randrange(3)
    if style == 0:
        return number
    if style == 1:
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    return f"{number[:3]}-{number[3:7]}-{number[7:]}"


def hk_phone(rng: Random) -> str:
    """A Hong Kong number: +852 then eight digits starting 5, 6 or 9."""
    number = f"{rng.choice('569')}{_digits(rng, 7)}"
    prefix = rng.choice(("+852 ", "(852) ", "852-", "+852"))
    return f"{prefix}{number[:4]} {number[4:]}"


def in_mobile(rng: Random) -> str:
    """An Indian mobile number: +91 then ten digits starting 6-9."""
    number = f"{rng.randint(6, 9)}{_digits(rng, 9)}"
    return rng.choice((f"+91 {number[:5]} {number[5:]}", f"+91-{number}", number))


def qq_number(rng: Random) -> str:
    """A QQ number: 6-10 digits, never starting with 0."""
    return f"{rng.randint(1, 9)}{_digits(rng, rng.randint(5, 9))}"


_HANDLE_PARTS = (
    "hk",
    "lab",
    "gene",
    "baby",
    "mama",
    "yx",
    "xb",
    "dna",
    "care",
    "bio",
    "nipt",
    "lucky",
    "sunny",
    "kk",
    "mm",
    "bb",
    "vip",
    "happy",
    "yun",
    "bao",
    "xiao",
    "an",
    "jia",
    "kang",
)


def handle(rng: Random) -> str:
    """A WeChat-style id: letters, maybe an underscore, and digits."""
    first = rng.choice(_HANDLE_PARTS)
    second = rng.choice(_HANDLE_PARTS)
    sep = rng.choice(("", "_", "", "-"))
    return f"{first}{sep}{second}{_digits(rng, rng.randint(2, 4))}"


def tg_handle(rng: Random) -> str:
    """A Telegram handle, which always starts with @."""
    return "@" + handle(rng).replace("-", "_")


def url(rng: Random) -> str:
    """A plausible-looking web address for a lab or agency page."""
    name = rng.choice(_HANDLE_PARTS) + rng.choice(("gene", "lab", "ivf", "test", "bio", "care"))
    tld = rng.choice((".com", ".com.hk", ".hk", ".cn", ".net", ".co", ".in", ".top"))
    path = rng.choice(("", "/booking", "/yuyue", "/contact", "/kit", "/price", "/?from=wx"))
    scheme = rng.choice(("", "www.", "https://", "https://www."))
    return f"{scheme}{name}{rng.randint(1, 99)}{tld}{path}"


def email(rng: Random) -> str:
    """A contact mailbox."""
    domain = rng.choice(("gmail.com", "163.com", "qq.com", "outlook.com", "proton.me"))
    return f"{handle(rng).replace('-', '.')}@{domain}"


def number(low: int, high: int, step: int = 1) -> SlotFn:
    """A slot with an integer drawn from ``range(low, high + 1, step)``."""
    return lambda rng: str(rng.randrange(low, high + 1, step))


ACCURACY: tuple[str, ...] = ("99%", "99.4%", "99.5%", "99.8%", "99.9%", "99.99%", "98%", "99.6%")

CONTACT_SLOTS: Mapping[str, SlotFn] = {
    "phone": cn_mobile,
    "hkphone": hk_phone,
    "inphone": in_mobile,
    "qq": qq_number,
    "wx": handle,
    "tg": tg_handle,
    "url": url,
    "email": email,
    "acc": choice(ACCURACY),
    "wk": number(5, 8),
    "wk2": number(6, 9),
    "year": number(2015, 2025),
}
"""Slots every language shares; language packs add their own words on top."""
