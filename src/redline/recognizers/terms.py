"""Pack terms and codewords, found with one compiled Aho-Corasick automaton.

Every term of every pack is normalised with the same function that reads posts, then expanded
into its pinyin, initials and homophone spellings (`redline.variants`), so evasions are undone
by matching rather than by rewriting the text. One automaton holds all of them: scanning is
linear in the text whatever the size of the lexicon.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import ahocorasick_rs

from redline.normalize import normalize_text
from redline.types import Signal
from redline.variants import spellings

if TYPE_CHECKING:
    from redline.policy import Pack


@dataclass(frozen=True, slots=True)
class TermTarget:
    """What a matched pattern means: which pack's category, which canonical term."""

    pack: str
    category: str
    term: str
    codeword: bool


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in text)


def term_patterns(
    packs: Sequence[Pack], *, topic_only: bool = False
) -> dict[str, list[TermTarget]]:
    """Every spelling of every term, mapped to what it stands for; deterministic order."""
    patterns: dict[str, list[TermTarget]] = {}
    for pack in packs:
        for spec in pack.signals.values():
            if topic_only and not spec.topic:
                continue
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
                    for form in forms:
                        targets = patterns.setdefault(form, [])
                        if target not in targets:
                            targets.append(target)
    return patterns


class TermRecognizer:
    """Finds every pack's terms and codewords in normalised text."""

    name: ClassVar[str] = "terms"

    def __init__(self, packs: Sequence[Pack] = ()) -> None:
        patterns = term_patterns(packs)
        self._words = list(patterns)
        self._targets = [patterns[w] for w in self._words]
        self._latin_start = [_is_word_char(w[0]) for w in self._words]
        self._latin_end = [_is_word_char(w[-1]) for w in self._words]
        self._matcher = (
            ahocorasick_rs.AhoCorasick(self._words, matchkind=ahocorasick_rs.MatchKind.Standard)
            if self._words
            else None
        )

    def recognize(self, text: str) -> list[Signal]:
        if self._matcher is None:
            return []
        out: list[Signal] = []
        size = len(text)
        for index, start, end in self._matcher.find_matches_as_indexes(text, overlapping=True):
            if self._latin_start[index] and start > 0 and _is_word_char(text[start - 1]):
                continue
            if self._latin_end[index] and end < size and _is_word_char(text[end]):
                continue
            for target in self._targets[index]:
                category = target.category
                out.append(Signal(category, start, end, target.term, False, target.pack))
        return out


class TopicPrefilter:
    """The cascade's first stage: which texts of a batch mention any topic term at all.

    It scans one joined buffer with a leftmost-first automaton and skips word-boundary checks,
    so it can only over-include: a text it clears has no topic term the full recogniser could
    find.
    """

    def __init__(self, packs: Sequence[Pack]) -> None:
        words = list(term_patterns(packs, topic_only=True))
        self._matcher = (
            ahocorasick_rs.AhoCorasick(words, matchkind=ahocorasick_rs.MatchKind.LeftmostFirst)
            if words
            else None
        )

    def hits(self, buffer: str) -> Iterable[int]:
        """Start offsets of topic matches in `buffer`."""
        if self._matcher is None:
            return ()
        return (start for _, start, _ in self._matcher.find_matches_as_indexes(buffer))
