"""Evasion families: the ways real ads disguise their words, as seeded text rewrites.

Each family is ``fn(text, lang, rng) -> text``. It rewrites the words a filter would look for
(the keywords below) and leaves the rest alone, so the result stays readable to a person. A
family that does not apply to a language (leetspeak on Chinese) returns the text unchanged;
``APPLIES`` says which languages each family is meant for, so evaluation only measures a
family on posts that really carry it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from random import Random

from redline.variants import aksharas

Evasion = Callable[[str, str, Random], str]

ZH = frozenset({"zh-Hans", "zh-Hant"})
LATIN = frozenset({"en", "hi-Latn"})
ALL_LANGS = frozenset({"zh-Hans", "zh-Hant", "en", "hi", "hi-Latn"})

_KEYWORDS_ZH = (
    "胎儿性别鉴定",
    "性别鉴定",
    "验血",
    "抽血",
    "寄血",
    "测男女",
    "查男女",
    "验性别",
    "测性别",
    "性别",
    "男女",
    "鉴定",
    "胎儿",
    "香港",
    "男孩",
    "女孩",
    "男宝",
    "女宝",
    "儿子",
    "生男",
    "试管",
    "选性别",
    "化验",
    "检测",
    "血样",
    "微信",
    "转胎",
    "孕妇",
    "宝妈",
    "孕妈",
    "抗凝管",
    "实验室",
    "胚胎",
)
_KEYWORDS_LATIN = {
    "en": (
        "gender",
        "sex",
        "boy",
        "girl",
        "blood",
        "test",
        "embryo",
        "embryos",
        "selection",
        "balancing",
        "son",
        "daughter",
        "sample",
        "kit",
        "lab",
        "WeChat",
        "WhatsApp",
        "IVF",
        "PGT",
        "DNA",
        "baby",
        "ultrasound",
        "courier",
    ),
    "hi-Latn": (
        "ling",
        "jaanch",
        "beta",
        "beti",
        "ladka",
        "ladki",
        "gender",
        "test",
        "boy",
        "girl",
        "blood",
        "sample",
        "dawa",
        "guarantee",
        "IVF",
        "ultrasound",
        "betiyan",
    ),
}
_KEYWORDS_HI = (
    "लिंग",
    "जांच",
    "बेटा",
    "बेटी",
    "बेटे",
    "लड़का",
    "लड़की",
    "टेस्ट",
    "अल्ट्रासाउंड",
    "भ्रूण",
    "पुत्र",
    "खून",
    "सैंपल",
    "दवा",
    "गारंटी",
    "बेटियाँ",
)

_ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
_SYMBOLS = ("*", ".", "·", "-", "_", "/", "|", "•", "~", "❤", "+")


@cache
def _to_traditional() -> Callable[[str], str]:
    """OpenCC's converter, built once: constructing it reads dictionaries from disk."""
    import opencc

    return opencc.OpenCC("s2t").convert


def _traditional_forms(words: tuple[str, ...]) -> tuple[str, ...]:
    convert = _to_traditional()
    return tuple(dict.fromkeys(words + tuple(convert(word) for word in words)))


@cache
def _keyword_pattern(lang: str) -> re.Pattern[str]:
    """Longest-first alternation of the language's keywords (word-bounded for Latin)."""
    if lang in ZH:
        words = _traditional_forms(_KEYWORDS_ZH)
    elif lang == "hi":
        words = _KEYWORDS_HI
    else:
        words = _KEYWORDS_LATIN[lang]
    body = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    if lang in LATIN:
        return re.compile(rf"(?<![A-Za-z0-9_])(?:{body})(?![A-Za-z0-9_])", re.IGNORECASE)
    return re.compile(body)


_FALLBACK = {
    "zh": re.compile(r"[\u4e00-\u9fff]{2}"),
    "hi": re.compile(r"[\u0900-\u097f]{3,}"),
    "latin": re.compile(r"[A-Za-z]{4,}"),
}


def _fallback_key(lang: str) -> str:
    if lang in ZH:
        return "zh"
    return "hi" if lang == "hi" else "latin"


def _target_spans(text: str, lang: str, rng: Random) -> list[tuple[int, int]]:
    """Keyword spans to disguise: a random non-empty subset, or one ordinary word if none."""
    spans = [match.span() for match in _keyword_pattern(lang).finditer(text)]
    if not spans:
        spans = [match.span() for match in _FALLBACK[_fallback_key(lang)].finditer(text)]
        return [rng.choice(spans)] if spans else []
    picked = [span for span in spans if rng.random() < 0.6]
    return picked or [rng.choice(spans)]


