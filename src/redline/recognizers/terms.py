"""Pack terms and codewords, found with one compiled multi-pattern matcher.

Every term of every pack is normalised with the same function that reads posts, then expanded
into its pinyin, initials and homophone spellings (`redline.variants`), so evasions are undone
by matching rather than by rewriting the text. One matcher (`literals`: Hyperscan, or an
Aho-Corasick automaton) holds all of them: scanning is linear in the text whatever the size of
the lexicon.
"""

from __future__ import annotations

import string
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass, fields
from importlib import resources
from itertools import accumulate
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from numpy.typing import NDArray

from redline.derived import derived_table, fingerprint, package_stamp
from redline.normalize import RECORD_SEPARATOR, normalize_text
from redline.normalize.buffer import Codes, decode
from redline.recognizers.literals import LiteralMatcher, Match, literal_matcher
from redline.recognizers.views import VIEWS, TextView, word_groups
from redline.types import Signal
from redline.variants import (
    glued_initials,
    is_hanzi,
    joined_words,
    spaced_out,
    spellings,
    substituted,
)

if TYPE_CHECKING:
    from redline.policy import Pack, SignalSpec


@dataclass(frozen=True, slots=True)
class TermTarget:
    """What a matched pattern means: which pack's category, which canonical term."""

    pack: str
    category: str
    term: str
    codeword: bool
    glued: bool = False
    """Counts only where a Chinese character touches the match (`variants.glued_initials`)."""


_WORD_CHARS = frozenset(string.ascii_letters + string.digits)
"""What a Latin term must not touch: ASCII letters and digits (a set: start-up asks it of
every spelling's first and last character)."""


def _is_word_char(char: str) -> bool:
    return char in _WORD_CHARS


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in text)


@dataclass(frozen=True, slots=True)
class TermTable:
    """Every spelling of every term and what it stands for, as the matchers consume it.

    `words[i]` stands for `targets[j]` for each `j` in `word_targets[i]` (a few thousand
    distinct targets stand behind tens of thousands of spellings); `topic_words` are the words
    with a topic target, and `topic_glued_only[k]` says whether all of word `topic_words[k]`'s
    topic targets are glued initials. Plain lists, so that loading one from disk is a JSON
    read rather than an object per spelling.
    """

    words: list[str]
    targets: list[TermTarget]
    word_targets: list[list[int]]
    topic_words: list[int]
    topic_glued_only: list[bool]
    view_readings: list[list[str]]
    """For each of `views.VIEWS`, the readings of the words it matches (`views.word_groups`),
    `view_targets` the targets of each reading (those of every word it stands for), and
    `view_topic_readings` / `view_topic_glued_only` the same for the topic words, as
    `topic_words` / `topic_glued_only` are for the words."""
    view_targets: list[list[list[int]]]
    view_topic_readings: list[list[str]]
    view_topic_glued_only: list[list[bool]]


def term_table(packs: Sequence[Pack]) -> TermTable:
    """The packs' table, in a deterministic order.

    Expanding thousands of terms into their pinyin and homophone spellings takes most of a
    second, so the table is cached on disk, keyed by the packs' terms, the source of the
    normaliser and speller and pypinyin's installation: change any and the cache misses.
    """
    key = _fingerprint(packs)
    if key not in _TABLES:
        _TABLES[key] = derived_table(
            f"terms-{key}.json",
            lambda: _table_of(_expand(packs), packs),
            encode=_encode_table,
            decode=_decode_table,
        )
    return _TABLES[key]


def _fingerprint(packs: Sequence[Pack]) -> str:
    """What the table is derived from: the packs' terms and variants, the normaliser and speller
    sources, and pypinyin's installation (the speller's readings and homophones)."""
    parts = []
    for pack in packs:
        specs = [_shallow_tuple(spec) for spec in pack.signals.values()]
        variants = (
            sorted(pack.homophones.items()),
            pack.initials_min,
            sorted(pack.substitutes.items()),
        )
        parts.append(repr((pack.id, specs, variants)).encode("utf-8", "surrogatepass"))
    parts.append(package_stamp("pypinyin").encode())
    normalizer = sorted(
        f"normalize/{entry.name}"
        for entry in resources.files("redline").joinpath("normalize").iterdir()
        if entry.name.endswith((".py", ".txt"))
    )
    sources = [
        "variants.py",
        "recognizers/views.py",
        "data/t2s_chars.txt",
        "data/leet_words.txt",
        *normalizer,
    ]
    return fingerprint(parts, sources)


