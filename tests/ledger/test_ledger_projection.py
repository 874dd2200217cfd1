"""The projection: rebuilt from the ledger, deterministic, corrections applied, counts kept."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ledger_helpers import event, history, recorded_at

from redline.ledger.analysis import project_source
from redline.ledger.ledger import Ledger
from redline.ledger.rules import evaluate
from redline.ledger.sources import ExportSource, export


def _ledger(tmp_path: Path) -> Ledger:
    ledger = Ledger.open(tmp_path / "ledger.db")
    assert not ledger.append(history(3), ts_of=recorded_at).rejects
    return ledger


def test_projection_is_the_same_from_the_database_and_from_an_export(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    export(ledger, tmp_path / "export")
    from_db = project_source(ledger).to_dict()
    assert from_db == project_source(ledger).to_dict()
    assert from_db == project_source(ExportSource(tmp_path / "export")).to_dict()
    assert set(from_db["specimens"]) == {"S0", "S1", "S2"}


def test_quantities_follow_aliquots_use_and_transfer(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    events = [
        event(
            "SPECIMEN_ALIQUOTED",
            {
                "parent_id": "S0",
                "children": [
                    {"specimen_id": "S0a", "quantity": "2"},
                    {"specimen_id": "S0b", "quantity": "1.5"},
                ],
            },
            day=4,
        ),
        event("SPECIMEN_USED", {"specimen_id": "S0a", "quantity": "0.5"}, day=5),
        event("SPECIMEN_DESTROYED", {"specimen_id": "S0b"}, day=6),
    ]
    assert not ledger.append(events, ts_of=recorded_at).rejects
    state = project_source(ledger)
    parent, a, b = (state.specimens[s] for s in ("S0", "S0a", "S0b"))
    assert parent.remaining == Decimal("1.5") and parent.to_children == Decimal("3.5")
    assert a.primary_id == "S0" and a.lineage == "aliquot" and a.remaining == Decimal("1.5")
    assert b.status == "destroyed" and b.destroyed == Decimal("1.5")
    assert not state.overdraws


def test_a_correction_changes_the_state_and_is_cited_as_evidence(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    count = event("INVENTORY_COUNTED", {"specimen_id": "S1", "quantity": "4"}, day=7)
    report = ledger.append([count], ts_of=recorded_at)
    count_seq = report.appended[0].seq
    state = project_source(ledger)
    assert [f.rule_id for f in evaluate(state, rules=["R9"])] == ["R9"]
    fix = event(
        "CORRECTION",
        {
            "corrects_seq": count_seq,
            "reason": "miscounted",
            "payload": {"specimen_id": "S1", "quantity": "5"},
        },
        day=8,
    )
    fix_seq = ledger.append([fix], ts_of=recorded_at).appended[0].seq
    assert not evaluate(project_source(ledger), rules=["R9"])
    assert state_corrections(ledger)[count_seq] == [fix_seq]
    collected = next(e for e in ledger.entries() if e.payload_dict().get("specimen_id") == "S1")
    smaller = dict(collected.payload_dict(), quantity="3")
    fix_collection = event(
        "CORRECTION", {"corrects_seq": collected.seq, "reason": "3 ml", "payload": smaller}, day=9
    )
    fix_collection_seq = ledger.append([fix_collection], ts_of=recorded_at).appended[0].seq
    findings = evaluate(project_source(ledger), rules=["R9"])
    assert len(findings) == 1
    assert {collected.seq, fix_collection_seq} <= set(findings[0].evidence_seqs)


def state_corrections(ledger: Ledger) -> dict[int, list[int]]:
    return project_source(ledger).corrections


def test_a_voided_entry_no_longer_counts(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    assert not evaluate(project_source(ledger), rules=["R11"])
    void = event("CORRECTION", {"corrects_seq": 2, "reason": "entered in error"}, day=9)
    assert not ledger.append([void], ts_of=recorded_at).rejects
    state = project_source(ledger)
    assert 2 in state.voided and state.ethics == {}
    assert [f.rule_id for f in evaluate(state, rules=["R11"])] == ["R11"]


def test_a_pool_draws_from_each_parent_and_carries_every_participant(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    pool = event(
        "SPECIMEN_POOLED",
        {
            "parents": [
                {"specimen_id": "S0", "quantity": "1"},
                {"specimen_id": "S1", "quantity": "2"},
            ],
            "specimen_id": "POOL",
            "type": "plasma",
            "quantity": "3",
            "unit": "ml",
        },
        day=5,
    )
    assert not ledger.append([pool], ts_of=recorded_at).rejects
    state = project_source(ledger)
    pooled = state.specimens["POOL"]
    assert pooled.lineage == "pool" and pooled.parent_ids == ["S0", "S1"]
    assert pooled.participant_ids == ["X0", "X1"]
    assert (state.specimens["S0"].remaining, state.specimens["S1"].remaining) == (4, 3)
