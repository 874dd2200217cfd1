"""Spelling variants of Chinese pack terms: pinyin, initials, homophones and mixed forms.

Ads write 验血 as "yanxue", "yan xue", "yx", 验雪 or "验xue". Normalisation cannot rewrite
those back to hanzi without guessing, so the term recogniser matches them instead: it asks
this module for every spelling of each pack term and compiles them all into one matcher.
Every spelling returned is already in normalised form (`redline.normalize.normalize_text`),
so it matches normalised text directly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from itertools import product

from redline.normalize import normalize_text
from redline.normalize.tables import IDEOGRAPH_RANGES

EXTRA_READINGS: Mapping[str, tuple[str, ...]] = {"血": ("xue", "xie")}
"""Readings besides the most common one that ads really use (验血 as "yanxie")."""


def is_hanzi(char: str) -> bool:
    """Whether `char` is a Chinese character (the ranges the normaliser treats as ideographs)."""
    code = ord(char)
    return any(first <= code <= last for first, last in IDEOGRAPH_RANGES)


@cache
def _pinyin() -> Callable[[str], list[str]]:
    """pypinyin's phrase-aware reader, imported on first use (its dictionaries are large)."""
    from pypinyin import Style, lazy_pinyin

    return lambda hanzi: lazy_pinyin(hanzi, style=Style.NORMAL)


def _readings(term: str) -> list[tuple[str, ...]]:
    """Per character: its readings (most common in context first), or the character itself."""
    readings: list[tuple[str, ...]] = []
    index = 0
    while index < len(term):
        if not is_hanzi(term[index]):
            readings.append((term[index],))
            index += 1
            continue
        end = index
        while end < len(term) and is_hanzi(term[end]):
            end += 1
        run = term[index:end]
        for char, primary in zip(run, _pinyin()(run), strict=True):
            options = [primary, primary.replace("v", "u"), *EXTRA_READINGS.get(char, ())]
            readings.append(tuple(dict.fromkeys(options)))  # ordered, distinct
        index = end
    return readings


def _spaced(term: str, syllables: Sequence[str]) -> str:
    """Syllables apart, non-Chinese runs kept together: "y染色体" -> "y ran se ti"."""
    words: list[str] = []
    previous_hanzi = True
    for char, syllable in zip(term, syllables, strict=True):
        hanzi = is_hanzi(char)
        if hanzi or previous_hanzi:
            words.append(syllable)
        else:
            words[-1] += syllable
        previous_hanzi = hanzi
    return " ".join(words)