def _shallow_tuple(spec: SignalSpec) -> tuple[object, ...]:
    """`astuple` without its deep copy (a tenth of the time: packs hold thousands of terms);
    the fields are strings, flags and tuples of strings, so the repr is the same."""
    return tuple(getattr(spec, field.name) for field in fields(spec))


_TABLES: dict[str, TermTable] = {}
"""Tables already built in this process, by fingerprint."""


def _table_of(patterns: dict[str, list[TermTarget]], packs: Sequence[Pack]) -> TermTable:
    topic = {(p.id, s.category) for p in packs for s in p.signals.values() if s.topic}
    index: dict[TermTarget, int] = {}
    word_targets = [[index.setdefault(t, len(index)) for t in ts] for ts in patterns.values()]
    topic_words, topic_glued_only = [], []
    for position, targets in enumerate(patterns.values()):
        chosen = [t for t in targets if (t.pack, t.category) in topic]
        if chosen:
            topic_words.append(position)
            topic_glued_only.append(all(t.glued for t in chosen))
    words = list(patterns)
    topic_position = {word: k for k, word in enumerate(topic_words)}
    readings, targets, topic_readings, topic_glued = [], [], [], []
    for view in VIEWS:
        groups = word_groups(view, words)
        readings.append(list(groups))
        targets.append(
            [
                list(dict.fromkeys(t for word in group for t in word_targets[word]))
                for group in groups.values()
            ]
        )
        topical = {
            reading: [topic_position[w] for w in group if w in topic_position]
            for reading, group in groups.items()
        }
        topic_readings.append([reading for reading, chosen in topical.items() if chosen])
        topic_glued.append(
            [all(topic_glued_only[k] for k in chosen) for chosen in topical.values() if chosen]
        )
    return TermTable(
        words,
        list(index),
        word_targets,
        topic_words,
        topic_glued_only,
        readings,
        targets,
        topic_readings,
        topic_glued,
    )


def _encode_table(table: TermTable) -> dict[str, object]:
    return {
        "words": table.words,
        "targets": [astuple(t) for t in table.targets],
        "word_targets": table.word_targets,
        "topic_words": table.topic_words,
        "topic_glued_only": table.topic_glued_only,
        "view_readings": table.view_readings,
        "view_targets": table.view_targets,
        "view_topic_readings": table.view_topic_readings,
        "view_topic_glued_only": table.view_topic_glued_only,
    }


def _decode_table(raw: dict[str, list]) -> TermTable:
    targets = [TermTarget(*fields) for fields in raw["targets"]]
    return TermTable(
        raw["words"],
        targets,
        raw["word_targets"],
        raw["topic_words"],
        raw["topic_glued_only"],
        raw["view_readings"],
        raw["view_targets"],
        raw["view_topic_readings"],
        raw["view_topic_glued_only"],
    )


def _expand(packs: Sequence[Pack]) -> dict[str, list[TermTarget]]:
    patterns: dict[str, list[TermTarget]] = {}
    for pack in packs:
        for spec in pack.signals.values():
            for words, codeword in ((spec.terms, False), (spec.codewords, True)):
                for raw in words:
                    term = normalize_text(raw).strip()
                    if not term:
                        continue
                    target = TermTarget(pack.id, spec.category, term, codeword)
                    forms = [term]
                    if spec.pinyin and _has_cjk(term):
                        forms += spellings(
                            term, homophones=pack.homophones, initials_min=pack.initials_min
                        )
                    if pack.substitutes:
                        forms += substituted(term, pack.substitutes)
                    forms += spaced_out(term) + joined_words(term)
                    for form in forms:
                        targets = patterns.setdefault(form, [])
                        if target not in targets:
                            targets.append(target)
                    initials = glued_initials(term) if spec.pinyin and spec.topic else None
                    if initials:
                        glued = TermTarget(pack.id, spec.category, term, codeword, glued=True)
                        targets = patterns.setdefault(initials, [])
                        if glued not in targets:
                            targets.append(glued)
    return patterns


