"""What a loaded policy pack is: its clauses, signal categories, rules, exemptions and examples,
all checked (`redline.policy.loader`) before anything uses them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from redline.types import Clause, Verdict

ENTITY_CATEGORIES = frozenset(
    {
        "contact",
        "contact.phone",
        "contact.wechat",
        "contact.qq",
        "contact.telegram",
        "contact.line",
        "contact.url",
        "contact.email",
        "price",
        "claim",
        "claim.weeks",
        "claim.accuracy",
    }
)
"""Categories the built-in entity recognisers emit; every pack's rules may test them."""

EXPECTATIONS = frozenset({"violating", "review", "flagged", "allow"})


class PackError(ValueError):
    """A pack failed to load; `str()` reads `path:line: message`."""

    def __init__(self, message: str, path: str, line: int | None = None) -> None:
        self.message, self.path, self.line = message, path, line
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True, slots=True)
class SignalSpec:
    """One category of terms in a pack."""

    category: str
    description: str
    topic: bool
    pinyin: bool
    terms: tuple[str, ...]
    codewords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Condition:
    """A compiled `when` expression plus what it refers to, for checking and explaining."""

    source: str
    code: Any
    categories: frozenset[str]
    exemptions: frozenset[str]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    verdict: Verdict
    when: Condition
    clauses: tuple[str, ...]
    description: str
    line: int | None


@dataclass(frozen=True, slots=True)
class Exemption:
    id: str
    when: Condition
    description: str
    line: int | None


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    expect: str
    note: str
    line: int | None


@dataclass(frozen=True, slots=True)
class Pack:
    """A loaded, checked policy pack."""

    id: str
    name: str
    jurisdiction: str
    languages: tuple[str, ...]
    version: str
    clauses: Mapping[str, Clause]
    signals: Mapping[str, SignalSpec]
    homophones: Mapping[str, tuple[str, ...]]
    initials_min: int
    substitutes: Mapping[str, tuple[str, ...]]
    rules: tuple[Rule, ...]
    exemptions: Mapping[str, Exemption]
    examples: tuple[Example, ...]
    path: str = ""

    def knows(self, name: str) -> bool:
        """Whether `has(name)` could ever be true: a category, a family, or an entity type."""
        if name in ENTITY_CATEGORIES or name in self.signals:
            return True
        return any(cat.startswith(name + ".") for cat in self.signals)
