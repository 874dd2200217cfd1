"""Deciding: a scored `Doc` and the packs in, a `Decision` out, with the rules and clauses that
fired and the evidence mapped back to the original text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from redline.policy.pack import Condition, Pack, Rule
from redline.types import VERDICTS, Clause, Decision, Doc, Entity, Evidence, Signal, Verdict


class _Facts:
    """What one pack's rules can see of one document.

    Why totals by name: a pack's rules and exemptions ask for the same few categories dozens of
    times per document, so each signal is added once to its category and to every dotted
    ancestor (`sign.test` counts for `sign` too), and `count` is one lookup.
    """

    __slots__ = ("exempt_cache", "length", "namespace", "pack", "score", "totals")

    def __init__(self, pack: Pack, score: float, length: int, categories: Iterable[str]) -> None:
        self.pack, self.score, self.length = pack, score, length
        totals: dict[str, int] = {}
        for name in categories:
            while True:
                totals[name] = totals.get(name, 0) + 1
                cut = name.rfind(".")
                if cut < 0:
                    break
                name = name[:cut]
        self.totals = totals
        self.exempt_cache: dict[str, bool] = {}
        self.namespace = {
            "score": score,
            "length": length,
            "has": self.has,
            "count": self.count,
            "exempt": self.exempt,
        }

    def count(self, name: str) -> int:
        return self.totals.get(name, 0)

    def has(self, name: str) -> bool:
        return name in self.totals

    def exempt(self, name: str) -> bool:
        if name not in self.exempt_cache:
            self.exempt_cache[name] = False  # a cycle reads as "not exempt"
            self.exempt_cache[name] = bool(self.evaluate(self.pack.exemptions[name].when))
        return self.exempt_cache[name]

    def evaluate(self, when: Condition) -> Any:
        return eval(when.code, {"__builtins__": {}}, self.namespace)


def _facts_of(doc: Doc, pack: Pack) -> _Facts:
    categories = (s.category for s in doc.signals if s.pack in (None, pack.id))
    return _Facts(pack, doc.score, len(doc.text), categories)


def fired_rules(doc: Doc, pack: Pack) -> list[Rule]:
    """The rules of `pack` whose conditions hold for `doc`."""
    facts = _facts_of(doc, pack)
    return [rule for rule in pack.rules if facts.evaluate(rule.when)]


def holding_exemptions(doc: Doc, pack: Pack) -> list[str]:
    """The ids of `pack`'s exemptions that hold for `doc`, to explain why a rule did not fire."""
    facts = _facts_of(doc, pack)
    return [name for name in pack.exemptions if facts.exempt(name)]


def decide(doc: Doc, packs: Sequence[Pack]) -> Decision:
    """Apply every pack's rules; the strongest verdict wins and every fired rule is cited."""
    verdict: Verdict = "allow"
    rules: list[str] = []
    clauses: dict[tuple[str, str], Clause] = {}
    fired_packs: set[str] = set()
    for pack in packs:
        for rule in fired_rules(doc, pack):
            rules.append(rule.id)
            fired_packs.add(pack.id)
            if VERDICTS.index(rule.verdict) > VERDICTS.index(verdict):
                verdict = rule.verdict
            for clause_id in rule.clauses:
                clauses.setdefault((pack.id, clause_id), pack.clauses[clause_id])
    evidence = _evidence(doc, fired_packs) if rules else ()
    return Decision(
        id=doc.post.id,
        verdict=verdict,
        score=doc.score,
        rules=tuple(rules),
        clauses=tuple(clauses.values()),
        evidence=evidence,
        entities=entities_of(doc),
    )


def _evidence(doc: Doc, packs: set[str]) -> tuple[Evidence, ...]:
    """Spans that support a flag: the fired packs' non-frame terms, and every entity."""
    out: dict[tuple[int, int, str], Evidence] = {}
    for signal in sorted(doc.signals, key=lambda s: (s.start, s.end)):
        if signal.category.startswith("frame."):
            continue
        if not signal.entity and signal.pack not in packs:
            continue
        start, end = doc.norm.to_original(signal.start, signal.end)
        key = (start, end, signal.category)
        out.setdefault(key, Evidence(start, end, doc.post.text[start:end], signal.category))
    return tuple(out.values())


def entities_of(doc: Doc) -> tuple[Entity, ...]:
    """Entity signals, mapped to the original text, without duplicates."""
    out: dict[tuple[str, str, int, int], Entity] = {}
    for signal in _entity_signals(doc.signals):
        start, end = doc.norm.to_original(signal.start, signal.end)
        category = signal.category.removeprefix("contact.")
        out.setdefault(
            (category, signal.value, start, end), Entity(category, signal.value, start, end)
        )
    return tuple(out.values())


def _entity_signals(signals: Iterable[Signal]) -> list[Signal]:
    return sorted((s for s in signals if s.entity), key=lambda s: (s.start, s.end))