MatcherFactory = Callable[[Sequence[bytes]], LiteralMatcher]


def _compiled(
    words: Sequence[str], matcher: MatcherFactory, encoding: str = "utf-8"
) -> tuple[list[bool], list[bool], LiteralMatcher | None]:
    """What both term matchers keep of their words: whether each starts and ends with a Latin
    word character (those matches need a word boundary), and the matcher over their bytes."""
    latin_start = [w[0] in _WORD_CHARS for w in words]
    latin_end = [w[-1] in _WORD_CHARS for w in words]
    encoded = [w.encode(encoding, "surrogatepass") for w in words]
    return latin_start, latin_end, matcher(encoded) if encoded else None


def _character_matches(matcher: LiteralMatcher, text: str) -> list[Match]:
    """Every match of `matcher` in `text`'s UTF-8, at character offsets, in text order."""
    data = text.encode("utf-8", "surrogatepass")
    found = matcher.matches(data)
    found.sort(key=lambda match: (match[2], match[1], match[0]))
    if found and len(data) != len(text):
        found = _in_characters(found, data)
    return found


@dataclass(frozen=True, slots=True)
class _ViewTerms:
    """The readings one view matches (`views`), compiled."""

    view: TextView
    latin_start: list[bool]
    latin_end: list[bool]
    matcher: LiteralMatcher | None

    @classmethod
    def of(cls, view: TextView, readings: Sequence[str], matcher: MatcherFactory) -> _ViewTerms:
        return cls(view, *_compiled(readings, matcher))

    def found(self, text: str) -> list[Match]:
        """Matches in the view of `text`, as (reading, start, end) spans of `text` itself; only
        those whose stretch holds what the view reads differently (`TextView.holds`)."""
        if self.matcher is None:
            return []
        view = self.view.view(text)
        spans = [
            (group, *view.span(start, end))
            for group, start, end in _character_matches(self.matcher, view.text)
        ]
        return [
            (group, start, end) for group, start, end in spans if self.view.holds(text, start, end)
        ]


class TermRecognizer:
    """Finds every pack's terms and codewords in normalised text.

    It matches the text's UTF-8 bytes with the same engine as the prefilter (`literals`:
    Hyperscan's compiled database loads from disk in a few milliseconds, where building a
    character automaton of every spelling took a twentieth of a second in every process) and
    turns byte offsets back into character offsets.
    """

    name: ClassVar[str] = "terms"

    def __init__(
        self, packs: Sequence[Pack] = (), *, matcher: MatcherFactory = literal_matcher
    ) -> None:
        table = term_table(packs)
        self._view_readings, self._view_targets = table.view_readings, table.view_targets
        self._targets = table.targets
        self._word_targets = table.word_targets
        self._latin_start, self._latin_end, self._matcher = _compiled(table.words, matcher)
        self._matcher_factory = matcher
        self._views: dict[int, tuple[_ViewTerms, list[list[int]]]] = {}
        """Each view's readings, compiled on the first text that needs the view (most scans
        never need one), and their targets."""

    def recognize(self, text: str) -> list[Signal]:
        if self._matcher is None:
            return []
        tables = (self._word_targets, self._latin_start, self._latin_end)
        out = self._signals(text, _character_matches(self._matcher, text), *tables)
        for index, view in enumerate(VIEWS):
            if view.applies(text):
                terms, targets = self._view_terms(index)
                tables = (targets, terms.latin_start, terms.latin_end)
                out += [s for s in self._signals(text, terms.found(text), *tables) if s not in out]
        return out

    def _view_terms(self, index: int) -> tuple[_ViewTerms, list[list[int]]]:
        """View `index`'s readings, compiled, and each one's targets."""
        if index not in self._views:
            readings = self._view_readings[index]
            terms = _ViewTerms.of(VIEWS[index], readings, self._matcher_factory)
            self._views[index] = terms, self._view_targets[index]
        return self._views[index]

    def _signals(
        self,
        text: str,
        found: list[Match],
        word_targets: list[list[int]],
        latin_start: list[bool],
        latin_end: list[bool],
    ) -> list[Signal]:
        """The targets of each match that passes the word-boundary and glued-initials checks."""
        out: list[Signal] = []
        for index, start, end in found:
            if not _stands_alone(text, start, end, latin_start[index], latin_end[index]):
                continue
            touches_hanzi: bool | None = None
            for target_index in word_targets[index]:
                target = self._targets[target_index]
                if target.glued:
                    if touches_hanzi is None:
                        touches_hanzi = _text_touches_hanzi(text, start, end)
                    if not touches_hanzi:
                        continue
                out.append(Signal(target.category, start, end, target.term, False, target.pack))
        return out