def _rewrite(text: str, spans: list[tuple[int, int]], rewrite: Callable[[str], str]) -> str:
    pieces: list[str] = []
    last = 0
    for start, end in spans:
        pieces.append(text[last:start])
        pieces.append(rewrite(text[start:end]))
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _split_with(separator: Callable[[], str]) -> Callable[[str], str]:
    def split(word: str) -> str:
        parts = aksharas(word)
        out = parts[0]
        for part in parts[1:]:
            out += separator() + part
        return out

    return split


def _only(langs: frozenset[str]) -> Callable[[Evasion], Evasion]:
    """Make a family a no-op outside the languages it is meant for."""

    def wrap(family: Evasion) -> Evasion:
        def apply(text: str, lang: str, rng: Random) -> str:
            return family(text, lang, rng) if lang in langs else text

        apply.__doc__ = family.__doc__
        apply.__name__ = family.__name__
        return apply

    return wrap


@_only(frozenset({"zh-Hans"}))
def traditional(text: str, lang: str, rng: Random) -> str:
    """Simplified to traditional script, as on mainland-targeted pages hosted elsewhere."""
    return _to_traditional()(text)


@_only(ALL_LANGS)
def spacing(text: str, lang: str, rng: Random) -> str:
    """Spaces inside keywords: 验 血, g e n d e r."""
    spans = _target_spans(text, lang, rng)
    return _rewrite(text, spans, _split_with(lambda: " "))


@_only(ALL_LANGS)
def symbols(text: str, lang: str, rng: Random) -> str:
    """Punctuation inside keywords: 验*血, 性.别, g.e.n.d.e.r."""
    symbol = rng.choice(_SYMBOLS)
    spans = _target_spans(text, lang, rng)
    return _rewrite(text, spans, _split_with(lambda: symbol))


@_only(ALL_LANGS)
def zero_width(text: str, lang: str, rng: Random) -> str:
    """Invisible characters (U+200B and friends) inside keywords."""
    spans = _target_spans(text, lang, rng)
    return _rewrite(text, spans, _split_with(lambda: rng.choice(_ZERO_WIDTH)))


def _pinyin(word: str, initials: bool) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    if initials:
        return lazy_pinyin(word, style=Style.FIRST_LETTER)
    return lazy_pinyin(word)


@_only(ZH)
def pinyin(text: str, lang: str, rng: Random) -> str:
    """Keywords as pinyin words (yanxue), spaced syllables, or pinyin inline after a character."""
    style = rng.randrange(3)

    def rewrite(word: str) -> str:
        syllables = _pinyin(word, initials=False)
        if style == 0:
            return "".join(syllables)
        if style == 1:
            return " ".join(syllables)
        keep = rng.randrange(len(word))
        return "".join(
            f"{char}({syl})" if i == keep else syl
            for i, (char, syl) in enumerate(zip(word, syllables, strict=False))
        )

    return _rewrite(text, _target_spans(text, lang, rng), rewrite)


@_only(ZH)
def initials(text: str, lang: str, rng: Random) -> str:
    """Keywords as pinyin initials: 性别鉴定 -> xbjd, 验血 -> yx."""
    upper = rng.random() < 0.3

    def rewrite(word: str) -> str:
        letters = "".join(_pinyin(word, initials=True))
        return letters.upper() if upper else letters

    return _rewrite(text, _target_spans(text, lang, rng), rewrite)


_HOMOPHONES = {
    "血": ("雪", "穴"),
    "性": ("姓",),
    "验": ("燕", "彦"),
    "驗": ("燕", "彥"),
    "别": ("彆",),
    "別": ("彆",),
    "鉴": ("监", "见"),
    "鑒": ("監", "見"),
    "鑑": ("監",),
    "男": ("楠", "南"),
    "微": ("薇", "威"),
    "胎": ("台",),
    "测": ("侧", "策"),
    "測": ("側", "策"),
    "检": ("捡",),
    "檢": ("撿",),
    "查": ("茶", "察"),
    "孕": ("运",),
    "化": ("花",),
    "寄": ("济",),
}
_HOMOPHONE_CHARS = re.compile("[" + "".join(_HOMOPHONES) + "]")


