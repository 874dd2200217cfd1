"""Seeded synthetic posts: labelled training data and the per-evasion evaluation set.

Each post draws from its own ``Random`` seeded by (seed, index), so ``generate(n)`` is a prefix of
``generate(n + k)`` and one post can be regenerated alone. There is no global random state.
"""

from __future__ import annotations

from random import Random

from redline.synth import templates_en, templates_hi, templates_zh
from redline.synth.evasion import APPLIES, EVASIONS, _to_traditional
from redline.synth.templates import LanguagePack, fill

Post = dict[str, str]

VIOLATING = "violating_ad"
BENIGN = "benign"
VIOLATING_SHARE = 0.45
EVADED_SHARE = {VIOLATING: 0.6, BENIGN: 0.2}

LANG_WEIGHTS: dict[str, float] = {
    "zh-Hans": 0.34,
    "zh-Hant": 0.14,
    "en": 0.26,
    "hi": 0.10,
    "hi-Latn": 0.16,
}
PACKS: dict[str, LanguagePack] = {
    "zh-Hans": templates_zh.PACK,
    "zh-Hant": templates_zh.PACK,
    "en": templates_en.PACK,
    "hi": templates_hi.PACK_HI,
    "hi-Latn": templates_hi.PACK_LATN,
}

PAGE_STYLE_SHARE = {VIOLATING: 0.35, BENIGN: 0.5}
"""Chance that a post in a category with page-style templates is written in that register."""

LISTING_SHARE = {VIOLATING: 0.12, BENIGN: 0.1}
"""Chance that a post in a category with listing templates is one bare listing line."""

ADVERTORIAL_SHARE = {VIOLATING: 0.3, BENIGN: 0.45}
"""Chance that a post in a category with advertorial templates is written in that register:
an ad as a content-farm explainer, or a report, explainer or warning quoting the same claims.
Negatives draw it more often because fewer of their categories have such twins."""

_SENTENCE_COUNTS = (1, 2, 3, 4)
_SENTENCE_WEIGHTS = (0.35, 0.30, 0.20, 0.15)
_PAGE_SENTENCE_WEIGHTS = (0.25, 0.35, 0.25, 0.15)
_CTA_RATE = 0.55
_PAGE_CTA_RATE = 0.15
"""Advertorials and seller FAQs mostly carry no contact line: style, not an offer, marks them."""
_ADVERTORIAL_CTA_RATE = 0.1
_NEIGHBOURS = {
    "news_about_case": ("warning", "law_text"),
    "explainer": ("law_text", "warning"),
    "warning": ("law_text", "explainer"),
    "research": ("explainer",),
    "legit_screening": ("explainer",),
}
"""Benign categories that real pages mix in (a news report ending with a warning)."""

_BENIGN_FAVOURED = frozenset({"traditional", "emoji", "fullwidth", "spacing", "digit_styles"})
"""Disguises ordinary pages carry too, so they must not mark a post as an ad."""
_SENTENCE_END = "。！？!?.；;…~）)」』\n"
_LEAD_EMOJI = ("✨", "🔥", "💕", "👉", "📢", "🌸", "‼️")


def generate(n: int, *, seed: int = 0) -> list[Post]:
    """``n`` labelled posts, about 45% ``violating_ad``; same ``n`` and ``seed``, same list."""
    return [_post(seed, index) for index in range(n)]


def evasion_set(n_per_family: int = 200, *, seed: int = 1) -> list[Post]:
    """Violating posts rendered clean and under one evasion family, paired by ``base_id``.

    A family is only rendered on languages it applies to, and only where it really changed the
    text, so per-family recall compares like with like.
    """
    posts: list[Post] = []
    for family, evade in EVASIONS.items():
        langs = [lang for lang in LANG_WEIGHTS if lang in APPLIES[family]]
        weights = [LANG_WEIGHTS[lang] for lang in langs]
        made = attempt = 0
        while made < n_per_family:
            if attempt > 50 * n_per_family + 100:
                raise RuntimeError(f"evasion family {family!r} rarely changes generated ads")
            rng = Random(f"evasion:{seed}:{family}:{attempt}")
            attempt += 1
            lang = rng.choices(langs, weights)[0]
            category = rng.choice(sorted(PACKS[lang].violating))
            clean = _render(lang, VIOLATING, category, rng)
            evaded = evade(clean, lang, rng)
            if evaded == clean:
                continue
            base_id = f"evs-{seed}-{family}-{made}"
            for text, name in ((clean, "none"), (evaded, family)):
                posts.append(
                    {
                        "id": f"{base_id}-{name}",
                        "base_id": base_id,
                        "text": text,
                        "label": VIOLATING,
                        "category": category,
                        "lang": lang,
                        "evasion": name,
                    }
                )
            made += 1
    return posts


def _post(seed: int, index: int) -> Post:
    rng = Random(f"synth:{seed}:{index}")
    label = VIOLATING if rng.random() < VIOLATING_SHARE else BENIGN
    lang = rng.choices(list(LANG_WEIGHTS), list(LANG_WEIGHTS.values()))[0]
    pack = PACKS[lang]
    categories = sorted(pack.violating if label == VIOLATING else pack.benign)
    category = rng.choice(categories)
    text = _render(lang, label, category, rng)
    applied: list[str] = []
    if rng.random() < EVADED_SHARE[label]:
        for family in _pick_families(lang, label, rng):
            evaded = EVASIONS[family](text, lang, rng)
            if evaded != text:
                applied.append(family)
                text = evaded
    return {
        "id": f"syn-{seed}-{index}",
        "text": text,
        "label": label,
        "category": category,
        "lang": lang,
        "evasion": "+".join(applied) or "none",
    }


