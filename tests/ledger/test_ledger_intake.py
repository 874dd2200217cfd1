"""Bad input is refused with its reason, and a failed batch writes nothing (both backends)."""

from __future__ import annotations

import hashlib

import pytest
from ledger_helpers import event, fixed_key, history, recorded_at, registration

from redline.ledger import storage
from redline.ledger.entry import Submission
from redline.ledger.intake import IntakeError, parse_submission
from redline.ledger.ledger import Ledger

ID_HASH = hashlib.sha256(b"someone").hexdigest()


@pytest.fixture()
def ledger(db_url: str) -> Ledger:
    opened = Ledger.open(db_url)
    assert not opened.append(history(1), ts_of=recorded_at).rejects
    return opened


def _enrol(participant: str, project: str = "P1", **extra: object) -> dict:
    return {"participant_id": participant, "project_id": project, "id_hash": ID_HASH, **extra}


@pytest.mark.parametrize(
    ("submission", "reason"),
    [
        (event("PARTICIPANT_ENROLLED", _enrol("X9", "P404")), "unknown project 'P404'"),
        (event("SPECIMEN_USED", {"specimen_id": "S404", "quantity": "1"}), "unknown specimen"),
        (event("PARTICIPANT_ENROLLED", _enrol("X0")), "participant 'X0' already exists"),
        (
            event("PARTICIPANT_ENROLLED", _enrol("X9"), key=fixed_key("someone else")),
            "bad signature",
        ),
        (event("PARTICIPANT_ENROLLED", _enrol("X9"), inst="H404"), "unknown institution"),
        (
            Submission("PARTICIPANT_ENROLLED", "H1", "a1", "2025-01-05T09:00:00Z", _enrol("X9")),
            "missing `signature`",
        ),
        (event("CORRECTION", {"corrects_seq": 999, "reason": "typo"}), "names no entry"),
    ],
)
def test_events_naming_unknown_things_or_badly_signed_are_refused(
    ledger: Ledger, submission: Submission, reason: str
) -> None:
    before = ledger.size()
    report = ledger.append([submission])
    assert not report.appended and len(report.rejects) == 1
    assert reason in report.rejects[0].reason
    assert ledger.size() == before


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ([], "not a JSON object"),
        ({"event_type": "SPECIMEN_USED"}, "missing `inst_id`"),
        (
            {
                "event_type": "NOPE",
                "inst_id": "H1",
                "actor_id": "a",
                "event_time": "2025-01-01T00:00:00Z",
                "payload": {},
            },
            "unknown event_type",
        ),
        (
            {
                "event_type": "SPECIMEN_USED",
                "inst_id": "H1",
                "actor_id": "a",
                "event_time": "2025-01-01",
                "payload": {},
            },
            "event_time",
        ),
        (
            {
                "event_type": "SPECIMEN_USED",
                "inst_id": "H1",
                "actor_id": "a",
                "event_time": "2025-01-01T00:00:00Z",
                "payload": {"specimen_id": "S0", "quantity": 1.5},
            },
            "decimal string",
        ),
        (
            {
                "event_type": "SPECIMEN_USED",
                "inst_id": "H1",
                "actor_id": "a",
                "event_time": "2025-01-01T00:00:00Z",
                "payload": {"specimen_id": "S0", "quantity": "1", "colour": "red"},
            },
            "unknown field 'colour'",
        ),
        (
            {
                "event_type": "PARTICIPANT_ENROLLED",
                "inst_id": "H1",
                "actor_id": "a",
                "event_time": "2025-01-01T00:00:00Z",
                "payload": _enrol("X9", name="Zhang San"),
            },
            "pseudonymous",
        ),
        (
            {
                "event_type": "PARTICIPANT_ENROLLED",
                "inst_id": "H1",
                "actor_id": "a",
                "event_time": "2025-01-01T00:00:00Z",
                "payload": _enrol("X9", id_hash="110101199001011234"),
            },
            "never a raw id",
        ),
    ],
)
def test_broken_schemas_are_refused_with_the_field_named(record: object, reason: str) -> None:
    with pytest.raises(IntakeError, match=reason.replace("(", r"\(")):
        parse_submission(record)


