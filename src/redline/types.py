"""The data that flows through the pipeline: a post in, a decision out.

Every stage reads and extends one `Doc`: normalisation fills `norm`, recognisers add
`signals`, the scorer sets `score`, the policy turns all of it into a `Decision`. Offsets in
signals are into the *normalised* text; a `Decision` carries offsets into the *original* text,
mapped through `Normalized.to_original`, so a reviewer always sees the real characters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Verdict = Literal["violating", "review", "allow"]
VERDICTS: tuple[Verdict, ...] = ("allow", "review", "violating")
"""Verdicts in increasing severity; the strongest verdict of any rule wins."""


@dataclass(slots=True)
class Post:
    """One record to screen. `meta` carries whatever else the input had (author, platform...).

    Not frozen: readers build hundreds of thousands a second and a frozen dataclass costs
    several times more to construct. Nothing in the pipeline mutates a post.
    """

    id: str
    text: str
    meta: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Normalized:
    """Canonical text plus an exact map back to the original.

    Normalised character `i` was produced by original characters `starts[i]:ends[i]`. Both
    sequences are non-decreasing and lie within `0..len(original)`; an expansion (one emoji
    becoming two characters) repeats the same original range, a deletion simply has no entry.
    """

    original: str
    text: str
    starts: Sequence[int]
    ends: Sequence[int]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised half-open span to the original span that produced it."""
        if start >= end:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


@dataclass(frozen=True, slots=True)
class Signal:
    """Something a recogniser found, in normalised-text offsets.

    `category` is what rules talk about (`sexid.service`, `offer.cta`, `contact.wechat`,
    `claim.accuracy`, `frame.news`...). `value` is the canonical form: the pack term that
    matched, or an entity's normalised value (E.164 phone, lower-cased handle, price in CNY).
    `entity` marks signals that are also reported as entities (contacts, prices, claims).
    """

    category: str
    start: int
    end: int
    value: str
    entity: bool = False
    pack: str | None = None


@dataclass(slots=True)
class Doc:
    """A post on its way through the pipeline."""

    post: Post
    norm: Normalized
    signals: list[Signal] = field(default_factory=list)
    score: float = 0.0

    @property
    def text(self) -> str:
        """The normalised text recognisers read."""
        return self.norm.text


@dataclass(frozen=True, slots=True)
class Evidence:
    """A span of the original text that supports a decision."""

    start: int
    end: int
    text: str
    signal: str


@dataclass(frozen=True, slots=True)
class Entity:
    """A contact point or claim, located in the original text."""

    type: str
    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Clause:
    """A legal provision a rule cites."""

    id: str
    pack: str
    citation: str
    title: str


@dataclass(slots=True)
class Decision:
    """What redline says about one post, with everything needed to check why.

    Not frozen, for the same reason as `Post`: one is built for every post screened.
    """

    id: str
    verdict: Verdict
    score: float
    rules: tuple[str, ...] = ()
    clauses: tuple[Clause, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    entities: tuple[Entity, ...] = ()

    @classmethod
    def cleared(cls, post_id: str) -> Decision:
        """The decision for a post the prefilter cleared: nothing found, nothing to explain."""
        return cls(post_id, "allow", 0.0)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape `scan` writes, one object per line."""
        if not (self.rules or self.evidence or self.entities or self.score):
            return {
                "id": self.id,
                "verdict": self.verdict,
                "score": 0.0,
                "rules": [],
                "clauses": [],
                "evidence": [],
                "entities": [],
            }
        return {
            "id": self.id,
            "verdict": self.verdict,
            "score": round(self.score, 4),
            "rules": list(self.rules),
            "clauses": [
                {"id": c.id, "pack": c.pack, "citation": c.citation, "title": c.title}
                for c in self.clauses
            ],
            "evidence": [
                {"start": e.start, "end": e.end, "text": e.text, "signal": e.signal}
                for e in self.evidence
            ],
            "entities": [
                {"type": e.type, "value": e.value, "start": e.start, "end": e.end}
                for e in self.entities
            ],
        }
