"""Second readings of a text for the term matchers: evasions the normaliser must leave alone.

The normaliser undoes what it can for every recogniser alike. Two evasions stay in its text
because other readers need the text as written; the term matchers read them in a view of the
text: a string and, for each of its characters, the stretch of the text it stands for, so every
match maps back to what the post wrote.

- `HeldLetters`: Latin letters held down (`linggg jaaaanch`, `sexxx`). Collapsing letter runs
  would rewrite handles such as `aaa888` and `www.` links, whose values investigators search
  for. The view writes every run of one letter once, and words are matched squeezed the same way
  (`jaanch` -> `janch`, `laddoo` -> `lado`).
- `SplitDevanagari`: Hindi words split by a hyphen, a dash or a full stop (`लिं-ग जां-च`), or by
  a space before a vowel sign (`लि ंग`). Hindi writes those between words too, so the normaliser
  keeps them. The view drops them inside words, and words are matched the same way.

A text gets a view only where it needs one (`applies`: a run of three letters; a separator
between Devanagari characters), and the prefilter finds such texts with literal markers in the
scan it makes anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol


@dataclass(frozen=True, slots=True)
class View:
    """A reading of a text: `text`, and for each of its characters where the stretch of the
    original it stands for starts and ends."""

    text: str
    starts: list[int]
    ends: list[int]

    @classmethod
    def without(
        cls, text: str, dropped: Iterable[tuple[int, int]], *, attached: bool = False
    ) -> View:
        """`text` without the ascending, disjoint ranges `dropped`; with `attached`, a range
        right after a kept character counts as part of it (the rest of a held run)."""
        starts: list[int] = []
        ends: list[int] = []
        pieces: list[str] = []
        kept = 0  # the text before `kept` is done
        for start, end in dropped:
            starts.extend(range(kept, start))
            ends.extend(range(kept + 1, start + 1))
            pieces.append(text[kept:start])
            if attached and ends and ends[-1] == start:
                ends[-1] = end
            kept = end
        starts.extend(range(kept, len(text)))
        ends.extend(range(kept + 1, len(text) + 1))
        pieces.append(text[kept:])
        return cls("".join(pieces), starts, ends)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """A non-empty span of the view as the span of the text it stands for."""
        return self.starts[start], self.ends[end - 1]


class TextView(Protocol):
    """One kind of second reading: when a text needs it, what it is, and how a word reads."""

    markers: ClassVar[tuple[str, ...]]
    """Literals, one of which occurs in every text the view `applies` to."""

    def applies(self, text: str) -> bool: ...

    def view(self, text: str) -> View: ...

    def holds(self, text: str, start: int, end: int) -> bool:
        """Whether `text[start:end]` holds what the view reads differently (a held run, a
        split): a view match anywhere else is a spelling the text never wrote."""
        ...

    def word(self, word: str) -> str | None:
        """How a term spelling is matched in the view; None: not at all."""
        ...


_LATIN = re.compile(r"[a-z]")
_VOWEL = re.compile(r"[aeiou]")
_REPEATED = re.compile(r"([a-z])\1+")


HELD_RUN = 3
"""Letters in a row that make a text get the `HeldLetters` view: doubles are ordinary."""
MIN_SQUEEZED = 4
"""The shortest reading a word that squeezing shortens keeps (`khoon` -> `khon`)."""


class HeldLetters:
    """Runs of one Latin letter, read once: `linggg jaaaanch` as `ling janch`."""

    markers: ClassVar[tuple[str, ...]] = tuple(
        letter * HELD_RUN for letter in "abcdefghijklmnopqrstuvwxyz"
    )
    _held: ClassVar[re.Pattern[str]] = re.compile(rf"([a-z])\1{{{HELD_RUN - 1}}}")

    def applies(self, text: str) -> bool:
        return self._held.search(text) is not None

    def view(self, text: str) -> View:
        runs = ((run.start() + 1, run.end()) for run in _REPEATED.finditer(text))
        return View.without(text, runs, attached=True)

    def holds(self, text: str, start: int, end: int) -> bool:
        return self._held.search(text, start, end) is not None

    def word(self, word: str) -> str | None:
        """Words people lengthen: each Latin piece holds a vowel, and a word that squeezing
        shortens keeps `MIN_SQUEEZED` characters. Pinyin initials squeeze into common words
        (`cccnn` for 彩超查男女 to `cn`, which every .cn link holds; `tenn` for 胎儿男女 to
        `ten`, as in "a teeen mom")."""
        pieces = [piece for piece in word.split() if _LATIN.search(piece)]
        if not pieces or not all(_VOWEL.search(piece) for piece in pieces):
            return None
        reading = _REPEATED.sub(r"\1", word)
        return reading if reading == word or len(reading) >= MIN_SQUEEZED else None


_DEVANAGARI = "\u0900-\u097f"
_SPLIT_MARKS = "-–—."
_COMBINING = "\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963"
"""Devanagari vowel signs, nasals, virama and the like: no word starts with one."""


class SplitDevanagari:
    """Hindi words split inside: hyphens, dashes and full stops between Devanagari characters,
    and a space before a vowel sign (`लिं-ग`, `लि ंग` as `लिंग`). A space before a letter is
    left alone: it is the break between two words, and joining words made `गाय` (cow) of
    "होगा या" and let the animals exemption clear a real ad. Terms spaced out syllable by
    syllable (`लिंग जां च`) stay the term table's (`variants.spaced_out`)."""

    markers: ClassVar[tuple[str, ...]] = (
        *(chr(code) + mark for code in range(0x900, 0x980) for mark in _SPLIT_MARKS),
        *(
            " " + sign
            for sign in re.findall(f"[{_COMBINING}]", "".join(map(chr, range(0x900, 0x980))))
        ),
    )
    _split: ClassVar[re.Pattern[str]] = re.compile(
        rf"(?<=[{_DEVANAGARI}])(?:[{re.escape(_SPLIT_MARKS)}]+|\s+(?=[{_COMBINING}]))(?=[{_DEVANAGARI}])"
    )
    _devanagari: ClassVar[re.Pattern[str]] = re.compile(rf"[{_DEVANAGARI}]")

    def applies(self, text: str) -> bool:
        return self._split.search(text) is not None

    def view(self, text: str) -> View:
        return View.without(text, (split.span() for split in self._split.finditer(text)))

    def holds(self, text: str, start: int, end: int) -> bool:
        return self._split.search(text, start, end) is not None

    def word(self, word: str) -> str | None:
        if not self._devanagari.search(word):
            return None
        return self._split.sub("", word)


VIEWS: tuple[TextView, ...] = (HeldLetters(), SplitDevanagari())
"""Every view the term matchers read, in this order."""


def word_groups(view: TextView, words: Sequence[str]) -> dict[str, list[int]]:
    """The words `view` matches, as it reads them: each reading with the indices of the words
    it stands for (`laddoo` and `ladoo` both read `lado`), in first-seen order."""
    groups: dict[str, list[int]] = {}
    for index, word in enumerate(words):
        reading = view.word(word)
        if reading:
            groups.setdefault(reading, []).append(index)
    return groups
