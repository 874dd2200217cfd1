"""Building blocks of the seeded scenario: a `History` (one namespace of ids, its institutions'
keys, its events with their recording times) and the registry of cases built from it.

Times are fixed (2025, judged as of 2025-12-31) and keys derive from the seed, so the same seed
gives the same ledger, byte for byte.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from redline.ledger import keys
from redline.ledger.entry import Submission

START = datetime(2025, 1, 1, 8, tzinfo=UTC)
AS_OF = datetime(2025, 12, 31, tzinfo=UTC)
WATCHED_CONTACT = "wx:hgr_courier_demo"
"""A made-up handle standing for one seen in detected ads; goes into the scenario's watchlist."""
ALL_SCOPES = [
    "research",
    "storage",
    "future_use",
    "domestic_transfer",
    "international",
    "data_sharing",
]


def iso(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


@dataclass
class History:
    """One institution's (or a few institutions') story, built event by event."""

    hid: str
    seed: int
    population: int
    events: list[tuple[datetime, Submission]] = field(default_factory=list)
    _keys: dict[str, Ed25519PrivateKey] = field(default_factory=dict)
    _tick: int = 0

    def id(self, name: str) -> str:
        return f"{self.hid}.{name}"

    def key(self, inst: str) -> Ed25519PrivateKey:
        if inst not in self._keys:
            secret = hashlib.sha256(f"{self.seed}:{inst}".encode()).digest()
            self._keys[inst] = Ed25519PrivateKey.from_private_bytes(secret)
        return self._keys[inst]

    def day(self, day: float) -> datetime:
        return START + timedelta(days=day)

    def emit(
        self,
        event_type: str,
        inst: str,
        payload: dict[str, Any],
        day: float,
        *,
        actor: str = "clerk",
        recorded_day: float | None = None,
    ) -> None:
        """One event at `day` (days after 1 Jan 2025), recorded an hour later unless told."""
        self._tick += 1
        when = self.day(day) + timedelta(seconds=self._tick)
        recorded = self.day(recorded_day) if recorded_day is not None else when
        recorded += timedelta(hours=1, seconds=self._tick)
        sub = Submission(event_type, inst, actor, iso(when), payload)
        self.events.append((recorded, sub.signed_by(self.key(inst))))

    # --- building blocks ---------------------------------------------------------------------

    def institution(
        self, name: str, status: str = "chinese", day: float = 0, contacts: list[str] | None = None
    ) -> str:
        inst = self.id(name)
        payload = {
            "name": f"Institution {inst}",
            "foreign_status": status,
            "province": "SH",
            "public_key": keys.public_b64(self.key(inst)),
            "actors": ["clerk"],
        }
        if contacts:
            payload["contacts"] = contacts
        self.emit("INSTITUTION_REGISTERED", inst, payload, day)
        return inst

    def project(
        self,
        name: str,
        inst: str,
        category: str = "domestic_research",
        day: float = 1,
        **extra: Any,
    ) -> str:
        pid = self.id(name)
        payload = {
            "project_id": pid,
            "category": category,
            "parties": [inst],
            "start": "2025-01-01",
            **extra,
        }
        self.emit("PROJECT_REGISTERED", inst, payload, day)
        return pid

    def ethics(
        self,
        project: str,
        inst: str,
        country: str = "CN",
        day: float = 1,
        valid_to: str = "2026-12-31",
    ) -> None:
        payload = {
            "approval_id": self.id(f"eth-{project[-4:]}-{country}-{self._tick}"),
            "project_id": project,
            "committee": "IRB",
            "country": country,
            "valid_from": "2024-06-01",
            "valid_to": valid_to,
        }
        self.emit("ETHICS_APPROVED", inst, payload, day)

    def permit(
        self,
        name: str,
        kind: str,
        holders: list[str],
        *,
        day: float = 1,
        types: list[str] | None = None,
        valid_from: str = "2025-01-01",
        valid_to: str = "2026-12-31",
        **extra: Any,
    ) -> str:
        permit_id = self.id(name)
        payload = {
            "permit_id": permit_id,
            "kind": kind,
            "issuer": "NHC",
            "holders": holders,
            "hgr_types": types or ["blood"],
            "valid_from": valid_from,
            "valid_to": valid_to,
            **extra,
        }
        self.emit("PERMIT_GRANTED", holders[0], payload, day)
        return permit_id

    def person(
        self,
        name: str,
        project: str,
        inst: str,
        day: float = 2,
        *,
        consent: bool = True,
        pedigree: bool = False,
        person_key: str | None = None,
        **consent_extra: Any,
    ) -> str:
        participant = self.id(name)
        key = person_key or f"{self.hid}:{name}"
        id_hash = hashlib.sha256(f"{self.seed}:{key}".encode()).hexdigest()
        payload = {"participant_id": participant, "project_id": project, "id_hash": id_hash}
        if pedigree:
            payload["pedigree"] = True
        self.emit("PARTICIPANT_ENROLLED", inst, payload, day)
        if consent:
            self.consent(participant, project, inst, day, **consent_extra)
        return participant

    def consent(
        self,
        participant: str,
        project: str,
        inst: str,
        day: float,
        *,
        signed_day: float | None = None,
        written: bool = True,
        scope: list[str] | None = None,
    ) -> str:
        consent_id = self.id(f"c-{participant.split('.')[-1]}")
        signed = self.day(signed_day if signed_day is not None else day)
        payload = {
            "consent_id": consent_id,
            "participant_id": participant,
            "project_id": project,
            "form_version": "v2",
            "scope": scope if scope is not None else ALL_SCOPES,
            "written": written,
            "signed_at": iso(signed),
        }
        self.emit("CONSENT_SIGNED", inst, payload, day)
        return consent_id

    def collect(
        self,
        name: str,
        participant: str,
        project: str,
        inst: str,
        day: float = 3,
        quantity: str = "5",
        **extra: Any,
    ) -> str:
        specimen = self.id(name)
        payload = {
            "specimen_id": specimen,
            "participant_id": participant,
            "project_id": project,
            "type": "blood",
            "quantity": quantity,
            "unit": "ml",
            "site": "main",
            **extra,
        }
        self.emit("SPECIMEN_COLLECTED", inst, payload, day)
        return specimen

    def base(
        self, category: str = "domestic_research", status: str = "chinese", **project_extra: Any
    ) -> tuple[str, str, str, str]:
        """Institution, project with ethics, one consenting participant, one specimen."""
        inst = self.institution("inst", status)
        project = self.project("proj", inst, category, **project_extra)
        self.ethics(project, inst)
        participant = self.person("p1", project, inst)
        specimen = self.collect("s1", participant, project, inst)
        return inst, project, participant, specimen

    def transfer(
        self,
        name: str,
        inst: str,
        items: dict[str, str],
        day: float,
        *,
        country: str = "CN",
        **extra: Any,
    ) -> str:
        transfer_id = self.id(name)
        payload = {
            "transfer_id": transfer_id,
            "destination_country": country,
            "cross_border": country != "CN",
            "items": [{"specimen_id": s, "quantity": q} for s, q in items.items()],
            **extra,
        }
        self.emit("TRANSFER_DISPATCHED", inst, payload, day)
        return transfer_id


Builder = Callable[[History], None]


@dataclass(frozen=True)
class Case:
    name: str
    expected: frozenset[str]
    build: Builder


def case(name: str, *expected: str) -> Callable[[Builder], Builder]:
    def register(build: Builder) -> Builder:
        CASES.append(Case(name, frozenset(expected), build))
        return build

    return register


CASES: list[Case] = []
