"""The character tables behind normalisation: every hand-made mapping lives here, in one place.

Everything in this module is plain data so that a reviewer can check what gets deleted or
rewritten without reading algorithms. `charmap` compiles these tables (plus Unicode NFKC and
the generated traditional->simplified file) into lookup arrays.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType


def _chars(*ranges: tuple[int, int]) -> frozenset[str]:
    """All characters in the inclusive code point ranges."""
    return frozenset(chr(code) for first, last in ranges for code in range(first, last + 1))


INVISIBLE: frozenset[str] = _chars(
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x061C, 0x061C),  # Arabic letter mark
    (0x115F, 0x1160),  # Hangul choseong/jungseong fillers (render as nothing)
    (0x180E, 0x180E),  # Mongolian vowel separator
    (0x200B, 0x200F),  # zero-width space/non-joiner/joiner, LRM, RLM
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x2064),  # word joiner, invisible operators
    (0x2066, 0x2069),  # bidi isolates
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors (emoji vs text presentation)
    (0xFEFF, 0xFEFF),  # byte-order mark / zero-width no-break space
    (0xFFA0, 0xFFA0),  # half-width Hangul filler
    (0x1F3FB, 0x1F3FF),  # emoji skin-tone modifiers
    (0xE0000, 0xE007F),  # tag characters (emoji flag subdivisions, invisible text)
    (0xE0100, 0xE01EF),  # variation selectors supplement
)
"""Deleted outright: they change nothing a reader sees but split keywords for a matcher."""

COMBINING_MARKS: frozenset[str] = _chars(
    (0x0300, 0x036F),  # diacritics: decomposed pinyin tones, strike-through "s̶e̶x̶" styling
    (0x20D0, 0x20FF),  # marks for symbols: the keycap in 1️⃣, enclosing circles
)
"""Deleted too: a base letter keeps its identity without them (yà == ya, 1️⃣ == 1)."""

SYMBOL_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "🩸": "血",  # drop of blood
        "💉": "抽血",  # syringe: in these ads it means the blood draw
        "🧪": "检测",  # test tube
        "🧬": "基因",  # DNA: "genetic screening" is the usual cover name
        "👦": "男孩",
        "👧": "女孩",
        "🧒": "孩子",  # gender-neutral child; with ♂/♀ after it see GENDERED_PERSON
        "👶": "宝宝",
        "🤰": "孕妇",
        "🫃": "孕妇",
        "🫄": "孕妇",
        "♂": "男",
        "♀": "女",
        "🚹": "男",
        "🚺": "女",
        "📞": "电话",
        "☎": "电话",
        "📱": "电话",
        "💬": "微信",  # speech balloon, used as the "message me" marker before a handle
    }
)
"""Emoji and symbols that stand for words in the ads, rewritten to those words.

Kept deliberately small: only symbols that carry one clear meaning in this domain. A symbol
not listed stays as it is (recognisers may still match it)."""

GENDERED_PERSON: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        person: MappingProxyType({"♂": "男孩", "♀": "女孩"})
        for person in ("🧒", "👶", "🧑", "👦", "👧")
    }
)
"""A person emoji followed by a gender sign (🧒‍♂️ after ZWJ and selectors are gone) is one word."""

ENCLOSED_DIGITS: Mapping[str, str] = MappingProxyType(
    {
        **{chr(0x2474 + i): str(i + 1) for i in range(20)},  # ⑴..⒇ (NFKC adds parentheses)
        **{chr(0x2488 + i): str(i + 1) for i in range(20)},  # ⒈..⒛ (NFKC adds a full stop)
        **{chr(0x2776 + i): str(i + 1) for i in range(10)},  # ❶..❿ (no NFKC form)
        **{chr(0x2780 + i): str(i + 1) for i in range(10)},  # ➀..➉
        **{chr(0x278A + i): str(i + 1) for i in range(10)},  # ➊..➓
        **{chr(0x24EB + i): str(i + 11) for i in range(10)},  # ⓫..⓴
        "⓿": "0",
        **{chr(0x1F100 + i): str(i) for i in range(11)},  # 🄀..🄊 digit with stop/comma
        **{chr(0x3280 + i): str(i + 1) for i in range(10)},  # ㊀..㊉ circled ideographs
        **{chr(0x3220 + i): str(i + 1) for i in range(10)},  # ㈠..㈩ parenthesised ideographs
    }
)
"""Enclosed numbers written as digits only: a phone number spelled ⒈⒊⒏ must read 138."""

ENCLOSED_LETTERS: Mapping[str, str] = MappingProxyType(
    {
        **{chr(0x1F150 + i): chr(0x61 + i) for i in range(26)},  # 🅐..🅩 (no NFKC form)
        **{chr(0x1F170 + i): chr(0x61 + i) for i in range(26)},  # 🅰..🆉 (no NFKC form)
        **{chr(0x1F1E6 + i): chr(0x61 + i) for i in range(26)},  # regional indicators: 🇭🇰 = hk
    }
)
"""Letter-shaped symbols without a compatibility decomposition ("🅥" for the WeChat V)."""

HOMOGLYPHS: Mapping[str, str] = MappingProxyType(
    {
        # Cyrillic, lower case (upper case is lowered first, so А, В, Е, К, М, Н... land here)
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j",
        "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ь": "b", "ѵ": "v",
        "п": "n", "г": "r", "ո": "n", "ս": "u", "ԍ": "g",
        # Greek, lower case (μ stays: it is the micro sign in 5μg)
        "α": "a", "β": "b", "γ": "y", "ε": "e", "ζ": "z", "ι": "i", "κ": "k", "ν": "v",
        "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w",
        # Latin small capitals and look-alikes without an NFKC form
        "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ɢ": "g", "ʜ": "h", "ɪ": "i",
        "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r",
        "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z",
        "ı": "i", "ɑ": "a", "ɡ": "g", "ł": "l", "ø": "o", "đ": "d",
    }
)  # fmt: skip
"""Letters from other scripts that pass for Latin ones, folded so "ѕех" reads "sex"."""

CAPITAL_NUMERALS: Mapping[str, str] = MappingProxyType(
    {"壹": "1", "贰": "2", "叁": "3", "柒": "7", "捌": "8", "玖": "9"}
)
"""Financial numerals that mean nothing else in running text: always digits.