@pytest.mark.parametrize(
    ("submission", "field"),
    [
        (event("PARTICIPANT_ENROLLED", _enrol("X\u00009"), day=5), "`payload.participant_id`"),
        (event("SPECIMEN_USED", {"specimen_id": "S0", "quantity": "1"}, actor="a\u00001"),
         "`actor_id`"),
        (event("CORRECTION", {"corrects_seq": 1, "reason": "a typo\u0000"}), "`payload.reason`"),
    ],
)  # fmt: skip
def test_a_nul_anywhere_in_an_event_is_refused_naming_the_field(
    ledger: Ledger, submission: Submission, field: str
) -> None:
    """PostgreSQL stores no NUL: the event is refused before anything is written, on SQLite as
    well, and the batch goes on past it (it was a database error that failed the batch)."""
    before = ledger.size()
    good = event("SPECIMEN_USED", {"specimen_id": "S0", "quantity": "1"}, day=5)
    report = ledger.append([(1, submission), (2, good)], source="nul.jsonl")
    assert [r.line for r in report.rejects] == [1]
    assert report.rejects[0].reason.startswith(f"{field} holds a NUL character")
    assert ledger.size() == before + 1


def test_a_batch_keeps_going_past_bad_events_and_counts_add_up(ledger: Ledger) -> None:
    good = event("SPECIMEN_USED", {"specimen_id": "S0", "quantity": "1"}, day=5)
    bad = event("SPECIMEN_USED", {"specimen_id": "S404", "quantity": "1"}, day=5)
    report = ledger.append([(1, good), (2, bad), (3, good)], source="batch.jsonl")
    assert [r.line for r in report.rejects] == [2]
    assert report.rejects[0].source == "batch.jsonl"
    assert len(report.appended) == 2 and report.balanced


def test_all_or_nothing_writes_nothing_when_one_event_is_bad(ledger: Ledger) -> None:
    before = ledger.size()
    good = event("SPECIMEN_USED", {"specimen_id": "S0", "quantity": "1"}, day=5)
    bad = event("SPECIMEN_USED", {"specimen_id": "S404", "quantity": "1"}, day=5)
    report = ledger.append([good, bad], all_or_nothing=True)
    assert not report.appended and len(report.rejects) == 1
    assert ledger.size() == before


def test_a_database_failure_mid_batch_leaves_nothing_half_written(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = ledger.size()

    def fail(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(storage, "insert_entities", fail)
    enrol = event("PARTICIPANT_ENROLLED", _enrol("X7"), day=5)
    with pytest.raises(RuntimeError):
        ledger.append([event("SPECIMEN_USED", {"specimen_id": "S0", "quantity": "1"}), enrol])
    monkeypatch.undo()
    assert ledger.size() == before
    assert not ledger.append([enrol]).rejects  # X7 was never half-declared


def test_later_events_may_refer_to_entities_declared_earlier_in_the_same_batch(
    db_url: str,
) -> None:
    fresh = Ledger.open(db_url)
    report = fresh.append(history(2))
    assert not report.rejects and fresh.size() == 3 + 6


def test_a_correction_replaces_a_payload_but_cannot_change_its_ids(ledger: Ledger) -> None:
    collected = next(e for e in ledger.entries() if e.event_type == "SPECIMEN_COLLECTED")
    fixed = dict(collected.payload_dict(), quantity="4")
    ok = event("CORRECTION", {"corrects_seq": collected.seq, "reason": "typo", "payload": fixed})
    renamed = dict(fixed, specimen_id="S-other")
    bad = event("CORRECTION", {"corrects_seq": collected.seq, "reason": "x", "payload": renamed})
    other = registration("H2", fixed_key("H2"))
    foreign = event(
        "CORRECTION", {"corrects_seq": collected.seq, "reason": "x"}, inst="H2", key=fixed_key("H2")
    )
    report = ledger.append([ok, bad, other, foreign])
    assert [r.line for r in report.rejects] == [2, 4]
    assert "cannot change the ids" in report.rejects[0].reason
    assert "belongs to 'H1'" in report.rejects[1].reason


def test_a_correction_may_name_an_entry_of_the_same_batch(ledger: Ledger) -> None:
    size = ledger.size()
    count = event("INVENTORY_COUNTED", {"specimen_id": "S0", "quantity": "4"}, day=6)
    fix = event(
        "CORRECTION",
        {"corrects_seq": size, "reason": "typo", "payload": {"specimen_id": "S0", "quantity": "5"}},
        day=6,
    )
    report = ledger.append([count, fix], keep_entries=False)
    assert not report.rejects and report.written == 2 and not report.appended
    assert (report.first_seq, report.last_seq) == (size, size + 1)
