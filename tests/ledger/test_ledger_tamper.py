"""Tampering with the stored ledger is detected and located, on SQLite and PostgreSQL.

Each test plays a dishonest operator: drop the append-only triggers, then change, delete,
reorder or insert entries, or rewrite history and re-sign the checkpoints.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from ledger_helpers import OPERATOR_KEY, history, recorded_at

from redline.ledger import storage
from redline.ledger.entry import GENESIS_HASH, Entry
from redline.ledger.ledger import Ledger
from redline.ledger.sources import ExportSource, export
from redline.ledger.verify import verify

SIZE = 3 + 3 * 4  # registration, project, ethics, then 4 x (enrol, consent, collect)


@pytest.fixture()
def ledger(db_url: str) -> Ledger:
    opened = Ledger.open(db_url)
    report = opened.append(history(4), ts_of=recorded_at)
    assert not report.rejects and len(report.appended) == SIZE
    opened.checkpoint(OPERATOR_KEY, "test", "2025-02-01T00:00:00Z")
    return opened


def _rows(ledger: Ledger) -> list[Entry]:
    return list(ledger.entries())


def _tamper(ledger: Ledger, *statements: tuple[str, dict]) -> None:
    storage.drop_append_only_triggers(ledger.engine)
    with ledger.engine.begin() as connection:
        for sql, params in statements:
            connection.execute(sa.text(sql), params)


def test_an_honest_ledger_verifies(ledger: Ledger) -> None:
    report = verify(ledger)
    assert report.ok, report.issues
    assert report.tree_size == SIZE and report.checkpoints_checked == 1


def test_updates_and_deletes_are_refused_by_the_database(ledger: Ledger) -> None:
    for sql in (
        "UPDATE ledger_entries SET inst_id = 'X' WHERE seq = 1",
        "DELETE FROM ledger_entries WHERE seq = 1",
    ):
        with pytest.raises(sa.exc.DBAPIError), ledger.engine.begin() as connection:
            connection.execute(sa.text(sql))
    assert verify(ledger).ok


def test_a_changed_payload_is_named(ledger: Ledger) -> None:
    _tamper(
        ledger,
        (
            "UPDATE ledger_entries SET payload = REPLACE(payload, '\"5\"', '\"50\"') WHERE seq = 8",
            {},
        ),
    )
    report = verify(ledger)
    assert not report.ok and report.first_bad_seq == 8
    assert {(i.kind, i.seq) for i in report.issues} == {("payload", 8), ("signature", 8)}


def test_a_changed_entry_with_recomputed_hashes_breaks_the_chain_after_it(ledger: Ledger) -> None:
    original = ledger.entry(8)
    assert original is not None
    forged = Entry.chain(
        _submission(original, payload=original.payload.replace('"5"', '"50"')),
        8,
        original.ts,
        original.prev_hash,
    )
    _tamper(
        ledger,
        (
            "UPDATE ledger_entries SET payload = :p, payload_hash = :ph, "
            "entry_hash = :eh WHERE seq = 8",
            {"p": forged.payload, "ph": forged.payload_hash, "eh": forged.entry_hash},
        ),
    )
    report = verify(ledger)
    assert report.first_bad_seq == 8  # the actor's signature no longer matches
    kinds = {(i.kind, i.seq) for i in report.issues}
    assert ("signature", 8) in kinds and ("chain", 9) in kinds


def _submission(entry: Entry, *, payload: str):
    import orjson

    from redline.ledger.entry import Submission

    return Submission(
        entry.event_type,
        entry.inst_id,
        entry.actor_id,
        entry.event_time,
        orjson.loads(payload),
        entry.signature,
    )


def test_a_deleted_entry_is_a_gap(ledger: Ledger) -> None:
    _tamper(ledger, ("DELETE FROM ledger_entries WHERE seq = 5", {}))
    report = verify(ledger)
    assert report.first_bad_seq == 5
    assert any(i.kind == "gap" and "5..5" in i.message for i in report.issues)


def test_deleted_last_entries_fall_short_of_the_checkpoint(ledger: Ledger) -> None:
    _tamper(ledger, ("DELETE FROM ledger_entries WHERE seq >= :n", {"n": SIZE - 2}))
    report = verify(ledger)
    assert report.first_bad_seq == SIZE - 2
    assert any(i.kind == "truncated" for i in report.issues)


def test_reordered_entries_are_named(ledger: Ledger) -> None:
    a, b = ledger.entry(6), ledger.entry(7)
    assert a is not None and b is not None
    storage.drop_append_only_triggers(ledger.engine)
    with ledger.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM ledger_entries WHERE seq IN (6, 7)"))
        connection.execute(
            storage.entries.insert(), [_row_of(b) | {"seq": 6}, _row_of(a) | {"seq": 7}]
        )
    report = verify(ledger)
    assert report.first_bad_seq == 6
    assert {i.seq for i in report.issues if i.kind == "entry_hash"} == {6, 7}


def _row_of(entry: Entry) -> dict:
    return {
        "seq": entry.seq,
        "ts": entry.ts,
        "event_time": entry.event_time,
        "inst_id": entry.inst_id,
        "actor_id": entry.actor_id,
        "event_type": entry.event_type,
        "payload": entry.payload,
        "payload_hash": entry.payload_hash,
        "prev_hash": entry.prev_hash,
        "entry_hash": entry.entry_hash,
        "signature": entry.signature,
    }


def test_an_inserted_entry_is_named(ledger: Ledger) -> None:
    rows = _rows(ledger)
    storage.drop_append_only_triggers(ledger.engine)
    with ledger.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM ledger_entries WHERE seq >= 4"))
        shifted = [_row_of(e) | {"seq": e.seq + 1} for e in rows[4:]]
        inserted = _row_of(rows[3]) | {"seq": 4}  # a copy of entry 3 slipped in at 4
        connection.execute(storage.entries.insert(), [inserted, *shifted])
    report = verify(ledger)
    assert report.first_bad_seq == 4


def test_history_rewritten_and_resigned_is_caught_by_an_earlier_export(
    ledger: Ledger, tmp_path: Path
) -> None:
    export(ledger, tmp_path / "sent-to-regulator")
    trusted = ExportSource(tmp_path / "sent-to-regulator").checkpoints()
    _rewrite_from(ledger, 5)
    assert verify(ledger).ok  # internally consistent: the operator re-chained and re-signed
    report = verify(ledger, trusted_checkpoints=trusted)
    assert not report.ok
    assert any(i.kind == "rewritten" for i in report.issues)


def test_history_rewritten_is_located_from_the_verified_state(ledger: Ledger) -> None:
    first = verify(ledger)
    assert first.state is not None
    _rewrite_from(ledger, 5)
    report = verify(ledger, state=first.state)
    assert not report.ok
    rewritten = [i for i in report.issues if i.kind == "rewritten"]
    assert rewritten and rewritten[0].seq is not None and rewritten[0].seq <= 5
    assert "differ from the verified state" in rewritten[0].message


def _rewrite_from(ledger: Ledger, seq: int) -> None:
    """Change entry `seq`'s recorded time, re-chain everything after, re-sign the checkpoint."""
    rows = _rows(ledger)
    prev = rows[seq - 1].entry_hash if seq else GENESIS_HASH
    rebuilt = []
    for entry in rows[seq:]:
        ts = entry.ts.replace("T10:00:00", "T09:59:59") if entry.seq == seq else entry.ts
        new = Entry.chain(_submission(entry, payload=entry.payload), entry.seq, ts, prev)
        rebuilt.append(new)
        prev = new.entry_hash
    storage.drop_append_only_triggers(ledger.engine)
    with ledger.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM ledger_entries WHERE seq >= :s"), {"s": seq})
        connection.execute(sa.text("DELETE FROM ledger_checkpoints"))
        storage.insert_entries(connection, rebuilt)
    fresh = Ledger(ledger.engine)
    fresh.checkpoint(OPERATOR_KEY, "test", "2025-02-01T00:00:00Z")


