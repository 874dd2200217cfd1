"""The passes of the string engine: compiled regexes over one post, keeping the offset map.

NumPy calls cost microseconds each whatever the array size, so the array engine is slow on a
150-character post; a handful of regex scans is not. This engine implements the same rules
as `array_passes` (the tests hold the two to identical output) and shares with it the
character table, the folding pass and every judgement in `rules`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain

import numpy as np

from redline.normalize import array_passes, rules, tables
from redline.normalize.buffer import CodeBuffer, decode, encode
from redline.normalize.charmap import CharMap


def _char_class(chars: Iterable[str]) -> str:
    return "".join(re.escape(c) for c in sorted(chars))


_IDEOGRAPH = "".join(f"{chr(first)}-{chr(last)}" for first, last in tables.IDEOGRAPH_RANGES)
_OPEN_AFTER_IDEOGRAPH = re.compile(f"(?<=[{_IDEOGRAPH}])[{_char_class(tables.INLINE_PINYIN_OPEN)}]")
_SPLIT_IDEOGRAPHS = re.compile(
    f"[{_IDEOGRAPH}][{_char_class(tables.CJK_SEPARATORS)}]+(?=[{_IDEOGRAPH}])"
)
_DEVANAGARI = "".join(f"{chr(first)}-{chr(last)}" for first, last in tables.DEVANAGARI_RANGES)
_SPLIT_DEVANAGARI = re.compile(
    f"[{_DEVANAGARI}][{_char_class(tables.DEVANAGARI_SEPARATORS)}]+(?=[{_DEVANAGARI}])"
)
_LETTER_SEPARATOR = _char_class(tables.LETTER_SEPARATORS)
_MAY_BE_SPELLED = re.compile(f"[a-z][{_LETTER_SEPARATOR}][a-z]")
_SPELLED_LETTERS = re.compile(
    f"(?<![a-z0-9])[a-z]([{_LETTER_SEPARATOR}])[a-z](?![a-z0-9])"
    f"(?:\\1[a-z](?![a-z0-9])){{{tables.MIN_SPELLED_LETTERS - 2},}}"
)
_LEET = _char_class(tables.LEET_LETTERS)
_MAY_BE_LEET = re.compile(f"[a-z][{_LEET}]|[{_LEET}][a-z]")
_WORD = re.compile(f"[a-z0-9{_LEET}]+")
_NO_COLLAPSE = (
    frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
    | frozenset(tables.RUN_NUMERALS)
    | {tables.RECORD_SEPARATOR}
)
_REPEAT = re.compile(r"(.)\1\1+| {2}", re.DOTALL)
_NUMERIC = f"[0-9{_char_class(tables.RUN_NUMERALS)}]"
_NUMERAL_RUN = re.compile(
    f"(?P<glued>(?<=[a-z]){_NUMERIC}{{{tables.MIN_HANDLE_NUMERAL_RUN},}})"
    f"|(?<!{_NUMERIC}){_NUMERIC}{{{tables.MIN_NUMERAL_RUN},}}"
)


@dataclass(slots=True)
class MappedText:
    """A string plus, when a map is wanted, the original span of each character."""

    text: str
    starts: list[int] | None = None
    ends: list[int] | None = None

    @classmethod
    def from_text(cls, text: str, *, with_map: bool) -> MappedText:
        if not with_map:
            return cls(text)
        return cls(text, list(range(len(text))), list(range(1, len(text) + 1)))

    def delete(self, spans: Iterable[tuple[int, int]]) -> None:
        """Drop the characters in sorted, non-overlapping [start, end) spans."""
        text_parts: list[str] = []
        start_parts: list[list[int]] = []
        end_parts: list[list[int]] = []
        cursor = 0
        for start, end in spans:
            text_parts.append(self.text[cursor:start])
            if self.starts is not None and self.ends is not None:
                start_parts.append(self.starts[cursor:start])
                end_parts.append(self.ends[cursor:start])
            cursor = end
        if cursor == 0:
            return
        text_parts.append(self.text[cursor:])
        self.text = "".join(text_parts)
        if self.starts is not None and self.ends is not None:
            start_parts.append(self.starts[cursor:])
            end_parts.append(self.ends[cursor:])
            self.starts = list(chain.from_iterable(start_parts))
            self.ends = list(chain.from_iterable(end_parts))

    def overwrite(self, replacements: Iterable[tuple[int, str]]) -> None:
        """Replace characters one for one at sorted positions: the map does not change."""
        parts: list[str] = []
        cursor = 0
        for start, chars in replacements:
            parts += (self.text[cursor:start], chars)
            cursor = start + len(chars)
        if parts:
            self.text = "".join(parts) + self.text[cursor:]


def drop_inline_pinyin(doc: MappedText, charmap: CharMap) -> None:
    """Delete pinyin in brackets after a Chinese character: 醫(yī)院, 抽(chou)血 -> 醫院, 抽血."""
    if not any(bracket in doc.text for bracket in tables.INLINE_PINYIN_OPEN):
        return
    spans = []
    for match in _OPEN_AFTER_IDEOGRAPH.finditer(doc.text):
        at = match.start()
        window = doc.text[at : at + tables.MAX_INLINE_PINYIN + 2]
        length = rules.inline_pinyin_length(window, doc.text[at - 1])
        if length:
            spans.append((at, at + length))
    doc.delete(spans)


def fold_characters(doc: MappedText, charmap: CharMap) -> None:
    """The one-character table; see `array_passes.fold_characters`, which does the rare work."""
    codes = encode(doc.text)
    try:  # deletions and expansions are marked by values past the last code point
        doc.text = decode(charmap.fold[codes])
        return  # one for one: the map does not change
    except UnicodeDecodeError:
        pass
    buf = CodeBuffer(codes)
    if doc.starts is not None and doc.ends is not None:
        buf = CodeBuffer(codes, np.asarray(doc.starts), np.asarray(doc.ends))
    array_passes.fold_characters(buf, charmap)
    doc.text = decode(buf.codes)
    if buf.starts is not None and buf.ends is not None:
        doc.starts, doc.ends = buf.starts.tolist(), buf.ends.tolist()


def join_split_words(doc: MappedText, charmap: CharMap) -> None:
    """Remove separator runs inside words: 验 血, 性*别 -> 验血, 性别; बे~टा -> बेटा."""
    for split in (_SPLIT_IDEOGRAPHS, _SPLIT_DEVANAGARI):
        doc.delete((match.start() + 1, match.end()) for match in split.finditer(doc.text))


def join_spelled_letters(doc: MappedText, charmap: CharMap) -> None:
    """Join single letters spelled out with one separator: s e x, g.e.n.d.e.r -> sex, gender."""
    if not _MAY_BE_SPELLED.search(doc.text):
        return
    doc.delete(
        (at, at + 1)
        for match in _SPELLED_LETTERS.finditer(doc.text)
        for at in range(match.start() + 1, match.end(), 2)
    )


def undo_leetspeak(doc: MappedText, charmap: CharMap) -> None:
    """Read digits and symbols as letters inside Latin words (see `rules.unleet_word`)."""
    text = doc.text
    if not _MAY_BE_LEET.search(text):
        return
    replacements = []
    for match in _WORD.finditer(text):
        fixed = rules.unleet_word(match.group(), text[match.end() : match.end() + 1])
        if fixed is not None:
            replacements.append((match.start(), fixed))
    doc.overwrite(replacements)


def collapse_repeats(doc: MappedText, charmap: CharMap) -> None:
    """Collapse three or more of the same character to one (not letters, digits, numerals),
    and two spaces to one."""
    doc.delete(
        (match.start() + 1, match.end())
        for match in _REPEAT.finditer(doc.text)
        if match.group(1) not in _NO_COLLAPSE
    )


def numerals_to_digits(doc: MappedText, charmap: CharMap) -> None:
    """Write Chinese numerals as digits in long runs or after a letter: 一三八零零一三八零零零 ->
    13800138000, abc三八九 -> abc389."""
    replacements = []
    for match in _NUMERAL_RUN.finditer(doc.text):
        digits = rules.numeral_run_digits(match.group(), match.group("glued") is not None)
        if digits is not None:
            replacements.append((match.start(), digits))
    doc.overwrite(replacements)
