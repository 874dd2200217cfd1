"""The projected state: the entities of LEDGER.md's data model, with the dated facts the rules
judge (activities on specimens, quantities drawn beyond what was there, inventory counts, entries
recorded late, actors acting before registration).

Dataclasses with slots: a projection of millions of events holds millions of these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

ZERO = Decimal(0)
LATE_SECONDS = 86_400
"""Entries recorded more than a day after their event time are kept for R13 to judge; the
configured backdating bound is in whole days, so it never needs the ones recorded sooner."""


@dataclass(slots=True)
class Institution:
    id: str
    name: str
    foreign_status: str
    registered_at: datetime
    seq: int
    actors: list[str]
    contacts: list[str]
    address: str | None
    credit_code: str | None
    province: str | None
    control_history: list[tuple[datetime, str, int]] = field(default_factory=list)

    def status_at(self, when: datetime) -> tuple[str, int]:
        """Foreign status in force at `when`, and the seq that set it."""
        status, seq = self.foreign_status, self.seq
        for changed_at, new_status, change_seq in self.control_history:
            if changed_at <= when:
                status, seq = new_status, change_seq
        return status, seq


@dataclass(slots=True)
class Permit:
    id: str
    kind: str
    issuer: str
    holders: list[str]
    hgr_types: list[str]
    valid_from: datetime
    valid_to: datetime
    seq: int
    granted_at: datetime
    foreign_partner: str | None = None
    project_id: str | None = None
    max_persons: int | None = None
    max_specimens: dict[str, Decimal] = field(default_factory=dict)
    sites: list[str] = field(default_factory=list)
    purpose: str | None = None
    content: str | None = None
    supersedes: str | None = None
    revoked_at: datetime | None = None
    revoked_seq: int | None = None
    changes: list[tuple[datetime, dict[str, Any], int]] = field(default_factory=list)

    def valid_at(self, when: datetime) -> bool:
        revoked = self.revoked_at is not None and self.revoked_at <= when
        return self.valid_from <= when < self.valid_to and not revoked


@dataclass(slots=True)
class Filing:
    id: str
    kind: str
    inst_id: str
    filed_at: datetime
    seq: int
    project_id: str | None
    asset_id: str | None
    recipient: str | None
    backup_ref: str | None
    security_review: str
    review_outcome: str | None = None
    review_at: datetime | None = None
    review_seq: int | None = None


@dataclass(slots=True)
class Ethics:
    id: str
    project_id: str
    country: str
    valid_from: datetime
    valid_to: datetime
    seq: int


@dataclass(slots=True)
class Project:
    id: str
    category: str
    inst_id: str
    parties: list[str]
    countries: list[str]
    start: datetime
    seq: int
    end: datetime | None = None
    foreign_partner: str | None = None
    planned_persons: int | None = None
    linked_projects: list[str] = field(default_factory=list)
    purpose: str | None = None
    content: str | None = None
    changes: list[tuple[datetime, dict[str, Any], int]] = field(default_factory=list)


@dataclass(slots=True)
class Participant:
    id: str
    project_id: str
    id_hash: str
    pedigree: bool
    specific_region: bool
    seq: int


@dataclass(slots=True)
class Consent:
    id: str
    participant_id: str
    project_id: str
    scope: list[str]
    written: bool
    signed_at: datetime
    seq: int
    withdrawn_at: datetime | None = None
    withdrawn_seq: int | None = None


@dataclass(slots=True)
class Specimen:
    id: str
    lineage: str
    type: str
    quantity: Decimal
    unit: str
    holder: str
    created_at: datetime
    seq: int
    primary_id: str
    parent_ids: list[str] = field(default_factory=list)
    participant_ids: list[str] = field(default_factory=list)
    project_id: str | None = None
    consent_ids: list[str] = field(default_factory=list)
    location: str | None = None
    site: str | None = None
    status: str = "available"
    remaining: Decimal = ZERO
    in_transit: Decimal = ZERO
    exported: Decimal = ZERO
    distributed: Decimal = ZERO
    used: Decimal = ZERO
    destroyed: Decimal = ZERO
    to_children: Decimal = ZERO


@dataclass(slots=True)
class Transfer:
    id: str
    from_inst: str
    items: dict[str, Decimal]
    destination_country: str
    cross_border: bool
    dispatched_at: datetime
    seq: int
    to_inst: str | None = None
    recipient: str | None = None
    purpose: str | None = None
    project_id: str | None = None
    export_permit: str | None = None
    customs_declaration: str | None = None
    carrier: str | None = None
    waybill: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    contacts: list[str] = field(default_factory=list)
    received: dict[str, Decimal] | None = None
    received_at: datetime | None = None
    received_seq: int | None = None
    cleared_permit: str | None = None
    cleared_at: datetime | None = None
    cleared_seq: int | None = None


@dataclass(slots=True)
class DataAsset:
    id: str
    inst_id: str
    specimen_ids: list[str]
    data_type: str
    persons: int
    generated_at: datetime
    seq: int
    project_id: str | None = None
    backups: list[tuple[datetime, str, int]] = field(default_factory=list)


@dataclass(slots=True)
class DataRelease:
    id: str
    inst_id: str
    asset_id: str
    recipient: str
    recipient_foreign: bool
    released_at: datetime
    seq: int
    recipient_country: str | None = None
    filing_id: str | None = None
    project_id: str | None = None


@dataclass(slots=True)
class Report:
    id: str
    kind: str
    inst_id: str
    submitted_at: datetime
    seq: int
    year: int | None = None
    permit_id: str | None = None
    project_id: str | None = None
    figures: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Activity:
    """One dated thing done to specimens, for the rules that ask "was it allowed then?"."""

    kind: str  # collect, store, move, aliquot, derive, pool, use, destroy, dispatch, receive
    seq: int
    at: datetime
    inst_id: str
    specimen_ids: tuple[str, ...]
    project_id: str | None = None
    site: str | None = None
    platform: bool = False


@dataclass(frozen=True, slots=True)
class Overdraw:
    """A quantity taken from a specimen beyond what it held (R9)."""

    specimen_id: str
    seq: int
    wanted: Decimal
    available: Decimal
    what: str


@dataclass(frozen=True, slots=True)
class Count:
    """An inventory count and what the ledger said the specimen held at that moment."""

    specimen_id: str
    seq: int
    counted: Decimal
    expected: Decimal


@dataclass(frozen=True, slots=True)
class ActorIssue:
    """An entry by an institution not yet registered at its event time, or by an actor the
    institution never registered (R13)."""

    seq: int
    inst_id: str
    actor_id: str
    kind: str  # before_registration | unregistered_actor
    registration_seq: int


@dataclass(slots=True)
class State:
    institutions: dict[str, Institution] = field(default_factory=dict)
    permits: dict[str, Permit] = field(default_factory=dict)
    filings: dict[str, Filing] = field(default_factory=dict)
    ethics: dict[str, Ethics] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    participants: dict[str, Participant] = field(default_factory=dict)
    consents: dict[str, Consent] = field(default_factory=dict)
    specimens: dict[str, Specimen] = field(default_factory=dict)
    transfers: dict[str, Transfer] = field(default_factory=dict)
    assets: dict[str, DataAsset] = field(default_factory=dict)
    releases: dict[str, DataRelease] = field(default_factory=dict)
    reports: dict[str, Report] = field(default_factory=dict)
    activities: list[Activity] = field(default_factory=list)
    overdraws: list[Overdraw] = field(default_factory=list)
    counts: list[Count] = field(default_factory=list)
    late_entries: list[tuple[int, str, int]] = field(default_factory=list)
    """(seq, institution, seconds) of entries recorded over `LATE_SECONDS` after their event
    time: the candidates for backdating (R13), kept apart so the state stays small."""
    actor_issues: list[ActorIssue] = field(default_factory=list)
    corrections: dict[int, list[int]] = field(default_factory=dict)
    voided: set[int] = field(default_factory=set)
    last_event_time: datetime | None = None
    size: int = 0

    def with_corrections(self, seqs: Iterable[int]) -> list[int]:
        """Evidence seqs plus the corrections that changed them, sorted and unique."""
        found = set(seqs)
        for seq in list(found):
            found.update(self.corrections.get(seq, ()))
        return sorted(found)

    def to_dict(self) -> dict[str, Any]:
        """The entities as plain JSON-able data (datetimes and decimals as strings)."""
        names = (
            "institutions",
            "permits",
            "filings",
            "ethics",
            "projects",
            "participants",
            "consents",
            "specimens",
            "transfers",
            "assets",
            "releases",
            "reports",
        )
        return {
            name: {k: _plain(asdict(v)) for k, v in getattr(self, name).items()} for name in names
        } | {"size": self.size}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, Decimal):
        return str(value)
    return value