def _homophone_slots(
    term: str, homophones: Mapping[str, Sequence[str]]
) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start, end, alternatives) for each non-overlapping occurrence of a homophone key."""
    keys = sorted((k for k in homophones if k), key=len, reverse=True)
    slots: list[tuple[int, int, tuple[str, ...]]] = []
    index = 0
    while index < len(term):
        key = next((k for k in keys if term.startswith(k, index)), None)
        if key is None:
            index += 1
            continue
        slots.append((index, index + len(key), (key, *homophones[key])))
        index += len(key)
    return slots


def _candidates(
    term: str, homophones: Mapping[str, Sequence[str]], initials_min: int
) -> Iterator[str]:
    readings = _readings(term)
    combos = product(*readings)
    primary = next(combos)
    yield "".join(primary)
    yield _spaced(term, primary)
    if len(term) >= initials_min:
        yield "".join(r[0] for r in primary)
    for combo in combos:
        yield "".join(combo)
        yield _spaced(term, combo)
    slots = _homophone_slots(term, homophones)
    for choice in product(*(alternatives for _, _, alternatives in slots)):
        pieces, cursor = [], 0
        for (start, end, _), written in zip(slots, choice, strict=True):
            pieces += (term[cursor:start], written)
            cursor = end
        yield "".join(pieces) + term[cursor:]
    for index, options in enumerate(readings):
        if is_hanzi(term[index]):
            for reading in options:
                yield term[:index] + reading + term[index + 1 :]
    for start, end in _hanzi_runs(term):  # 上门chouxue, hua yan所: a run of two or more
        piece = primary[start:end]
        yield term[:start] + "".join(piece) + term[end:]
        yield term[:start] + " ".join(piece) + term[end:]
    for start, end in _hanzi_runs(term):  # 宝宝xb, 三代sg: initials glued to hanzi left as is
        rest = term[:start] + term[end:]
        if any(is_hanzi(c) for c in rest):
            yield term[:start] + "".join(r[0] for r in primary[start:end]) + term[end:]


def _hanzi_runs(term: str, longest: int = 4) -> Iterator[tuple[int, int]]:
    """(start, end) of every run of 2..`longest` hanzi that leaves some of the term as it is."""
    for size in range(2, min(longest, len(term) - 1) + 1):
        for start in range(len(term) - size + 1):
            if all(is_hanzi(c) for c in term[start : start + size]):
                yield start, start + size


def spellings(
    term: str,
    *,
    homophones: Mapping[str, Sequence[str]],
    initials_min: int = 3,
    limit: int = 64,
) -> list[str]:
    """Distinct alternative spellings of a normalised Chinese term, in a fixed order.

    Order: full pinyin joined and syllable-spaced (most common readings), initials (only for
    terms of at least `initials_min` characters: two letters match too much), the other
    reading combinations, homophone substitutions, one character in pinyin with the rest in
    hanzi, then runs of two to four characters in pinyin (joined and spaced) with the rest in
    hanzi, then such runs as initials where some hanzi is left to anchor them ("宝宝xb"; bare
    two-letter initials match too much). The term itself is never included; terms without
    hanzi give [].
    """
    if not any(is_hanzi(c) for c in term):
        return []
    canonical = normalize_text(term)
    seen = {canonical}
    found: list[str] = []
    for candidate in _candidates(term, homophones, initials_min):
        if len(found) >= limit:
            break
        spelled = normalize_text(candidate)
        if spelled and spelled not in seen:
            seen.add(spelled)
            found.append(spelled)
    return found


def substituted(
    term: str, substitutes: Mapping[str, Sequence[str]], *, depth: int = 2, limit: int = 16
) -> list[str]:
    """`term` with whole words replaced by what the normaliser writes for them (emoji glosses).

    The normaliser turns 👦 into 男孩 whatever the language around it, so a Hindi or English
    ad written "👦 होने की संभावना" only matches a term if the pack also knows "लड़का होने की
    संभावना" with 男孩 in place of लड़का. `substitutes` maps the written form to the words it
    stands for; up to `depth` words of one term are replaced ("बेटा या बेटी" -> "男孩 या 女孩").
    A spelling must keep a word of the term's own: "beta" alone does not become "男孩".
    Terms and words are normalised; the term itself is never included.
    """
    canonical = normalize_text(term)
    words = [
        (normalize_text(written), normalize_text(word))
        for written, meant in substitutes.items()
        for word in meant
    ]
    glosses = re.compile("|".join(re.escape(written) for written, _ in words) or "(?!)")
    found: list[str] = []
    frontier = [canonical]
    seen = {canonical}
    for _ in range(depth):
        following = []
        for current in frontier:
            for written, word in words:
                pattern = rf"(?<!\w){re.escape(word)}(?!\w)"
                for replaced in _each_replacement(current, pattern, written):
                    if not _keeps_own_words(replaced, glosses):
                        continue  # "beta" -> "男孩" alone would be a Chinese term
                    if replaced not in seen and len(found) < limit:
                        seen.add(replaced)
                        found.append(replaced)
                        following.append(replaced)
        frontier = following
    return found


def _each_replacement(text: str, pattern: str, written: str) -> Iterator[str]:
    for match in re.finditer(pattern, text):
        yield text[: match.start()] + written + text[match.end() :]


def _keeps_own_words(spelling: str, glosses: re.Pattern[str]) -> bool:
    return any(char.isalnum() for char in glosses.sub("", spelling))


_DEVANAGARI_WORD = re.compile(r"[\u0900-\u097F\uA8E0-\uA8FF]{2,}")
_VIRAMA = "\u094d"


def aksharas(word: str) -> list[str]:
    """A Devanagari word cut into written syllables: vowel signs and conjuncts stay together.

    "टेस्ट" -> ["टे", "स्ट"]: a mark joins the cluster before it, and so does a consonant after
    a virama. These are the pieces an advertiser spaces out ("टे स्ट") to break a keyword.
    """
    clusters: list[str] = []
    for char in word:
        joins = clusters and (
            unicodedata.category(char).startswith("M") or clusters[-1].endswith(_VIRAMA)
        )
        if joins:
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


MIN_SPACED_AKSHARAS = 3
"""Syllables a one-word Hindi term needs before `spaced_out` spells it out."""


def spaced_out(term: str) -> list[str]:
    """`term` with its Devanagari words spaced out syllable by syllable: one word at a time,
    then all of them. Chinese needs no such list (the normaliser joins split ideographs), but
    Hindi separates words with spaces, so only the term table can tell "टे स्ट" from two words.

    A term of one word needs `MIN_SPACED_AKSHARAS` syllables: two syllables spaced out are two
    ordinary words as often as not (`गा य`, cow spaced out, is the end of "होगा या", and cleared
    a real ad as talk of animals). A word inside a longer term is anchored by the rest of it.
    """
    words = [m for m in _DEVANAGARI_WORD.finditer(term) if len(aksharas(m.group())) > 1]
    if not words:
        return []
    alone = len(words) == 1 and term.strip() == words[0].group()
    if alone and len(aksharas(words[0].group())) < MIN_SPACED_AKSHARAS:
        return []

    def spaced(chosen: Sequence[re.Match[str]]) -> str:
        out, last = [], 0
        for match in chosen:
            out += [term[last : match.start()], " ".join(aksharas(match.group()))]
            last = match.end()
        return "".join([*out, term[last:]])

    found = [spaced([match]) for match in words]
    if len(words) > 1:
        found.append(spaced(words))
    return found


def joined_words(term: str) -> list[str]:
    """A Latin term of several words with the spaces taken out: letters spaced one by one read
    back as one run ("G e n d e r t e s t" normalises to "gendertest"), so the break between
    the words is lost and only the joined form can match."""
    words = term.split()
    if len(words) < 2 or not all(word.isascii() and word.isalpha() for word in words):
        return []
    return ["".join(words)]


def glued_initials(term: str) -> str | None:
    """The pinyin initials of a two-character term ("血样" -> "xy"), to be matched only where
    they touch a Chinese character ("xy寄出"): two Latin letters on their own match too much."""
    if len(term) != 2 or not all(is_hanzi(c) for c in term):
        return None
    return "".join(options[0][0] for options in _readings(term))
