"""`redline ledger ...` end to end: keys, import with rejects, checkpoint, verify, export,
proofs, findings and reports."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from ledger_helpers import history
from typer.testing import CliRunner

from redline.cli import app
from redline.ledger import keys

runner = CliRunner()


def ledger_cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["ledger", *args])
    return result.exit_code, result.output


@pytest.fixture()
def work(tmp_path: Path) -> Path:
    assert ledger_cli("keygen", str(tmp_path / "operator.key"))[0] == 0
    return tmp_path


def _write_events(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _signed_lines(n: int) -> list[str]:
    return [json.dumps(sub.to_dict()) for sub in history(n)]


def test_keygen_refuses_to_overwrite_and_writes_a_loadable_pair(work: Path) -> None:
    code, output = ledger_cli("keygen", str(work / "operator.key"))
    assert code == 2 and "exists" in output
    private = keys.load_private(work / "operator.key")
    public = keys.load_public(work / "operator.key.pub")
    assert keys.public_b64(private) == keys.public_b64(public)
    assert (work / "operator.key").stat().st_mode & 0o077 == 0


def test_import_sets_bad_lines_aside_with_their_numbers(work: Path) -> None:
    lines = _signed_lines(1)
    lines.insert(2, "{broken")
    lines.insert(
        4,
        json.dumps(
            {
                "event_type": "SPECIMEN_USED",
                "inst_id": "H1",
                "actor_id": "a1",
                "event_time": "2025-01-04T00:00:00Z",
                "payload": {"specimen_id": "S404", "quantity": "1"},
            }
        ),
    )
    events = work / "events.jsonl"
    _write_events(events, lines)
    db = str(work / "ledger.db")
    code, output = ledger_cli(
        "import", db, str(events), "--checkpoint-key", str(work / "operator.key")
    )
    assert code == 3
    assert "read 8, appended 6, rejected 2" in output
    rejects = [json.loads(x) for x in (work / "events.rejects.jsonl").read_text().splitlines()]
    assert [(r["line"], r["source"]) for r in rejects] == [(3, str(events)), (5, str(events))]
    assert rejects[0]["reason"].startswith("not JSON")
    assert "missing `signature`" in rejects[1]["reason"]
    code, output = ledger_cli("verify", db, "--key", str(work / "operator.key.pub"))
    assert code == 0 and "1 checkpoints matched" in output


def test_all_or_nothing_import_writes_nothing(work: Path) -> None:
    lines = [*_signed_lines(1), "{broken"]
    events = work / "events.jsonl"
    _write_events(events, lines)
    db = work / "ledger.db"
    code, output = ledger_cli("import", str(db), str(events), "--all-or-nothing")
    assert code == 3 and "nothing written" in output
    code, output = ledger_cli("verify", str(db), "--json")
    assert code == 0 and json.loads(output)["tree_size"] == 0


def test_csv_import_signs_with_the_institution_key(work: Path) -> None:
    from ledger_helpers import INST_KEY

    key_path = work / "inst.key"
    keys.save_private(INST_KEY, key_path)
    events = work / "events.csv"
    with events.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["event_type", "inst_id", "actor_id", "event_time", "payload"])
        for sub in history(1):
            writer.writerow(
                [sub.event_type, sub.inst_id, sub.actor_id, sub.event_time, json.dumps(sub.payload)]
            )
        writer.writerow(["SPECIMEN_USED", "H1", "a1", "2025-01-05T00:00:00Z", "{not json"])
    code, output = ledger_cli("import", str(work / "l.db"), str(events), "--key", str(key_path))
    assert code == 3 and "appended 6, rejected 1" in output
    reject = json.loads((work / "events.rejects.jsonl").read_text())
    assert reject["line"] == 8 and "payload" in reject["reason"]


def test_record_export_verify_tamper_and_proofs(work: Path) -> None:
    db = str(work / "ledger.db")
    events = work / "events.jsonl"
    _write_events(events, _signed_lines(2))
    assert ledger_cli("import", db, str(events))[0] == 0
    from ledger_helpers import INST_KEY

    keys.save_private(INST_KEY, work / "inst.key")
    used = {
        "event_type": "SPECIMEN_USED",
        "inst_id": "H1",
        "actor_id": "a1",
        "event_time": "2025-01-05T09:00:00Z",
        "payload": {"specimen_id": "S0", "quantity": "1"},
    }
    code, output = ledger_cli("record", db, json.dumps(used), "--key", str(work / "inst.key"))
    assert code == 0 and json.loads(output)["seq"] == 9
    code, output = ledger_cli("checkpoint", db, "--key", str(work / "operator.key"))
    assert code == 0 and json.loads(output)["tree_size"] == 10
    code, receipt = ledger_cli("proof", db, "4")
    (work / "receipt.json").write_text(receipt)
    code, output = ledger_cli(
        "check-proof", str(work / "receipt.json"), "--key", str(work / "operator.key.pub")
    )
    assert code == 0 and "inclusion: ok" in output
    assert ledger_cli("export", db, str(work / "export"))[0] == 0
    assert (
        ledger_cli("verify", str(work / "export"), "--key", str(work / "operator.key.pub"))[0] == 0
    )
    entries = work / "export" / "entries.jsonl"
    lines = entries.read_text().splitlines()
    forged = lines[5].replace('\\"quantity\\":\\"5\\"', '\\"quantity\\":\\"9\\"')
    assert forged != lines[5]
    lines[5] = forged
    entries.write_text("\n".join(lines) + "\n")
    code, output = ledger_cli("verify", str(work / "export"), "--json")
    assert code == 1 and json.loads(output)["first_bad_seq"] == 5


def test_findings_json_and_reports(work: Path) -> None:
    db = str(work / "ledger.db")
    events = work / "events.jsonl"
    lines = _signed_lines(1)
    del lines[4]  # the consent: the collection now has none (R2)
    _write_events(events, lines)
    assert ledger_cli("import", db, str(events))[0] == 0
    code, output = ledger_cli("findings", db, "--json")
    findings = [json.loads(line) for line in output.splitlines()]
    assert code == 0 and {f["rule_id"] for f in findings} == {"R2", "R13"}
    # events dated 2025 recorded today are backdated beyond the configured bound (R13)
    assert all("backdated" in f["message"] for f in findings if f["rule_id"] == "R13")
    assert set(findings[0]) >= {"rule_id", "severity", "legal_basis", "entities", "evidence_seqs"}
    code, output = ledger_cli("findings", db)
    assert code == 0 and "R2" in output and f"{len(findings)} findings" in output
    code, output = ledger_cli("report", db, "--institution", "H1", "-o", str(work / "r.html"))
    page = (work / "r.html").read_text()
    assert code == 0 and "R2" in page and "Reg. 12, 39" in page and "SPECIMEN_COLLECTED" in page
    code, output = ledger_cli("report", db, "--annual", "2025")
    assert code == 0 and json.loads(output)["institutions"]["H1"]["collected"] == 1
    assert ledger_cli("report", db, "--institution", "nobody")[0] == 2
    code, output = ledger_cli("report", db, "--annual", "2025", "--as-of", "2025-06-01")
    assert code == 2 and "do not apply" in " ".join(output.split())  # not silently ignored


def test_findings_go_out_as_evidence_packets_with_checkable_proofs(work: Path) -> None:
    from redline.ledger.evidence import check_packet

    db = str(work / "ledger.db")
    events = work / "events.jsonl"
    lines = _signed_lines(2)
    del lines[4]  # no consent for the first collection (R2)
    _write_events(events, lines)
    assert (
        ledger_cli("import", db, str(events), "--checkpoint-key", str(work / "operator.key"))[0]
        == 0
    )
    packets_path = work / "packets.jsonl"
    code, _ = ledger_cli("findings", db, "--json", "--evidence", str(packets_path))
    packets = [json.loads(line) for line in packets_path.read_text().splitlines()]
    assert code == 0 and packets and all(check_packet(p) == [] for p in packets)
    forged = packets[0]
    forged["entries"][0]["entry"]["payload"] = forged["entries"][0]["entry"]["payload"].replace(
        "S0", "S9"
    )
    assert check_packet(forged)


def test_rejects_that_cannot_be_written_next_to_the_input_go_to_stderr(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The events are committed before the rejects file is written: if that fails (a read-only
    folder; as root a permission cannot show it, hence the patch) the rejects are not lost."""
    from redline.run import writer as writer_module

    real = writer_module.RejectOutput

    def read_only_folder(path: str | None, **kwargs: object) -> object:
        if path is not None:
            raise OSError(30, "Read-only file system", path)
        return real(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(writer_module, "RejectOutput", read_only_folder)
    lines = _signed_lines(1)
    lines.insert(2, "{broken")
    events = work / "events.jsonl"
    _write_events(events, lines)
    code, output = ledger_cli("import", str(work / "ledger.db"), str(events))
    assert code == 3 and "appended 6, rejected 1" in output
    assert "cannot write the rejects file" in output and '"line":3' in output.replace(" ", "")
    assert not (work / "events.rejects.jsonl").exists()
