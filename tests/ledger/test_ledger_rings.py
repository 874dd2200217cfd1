"""The ledger meets the rings: transfers exported as shipments join the ring of the ad that
prints their phone, and a rings file used as R12's watchlist flags those transfers."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from ledger_helpers import event, history, recorded_at
from typer.testing import CliRunner

from redline.cli import app
from redline.ledger.ledger import Ledger
from redline.ledger.watchlist import read_watchlist, watch_keys, watched

runner = CliRunner()
AD_PHONE = "+8613800138000"
"""The phone the ads print; the ledger writes the same number as 138-0013-8000."""


def cli(*args: Any) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def _transfer(transfer_id: str, specimen: str, contacts: list[str], waybill: str) -> Any:
    payload = {
        "transfer_id": transfer_id,
        "items": [{"specimen_id": specimen, "quantity": "5"}],
        "destination_country": "HK",
        "cross_border": True,
        "recipient": "Lab HK",
        "carrier": "SF Express",
        "waybill": waybill,
        "customs_declaration": f"CD-{transfer_id}",
        "contacts": contacts,
    }
    return event("TRANSFER_DISPATCHED", payload, day=5)


@pytest.fixture()
def ledger_db(tmp_path: Path) -> Path:
    """Two specimens sent abroad: T1 to the ad's phone (written the ledger's way), T2 elsewhere."""
    path = tmp_path / "ledger.db"
    events = [
        *history(2),
        _transfer("T1", "S0", ["138-0013-8000", "wx:courier01"], "SF1234567890"),
        _transfer("T2", "S1", ["+86 139 1234 5678"], "SF999"),
    ]
    ledger = Ledger.open(path)
    report = ledger.append(events, ts_of=recorded_at)
    assert not report.rejects, report.rejects
    ledger.engine.dispose()
    return path


def _link_inputs(folder: Path) -> tuple[Path, Path]:
    """Two ads (hand-written decisions, no model) sharing the phone AD_PHONE."""
    ads = [
        ("ad1", "alice", "香港验血查男女 电话 138 0013 8000"),
        ("ad2", "bob", "抽血寄香港 13800138000"),
    ]
    posts = folder / "posts.jsonl"
    verdicts = folder / "verdicts.jsonl"
    posts.write_text(
        "".join(
            json.dumps({"id": i, "text": t, "author": a, "platform": "weibo"}, ensure_ascii=False)
            + "\n"
            for i, a, t in ads
        ),
        encoding="utf-8",
    )
    verdicts.write_text(
        "".join(
            json.dumps(
                {
                    "id": i,
                    "verdict": "violating",
                    "score": 0.9,
                    "rules": [],
                    "clauses": [],
                    "evidence": [],
                    "entities": [{"type": "phone", "value": AD_PHONE}],
                }
            )
            + "\n"
            for i, _, _ in ads
        ),
        encoding="utf-8",
    )
    return posts, verdicts


def test_exported_transfers_join_the_ring_and_the_ring_fires_r12(
    ledger_db: Path, tmp_path: Path
) -> None:
    shipments = tmp_path / "shipments.csv"
    code, output = cli("ledger", "shipments", ledger_db, "-o", shipments)
    assert code == 0, output
    rows = list(csv.DictReader(shipments.open(encoding="utf-8")))
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) == {"ledger:T1", "ledger:T2"}
    t1 = by_id["ledger:T1"]
    assert t1["recipient_phone"] == AD_PHONE  # E.164, the linker's normalisation
    assert (t1["carrier"], t1["destination"]) == ("SF Express", "HK")
    assert "SF1234567890" in t1["description"] and "CD-T1" in t1["description"]

    posts, verdicts = _link_inputs(tmp_path)
    out = tmp_path / "linked"
    code, output = cli(
        "link", posts, "--verdicts", verdicts, "--shipments", shipments, "-o", out,
        "--store", tmp_path / "rings.db", "--max-reports", "0",
    )  # fmt: skip
    assert code == 0, output
    rings = [json.loads(line) for line in (out / "rings.jsonl").read_text().splitlines()]
    (ring,) = [r for r in rings if "ad1" in r["post_ids"]]
    assert sorted(ring["post_ids"]) == ["ad1", "ad2"]
    assert ring["shipment_ids"] == ["ledger:T1"]  # T2's phone is in no ad

    code, output = cli(
        "ledger", "findings", ledger_db, "--json", "--no-verify",
        "--watchlist", out / "rings.jsonl",
    )  # fmt: skip
    assert code == 0, output
    findings = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    r12 = [f for f in findings if f["rule_id"] == "R12"]
    assert len(r12) == 1 and "transfer:T1" in r12[0]["entities"]
    assert "138-0013-8000" in r12[0]["message"]

    code, output = cli("ledger", "findings", ledger_db, "--json", "--no-verify")
    assert code == 0, output
    without = {json.loads(line)["rule_id"] for line in output.splitlines() if line.startswith("{")}
    assert without == {f["rule_id"] for f in findings} - {"R12"}  # the rest as before


def test_watchlists_compare_phones_in_e164_and_other_values_as_written(
    ledger_db: Path, tmp_path: Path
) -> None:
    plain = tmp_path / "watch.txt"
    plain.write_text("+86 138 0013 8000\n\nWX:Courier01\n", encoding="utf-8")
    ring = {"ring_id": "ring-1", "entities": [{"type": "phone", "value": "+85251234567"}]}
    rings = tmp_path / "rings.jsonl"
    rings.write_text(json.dumps(ring) + "\n", encoding="utf-8")
    watch = frozenset(
        k for path in (plain, rings) for v in read_watchlist(path) for k in watch_keys(v)
    )
    assert watched("138-0013-8000", watch)
    assert watched("(852) 5123 4567", watch)
    assert watched("wx: courier01", watch)
    assert not watched("139-0013-8000", watch)
    assert not watched("13800138000", watch, phone=False)  # a waybill is never read as a phone

    broken = tmp_path / "broken.jsonl"
    broken.write_text("+8613800138000\n{not json\n", encoding="utf-8")
    code, output = cli("ledger", "findings", ledger_db, "--no-verify", "--watchlist", broken)
    assert code == 2
    assert "line 2: not a ring" in " ".join(output.split())


def _rewrite_findings(packet: Path, change: Any) -> None:
    """Tamper as a careful forger would: change a finding and re-hash the manifest to match."""
    import hashlib
    import zipfile

    with zipfile.ZipFile(packet) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    lines = [json.loads(line) for line in files["ledger/findings.jsonl"].splitlines()]
    change(lines[0])
    files["ledger/findings.jsonl"] = "".join(json.dumps(x) + "\n" for x in lines).encode()
    manifest = json.loads(files["manifest.json"])
    data = files["ledger/findings.jsonl"]
    manifest["files"]["ledger/findings.jsonl"] = {
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
    }
    files["manifest.json"] = json.dumps(manifest).encode()
    digest = hashlib.sha256(files["manifest.json"]).hexdigest()
    files["manifest.sha256"] = f"{digest}  manifest.json\n".encode()
    with zipfile.ZipFile(packet, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)


def test_a_ring_packet_carries_ledger_findings_with_their_proofs(
    ledger_db: Path, tmp_path: Path
) -> None:
    shipments, out, store = tmp_path / "s.csv", tmp_path / "linked", tmp_path / "rings.db"
    assert cli("ledger", "shipments", ledger_db, "-o", shipments)[0] == 0
    posts, verdicts = _link_inputs(tmp_path)
    code, output = cli(
        "link", posts, "--verdicts", verdicts, "--shipments", shipments, "-o", out,
        "--store", store, "--max-reports", "0",
    )  # fmt: skip
    assert code == 0, output
    ring_id = json.loads((out / "rings.jsonl").read_text().splitlines()[0])["ring_id"]
    assert cli("ledger", "keygen", tmp_path / "operator.key")[0] == 0
    code, output = cli("ledger", "checkpoint", ledger_db, "--key", tmp_path / "operator.key")
    assert code == 0, output
    evidence = tmp_path / "evidence.jsonl"
    code, output = cli(
        "ledger", "findings", ledger_db, "--json", "--no-verify",
        "--watchlist", out / "rings.jsonl", "--evidence", evidence,
    )  # fmt: skip
    assert code == 0, output

    packet = tmp_path / "ring.zip"
    code, output = cli("packet", ring_id, "-o", packet, "--store", store, "--findings", evidence)
    assert code == 0, output
    code, output = cli("verify", packet)
    assert code == 0 and "ledger findings: every entry proved" in output, output

    def forge(finding: dict[str, Any]) -> None:
        entry = finding["entries"][0]["entry"]
        entry["payload"] = entry["payload"][:-1] + ',"forged":true}'  # canonical JSON text

    _rewrite_findings(packet, forge)
    code, output = cli("verify", packet)
    assert code == 1 and "finding does not check" in output, output


def test_a_packet_refuses_findings_that_do_not_check(ledger_db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"finding": {}, "checkpoint": {}, "entries": []}\n', encoding="utf-8")
    code, output = cli("packet", "ring-000001", "-o", tmp_path / "p.zip", "--findings", bad)
    assert code == 2 and "bad.jsonl:1" in output, output
    assert not (tmp_path / "p.zip").exists()