@_only(ZH)
def homophones(text: str, lang: str, rng: Random) -> str:
    """Same- or near-same-sounding characters: 雪 for 血, 姓 for 性, 燕 for 验."""

    def rewrite(word: str) -> str:
        chars = [
            rng.choice(_HOMOPHONES[ch]) if ch in _HOMOPHONES and rng.random() < 0.7 else ch
            for ch in word
        ]
        if "".join(chars) == word:
            spots = [i for i, ch in enumerate(word) if ch in _HOMOPHONES]
            if spots:
                spot = rng.choice(spots)
                chars[spot] = rng.choice(_HOMOPHONES[word[spot]])
        return "".join(chars)

    spans = [
        span
        for span in _target_spans(text, lang, rng)
        if _HOMOPHONE_CHARS.search(text[span[0] : span[1]])
    ]
    if not spans:
        spans = [match.span() for match in _HOMOPHONE_CHARS.finditer(text)]
    return _rewrite(text, spans, rewrite)


_CODEWORDS_ZH = {
    "胎儿性别鉴定": ("Y-DNA检测", "基因筛查", "验Y"),
    "性别鉴定": ("Y-DNA检测", "验Y", "基因筛查"),
    "测男女": ("测Y", "看龙凤", "验Y"),
    "查男女": ("查Y", "看是龙是凤", "验Y"),
    "验性别": ("验Y", "测Y"),
    "测性别": ("测Y", "验Y"),
    "查性别": ("查Y", "验Y"),
    "是男是女": ("是龙是凤",),
    "男孩": ("皮夹克",),
    "男宝宝": ("皮夹克",),
    "男宝": ("皮夹克",),
    "儿子": ("皮夹克",),
    "女孩": ("小棉袄",),
    "女宝": ("小棉袄",),
    "女儿": ("小棉袄",),
    "闺女": ("小棉袄",),
    "生男": ("如愿",),
}
_CODEWORDS_LATIN = {
    "en": {
        "gender blood test": (
            "Y chromosome test (medical indication)",
            "genetic disease screening",
        ),
        "gender test": ("Y chromosome test", "genetic disease screening", "XY check"),
        "gender selection": ("family balancing", "embryo preference"),
        "sex selection": ("family balancing",),
        "boy": ("blue", "little prince"),
        "girl": ("pink", "little princess"),
        "son": ("little prince", "heir"),
        "daughter": ("little princess",),
    },
    "hi-Latn": {
        "gender test": ("special test", "Y test"),
        "ling jaanch": ("khaas jaanch",),
        "ladka": ("laddoo", "Krishna"),
        "ladki": ("jalebi", "Durga"),
        "beta": ("laddoo", "kul deepak"),
        "beti": ("jalebi", "Lakshmi"),
        "boy": ("laddoo",),
        "girl": ("jalebi",),
    },
}
_CODEWORDS_HI = {
    "लिंग जांच": ("खास जांच", "वाई टेस्ट"),
    "बेटा": ("लड्डू", "कुलदीपक"),
    "बेटी": ("जलेबी", "लक्ष्मी"),
    "लड़का": ("लड्डू", "कुलदीपक"),
    "लड़की": ("जलेबी",),
}


@cache
def _codebook(lang: str) -> tuple[re.Pattern[str], Mapping[str, tuple[str, ...]]]:
    if lang in ZH:
        convert = _to_traditional()
        book: dict[str, tuple[str, ...]] = dict(_CODEWORDS_ZH)
        for word, codes in _CODEWORDS_ZH.items():
            book.setdefault(convert(word), tuple(convert(code) for code in codes))
    else:
        book = dict(_CODEWORDS_HI if lang == "hi" else _CODEWORDS_LATIN[lang])
    body = "|".join(re.escape(word) for word in sorted(book, key=len, reverse=True))
    if lang in LATIN:
        return re.compile(rf"(?<![A-Za-z0-9_])(?:{body})(?![A-Za-z0-9_])", re.IGNORECASE), book
    return re.compile(body), book


@_only(ALL_LANGS)
def codewords(text: str, lang: str, rng: Random) -> str:
    """Insider words for the sexes and the test: 皮夹克, 小棉袄, 验Y, laddoo/jalebi."""
    pattern, book = _codebook(lang)

    def replace(match: re.Match[str]) -> str:
        word = match.group(0).lower() if lang in LATIN else match.group(0)
        code = rng.choice(book[word])
        return _to_traditional()(code) if lang == "zh-Hant" else code

    return pattern.sub(replace, text)


