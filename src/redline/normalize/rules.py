"""Per-candidate decisions shared by both engines.

The array engine (batch buffers) and the string engine (one post, with the offset map) find
their candidates differently, but whenever a rule needs to look at a candidate as a whole
(a bracket of pinyin, a Latin word, a run of numerals) they call the same function here, so
the two cannot drift apart on the judgement calls.
"""

from __future__ import annotations

from bisect import bisect_left
from functools import cache, lru_cache
from importlib import resources

from redline.derived import derived_table, package_stamp
from redline.normalize import tables

_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_DIGITS = frozenset("0123456789")
RUN_DIGITS = str.maketrans(dict(tables.RUN_NUMERALS))
"""str.translate table: Chinese numerals -> ASCII digits."""


def inline_pinyin_length(chars: str, before: str = "") -> int:
    """Length of a bracket of pinyin at the start of `chars` ("(yī)..."), else 0.

    `chars` starts with the opening bracket; the body must be pinyin letters (spaces allowed
    inside, not at the edges) and close within MAX_INLINE_PINYIN characters. It must carry a
    tone mark, or, toneless, be a reading of `before`, the character the bracket follows:
    抽(chou) is an annotation, 好(ok) and 图(a) are text.
    """
    for index, char in enumerate(chars[1 : tables.MAX_INLINE_PINYIN + 2], start=1):
        if char in tables.INLINE_PINYIN_CLOSE:
            body = chars[1:index]
            if not body or body.strip() != body:
                return 0
            if any(c in tables.TONE_MARKED for c in body):
                return index + 1
            return index + 1 if before and body.lower() in readings(before) else 0
        if char not in tables.PINYIN_LETTERS:
            return 0
    return 0


def preload() -> None:
    """Load the pinyin readings now, not at the first bracketed reading, so a long-running
    service never stalls a request on it."""
    readings("中")


@cache
def readings(char: str) -> frozenset[str]:
    """Toneless pinyin readings of one Chinese character (all of them, for heteronyms); none
    for a character pypinyin does not know."""
    chars, readings_of = _reading_table()
    at = bisect_left(chars, char)
    if at == len(chars) or chars[at] != char:
        return frozenset()
    return frozenset(readings_of[at].split(",")) - {""}


@cache
def _reading_table() -> tuple[str, list[str]]:
    """Every character pypinyin knows, in code-point order, and its readings ("r1,r2") in the
    same order, kept on disk once derived: importing pypinyin's dictionary costs half a
    second; loading 42,000 entries as a JSON object cost a run 25 ms, as two strings 3."""
    return derived_table(
        f"pinyin-readings-2-{package_stamp('pypinyin')}.json",
        _read_pypinyin,
        encode=lambda table: {"chars": table[0], "readings": "\n".join(table[1])},
        decode=lambda raw: (raw["chars"], raw["readings"].split("\n")),
    )


def _read_pypinyin() -> tuple[str, list[str]]:
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    table = {}
    for code, marked in pinyin_dict.items():
        toneless = dict.fromkeys(to_normal(reading) for reading in marked.split(","))
        table[chr(code)] = ",".join(toneless)
    chars = sorted(table)
    return "".join(chars), [table[char] for char in chars]


def _leet_positions(word: str) -> list[int]:
    """Positions in `word` where a digit or symbol stands for a letter."""

    def letter(index: int) -> bool:
        return 0 <= index < len(word) and word[index] in _LETTERS

    def same(index: int, char: str) -> bool:
        return 0 <= index < len(word) and word[index] == char

    positions = []
    for i, char in enumerate(word):
        if char not in tables.LEET_LETTERS:
            continue
        if (
            (letter(i - 1) and letter(i + 1))
            or (same(i + 1, char) and letter(i - 1) and letter(i + 2))
            or (same(i - 1, char) and letter(i - 2) and letter(i + 1))
            or (char == "$" and i == 0 and letter(1) and letter(2))
        ):
            positions.append(i)
    return positions


@cache
def leet_words() -> frozenset[str]:
    """Words an edge-leet word may be read as (data/leet_words.txt, scripts/gen_leet_words.py)."""
    text = resources.files("redline").joinpath("data", "leet_words.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


@lru_cache(maxsize=1 << 16)  # model names and tags recur: n95, g1278 (train numbers)
def unleet_word(word: str, next_char: str) -> str | None:
    """The word with leet characters read as letters, or None if it should stay as it is.

    `word` is a maximal run of [a-z0-9@$!] in folded text; `next_char` is what follows it.
    A leet character counts between two letters (doubled too: bl00d) or as '$' starting a
    word before two letters ($ex). The word is left alone if any digit would remain (h1n1,
    mp3, covid19, win10: model names and numbers, not leetspeak) or if it is the local part of
    an e-mail address (b@by@... followed by '.'). Failing that, a word with leet characters at
    its edges (80y, 54mpl3, l48) is read as letters only if the result is in `leet_words()`:
    5g, 3d and 4k stay as they are.
    """
    if "@" in word and next_char == ".":
        return None
    positions = _leet_positions(word)
    chosen = set(positions)
    if positions and not any(c in _DIGITS and i not in chosen for i, c in enumerate(word)):
        chars = list(word)
        for i in positions:
            chars[i] = tables.LEET_LETTERS[chars[i]]
        return "".join(chars)
    if len(word) < 3 or not any(c in _LETTERS for c in word):
        return None
    read = "".join(tables.LEET_LETTERS.get(c, c) for c in word)
    return read if read != word and read in leet_words() else None


def numeral_run_digits(run: str, after_letter: bool = False) -> str | None:
    """A run of digits and numerals as digits, or None if it is not a written-out number.

    A run glued to a Latin letter before it is the tail of a handle (tuiguang三八九) and may be
    shorter than one standing alone, which in prose is usually words (一二三四).
    """
    shortest = tables.MIN_HANDLE_NUMERAL_RUN if after_letter else tables.MIN_NUMERAL_RUN
    if len(run) < shortest or run.isascii():
        return None
    return run.translate(RUN_DIGITS)