def _pick_families(lang: str, label: str, rng: Random) -> list[str]:
    """One to three families that apply to ``lang``; negatives favour the harmless ones."""
    candidates = [name for name in EVASIONS if lang in APPLIES[name]]
    count = rng.randint(1, 3)
    if label == VIOLATING:
        return rng.sample(candidates, min(count, len(candidates)))

    def key(name: str) -> float:
        return rng.random() ** (1 / (4.0 if name in _BENIGN_FAVOURED else 1.0))

    return sorted(candidates, key=key, reverse=True)[:count]


def _render(lang: str, label: str, category: str, rng: Random) -> str:
    """One post before evasion: sentences from the category, a contact line, post noise."""
    pack = PACKS[lang]
    text = _noise(_compose(pack, label, category, rng), pack, rng)
    return _to_traditional()(text) if lang == "zh-Hant" else text


def _compose(pack: LanguagePack, label: str, category: str, rng: Random) -> str:
    listing = pack.listing.get(category, ())
    if listing and rng.random() < LISTING_SHARE[label]:
        return fill(rng.choice(listing), pack.slots, rng, {})
    pools = pack.violating if label == VIOLATING else pack.benign
    advertorial = pack.advertorial.get(category, ())
    if advertorial and rng.random() < ADVERTORIAL_SHARE[label]:
        return _advertorial(pack, label, category, advertorial, rng)
    page = pack.page_style.get(category, ())
    as_page = bool(page) and rng.random() < PAGE_STYLE_SHARE[label]
    pool = page if as_page else pools[category]
    weights = _PAGE_SENTENCE_WEIGHTS if as_page else _SENTENCE_WEIGHTS
    count = min(rng.choices(_SENTENCE_COUNTS, weights)[0], len(pool))
    templates = rng.sample(pool, count)
    if as_page and rng.random() < 0.3:
        templates.insert(rng.randrange(count + 1), rng.choice(pools[category]))
    elif label == VIOLATING and count > 1 and rng.random() < 0.2:
        other = rng.choice(sorted(set(pools) - {category}))
        templates[-1] = rng.choice(pools[other])
    neighbours = [name for name in _NEIGHBOURS.get(category, ()) if name in pools]
    if label == BENIGN and neighbours and rng.random() < 0.25:
        templates.append(rng.choice(pools[rng.choice(neighbours)]))
    if label == VIOLATING and rng.random() < (_PAGE_CTA_RATE if as_page else _CTA_RATE):
        templates.insert(rng.choice((len(templates), len(templates), 0)), rng.choice(pack.cta))
    elif label == BENIGN and category in pack.benign_contact and rng.random() < 0.5:
        templates.append(rng.choice(pack.benign_contact[category]))
    return _written(pack, templates, rng)


def _advertorial(
    pack: LanguagePack, label: str, category: str, pool: tuple[str, ...], rng: Random
) -> str:
    """One to four article sentences (real snippets are often one sentence lifted from such a
    page), sometimes with one of the category's plain sentences; ads rarely end with a contact
    line, since the article's voice is the sales pitch."""
    count = min(rng.choices(_SENTENCE_COUNTS, _SENTENCE_WEIGHTS)[0], len(pool))
    templates = rng.sample(pool, count)
    pools = pack.violating if label == VIOLATING else pack.benign
    if rng.random() < 0.25:
        templates.insert(rng.randrange(count + 1), rng.choice(pools[category]))
    if label == VIOLATING and rng.random() < _ADVERTORIAL_CTA_RATE:
        templates.append(rng.choice(pack.cta))
    return _written(pack, templates, rng)


def _written(pack: LanguagePack, templates: list[str], rng: Random) -> str:
    """The templates filled (a slot keeps one value across the post) and joined as one post."""
    cache: dict[str, str] = {}
    sentences = [fill(template, pack.slots, rng, cache) for template in templates]
    return _join(sentences, rng.choice(pack.joiners), pack.lang)


def _join(sentences: list[str], joiner: str, lang: str) -> str:
    """Join sentences; an unpunctuated fragment gets a break so it does not run into the next."""
    out = sentences[0]
    for sentence in sentences[1:]:
        glue = joiner
        if not joiner.strip() and out[-1] not in _SENTENCE_END:
            glue = "\n" if joiner == "" or lang.startswith("zh") else joiner
        out += glue + sentence
    return out


def _noise(text: str, pack: LanguagePack, rng: Random) -> str:
    """Hashtags, a leading emoji, a trailer: the same rates for both labels, so no label tell."""
    if rng.random() < 0.1:
        text = rng.choice(_LEAD_EMOJI) + text
    if rng.random() < 0.25:
        tags = rng.sample(pack.hashtags, rng.randint(1, 3))
        rendered = " ".join(pack.hashtag_format.format(tag) for tag in tags)
        text = f"{rendered} {text}" if rng.random() < 0.3 else f"{text}\n{rendered}"
    if rng.random() < 0.15:
        trailer = rng.choice(pack.trailers)
        text = f"{text} {trailer}".rstrip()
    return text