_WECHAT_ZH = re.compile(r"加微信|微信|加微")
_WECHAT_EN = re.compile(r"(?:add )?wechat", re.IGNORECASE)
_BREAK = re.compile(r"[，。！？；,.!?;]\s*|\n")
_MARKERS_ZH = ("+v", "VX", "V信", "薇信", "加微", "威信", "➕V", "wx", "v❤", "徽信", "+V：")
_MARKERS_EN = ("+v", "VX", "V", "WX", "w.e.c.h.a.t", "add v", "We-Chat", "微信")


@_only(ZH | {"en"})
def wechat_markers(text: str, lang: str, rng: Random) -> str:
    """WeChat written as +v, VX, V信, 薇信, 加微, with a handle tucked mid-text."""
    from redline.synth.templates import handle

    markers = _MARKERS_ZH if lang in ZH else _MARKERS_EN
    pattern = _WECHAT_ZH if lang in ZH else _WECHAT_EN
    text = pattern.sub(lambda _match: rng.choice(markers), text)
    breaks = [m.end() for m in _BREAK.finditer(text)][:-1] or [len(text) // 2]
    at = rng.choice(breaks)
    if lang in ZH:
        buried = f"{rng.choice(markers)}{rng.choice(('', ' ', '：'))}{handle(rng)}，"
    else:
        buried = f"{rng.choice(markers)} {handle(rng)} "
    return text[:at] + buried + text[at:]


_CIRCLED = "⓪①②③④⑤⑥⑦⑧⑨"
_DIGIT_STYLES = {
    "circled": _CIRCLED,
    "cn_lower": "〇一二三四五六七八九",
    "cn_upper": "零壹贰叁肆伍陆柒捌玖",
    "fullwidth": "０１２３４５６７８９",
    "devanagari": "०१२३४५६७८९",
    "dingbat": "⓿➊➋➌➍➎➏➐➑➒",
}
_STYLES_BY_LANG = {
    "zh-Hans": ("circled", "cn_lower", "cn_upper", "fullwidth"),
    "zh-Hant": ("circled", "cn_lower", "cn_upper", "fullwidth"),
    "en": ("circled", "fullwidth", "dingbat"),
    "hi": ("devanagari", "circled", "fullwidth"),
    "hi-Latn": ("circled", "fullwidth", "devanagari"),
}
_DIGIT_RUN = re.compile(r"[0-9]+")


@_only(ALL_LANGS)
def digit_styles(text: str, lang: str, rng: Random) -> str:
    """Phone, QQ and price digits as ①②, 一二三, 壹贰叁, full-width or Devanagari digits."""
    digits = _DIGIT_STYLES[rng.choice(_STYLES_BY_LANG[lang])]
    runs = [match.span() for match in _DIGIT_RUN.finditer(text)]
    long_runs = [span for span in runs if span[1] - span[0] >= 3]
    spans = long_runs or runs
    return _rewrite(text, spans, lambda run: "".join(digits[int(d)] for d in run))


_EMOJI = {
    "zh": {
        "血": "🩸",
        "男孩": "👦",
        "女孩": "👧",
        "男宝": "👦",
        "女宝": "👧",
        "儿子": "👦",
        "女儿": "👧",
        "兒子": "👦",
        "女兒": "👧",
        "男女": "♂♀",
        "宝宝": "👶",
        "寶寶": "👶",
        "香港": "🇭🇰",
        "男": "♂",
        "女": "♀",
    },
    "en": {
        "blood": "🩸",
        "boy": "👦",
        "girl": "👧",
        "baby": "👶",
        "male": "♂",
        "female": "♀",
        "son": "👦",
        "daughter": "👧",
        "Hong Kong": "🇭🇰",
        "boys": "👦",
        "girls": "👧",
    },
    "hi": {"बेटा": "👦", "बेटी": "👧", "लड़का": "👦", "लड़की": "👧", "खून": "🩸", "बच्चे": "👶"},
    "hi-Latn": {
        "beta": "👦",
        "beti": "👧",
        "ladka": "👦",
        "ladki": "👧",
        "blood": "🩸",
        "boy": "👦",
        "girl": "👧",
        "baby": "👶",
        "khoon": "🩸",
    },
}


@cache
def _emoji_pattern(lang: str) -> tuple[re.Pattern[str], Mapping[str, str]]:
    table = _EMOJI["zh" if lang in ZH else lang]
    lowered = {word.lower(): emoji for word, emoji in table.items()}
    body = "|".join(re.escape(word) for word in sorted(table, key=len, reverse=True))
    if lang in LATIN:
        return re.compile(rf"(?<![A-Za-z0-9_])(?:{body})(?![A-Za-z0-9_])", re.IGNORECASE), lowered
    return re.compile(body), lowered


@_only(ALL_LANGS)
def emoji(text: str, lang: str, rng: Random) -> str:
    """Emoji in place of words: 🩸 for blood, 👦 👧 for boy and girl, ♂ ♀ for the sexes."""
    pattern, table = _emoji_pattern(lang)
    spans = [match.span() for match in pattern.finditer(text)]
    picked = [span for span in spans if rng.random() < 0.7] or spans[:1]
    return _rewrite(text, picked, lambda word: table[word.lower()])


_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7", "g": "9", "b": "8"}


@_only(LATIN)
def leetspeak(text: str, lang: str, rng: Random) -> str:
    """Digits for letters in Latin keywords: g3nd3r, s3x, b0y."""

    def rewrite(word: str) -> str:
        out = [
            _LEET[c.lower()]
            if c.lower() in "aeios" or (c.lower() in _LEET and rng.random() < 0.3)
            else c
            for c in word
        ]
        if "".join(out) == word:
            out = [_LEET.get(c.lower(), c) for c in word]
        return "".join(out)

    return _rewrite(text, _target_spans(text, lang, rng), rewrite)


_LOOKALIKE = {
    "a": "а",
    "e": "е",
    "o": "о",
    "p": "р",
    "c": "с",
    "x": "х",
    "y": "у",
    "i": "і",
    "s": "ѕ",
    "j": "ј",
    "B": "В",
    "H": "Н",
    "K": "К",
    "M": "М",
    "T": "Т",
    "A": "Α",
    "E": "Ε",
    "O": "Ο",
    "P": "Ρ",
    "C": "С",
    "X": "Χ",
    "N": "Ν",
    "I": "Ι",
    "v": "ν",
    "n": "п",
}


@_only(LATIN)
def lookalike(text: str, lang: str, rng: Random) -> str:
    """Cyrillic and Greek letters that look Latin, inside keywords: gеndеr with Cyrillic е."""

    def rewrite(word: str) -> str:
        out = [_LOOKALIKE[c] if c in _LOOKALIKE and rng.random() < 0.6 else c for c in word]
        if "".join(out) == word:
            spots = [i for i, c in enumerate(word) if c in _LOOKALIKE]
            if spots:
                spot = rng.choice(spots)
                out[spot] = _LOOKALIKE[word[spot]]
        return "".join(out)

    return _rewrite(text, _target_spans(text, lang, rng), rewrite)


_ASCII_RUN = re.compile(r"[A-Za-z0-9]+")


def _widen(run: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in run)


@_only(ALL_LANGS)
def fullwidth(text: str, lang: str, rng: Random) -> str:
    """Full-width Latin letters and digits (ＶＸ, ９９．９％, ｇｅｎｄｅｒ)."""
    if lang in LATIN:
        spans = _target_spans(text, lang, rng)
        spans = sorted(set(spans) | {m.span() for m in _DIGIT_RUN.finditer(text)})
    else:
        spans = [m.span() for m in _ASCII_RUN.finditer(text)]
    return _rewrite(text, _disjoint(spans), _widen)


def _disjoint(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


EVASIONS: dict[str, Evasion] = {
    "traditional": traditional,
    "spacing": spacing,
    "symbols": symbols,
    "pinyin": pinyin,
    "initials": initials,
    "homophones": homophones,
    "codewords": codewords,
    "wechat_markers": wechat_markers,
    "digit_styles": digit_styles,
    "emoji": emoji,
    "zero_width": zero_width,
    "leetspeak": leetspeak,
    "lookalike": lookalike,
    "fullwidth": fullwidth,
}
"""Every evasion family by name."""

APPLIES: dict[str, frozenset[str]] = {
    "traditional": frozenset({"zh-Hans"}),
    "pinyin": ZH,
    "initials": ZH,
    "homophones": ZH,
    "wechat_markers": ZH | {"en"},
    "leetspeak": LATIN,
    "lookalike": LATIN,
    **{
        name: ALL_LANGS
        for name in (
            "spacing",
            "symbols",
            "codewords",
            "digit_styles",
            "emoji",
            "zero_width",
            "fullwidth",
        )
    },
}
"""The languages each family is meant for; elsewhere it returns the text unchanged."""