def _stands_alone(text: str, start: int, end: int, latin_start: bool, latin_end: bool) -> bool:
    """Whether a match of a word that starts (ends) with a Latin letter or digit has none of
    those just before (after) it in `text`: a Latin term is a word, not part of one."""
    if latin_start and start > 0 and _is_word_char(text[start - 1]):
        return False
    return not (latin_end and end < len(text) and _is_word_char(text[end]))


def _text_touches_hanzi(text: str, start: int, end: int) -> bool:
    """Whether the character just before `start` or just from `end` is a Chinese character."""
    return (start > 0 and is_hanzi(text[start - 1])) or (end < len(text) and is_hanzi(text[end]))


def _in_characters(found: list[Match], data: bytes) -> list[Match]:
    """Byte offsets into the UTF-8 `data` (surrogates passed) as character offsets.

    A match starts and ends on character boundaries (every word is whole UTF-8), so decoding
    the bytes between consecutive offsets counts the characters exactly; a post has a few
    matches, and this beats counting the width of every character.
    """
    chars: dict[int, int] = {}
    position = count = 0
    for offset in sorted({offset for _, start, end in found for offset in (start, end)}):
        count += len(data[position:offset].decode("utf-8", "surrogatepass"))
        chars[offset] = count
        position = offset
    return [(index, chars[start], chars[end]) for index, start, end in found]


