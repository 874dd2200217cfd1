"""Seeded histories that break each rule by construction, and clean ones that look alike.

Every history lives in its own namespace (`h017.…` ids), so a finding belongs to exactly one
history, and each history declares the rules it must trigger (none for the look-alikes). The
benchmark `benchmarks/ledger_findings.py` and the tests score findings against these labels:
precision and recall per rule over (history, rule) pairs.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from redline.ledger.entry import Submission
from redline.ledger.scenario import cases_approvals, cases_people, cases_records  # noqa: F401
from redline.ledger.scenario.history import AS_OF, CASES, WATCHED_CONTACT, Case, History, iso

__all__ = ["CASES", "Case", "RuleScore", "Scenario", "generate", "history_of", "score"]


@dataclass(frozen=True)
class Scenario:
    """The submissions in recording order, when each was recorded, and the labels."""

    submissions: list[tuple[str, Submission]]
    expected: dict[str, frozenset[str]]
    cases: dict[str, str]
    watchlist: list[str]
    as_of: datetime = AS_OF

    def ts_of(self) -> Callable[[Submission], str]:
        """The recording time of each submission (identity of the object), for `Ledger.append`."""
        by_id = {id(sub): ts for ts, sub in self.submissions}
        return lambda sub: by_id[id(sub)]

    def records(self) -> Iterator[Submission]:
        return (sub for _, sub in self.submissions)


def generate(seed: int = 7, *, copies: int = 1, population: int = 3000) -> Scenario:
    """Every case `copies` times (shuffled, seeded), interleaved by recording time."""
    rng = random.Random(seed)
    order = [case for case in CASES for _ in range(copies)]
    rng.shuffle(order)
    timeline: list[tuple[datetime, int, int, Submission]] = []
    expected: dict[str, frozenset[str]] = {}
    names: dict[str, str] = {}
    for number, case in enumerate(order):
        history = History(f"h{number:03d}", seed, population)
        case.build(history)
        expected[history.hid] = case.expected
        names[history.hid] = case.name
        for index, (recorded, sub) in enumerate(history.events):
            timeline.append((recorded, number, index, sub))
    timeline.sort(key=lambda item: (item[0], item[1], item[2]))
    submissions = [(iso(recorded), sub) for recorded, _, _, sub in timeline]
    return Scenario(submissions, expected, names, [WATCHED_CONTACT])


def history_of(finding_entities: tuple[str, ...], inst_id: str | None) -> str | None:
    """The history a finding belongs to, from the namespace of the ids it names."""
    for value in ([inst_id] if inst_id else []) + [e.split(":", 1)[1] for e in finding_entities]:
        if value and value.startswith("h") and "." in value:
            return value.split(".", 1)[0].split("/", 1)[0]
    return None


@dataclass
class RuleScore:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0


def score(findings: Iterable[Any], scenario: Scenario) -> dict[str, RuleScore]:
    """Precision and recall per rule over (history, rule) pairs; unattributed findings count
    as false positives."""
    from redline.ledger.config import RULE_IDS

    fired: set[tuple[str | None, str]] = set()
    for finding in findings:
        fired.add((history_of(finding.entities, finding.inst_id), finding.rule_id))
    wanted = {(hid, rule) for hid, rules in scenario.expected.items() for rule in rules}
    scores = {rule: RuleScore() for rule in RULE_IDS}
    for hid, rule in fired:
        if (hid, rule) in wanted:
            scores[rule].true_positives += 1
        else:
            scores[rule].false_positives += 1
    for _hid, rule in wanted - fired:
        scores[rule].false_negatives += 1
    return scores
