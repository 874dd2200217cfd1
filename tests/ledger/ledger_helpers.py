"""Ledger test helpers (imported by the tests): deterministic keys and small valid histories."""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from redline.ledger import keys
from redline.ledger.entry import Submission


def fixed_key(name: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(name.encode()).digest())


INST = "H1"
INST_KEY = fixed_key("institution H1")
OPERATOR_KEY = fixed_key("ledger operator")


def event(
    event_type: str,
    payload: dict,
    *,
    day: int = 1,
    inst: str = INST,
    key: Ed25519PrivateKey = INST_KEY,
    actor: str = "a1",
) -> Submission:
    when = f"2025-01-{day:02d}T09:00:00Z"
    return Submission(event_type, inst, actor, when, payload).signed_by(key)


def registration(inst: str = INST, key: Ed25519PrivateKey = INST_KEY) -> Submission:
    payload = {
        "name": f"Hospital {inst}",
        "foreign_status": "chinese",
        "public_key": keys.public_b64(key),
        "actors": ["a1"],
    }
    return event("INSTITUTION_REGISTERED", payload, inst=inst, key=key)


def history(n_specimens: int) -> list[Submission]:
    """A compliant history: institution, project, ethics, then one person per specimen."""
    events = [
        registration(),
        event(
            "PROJECT_REGISTERED",
            {
                "project_id": "P1",
                "category": "domestic_research",
                "parties": [INST],
                "start": "2025-01-01",
            },
        ),
        event(
            "ETHICS_APPROVED",
            {
                "approval_id": "E1",
                "project_id": "P1",
                "committee": "IRB",
                "country": "CN",
                "valid_from": "2024-01-01",
                "valid_to": "2026-12-31",
            },
        ),
    ]
    for n in range(n_specimens):
        id_hash = hashlib.sha256(f"person {n}".encode()).hexdigest()
        events += [
            event(
                "PARTICIPANT_ENROLLED",
                {"participant_id": f"X{n}", "project_id": "P1", "id_hash": id_hash},
                day=2,
            ),
            event(
                "CONSENT_SIGNED",
                {
                    "consent_id": f"C{n}",
                    "participant_id": f"X{n}",
                    "project_id": "P1",
                    "form_version": "1",
                    "scope": ["research"],
                    "written": True,
                    "signed_at": "2025-01-02T08:00:00Z",
                },
                day=2,
            ),
            event(
                "SPECIMEN_COLLECTED",
                {
                    "specimen_id": f"S{n}",
                    "participant_id": f"X{n}",
                    "project_id": "P1",
                    "type": "blood",
                    "quantity": "5",
                    "unit": "ml",
                },
                day=3,
            ),
        ]
    return events


def recorded_at(sub: Submission) -> str:
    """Recording time one hour after the event: no entry looks backdated."""
    return sub.event_time.replace("T09:", "T10:")
