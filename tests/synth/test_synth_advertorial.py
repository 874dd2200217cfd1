"""The advertorial register: ads in an explainer's voice, and twins that quote the same claims.

What must hold for the model to learn framing rather than words: every language has both sides,
the ads carry no offer of their own (the voice is the pitch), the twins carry the reporting,
prohibition or warning frames the packs read, and the style is drawn, seeded, for both labels.
"""

from __future__ import annotations

import re
from collections import Counter
from random import Random

import pytest

from redline.pipeline import Pipeline
from redline.policy import load_packs
from redline.recognizers import REGISTRY
from redline.synth import generate
from redline.synth.generate import ADVERTORIAL_SHARE, PACKS
from redline.synth.templates import fill, slot_names
from redline.types import Post

AD_CATEGORIES = {"fetal_sex_id_ad", "sex_selection_ad", "blood_shipping_ad"}
TWIN_CATEGORIES = {"explainer", "news_about_case", "warning"}
OFFER_SLOTS = {"phone", "hkphone", "inphone", "qq", "wx", "tg", "url", "email"}
OFFER_SLOTS |= {"price", "price2", "hkd", "price_small", "usd", "inr", "kit_price"}
TALK_FRAMES = {"frame.news", "frame.prohibition", "frame.law", "frame.warning"}


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    packs = load_packs()
    return Pipeline(packs, [factory(packs) for factory in REGISTRY.values()], None)


def _fragments(lang: str, categories: set[str]) -> list[str]:
    """The longest literal run of each advertorial template, to trace filled posts back."""
    pools = [t for c, pool in PACKS[lang].advertorial.items() if c in categories for t in pool]
    return [max(re.split(r"\{\w+\}|\n", t), key=len)[:10] for t in pools]


def _filled(lang: str, categories: set[str]) -> list[str]:
    pack = PACKS[lang]
    rng = Random(f"advertorial-test:{lang}")
    pools = [t for c, pool in pack.advertorial.items() if c in categories for t in pool]
    return [fill(template, pack.slots, rng, {}) for template in pools]


@pytest.mark.parametrize("lang", sorted(PACKS))
def test_every_language_has_advertorial_ads_for_every_kind_and_twins(lang: str) -> None:
    pack = PACKS[lang]
    assert set(pack.advertorial) >= AD_CATEGORIES
    assert set(pack.advertorial) >= TWIN_CATEGORIES
    for category, pool in pack.advertorial.items():
        assert (category in pack.violating) != (category in pack.benign), category
        assert pool, category


@pytest.mark.parametrize("lang", sorted(PACKS))
def test_advertorial_slots_are_defined_and_templates_unique(lang: str) -> None:
    pack = PACKS[lang]
    templates = [t for pool in pack.advertorial.values() for t in pool]
    assert {name for t in templates for name in slot_names(t)} <= set(pack.slots)
    others = [
        t
        for pools in (pack.violating, pack.benign, pack.page_style)
        for pool in pools.values()
        for t in pool
    ]
    assert len(set(templates)) == len(templates)
    assert set(templates).isdisjoint(others)


@pytest.mark.parametrize("lang", sorted(PACKS))
def test_advertorial_ads_make_no_offer_of_their_own(lang: str) -> None:
    pack = PACKS[lang]
    for category in AD_CATEGORIES:
        for template in pack.advertorial[category]:
            assert not slot_names(template) & OFFER_SLOTS, template


@pytest.mark.parametrize("lang", ["zh-Hans", "en", "hi", "hi-Latn"])
def test_twins_talk_about_the_trade_and_ads_do_not(lang: str, pipeline: Pipeline) -> None:
    """Twins carry a reporting, prohibition, law or warning frame; ads seldom do (only to say
    where the service is legal), so the frame, not the vocabulary, tells them apart."""

    def frames(text: str) -> set[str]:
        doc = pipeline.analyse(Post("t", text))
        return {s.category for s in doc.signals} & TALK_FRAMES

    twins = _filled(lang, TWIN_CATEGORIES)
    ads = _filled(lang, AD_CATEGORIES)
    assert all(frames(text) for text in twins), [t for t in twins if not frames(t)]
    framed_ads = [text for text in ads if frames(text)]
    assert len(framed_ads) <= 0.2 * len(ads), framed_ads


def test_advertorials_are_drawn_for_both_labels_in_every_language() -> None:
    posts = [p for p in generate(6000, seed=21) if p["evasion"] == "none"]
    drawn: Counter[tuple[str, str]] = Counter()
    for post in posts:
        lang = post["lang"]
        if lang == "zh-Hant":  # rendered by script conversion: fragments are simplified
            continue
        ads = _fragments(lang, AD_CATEGORIES)
        twins = _fragments(lang, TWIN_CATEGORIES | {"research"})
        fragments = ads if post["label"] == "violating_ad" else twins
        if any(fragment in post["text"] for fragment in fragments):
            drawn[lang, post["label"]] += 1
    for lang in ("zh-Hans", "en", "hi", "hi-Latn"):
        assert drawn[lang, "violating_ad"] > 5, lang
        assert drawn[lang, "benign"] > 5, lang


def test_share_of_advertorial_ads_matches_the_setting() -> None:
    posts = [
        p
        for p in generate(4000, seed=23)
        if p["lang"] == "zh-Hans" and p["evasion"] == "none" and p["label"] == "violating_ad"
    ]
    fragments = _fragments("zh-Hans", AD_CATEGORIES)
    share = sum(any(f in p["text"] for f in fragments) for p in posts) / len(posts)
    # Listings are drawn first, so the share is a little under the setting.
    assert ADVERTORIAL_SHARE["violating_ad"] - 0.1 <= share <= ADVERTORIAL_SHARE["violating_ad"]


def test_advertorials_are_deterministic_under_a_seed() -> None:
    first = [p["text"] for p in generate(400, seed=5)]
    assert first == [p["text"] for p in generate(400, seed=5)]
