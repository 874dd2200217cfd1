"""The template packs: every slot is defined, every category is covered, pools are broad."""

from __future__ import annotations

from random import Random

import pytest

from redline.synth.generate import PACKS
from redline.synth.templates import cn_mobile, fill, hk_phone, qq_number, slot_names


def _templates(lang: str) -> list[str]:
    pack = PACKS[lang]
    pools = [
        *pack.violating.values(),
        *pack.benign.values(),
        pack.cta,
        *pack.benign_contact.values(),
        *pack.page_style.values(),
        *pack.listing.values(),
    ]
    return [template for pool in pools for template in pool]


@pytest.mark.parametrize("lang", sorted(PACKS))
def test_every_slot_is_defined(lang: str) -> None:
    used = {name for template in _templates(lang) for name in slot_names(template)}
    assert used <= set(PACKS[lang].slots)


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_major_languages_have_at_least_60_templates_per_label(lang: str) -> None:
    pack = PACKS[lang]
    assert sum(len(pool) for pool in pack.violating.values()) >= 60
    assert sum(len(pool) for pool in pack.benign.values()) >= 60


@pytest.mark.parametrize("lang", sorted(PACKS))
def test_no_duplicate_templates(lang: str) -> None:
    pack = PACKS[lang]
    pools = (*pack.violating.values(), *pack.benign.values(), *pack.page_style.values())
    sentences = [t for pool in pools for t in pool]
    assert len(sentences) == len(set(sentences))


@pytest.mark.parametrize("lang", sorted(PACKS))
def test_page_style_categories_exist_in_exactly_one_label(lang: str) -> None:
    pack = PACKS[lang]
    for category in pack.page_style:
        assert (category in pack.violating) != (category in pack.benign), category


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_major_languages_cover_every_ad_category_in_page_style(lang: str) -> None:
    pack = PACKS[lang]
    violating = [pack.page_style.get(category, ()) for category in pack.violating]
    benign = [pool for category, pool in pack.page_style.items() if category in pack.benign]
    assert all(len(pool) >= 4 for pool in violating)
    assert sum(map(len, violating)) >= 20
    assert sum(map(len, benign)) >= 12


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_page_style_ads_often_ask_questions(lang: str) -> None:
    pack = PACKS[lang]
    ads = [t for category in pack.violating for t in pack.page_style.get(category, ())]
    asking = [t for t in ads if "?" in t or "？" in t]
    assert len(asking) >= 0.3 * len(ads)


def test_fill_keeps_a_repeated_slot_consistent_within_a_post() -> None:
    slots = {"n": lambda rng: str(rng.randrange(10**9))}
    text = fill("{n} and {n}", slots, Random(0), {})
    first, second = text.split(" and ")
    assert first == second


def test_contact_shapes() -> None:
    rng = Random(9)
    for _ in range(50):
        mobile = cn_mobile(rng).replace(" ", "").replace("-", "")
        assert len(mobile) == 11 and mobile[0] == "1" and mobile[1] in "3456789"
        hk = "".join(c for c in hk_phone(rng) if c.isdigit())
        assert hk.startswith("852") and len(hk) == 11 and hk[3] in "569"
        qq = qq_number(rng)
        assert 6 <= len(qq) <= 10 and qq[0] != "0"


_OFFER_SLOTS = {"phone", "hkphone", "inphone", "qq", "wx", "tg", "url", "email"}
_OFFER_SLOTS |= {"price", "price2", "hkd", "price_big", "price_small", "usd", "usd_big", "inr"}
_OFFER_SLOTS |= {"kit_price"}


@pytest.mark.parametrize("lang", sorted(PACKS))
def test_ad_listings_are_one_line_with_a_contact_or_price(lang: str) -> None:
    pack = PACKS[lang]
    ads = [t for category in pack.violating for t in pack.listing.get(category, ())]
    assert ads, lang
    for template in ads:
        assert "\n" not in template and len(template) <= 60, template
        assert slot_names(template) & _OFFER_SLOTS, template


@pytest.mark.parametrize("lang", sorted(PACKS))
def test_listings_have_benign_twins_of_the_same_shape(lang: str) -> None:
    pack = PACKS[lang]
    twins = {category for category in pack.listing if category in pack.benign}
    assert "user_question" in twins and "legit_screening" in twins
    for category in pack.listing:
        assert category in pack.violating or category in pack.benign, category