def test_incremental_verification_reads_only_new_entries(ledger: Ledger) -> None:
    first = verify(ledger)
    assert first.state is not None
    more = history(6)[-3:]  # one more person: enrol, consent, collect (ids X5, C5, S5)
    assert not ledger.append(more, ts_of=recorded_at).rejects
    ledger.checkpoint(OPERATOR_KEY, "test", "2025-02-02T00:00:00Z")
    report = verify(ledger, state=first.state)
    assert report.ok, report.issues
    assert report.start == SIZE and report.entries_checked == 3
    assert report.root_hash == verify(ledger).root_hash


def test_an_export_verifies_offline_and_a_forged_checkpoint_does_not(
    ledger: Ledger, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    assert export(ledger, folder) == (SIZE, 1)
    assert verify(ExportSource(folder)).ok
    lines = (folder / "checkpoints.jsonl").read_text().replace('"tree_size":15', '"tree_size":14')
    (folder / "checkpoints.jsonl").write_text(lines)
    report = verify(ExportSource(folder))
    assert any(i.kind == "checkpoint_signature" for i in report.issues)


def test_a_checkpoint_policy_signs_only_when_due(ledger: Ledger) -> None:
    assert not ledger.checkpoint_due(every_entries=1, every_minutes=None)
    assert not ledger.append(history(5)[-3:], ts_of=recorded_at).rejects
    assert not ledger.checkpoint_due(every_entries=4, every_minutes=None)
    assert ledger.checkpoint_due(every_entries=3, every_minutes=None)
    assert ledger.checkpoint_due(every_entries=None, every_minutes=60)  # the last is from 2025


def test_entries_deleted_below_the_verified_state_are_named(ledger: Ledger) -> None:
    first = verify(ledger)
    assert first.state is not None
    _tamper(
        ledger,
        ("DELETE FROM ledger_entries WHERE seq >= 12", {}),
        ("DELETE FROM ledger_checkpoints", {}),
    )
    report = verify(ledger, state=first.state)
    assert report.first_bad_seq == SIZE - 1 and report.issues[0].kind == "truncated"


def test_a_checkpoint_signed_by_another_key_is_caught(ledger: Ledger) -> None:
    from ledger_helpers import fixed_key

    assert not ledger.append(history(5)[-3:], ts_of=recorded_at).rejects
    ledger.checkpoint(fixed_key("impostor"), "test", "2025-02-03T00:00:00Z")
    assert any(i.kind == "checkpoint_key" for i in verify(ledger).issues)
    pinned = verify(ledger, trusted_key=OPERATOR_KEY.public_key())
    assert [i.kind for i in pinned.issues] == ["checkpoint_signature"]
