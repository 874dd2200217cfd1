"""What every rule shares: the finding it reports and the context it reads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from redline.ledger.config import LedgerConfig
from redline.ledger.state import Consent, Permit, Project, State
from redline.ledger.verify import Issue


@dataclass(frozen=True)
class Finding:
    """A rule that fired: which, how serious, under what law, about what, and proved by what."""

    rule_id: str
    severity: str
    legal_basis: str
    entities: tuple[str, ...]
    evidence_seqs: tuple[int, ...]
    message: str
    inst_id: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "legal_basis": self.legal_basis,
            "entities": list(self.entities),
            "evidence_seqs": list(self.evidence_seqs),
            "message": self.message,
            "inst_id": self.inst_id,
        }

    def sort_key(self) -> tuple[int, tuple[int, ...], tuple[str, ...]]:
        return int(self.rule_id[1:]), self.evidence_seqs, self.entities


@dataclass
class Context:
    state: State
    config: LedgerConfig
    as_of: datetime
    issues: list[Issue] = field(default_factory=list)
    _groups: dict[str, frozenset[str]] | None = None
    _consents: dict[tuple[str, str], list[Consent]] | None = None

    def finding(
        self,
        rule_id: str,
        inst_id: str | None,
        message: str,
        entities: Iterable[str],
        seqs: Iterable[int],
    ) -> Finding:
        info = self.config.rules[rule_id]
        return Finding(
            rule_id,
            info.severity,
            info.legal_basis,
            tuple(sorted(set(entities))),
            tuple(self.state.with_corrections(seqs)),
            message,
            inst_id,
        )

    # --- lookups the rules share -------------------------------------------------------------

    def project_group(self, project_id: str | None) -> frozenset[str]:
        """A project and every project linked to it (directly or not): splitting shows here."""
        if project_id is None:
            return frozenset()
        if self._groups is None:
            self._groups = _link_groups(self.state.projects)
        return self._groups.get(project_id, frozenset({project_id}))

    def consents_for(self, participant_id: str, project_id: str | None) -> list[Consent]:
        if self._consents is None:
            index: dict[tuple[str, str], list[Consent]] = defaultdict(list)
            for consent in self.state.consents.values():
                index[consent.participant_id, consent.project_id].append(consent)
            self._consents = dict(index)
        return self._consents.get((participant_id, project_id or ""), [])

    def permits(
        self,
        kind: str,
        *,
        project_ids: frozenset[str] | None = None,
        holder: str | None = None,
        granted_by: datetime | None = None,
    ) -> list[Permit]:
        """Permits of `kind` for one of `project_ids` and/or held by `holder`, granted by a time."""
        found = []
        for permit in self.state.permits.values():
            if permit.kind != kind:
                continue
            if project_ids is not None and permit.project_id not in project_ids:
                continue
            if holder is not None and holder not in permit.holders:
                continue
            if granted_by is not None and permit.granted_at > granted_by:
                continue
            found.append(permit)
        return found

    def is_outside_mainland(self, country: str, cross_border: bool) -> bool:
        return cross_border or country.upper() not in self.config.mainland

    def project(self, project_id: str | None) -> Project | None:
        return self.state.projects.get(project_id) if project_id else None


def _link_groups(projects: dict[str, Project]) -> dict[str, frozenset[str]]:
    parent = {pid: pid for pid in projects}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pid, project in projects.items():
        for other in project.linked_projects:
            parent[find(other)] = find(pid)
    members: dict[str, set[str]] = defaultdict(set)
    for pid in list(parent):
        members[find(pid)].add(pid)
    return {pid: frozenset(members[find(pid)]) for pid in parent}
