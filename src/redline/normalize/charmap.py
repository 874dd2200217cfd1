"""Compile the character tables into lookup arrays, once per process.

Normalisation works on a NumPy array of code points, so every one-character rule becomes one
array gather: `fold[codes]` applies width folding, NFKC compatibility forms, traditional ->
simplified, lower case, diacritic stripping, homoglyphs, always-digit numerals, every script's
decimal digits (१२३ -> 123) and tabs and other spaces (-> " ") in one pass.
A character that maps to nothing gets `DELETE`; one that maps to several characters gets
`EXPAND_BASE + i`, an index into `expansions`. `kinds[code]` holds the bit flags the context
rules test (is it an ideograph, a separator, a Latin letter...).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from numpy.typing import NDArray

from redline.derived import derived_table, fingerprint
from redline.normalize import tables

CODE_SPACE = 0x110000
DELETE = 0xFFFFFFFF
EXPAND_BASE = CODE_SPACE

IDEOGRAPH = 1
CJK_SEPARATOR = 2
LETTER = 4
DIGIT = 8
LEET = 16
RUN_NUMERAL = 32
NO_COLLAPSE = 64
LETTER_SEPARATOR = 128
DEVANAGARI = 256
DEVANAGARI_SEPARATOR = 512

_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x1f\x85\u2028\u2029")
"""Kept as they are: a line break between two Chinese lines must not join them into a word
(a space there would); the record separator is one of them."""

_NFKC_KEEP = frozenset("…‥")
"""NFKC would turn the Chinese ellipsis into ASCII dots, which are separators; keep it."""

_FOLD_RANGES: tuple[tuple[int, int], ...] = (
    (0x0000, 0x33FF),  # Latin, Greek, Cyrillic, symbols, enclosed forms, CJK symbols
    (0xA000, 0xABFF),  # Yi, Lisu, Vai, Cyrillic/Latin extensions with case pairs
    (0xF900, 0xFFFF),  # compatibility ideographs, presentation forms, full width
    (0x10400, 0x104FF),  # Deseret, Osage (cased scripts)
    (0x1D400, 0x1D7FF),  # mathematical alphanumerics (bold/italic "𝐬𝐞𝐱")
    (0x1F100, 0x1F2FF),  # enclosed alphanumerics and ideographs supplements
    (0x2F800, 0x2FA1F),  # compatibility ideographs supplement
)
"""Where NFKC or lower-casing can change a character (ideographs only need t2s)."""


@dataclass(frozen=True, slots=True)
class CharMap:
    """The compiled tables; see the module docstring."""

    fold: NDArray[np.uint32]
    kinds: NDArray[np.uint16]
    expansions: tuple[tuple[int, ...], ...]


def _load_t2s() -> dict[str, str]:
    """The generated traditional -> simplified pairs (scripts/gen_t2s_chars.py)."""
    text = resources.files("redline").joinpath("data").joinpath("t2s_chars.txt").read_text("utf-8")
    return {line[0]: line[1] for line in text.splitlines() if line and not line.startswith("#")}


def _strip_diacritics(char: str) -> str:
    """Base letter of a Latin/Greek/Cyrillic letter with marks (yà -> ya, ё -> е)."""
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if marks and base.isalpha() and all(unicodedata.combining(m) for m in marks):
        return base
    return char


def _fold_one(char: str, t2s: dict[str, str]) -> str:
    """Fold one character that is already in NFKC form."""
    if char in tables.INVISIBLE or char in tables.COMBINING_MARKS:
        return ""
    if char.isspace() and char not in _LINE_BREAKS:
        return " "  # a tab splits a phrase as a space does; line breaks end Chinese lines
    if unicodedata.category(char) == "Nd":
        return str(unicodedata.decimal(char))  # Devanagari ९८७, Arabic-Indic, Thai digits
    char = t2s.get(char, char)
    lowered = char.lower()
    if len(lowered) != 1:  # İ -> i + combining dot: keep the letter, drop the mark
        return "".join(_fold_one(c, t2s) for c in lowered)
    char = _strip_diacritics(lowered)
    char = tables.HOMOGLYPHS.get(char, char)
    return tables.CAPITAL_NUMERALS.get(char, char)


def fold_char(char: str, t2s: dict[str, str]) -> str:
    """Everything one character becomes, before any context rule looks at it."""
    if char == tables.RECORD_SEPARATOR:
        return char
    for table in (tables.SYMBOL_WORDS, tables.ENCLOSED_DIGITS, tables.ENCLOSED_LETTERS):
        if char in table:
            return table[char]
    compat = unicodedata.normalize("NFKC", char)
    if char in _NFKC_KEEP or (" " in compat and unicodedata.category(char) != "Zs"):
        compat = char  # e.g. '¨' -> ' ̈': a space would invent a word boundary
    return "".join(_fold_one(c, t2s) for c in compat)


def _build_fold(t2s: dict[str, str]) -> tuple[NDArray[np.uint32], tuple[tuple[int, ...], ...]]:
    fold = np.arange(CODE_SPACE, dtype=np.uint32)
    expansions: list[tuple[int, ...]] = []
    candidates = {code for first, last in _FOLD_RANGES for code in range(first, last + 1)}
    candidates.update(ord(c) for c in t2s)
    candidates.update(ord(c) for c in tables.INVISIBLE)
    candidates.update(ord(c) for c in tables.SYMBOL_WORDS)
    candidates.update(ord(c) for c in tables.ENCLOSED_LETTERS)
    candidates.update(ord(c) for c in tables.ENCLOSED_DIGITS)
    candidates.update(ord(c) for c in tables.CAPITAL_NUMERALS)
    candidates.update(_decimal_digits())
    for code in sorted(candidates - set(range(0xD800, 0xE000))):
        char = chr(code)
        folded = fold_char(char, t2s)
        if folded == char:
            continue
        if not folded:
            fold[code] = DELETE
        elif len(folded) == 1:
            fold[code] = ord(folded)
        else:
            fold[code] = EXPAND_BASE + len(expansions)
            expansions.append(tuple(map(ord, folded)))
    return fold, tuple(expansions)


def _decimal_digits() -> set[int]:
    """Every decimal digit of every script (Unicode category Nd)."""
    return {code for code in range(CODE_SPACE) if unicodedata.category(chr(code)) == "Nd"}


def _build_kinds() -> NDArray[np.uint16]:
    kinds = np.zeros(CODE_SPACE, dtype=np.uint16)
    for first, last in tables.IDEOGRAPH_RANGES:
        kinds[first : last + 1] |= IDEOGRAPH
    for first, last in tables.DEVANAGARI_RANGES:
        kinds[first : last + 1] |= DEVANAGARI
    kinds[ord("a") : ord("z") + 1] |= LETTER | NO_COLLAPSE
    kinds[ord("0") : ord("9") + 1] |= DIGIT | NO_COLLAPSE
    for flag, chars in (
        (CJK_SEPARATOR, tables.CJK_SEPARATORS),
        (LETTER_SEPARATOR, tables.LETTER_SEPARATORS),
        (DEVANAGARI_SEPARATOR, tables.DEVANAGARI_SEPARATORS),
        (LEET, tables.LEET_LETTERS),
        (RUN_NUMERAL | NO_COLLAPSE, tables.RUN_NUMERALS),
        (NO_COLLAPSE, tables.RECORD_SEPARATOR),
    ):
        kinds[[ord(c) for c in chars]] |= flag
    return kinds


@cache
def charmap() -> CharMap:
    """The process-wide tables, built on first use: the fold table from the derived copy on
    disk (milliseconds; deriving it calls NFKC on 50,000 characters, a tenth of a second)."""
    changed = derived_table(
        f"charmap-{_fold_sources()}.json",
        lambda: _changed_folds(*_build_fold(_load_t2s())),
        encode=lambda table: table,
        decode=dict,
    )
    fold = np.arange(CODE_SPACE, dtype=np.uint32)
    fold[np.asarray(changed["codes"], dtype=np.intp)] = np.asarray(changed["folds"], np.uint32)
    expansions = tuple(tuple(codes) for codes in changed["expansions"])
    return CharMap(fold=fold, kinds=_build_kinds(), expansions=expansions)


def _changed_folds(
    fold: NDArray[np.uint32], expansions: tuple[tuple[int, ...], ...]
) -> dict[str, list]:
    """The fold table as the few code points it changes: 4 MB as an array, 0.3 MB this way."""
    codes = np.flatnonzero(fold != np.arange(CODE_SPACE, dtype=np.uint32))
    return {
        "codes": codes.tolist(),
        "folds": fold[codes].tolist(),
        "expansions": [list(e) for e in expansions],
    }


def _fold_sources() -> str:
    """What the fold table is derived from: these rules, the tables, the t2s pairs and the
    Unicode version Python's NFKC follows."""
    return fingerprint(
        [unicodedata.unidata_version.encode()],
        ["normalize/charmap.py", "normalize/tables.py", "data/t2s_chars.txt"],
    )
