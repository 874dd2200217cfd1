"""Behaviour of the seeded generator: determinism, coverage, shape and variety."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from redline.synth import APPLIES, EVASIONS, evasion_set, generate
from redline.synth.generate import ADVERTORIAL_SHARE, PACKS, PAGE_STYLE_SHARE

LANGS = {"zh-Hans", "zh-Hant", "en", "hi", "hi-Latn"}
VIOLATING_CATEGORIES = {"fetal_sex_id_ad", "sex_selection_ad", "blood_shipping_ad"}
BENIGN_CATEGORIES = {
    "news_about_case",
    "warning",
    "law_text",
    "platform_policy",
    "moderation_wordlist",
    "legit_screening",
    "user_question",
    "folk_prediction",
    "gender_reveal",
    "kids_product",
    "other_sexing",
    "explainer",
    "research",
}

# Ads written by hand for this test, in the registers the templates cover. If the generator
# ever emits one of them verbatim, its templates have collapsed into constants.
OWN_FIXTURE_ADS = (
    "香港验血测男女，孕7周即可抽血，准确率99.9%，24小时出结果。",
    "宝妈们看过来！现在孕六周就能知道宝宝是男是女，只需抽10ml静脉血，无创无风险。",
    "不方便去香港的宝妈可以寄血，我们提供抗凝管和冷链箱，顺丰包邮。",
    "Find out if it's a boy or a girl at just 6 weeks with our 99% accurate blood test.",
    "Compliant shipping to Hong Kong, results in 24 hours.",
    "Sirf 6 hafte me pata karo ladka hai ya ladki, report 99% sahi.",
)


@pytest.fixture(scope="module")
def posts() -> list[dict[str, str]]:
    return generate(2500, seed=7)


def test_same_seed_same_posts() -> None:
    assert generate(200, seed=3) == generate(200, seed=3)


def test_different_seeds_differ() -> None:
    first = [post["text"] for post in generate(100, seed=1)]
    second = [post["text"] for post in generate(100, seed=2)]
    assert sum(a != b for a, b in zip(first, second, strict=True)) > 90


def test_shorter_run_is_a_prefix_of_a_longer_one() -> None:
    assert generate(300, seed=5)[:120] == generate(120, seed=5)


def test_count_ids_and_fields(posts: list[dict[str, str]]) -> None:
    assert len(posts) == 2500
    assert [post["id"] for post in posts] == [f"syn-7-{i}" for i in range(2500)]
    for post in posts:
        assert set(post) == {"id", "text", "label", "category", "lang", "evasion"}
        assert post["text"].strip()


def test_about_45_percent_violating(posts: list[dict[str, str]]) -> None:
    share = sum(post["label"] == "violating_ad" for post in posts) / len(posts)
    assert 0.40 <= share <= 0.50


def test_every_category_appears_in_every_language(posts: list[dict[str, str]]) -> None:
    seen = {(post["lang"], post["category"]) for post in posts}
    bigger = generate(6000, seed=11)
    seen |= {(post["lang"], post["category"]) for post in bigger}
    for lang in LANGS:
        for category in VIOLATING_CATEGORIES | BENIGN_CATEGORIES:
            assert (lang, category) in seen, (lang, category)


def test_categories_match_labels(posts: list[dict[str, str]]) -> None:
    for post in posts:
        expected = VIOLATING_CATEGORIES if post["label"] == "violating_ad" else BENIGN_CATEGORIES
        assert post["category"] in expected


def test_evasion_rates_and_names(posts: list[dict[str, str]]) -> None:
    evaded = Counter()
    totals = Counter()
    for post in posts:
        totals[post["label"]] += 1
        if post["evasion"] != "none":
            evaded[post["label"]] += 1
            families = post["evasion"].split("+")
            assert 1 <= len(families) <= 3
            assert all(post["lang"] in APPLIES[family] for family in families)
    violating_rate = evaded["violating_ad"] / totals["violating_ad"]
    benign_rate = evaded["benign"] / totals["benign"]
    assert 0.45 <= violating_rate <= 0.65
    assert 0.10 <= benign_rate <= 0.25


def test_traditional_posts_are_in_traditional_script(posts: list[dict[str, str]]) -> None:
    hant = " ".join(post["text"] for post in posts if post["lang"] == "zh-Hant")
    hans = " ".join(
        post["text"]
        for post in posts
        if post["lang"] == "zh-Hans" and "traditional" not in post["evasion"]
    )
    assert hant.count("驗") > 20 and hant.count("验") == 0
    assert hans.count("验") > 20


def test_texts_are_varied(posts: list[dict[str, str]]) -> None:
    texts = [post["text"] for post in posts]
    assert len(set(texts)) > 0.9 * len(texts)
    lengths = sorted(len(text) for text in texts)
    assert lengths[len(lengths) // 10] < 60
    assert lengths[-len(lengths) // 10] > 150


def test_no_text_equals_a_handwritten_fixture_ad() -> None:
    texts = {post["text"] for post in generate(4000, seed=0)}
    assert texts.isdisjoint(OWN_FIXTURE_ADS)


def test_ads_carry_contact_points_and_so_do_some_negatives(posts: list[dict[str, str]]) -> None:
    contact = re.compile(
        r"\d{3}[ -]?\d{4}[ -]?\d{4}|\d{4} \d{4}|\d{5} ?\d{5}|微信|WeChat|WhatsApp|QQ|@\w+"
        r"|\w\.(com|hk|cn|net|in|top|co)\b"
    )
    clean = [p for p in posts if p["evasion"] == "none" and not _is_advertorial(p)]
    ads = [p for p in clean if p["label"] == "violating_ad"]
    negatives = [p for p in clean if p["label"] == "benign"]
    assert sum(bool(contact.search(p["text"])) for p in ads) > 0.3 * len(ads)
    assert any(contact.search(p["text"]) for p in negatives)


def _is_advertorial(post: dict[str, str]) -> bool:
    """Whether a post was written from the advertorial pools (they rarely carry a contact)."""
    pools = PACKS[post["lang"]].advertorial.values()
    fragments = [max(re.split(r"\{\w+\}|\n", t), key=len)[:10] for pool in pools for t in pool]
    return any(fragment in post["text"] for fragment in fragments)


def test_evasion_set_pairs_clean_and_evaded_posts() -> None:
    posts = evasion_set(15, seed=2)
    assert len(posts) == 2 * 15 * len(EVASIONS)
    by_base: dict[str, dict[str, dict[str, str]]] = {}
    for post in posts:
        assert post["label"] == "violating_ad"
        by_base.setdefault(post["base_id"], {})[post["evasion"]] = post
    assert len(by_base) == 15 * len(EVASIONS)
    per_family = Counter()
    for pair in by_base.values():
        clean = pair.pop("none")
        ((family, evaded),) = pair.items()
        per_family[family] += 1
        assert evaded["text"] != clean["text"]
        assert evaded["lang"] == clean["lang"] and evaded["lang"] in APPLIES[family]
        assert evaded["category"] == clean["category"]
    assert per_family == dict.fromkeys(EVASIONS, 15)


def test_evasion_set_is_deterministic() -> None:
    assert evasion_set(5, seed=4) == evasion_set(5, seed=4)


def test_every_language_has_a_pack() -> None:
    assert set(PACKS) == LANGS


def _page_style_fragments(lang: str) -> list[str]:
    """The longest literal run of each page-style template, so filled posts can be traced back."""
    pools = PACKS[lang].page_style.values()
    return [max(re.split(r"\{\w+\}|\n", t), key=len)[:10] for pool in pools for t in pool]


def test_page_style_posts_are_drawn_and_rarely_carry_a_contact_line() -> None:
    posts = [
        p
        for p in generate(4000, seed=13)
        if p["lang"] in {"zh-Hans", "en"} and p["evasion"] == "none"
    ]
    fragments = {lang: _page_style_fragments(lang) for lang in ("zh-Hans", "en")}

    def is_page(post: dict[str, str]) -> bool:
        return any(fragment in post["text"] for fragment in fragments[post["lang"]])

    ads = [p for p in posts if p["label"] == "violating_ad"]
    negatives = [p for p in posts if p["label"] == "benign"]
    page_ads = [p for p in ads if is_page(p)]
    share = len(page_ads) / len(ads)
    # advertorials are drawn before page style, in every ad category
    expected = PAGE_STYLE_SHARE["violating_ad"] * (1 - ADVERTORIAL_SHARE["violating_ad"])
    assert expected - 0.1 <= share <= expected + 0.1
    assert sum(map(is_page, negatives)) > 0.1 * len(negatives)
    contact = re.compile(r"微信|WeChat|WhatsApp|QQ|Telegram|电报|热线|Call |\+852|\+91")
    page_rate = sum(bool(contact.search(p["text"])) for p in page_ads) / len(page_ads)
    other = [p for p in ads if not is_page(p)]
    other_rate = sum(bool(contact.search(p["text"])) for p in other) / len(other)
    assert page_rate < other_rate


def test_listing_posts_are_drawn_for_both_labels() -> None:
    posts = [p for p in generate(3000, seed=5) if p["evasion"] == "none"]
    shapes = {
        lang: {re.split(r"\{\w+\}", t)[0] for pool in PACKS[lang].listing.values() for t in pool}
        for lang in ("zh-Hans", "en")
    }

    def is_listing(post: dict[str, str]) -> bool:
        heads = shapes.get(post["lang"], set())
        return "\n" not in post["text"] and any(h and post["text"].startswith(h) for h in heads)

    listed = Counter(p["label"] for p in posts if is_listing(p))
    assert listed["violating_ad"] > 20 and listed["benign"] > 10
