"""`redline link`, `redline packet`, `redline verify`, run in-process through Typer."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from redline.cli import app

OP_A = [
    (
        "a1",
        "alice",
        "weibo",
        "香港验血查男女，已帮助近10000位宝妈，加V: HKBaby_2026",
        "2026-01-03",
        [("wechat", "hkbaby_2026"), ("price", "CNY 3800")],
    ),
    (
        "a2",
        "alice",
        "weibo",
        "验血包出结果，电话138-0013-8000",
        "2026-01-09",
        [("phone", "+8613800138000"), ("price", "CNY 4200")],
    ),
    (
        "a3",
        "bob",
        "douyin",
        "抽血寄香港，微信 hkbaby_2026",
        "2026-02-01",
        [("wechat", "hkbaby_2026")],
    ),
]
OP_B = [
    (
        "b1",
        "carol",
        "xiaohongshu",
        "Gender test from 7 weeks, WhatsApp +91 98765 43210",
        "2026-03-01",
        [("phone", "+919876543210"), ("price", "INR 15000")],
    ),
    (
        "b2",
        "dave",
        "facebook",
        "Boy or girl? +91 98765 43210",
        "2026-03-05",
        [("phone", "+919876543210")],
    ),
]


def _write_inputs(folder: Path) -> dict[str, Path]:
    posts, verdicts = [], []
    for post_id, author, platform, text, date, entities in OP_A + OP_B:
        posts.append(
            {
                "id": post_id,
                "text": text,
                "author": author,
                "platform": platform,
                "created_at": date,
            }
        )
        verdicts.append(
            {
                "id": post_id,
                "verdict": "violating",
                "score": 0.9,
                "rules": [],
                "clauses": [],
                "evidence": [{"start": 0, "end": 2, "text": "x", "signal": "sexid.service"}],
                "entities": [{"type": t, "value": v} for t, v in entities],
            }
        )
    posts.append({"id": "n1", "text": "天气很好", "author": "eve", "platform": "weibo"})
    verdicts.append({"id": "n1", "verdict": "allow", "entities": []})
    posts_path = folder / "posts.jsonl"
    lines = [json.dumps(p, ensure_ascii=False) for p in posts] + ["{broken", '{"id": "x"}']
    posts_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    verdicts_path = folder / "verdicts.jsonl"
    verdicts_path.write_text("\n".join(json.dumps(v) for v in verdicts) + "\n", encoding="utf-8")
    shipments = folder / "seizures.csv"
    shipments.write_text(
        "id,kind,sender_phone,recipient_phone,date,origin,destination,description\n"
        "s1,seizure,86 138 0013 8000,,2026-02-10,深圳,香港,茶叶\n"
        "s2,waybill,nonsense,,2026-02-11,a,b,c\n"
        "s3,waybill,13900000000,,2026-02-12,a,b,c\n",
        encoding="utf-8",
    )
    return {"posts": posts_path, "verdicts": verdicts_path, "shipments": shipments}


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("link")
    inputs = _write_inputs(folder)
    out = folder / "out"
    result = _invoke(
        "link",
        inputs["posts"],
        "--verdicts",
        inputs["verdicts"],
        "--shipments",
        inputs["shipments"],
        "-o",
        out,
    )
    assert result.exit_code == 3, result.output  # some records were rejected
    return out


def _rings(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "rings.jsonl").read_text().splitlines()]


def test_rings_group_posts_by_shared_accounts_and_contacts(linked: Path) -> None:
    rings = {tuple(sorted(r["post_ids"])): r for r in _rings(linked)}
    assert set(rings) == {("a1", "a2", "a3"), ("b1", "b2")}
    ring_a = rings[("a1", "a2", "a3")]
    assert ring_a["shipment_ids"] == ["s1"]
    assert sorted(ring_a["accounts"]) == ["douyin:bob", "weibo:alice"]
    assert {"type": "wechat", "value": "hkbaby_2026"} in ring_a["entities"]
    assert {"type": "price", "value": "CNY 3800"} not in ring_a["entities"]
    kinds = {(link["kind"], link["value"]) for link in ring_a["links"]}
    assert ("entity", "hkbaby_2026") in kinds and ("account", "weibo:alice") in kinds


def test_counts_add_up_and_rejects_name_their_lines(linked: Path) -> None:
    summary = json.loads((linked / "summary.json").read_text())
    assert summary["read"] == summary["posts"] + summary["shipments"] + summary["rejected"]
    assert (summary["posts"], summary["shipments"], summary["rejected"]) == (6, 2, 3)
    rejects = [json.loads(line) for line in (linked / "rejects.jsonl").read_text().splitlines()]
    lines = {(Path(r["source"]).name, r["line"]) for r in rejects}
    assert lines == {("posts.jsonl", 7), ("posts.jsonl", 8), ("seizures.csv", 3)}
    assert any("not a phone number" in r["reason"] for r in rejects)


def test_reports_and_index_are_written(linked: Path) -> None:
    ring_a = next(r for r in _rings(linked) if "a1" in r["post_ids"])
    report = json.loads((linked / "rings" / f"{ring_a['ring_id']}.json").read_text())
    assert report["counts"]["posts"] == 3 and report["counts"]["shipments"] == 1
    assert report["first_seen"] == "2026-01-03" and report["last_seen"] == "2026-02-10"
    assert report["scale"]["customers"] == {"low": 1000, "high": 10000}
    assert report["scale"]["revenue"] == {"currency": "CNY", "low": 3_800_000, "high": 42_000_000}
    index = (linked / "index.html").read_text()
    assert f'href="rings/{ring_a["ring_id"]}.html"' in index


def test_packet_round_trip_and_tampering(linked: Path, tmp_path: Path) -> None:
    ring_id = next(r for r in _rings(linked) if "a1" in r["post_ids"])["ring_id"]
    packet = tmp_path / "p.zip"
    result = _invoke("packet", ring_id, "-o", packet, "--store", linked / "rings.db")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(packet) as archive:
        names = set(archive.namelist())
        posts = [json.loads(x) for x in archive.read("posts.jsonl").decode().splitlines()]
    assert {
        "posts.jsonl",
        "decisions.jsonl",
        "graph.png",
        "report.html",
        "manifest.json",
        "manifest.sha256",
    } <= names
    assert {p["id"] for p in posts} == {"a1", "a2", "a3"}
    assert posts[0]["text"].startswith("香港验血")
    assert _invoke("verify", packet).exit_code == 0

    tampered = tmp_path / "t.zip"
    with zipfile.ZipFile(packet) as src, zipfile.ZipFile(tampered, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "posts.jsonl":
                data = data.replace(b"138", b"139")
            if name != "graph.json":
                dst.writestr(name, data)
        dst.writestr("extra.txt", b"hello")
    result = _invoke("verify", tampered)
    assert result.exit_code == 1
    assert "changed: posts.jsonl" in result.output
    assert "removed: graph.json" in result.output and "added: extra.txt" in result.output

    mangled = tmp_path / "m.zip"  # a manifest entry that is no longer an object
    with zipfile.ZipFile(packet) as src, zipfile.ZipFile(mangled, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "manifest.json":
                manifest = json.loads(data)
                manifest["files"]["posts.jsonl"] = "trust me"
                data = json.dumps(manifest).encode()
            dst.writestr(name, data)
    result = _invoke("verify", mangled)
    assert result.exit_code == 1 and "changed: posts.jsonl" in result.output


def test_unknown_ring_and_missing_store_are_usage_errors(linked: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.zip"
    unknown = _invoke("packet", "ring-999999", "-o", out, "--store", linked / "rings.db")
    assert unknown.exit_code == 2 and "no ring 'ring-999999'" in unknown.output
    missing = _invoke("packet", "ring-000001", "-o", out, "--store", tmp_path / "no.db")
    assert missing.exit_code == 2 and "no ring store at" in missing.output
    assert not (tmp_path / "no.db").exists() and not out.exists()  # nothing created


def test_second_batch_merges_into_the_store(linked: Path, tmp_path: Path) -> None:
    ring_a = next(r for r in _rings(linked) if "a1" in r["post_ids"])
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({"id": "a4", "text": "加微信hkbaby_2026", "author": "zed"}) + "\n")
    verdicts = tmp_path / "v.jsonl"
    verdicts.write_text(
        json.dumps(
            {
                "id": "a4",
                "verdict": "review",
                "entities": [{"type": "wechat", "value": "HKBABY_2026"}],
            }
        )
    )
    out = tmp_path / "out2"
    store = tmp_path / "copy.db"
    shutil.copy(linked / "rings.db", store)
    result = _invoke("link", more, "--verdicts", verdicts, "-o", out, "--store", store)
    assert result.exit_code == 0, result.output
    grown = next(r for r in _rings(out) if "a4" in r["post_ids"])
    assert grown["ring_id"] == ring_a["ring_id"]
    events = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    assert [e["kind"] for e in events] == ["grew"]


def test_link_screens_posts_itself(tiny_model_path: Path, tmp_path: Path) -> None:
    posts = tmp_path / "posts.jsonl"
    rows = [
        {"id": "p1", "text": "香港验血查男女，加微信：hkbb0521 预约", "author": "a"},
        {"id": "p2", "text": "抽血寄香港测男女，包准，微信 hkbb0521", "author": "b"},
        {"id": "p3", "text": "今天天气真好，我们去公园散步吧", "author": "c"},
    ]
    posts.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    out = tmp_path / "out"
    result = _invoke("link", posts, "-o", out, "--model", tiny_model_path)
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["read"] == summary["posts"] == 3 and summary["flagged"] == 2
    assert [sorted(r["post_ids"]) for r in _rings(out)] == [["p1", "p2"]]


def test_posts_without_a_verdict_or_with_huge_ids_are_set_aside(tmp_path: Path) -> None:
    posts = tmp_path / "posts.jsonl"
    rows = [{"id": "p1", "text": "a", "author": "u"}, {"id": "p2", "text": "b", "author": "u"},
            {"id": "x" * 600, "text": "c"}, {"id": "p3", "text": "d"}]  # fmt: skip
    posts.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    verdicts = tmp_path / "v.jsonl"
    lines = [{"id": i, "verdict": "violating", "entities": []} for i in ("p1", "p2", "x" * 600)]
    verdicts.write_text("\n".join(json.dumps(v) for v in lines) + "\nnot json\n")
    out = tmp_path / "out"
    result = _invoke("link", posts, "--verdicts", verdicts, "-o", out)
    assert result.exit_code == 3
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["read"], summary["posts"], summary["rejected"]) == (4, 2, 2)
    assert summary["verdict_rejects"] == 1
    reasons = [json.loads(x)["reason"] for x in (out / "rejects.jsonl").read_text().splitlines()]
    assert any(r.startswith("verdicts: ") for r in reasons)
    assert "no verdict for id 'p3'" in reasons and any("longer than 512" in r for r in reasons)
    assert [sorted(r["post_ids"]) for r in _rings(out)] == [["p1", "p2"]]


def test_link_refuses_a_file_for_its_output_folder_and_unused_options(
    linked: Path, tmp_path: Path
) -> None:
    inputs = _write_inputs(tmp_path)
    a_file = tmp_path / "afile"
    a_file.write_text("keep", encoding="utf-8")
    result = _invoke("link", inputs["posts"], "--verdicts", inputs["verdicts"], "-o", a_file)
    assert result.exit_code == 2 and "is a file" in " ".join(result.output.split())
    assert a_file.read_text(encoding="utf-8") == "keep"
    result = _invoke(
        "link", inputs["posts"], "--verdicts", inputs["verdicts"], "--pack", "cn",
        "-o", tmp_path / "out",
    )  # fmt: skip
    assert result.exit_code == 2 and "are unused" in " ".join(result.output.split())
