"""Scenario cases about people and records of acts: consent (R2), withdrawal (R3), ethics
(R11) and ledger integrity (R13)."""

from __future__ import annotations

from typing import Any

from redline.ledger.scenario.cases_approvals import coop
from redline.ledger.scenario.history import History, case, iso

# --- R2 consent ------------------------------------------------------------------------------


def _consentcase(h: History, **consent: Any) -> None:
    inst = h.institution("inst")
    project = h.project("proj", inst)
    h.ethics(project, inst)
    participant = h.person("p1", project, inst, **consent)
    h.collect("s1", participant, project, inst)


case("r2_no_consent", "R2")(lambda h: _consentcase(h, consent=False))
case("r2_consent_after_collection", "R2")(lambda h: _consentcase(h, signed_day=5))
case("r2_consent_not_written", "R2")(lambda h: _consentcase(h, written=False))
case("r2_scope_lacks_research", "R2")(lambda h: _consentcase(h, scope=["storage"]))
case("clean_consent_same_day")(lambda h: _consentcase(h, signed_day=2.9))


# --- R3 use after withdrawal -----------------------------------------------------------------


def _withdrawal(h: History, withdraw_day: float) -> None:
    inst, _project, _participant, specimen = h.base()
    h.emit("SPECIMEN_USED", inst, {"specimen_id": specimen, "quantity": "1"}, 10)
    h.emit(
        "CONSENT_WITHDRAWN",
        inst,
        {"consent_id": h.id("c-p1"), "withdrawn_at": iso(h.day(withdraw_day))},
        max(withdraw_day, 11),
    )
    h.emit("SPECIMEN_DESTROYED", inst, {"specimen_id": specimen, "reason": "withdrawal"}, 30)


case("r3_used_after_withdrawal", "R3")(lambda h: _withdrawal(h, 5))
case("clean_withdrawn_after_use")(lambda h: _withdrawal(h, 15))


# --- R11 ethics ------------------------------------------------------------------------------


@case("r11_ethics_expired", "R11")
def _ethics_expired(h: History) -> None:
    inst = h.institution("inst")
    project = h.project("proj", inst)
    h.ethics(project, inst, valid_to="2025-01-02")
    participant = h.person("p1", project, inst)
    h.collect("s1", participant, project, inst, day=3)


case("r11_coop_ethics_only_in_china", "R11")(lambda h: coop(h, ethics_countries=("CN",)))
case("clean_coop_ethics_both_countries")(lambda h: coop(h))


# --- R13 integrity ---------------------------------------------------------------------------


@case("r13_backdated_entry", "R13")
def _backdated(h: History) -> None:
    inst, _project, _p, specimen = h.base()
    h.emit("SPECIMEN_USED", inst, {"specimen_id": specimen, "quantity": "1"}, 10, recorded_day=100)


@case("clean_recorded_ten_days_late")
def _late_but_fine(h: History) -> None:
    inst, _project, _p, specimen = h.base()
    h.emit("SPECIMEN_USED", inst, {"specimen_id": specimen, "quantity": "1"}, 10, recorded_day=20)


@case("r13_unregistered_actor", "R13")
def _ghost(h: History) -> None:
    inst, _project, _p, specimen = h.base()
    h.emit("SPECIMEN_USED", inst, {"specimen_id": specimen, "quantity": "1"}, 10, actor="ghost")


@case("r13_acts_before_registration", "R13")
def _before_registration(h: History) -> None:
    inst = h.institution("inst", day=10)
    h.emit(
        "PROJECT_REGISTERED",
        inst,
        {
            "project_id": h.id("proj"),
            "category": "domestic_research",
            "parties": [inst],
            "start": "2025-01-01",
        },
        5,
        recorded_day=10.5,
    )
