"""Split a post's original text into plain and highlighted runs for the review page.

Runs are plain strings that the template escapes; no markup is ever built from post text.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    signals: tuple[str, ...] = ()  # empty: not evidence

    @property
    def is_evidence(self) -> bool:
        return bool(self.signals)


def runs(text: str, evidence: Iterable[Mapping[str, Any]]) -> list[Run]:
    """`text` cut at every evidence boundary; overlapping spans merge their signal names."""
    clamp = lambda offset: min(len(text), max(0, int(offset)))  # noqa: E731
    spans = [(clamp(e["start"]), clamp(e["end"]), str(e["signal"])) for e in evidence]
    spans = [(start, end, signal) for start, end, signal in spans if start < end]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out: list[Run] = []
    for start, end in itertools.pairwise(cuts):
        if start >= end:
            continue
        signals = tuple(sorted({sig for s, e, sig in spans if s <= start and end <= e}))
        out.append(Run(text[start:end], signals))
    return out