肆 (肆虐), 伍 (队伍), 陆 (大陆) and 零 (零食) are ordinary words too; they become digits only
inside a run of numerals, like the plain ones (see RUN_NUMERALS)."""

RUN_NUMERALS: Mapping[str, str] = MappingProxyType(
    {
        "〇": "0", "零": "0", "一": "1", "幺": "1", "二": "2", "三": "3", "四": "4",
        "五": "5", "六": "6", "七": "7", "八": "8", "九": "9", "肆": "4", "伍": "5", "陆": "6",
    }
)  # fmt: skip
"""Numerals rewritten as digits only inside a run of MIN_NUMERAL_RUN digits and numerals."""

MIN_NUMERAL_RUN = 5
"""Shortest run read as a written-out number (phone, QQ); 一二三四 in prose stays words."""

MIN_HANDLE_NUMERAL_RUN = 2
"""Shortest run read as digits right after a Latin letter: the tail of a handle (abc三八九)."""

CJK_SEPARATORS: frozenset[str] = frozenset(" \t.-_*/\\|~^`·•・‧∙⋅‐‑‒–★☆♥♡❤✿❀✦✧❥+")
"""Noise removed when it sits between two ideographs (验 血, 性*别, 验.血).

Not here, on purpose: CJK sentence punctuation and its folded ASCII forms (,!?;:), the em dash
and ellipsis used as Chinese punctuation, '#' (Weibo hashtags), newlines, the record separator."""

LETTER_SEPARATORS: frozenset[str] = frozenset(" .-_*/\\|~·•+♥♡❤")
"""Separators between spelled-out single letters (s e x, g.e.n.d.e.r, b-o-y, b❤o❤y)."""

DEVANAGARI_RANGES: tuple[tuple[int, int], ...] = ((0x0900, 0x097F), (0xA8E0, 0xA8FF))
"""Devanagari and its extension: Hindi words split by symbols are joined again (बे~टा)."""

DEVANAGARI_SEPARATORS: frozenset[str] = frozenset("_*/\\|~^`·•・‧∙⋅★☆♥♡❤✿❀✦✧❥+")
"""Noise removed between two Devanagari characters. Unlike CJK_SEPARATORS, no space (Hindi
separates words with spaces), no full stop or hyphen (both are ordinary in Hindi prose)."""

MIN_SPELLED_LETTERS = 3
"""Shortest run of single letters joined into a word; "a b" may well be two words."""

LEET_LETTERS: Mapping[str, str] = MappingProxyType(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
     "@": "a", "$": "s", "!": "i"}
)  # fmt: skip
"""Digits and symbols that stand for letters inside a Latin word (g3nd3r, b0y, $ex)."""

INLINE_PINYIN_OPEN: frozenset[str] = frozenset("(（")
INLINE_PINYIN_CLOSE: frozenset[str] = frozenset(")）")
TONE_MARKED: frozenset[str] = frozenset(
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜĀÁǍÀĒÉĚÈĪÍǏÌŌÓǑÒŪÚǓÙǕǗǙǛ\u0304\u0301\u030c\u0300"
)
"""Vowels with pinyin tone marks (and the combining marks of decomposed ones)."""

PINYIN_LETTERS: frozenset[str] = (
    frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZüÜêÊ\u0308 ") | TONE_MARKED
)
"""What may appear inside the parentheses of inline pinyin: "(yī)", "(yī yuàn)"."""

MAX_INLINE_PINYIN = 24
"""Longest parenthesised pinyin deleted; longer brackets are ordinary text."""

RECORD_SEPARATOR = "\x1e"
"""Joins posts in the batch buffer; no table above may touch it."""

IDEOGRAPH_RANGES: tuple[tuple[int, int], ...] = (
    (0x3007, 0x3007),  # 〇
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3134F),
)
"""Code points treated as Chinese characters by the context rules."""