class TopicPrefilter:
    """The cascade's first stage: which texts of a batch mention any topic term at all.

    It scans the batch's normalised code points (`normalize_codes`, posts joined by the record
    separator) for every spelling of every topic term, as UTF-16 code units: the array converts
    to them in one step, where UTF-8 would cost a str and an encoding of the whole batch, and
    Chinese takes two bytes a character, not three (`literals` picks the engine). It applies to
    each match the same word-boundary and glued-initials checks as `TermRecognizer`, so it
    clears exactly the texts in which the full recogniser finds no topic term. Without the
    checks, pinyin initials inside ordinary Latin words ("nt" in "fuentes", "nb" in "#nba")
    made six times more candidates than there were topical posts.
    """

    def __init__(self, packs: Sequence[Pack], *, matcher: MatcherFactory = literal_matcher) -> None:
        table = term_table(packs)
        self._words = [table.words[i] for i in table.topic_words]
        self._glued_only = table.topic_glued_only
        self._table = table
        # the views' markers ride in the same scan, after the words (`views`)
        markers = [(index, marker) for index, view in enumerate(VIEWS) for marker in view.markers]
        self._marker_views = [index for index, _ in markers]
        scanned = [*self._words, *(marker for _, marker in markers)]
        self._latin_start, self._latin_end, self._matcher = _compiled(scanned, matcher, _UNITS)
        self._matcher_factory = matcher
        self._views: dict[int, tuple[_ViewTerms, list[bool]]] = {}

    def hits(self, codes: Codes) -> list[int]:
        """Positions in `codes` where topic terms start, checked as the recogniser checks them."""
        if self._matcher is None or len(codes) == 0:
            return []
        units, seconds = _utf16_units(codes)
        size = len(codes)
        topic_words = len(self._words)
        found: list[int] = []
        marked: dict[int, list[int]] = {}
        for index, start, end in self._matcher.matches(memoryview(units).cast("B")):
            if start % 2:
                continue  # bytes of two neighbouring code units: not a character match
            start, end = start // 2, end // 2
            if len(seconds):  # an astral character takes two units: back to code positions
                start -= int(np.searchsorted(seconds, start))
                end -= int(np.searchsorted(seconds, end))
            if index >= topic_words:
                marked.setdefault(self._marker_views[index - topic_words], []).append(start)
                continue
            if self._latin_start[index] and start > 0 and _is_word_char(chr(codes[start - 1])):
                continue
            if self._latin_end[index] and end < size and _is_word_char(chr(codes[end])):
                continue
            if self._glued_only[index] and not _touches_hanzi(codes, start, end):
                continue
            found.append(start)
        for view, positions in marked.items():
            found += self._view_hits(view, codes, positions)
        return found

    def _view_hits(self, index: int, codes: Codes, marked: list[int]) -> list[int]:
        """For each text around a marker of view `index` that the view applies to, where a
        topic term starts in its view (the first one found), checked as `TermRecognizer`
        checks it. The texts are read as one, joined by the record separator, in one scan."""
        if index not in self._views:
            self._views[index] = self._topic_view_terms(index)
        terms, glued_only = self._views[index]
        records: list[tuple[int, int]] = []
        texts: list[str] = []
        last = -1
        for position in sorted(marked):
            if position < last:
                continue  # another marker of a text already taken
            first, last = _record_bounds(codes, position)
            text = decode(codes[first:last])
            if terms.view.applies(text):
                records.append((first, last))
                texts.append(text)
        if not records:
            return []
        text = RECORD_SEPARATOR.join(texts)
        offsets = list(accumulate((len(t) + 1 for t in texts), initial=0))
        found: dict[int, int] = {}
        for word, start, end in terms.found(text):
            if not _stands_alone(text, start, end, terms.latin_start[word], terms.latin_end[word]):
                continue
            if glued_only[word] and not _text_touches_hanzi(text, start, end):
                continue
            record = bisect_right(offsets, start) - 1
            found.setdefault(record, records[record][0] + start - offsets[record])
        return list(found.values())

    def _topic_view_terms(self, index: int) -> tuple[_ViewTerms, list[bool]]:
        """View `index`'s readings of topic words, compiled, and for each whether all the topic
        words it stands for are glued initials."""
        readings = self._table.view_topic_readings[index]
        terms = _ViewTerms.of(VIEWS[index], readings, self._matcher_factory)
        return terms, self._table.view_topic_glued_only[index]


_SEPARATOR_CODE = ord(RECORD_SEPARATOR)


def _record_bounds(codes: Codes, position: int) -> tuple[int, int]:
    """The start and end of the text around `position` in a batch buffer: between the record
    separators before and after it, found in windows that widen (posts are short)."""
    window, first = 256, 0
    while True:
        low = max(position - window, 0)
        before = np.flatnonzero(codes[low:position] == _SEPARATOR_CODE)
        if len(before):
            first = low + int(before[-1]) + 1
            break
        if low == 0:
            break
        window *= 4
    window, last = 256, len(codes)
    while True:
        high = min(position + window, len(codes))
        after = np.flatnonzero(codes[position:high] == _SEPARATOR_CODE)
        if len(after):
            last = position + int(after[0])
            break
        if high == len(codes):
            break
        window *= 4
    return first, last


_UNITS = "utf-16-le"


def _utf16_units(codes: Codes) -> tuple[NDArray[np.uint16], NDArray[np.intp]]:
    """`codes` as UTF-16 code units, and the unit positions of the second half of each
    astral character (few: emoji the normaliser kept, rare ideographs)."""
    if len(codes) == 0 or int(codes.max()) <= 0xFFFF:
        return codes.astype("<u2"), np.empty(0, dtype=np.intp)
    units = np.frombuffer(decode(codes).encode(_UNITS, "surrogatepass"), dtype="<u2")
    astral = np.flatnonzero(codes > 0xFFFF)
    return units, astral + np.arange(1, len(astral) + 1)


def _touches_hanzi(codes: Codes, start: int, end: int) -> bool:
    """Whether the character just before `start` or just from `end` is a Chinese character."""
    return bool(
        (start > 0 and is_hanzi(chr(codes[start - 1])))
        or (end < len(codes) and is_hanzi(chr(codes[end])))
    )
