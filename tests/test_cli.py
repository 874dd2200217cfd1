"""The `redline` command, run as users run it: a subprocess with files, stdin, stdout, exit codes.

Every run passes `--model` with the session's tiny scorer, so nothing depends on the shipped model;
expected decisions come from the same model loaded in this process.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from redline.pipeline import Pipeline
from redline.policy import builtin_pack_paths
from redline.run.reader import MAX_RAW_CHARS, MAX_TEXT_CHARS
from redline.run.writer import rejects_path
from redline.synth import generate
from redline.types import Post

ZH_OFFER = "香港验血查男女，加微信：hkbb0521 预约"
EN_OFFER = "Early gender test from 7 weeks, 99% accurate. Book now on WhatsApp +91 98765 43210"
PLAIN = "今天天气真好，我们去公园散步吧"
SUMMARY = re.compile(r"read ([\d,]+), decided ([\d,]+), rejected ([\d,]+)")


def redline(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m redline.cli ARGS`; a wide terminal keeps Rich from wrapping paths."""
    return subprocess.run(
        [sys.executable, "-m", "redline.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "COLUMNS": "400"},
        timeout=120,
        check=False,
    )


def _summary(stderr: str) -> tuple[int, int, int]:
    match = SUMMARY.search(stderr)
    assert match, stderr
    read, decided, rejected = (int(group.replace(",", "")) for group in match.groups())
    assert read == decided + rejected
    return read, decided, rejected


def _jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _expected(pipeline: Pipeline, posts: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [d.to_dict() for d in pipeline.screen([Post(i, text) for i, text in posts])]


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False)


# --- scan ------------------------------------------------------------------------------------

MIXED_LINES = [
    _line({"id": "a1", "text": ZH_OFFER}),
    "this is not json {",
    _line({"text": "an id is missing"}),
    _line({"id": "m1", "body": "the text is missing"}),
    _line({"id": "n1", "text": 42}),
    _line({"id": "big", "text": "长" * (MAX_TEXT_CHARS + 1)}),
    "",
    _line({"id": 7, "text": PLAIN, "author": "someone"}),
    _line({"id": "a2", "text": EN_OFFER}),
    _line({"id": "last", "text": "香港验血查男女 加V"}),
]
"""Good and bad lines; joined with newlines, so the last one has none."""
GOOD = [("a1", ZH_OFFER), ("7", PLAIN), ("a2", EN_OFFER), ("last", "香港验血查男女 加V")]
BAD = [(2, "not JSON"), (3, "missing `id`"), (4, "missing `text`"), (5, "not a string")]
BAD += [(6, "over the limit")]


def test_scan_file_with_bad_lines(
    tmp_path: Path, tiny_model_path: Path, pipeline: Pipeline
) -> None:
    source = tmp_path / "posts.jsonl"
    source.write_text("\n".join(MIXED_LINES), encoding="utf-8")
    output = tmp_path / "out.jsonl"
    result = redline("scan", str(source), "-o", str(output), "--model", str(tiny_model_path))
    assert result.returncode == 3, result.stderr
    assert result.stdout == ""
    assert _jsonl(output.read_text(encoding="utf-8")) == _expected(pipeline, GOOD)
    assert _summary(result.stderr) == (len(GOOD) + len(BAD), len(GOOD), len(BAD))

    rejects = _jsonl(Path(rejects_path(str(output))).read_text(encoding="utf-8"))
    assert [r["line"] for r in rejects] == [line for line, _ in BAD]
    for reject, (_, reason) in zip(rejects, BAD, strict=True):
        assert reason in reject["reason"]
        assert reject["source"] == str(source)
    assert rejects[0]["raw"] == "this is not json {"
    assert rejects[1]["raw"] == MIXED_LINES[2]
    assert len(rejects[4]["raw"]) == MAX_RAW_CHARS


def test_scan_of_good_input_exits_0_and_leaves_no_rejects_file(
    tmp_path: Path, tiny_model_path: Path, pipeline: Pipeline
) -> None:
    source = tmp_path / "posts.jsonl"
    source.write_text("".join(_line({"id": i, "text": t}) + "\n" for i, t in GOOD), "utf-8")
    output = tmp_path / "out.jsonl"
    stale = Path(rejects_path(str(output)))
    stale.write_text('{"line": 1, "reason": "from an earlier run"}\n', encoding="utf-8")
    result = redline("scan", str(source), "-o", str(output), "--model", str(tiny_model_path))
    assert result.returncode == 0, result.stderr
    assert _jsonl(output.read_text(encoding="utf-8")) == _expected(pipeline, GOOD)
    assert not stale.exists()
    assert _summary(result.stderr) == (len(GOOD), len(GOOD), 0)


def test_scan_reads_stdin_and_writes_stdout_with_rejects_on_stderr(
    tiny_model_path: Path, pipeline: Pipeline
) -> None:
    lines = [_line({"id": "s1", "text": ZH_OFFER}), "[1, 2]", _line({"id": "s2", "text": PLAIN})]
    result = redline("scan", "--model", str(tiny_model_path), stdin="\n".join(lines) + "\n")
    assert result.returncode == 3, result.stderr
    assert _jsonl(result.stdout) == _expected(pipeline, [("s1", ZH_OFFER), ("s2", PLAIN)])
    rejects = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert len(rejects) == 1
    assert rejects[0]["line"] == 2 and rejects[0]["source"] == "<stdin>"
    assert "not a JSON object" in rejects[0]["reason"]
    assert _summary(result.stderr) == (3, 2, 1)


def test_scan_of_empty_input_writes_nothing(tiny_model_path: Path) -> None:
    result = redline("scan", "-", "--model", str(tiny_model_path), stdin="")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert _summary(result.stderr) == (0, 0, 0)


def test_scan_of_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    result = redline("scan", str(tmp_path / "nope.jsonl"), "-o", str(output))
    assert result.returncode == 2
    assert "nope.jsonl" in result.stderr
    assert not output.exists()


def test_scan_with_an_unknown_pack_is_a_usage_error(tmp_path: Path) -> None:
    source = tmp_path / "posts.jsonl"
    source.write_text(_line({"id": "1", "text": PLAIN}) + "\n", encoding="utf-8")
    result = redline("scan", str(source), "--pack", "atlantis")
    assert result.returncode == 2
    assert "no such pack" in result.stderr and "atlantis" in result.stderr
    assert result.stdout == ""


def test_scan_reads_csv(tmp_path: Path, tiny_model_path: Path, pipeline: Pipeline) -> None:
    source = tmp_path / "posts.csv"
    quoted = 'She said "gender test, now",\nthen left'
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "author"])
        writer.writerow(["c1", ZH_OFFER, "x"])
        writer.writerow(["c2", quoted, "y"])
        writer.writerow(["c3", "too few fields"])
        writer.writerow(["c4", EN_OFFER, "z"])
    output = tmp_path / "out.jsonl"
    result = redline("scan", str(source), "-o", str(output), "--model", str(tiny_model_path))
    assert result.returncode == 3, result.stderr
    expected = _expected(pipeline, [("c1", ZH_OFFER), ("c2", quoted), ("c4", EN_OFFER)])
    assert _jsonl(output.read_text(encoding="utf-8")) == expected
    rejects = _jsonl(Path(rejects_path(str(output))).read_text(encoding="utf-8"))
    assert [r["line"] for r in rejects] == [5]


def test_scan_parquet_round_trip(tmp_path: Path, tiny_model_path: Path, pipeline: Pipeline) -> None:
    pa = pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    rows = [("p1", ZH_OFFER), ("p2", None), ("p3", PLAIN), ("p4", EN_OFFER)]
    table = pa.table({"id": [r[0] for r in rows], "text": [r[1] for r in rows]})
    source = tmp_path / "posts.parquet"
    parquet.write_table(table, source)
    output = tmp_path / "out.parquet"
    result = redline("scan", str(source), "-o", str(output), "--model", str(tiny_model_path))
    assert result.returncode == 3, result.stderr
    good = [(i, text) for i, text in rows if text is not None]
    assert parquet.read_table(output).to_pylist() == _expected(pipeline, good)
    assert not Path(str(output) + ".partial").exists()
    rejects = _jsonl(Path(rejects_path(str(output))).read_text(encoding="utf-8"))
    assert [(r["line"], "null" in r["reason"]) for r in rejects] == [(2, True)]


def test_scan_summary_tallies_verdicts(tmp_path: Path, tiny_model_path: Path) -> None:
    result = redline(
        "scan", "--model", str(tiny_model_path), stdin=_line({"id": "1", "text": PLAIN}) + "\n"
    )
    assert "allow 1" in result.stderr


def test_scan_survives_a_lone_surrogate(tmp_path: Path, tiny_model_path: Path) -> None:
    source = tmp_path / "posts.jsonl"
    source.write_text(
        '{"id": "ok", "text": "hello"}\n{"id": "odd", "text": "\\ud800 香港验血查男女"}\n',
        encoding="utf-8",
    )
    output = tmp_path / "out.jsonl"
    result = redline("scan", str(source), "-o", str(output), "--model", str(tiny_model_path))
    assert result.returncode == 0, result.stderr
    assert [d["id"] for d in _jsonl(output.read_text(encoding="utf-8"))] == ["ok", "odd"]


# --- explain ---------------------------------------------------------------------------------


def test_explain_prints_the_verdict_and_the_evidence(
    tiny_model_path: Path, pipeline: Pipeline
) -> None:
    _, expected = pipeline.explain(Post("explain", ZH_OFFER))
    result = redline("explain", ZH_OFFER, "--model", str(tiny_model_path))
    assert result.returncode == 0, result.stderr
    assert f"verdict: {expected.verdict}" in result.stdout
    assert f"score: {expected.score:.3f}" in result.stdout
    assert expected.evidence
    for evidence in expected.evidence:
        assert f"evidence {evidence.start}-{evidence.end} {evidence.signal}" in result.stdout
    for rule in expected.rules:
        assert rule in result.stdout


def test_explain_json_prints_the_decision(tiny_model_path: Path, pipeline: Pipeline) -> None:
    _, expected = pipeline.explain(Post("explain", EN_OFFER))
    result = redline("explain", "-", "--json", "--model", str(tiny_model_path), stdin=EN_OFFER)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected.to_dict()


# --- pack check ------------------------------------------------------------------------------

BROKEN_PACK = """\
id = "broken"
name = "Broken"
jurisdiction = "ZZ"
languages = ["en"]
version = "1"

[clauses.law-1]
citation = "Test Act, s.1"
title = "No gender test ads"

[signals."sexid.service"]
topic = true
terms = ["gender blood test"]

[[rules]]
id = "broken.offer"
verdict = "violating"
when = "has('sexid') and has('offer.nonexistent')"
clauses = ["law-1"]
"""


def _line_of(source: str, prefix: str) -> int:
    return next(i for i, line in enumerate(source.splitlines(), 1) if line.startswith(prefix))


@pytest.mark.parametrize("pack_id", sorted(builtin_pack_paths()))
def test_pack_check_accepts_the_built_in_packs(pack_id: str) -> None:
    path = builtin_pack_paths()[pack_id]
    result = redline("pack", "check", str(path), "--no-examples")
    assert result.returncode == 0, result.stderr
    assert f"pack {pack_id!r} ok" in result.stdout


def test_pack_check_names_the_line_of_an_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(BROKEN_PACK, encoding="utf-8")
    result = redline("pack", "check", str(path))
    assert result.returncode == 1
    assert f"{path}:{_line_of(BROKEN_PACK, 'when =')}:" in result.stderr
    assert "offer.nonexistent" in result.stderr


def test_pack_check_runs_the_examples(tmp_path: Path, tiny_model_path: Path) -> None:
    source = BROKEN_PACK.replace("has('offer.nonexistent')", "has('contact')")
    source += '\n[[examples]]\ntext = "Gender blood test, call +91 98765 43210"\nexpect = "allow"\n'
    path = tmp_path / "examples.toml"
    path.write_text(source, encoding="utf-8")
    result = redline("pack", "check", str(path), "--model", str(tiny_model_path))
    assert result.returncode == 1
    assert f"{path}:{_line_of(source, '[[examples]]')}: expected allow" in result.stdout


def test_pack_check_prints_error_messages_verbatim(tmp_path: Path) -> None:
    path = tmp_path / "no_clauses.toml"
    start, end = BROKEN_PACK.index("[clauses."), BROKEN_PACK.index("[signals.")
    path.write_text(BROKEN_PACK[:start] + BROKEN_PACK[end:], encoding="utf-8")
    result = redline("pack", "check", str(path))
    assert result.returncode == 1
    assert "[clauses.ID]" in result.stderr


# --- synth and eval --------------------------------------------------------------------------


def test_synth_writes_the_requested_rows(tmp_path: Path) -> None:
    output = tmp_path / "synth.jsonl"
    result = redline("synth", "-o", str(output), "-n", "25", "--seed", "3")
    assert result.returncode == 0, result.stderr
    assert _jsonl(output.read_text(encoding="utf-8")) == generate(25, seed=3)


def test_eval_prints_precision_and_recall(tmp_path: Path, tiny_model_path: Path) -> None:
    """Offers fire the score-free rules and plain posts have no topic term, so the outcome is
    known whatever the model: 2 true positives, 1 false positive, 1 miss, 2 true negatives."""
    rows = [
        ("violating_ad", ZH_OFFER),
        ("violating_ad", EN_OFFER),
        ("violating_ad", PLAIN),
        ("benign", "香港验血查男女，电话13800138000，立即预约"),
        ("benign", PLAIN),
        ("benign", "Buy cheap shoes now, call 9876543210"),
    ]
    labeled = tmp_path / "labeled.jsonl"
    records = [{"id": str(i), "text": text, "label": label} for i, (label, text) in enumerate(rows)]
    labeled.write_text("".join(_line(record) + "\n" for record in records), encoding="utf-8")
    report_path = tmp_path / "report.json"
    result = redline(
        "eval", str(labeled), "--model", str(tiny_model_path), "--json", str(report_path)
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.split()[:1] == ["precision"] for line in lines)
    assert any(line.split()[:1] == ["recall"] for line in lines)
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["flagged"]["counts"] == {"tp": 2, "fp": 1, "fn": 1, "tn": 2}
    assert report["flagged"]["precision"]["value"] == pytest.approx(2 / 3)
    assert report["flagged"]["recall"]["value"] == pytest.approx(2 / 3)


def test_scan_creates_the_output_folder(tmp_path: Path, tiny_model_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(_line({"id": "1", "text": PLAIN}) + "\n", encoding="utf-8")
    target = tmp_path / "new" / "deeper" / "out.jsonl"
    result = redline("scan", str(source), "-o", str(target), "--model", str(tiny_model_path))
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["id"] for line in target.read_text().splitlines()] == ["1"]


def test_a_command_without_its_extra_names_the_extra_to_install(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['uvicorn'] = None; "  # as if `redline[serve]` were not installed
        f"sys.argv = ['redline', 'serve', '--db', {str(tmp_path / 's.db')!r}]; "
        "from redline.cli import main; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == 2, done.stderr
    assert "pip install 'redline[serve]'" in done.stderr


def test_commands_that_read_or_sign_a_database_refuse_a_path_with_no_file(tmp_path: Path) -> None:
    """A mistyped path must not become an empty database that these commands then report on,
    export, prove or sign (and the files they would write stay as they were)."""
    from typer.testing import CliRunner

    from redline.cli import app

    runner = CliRunner()
    typo = tmp_path / "typo.db"
    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"id": "kept"}\n', encoding="utf-8")
    key = tmp_path / "op.key"
    assert runner.invoke(app, ["ledger", "keygen", str(key)]).exit_code == 0
    commands = {
        "no database at": [
            ["audit", "verify", "--db", str(typo)],
            ["export-labels", "-o", str(labels), "--db", str(typo)],
        ],
        "no ledger at": [
            ["ledger", "export", str(typo), str(tmp_path / "backup")],
            ["ledger", "proof", str(typo), "0"],
            ["ledger", "checkpoint", str(typo), "--key", str(key)],
        ],
    }
    for message, invocations in commands.items():
        for argv in invocations:
            result = runner.invoke(app, argv)
            assert result.exit_code == 2, (argv, result.output)
            assert message in " ".join(result.output.split()), argv
    assert not typo.exists() and not (tmp_path / "backup").exists()
    assert labels.read_text(encoding="utf-8") == '{"id": "kept"}\n'


def test_synth_makes_its_output_folder_and_eval_checks_its_report_folder_first(
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from redline.cli import app

    runner = CliRunner()
    made = tmp_path / "new" / "synth.jsonl"
    result = runner.invoke(app, ["synth", "-o", str(made), "-n", "5"])
    assert result.exit_code == 0, result.output
    assert len(made.read_text(encoding="utf-8").splitlines()) == 5
    labeled = tmp_path / "labeled.jsonl"
    labeled.write_text(
        json.dumps({"id": "1", "text": PLAIN, "label": "benign"}) + "\n", encoding="utf-8"
    )
    report = tmp_path / "nowhere" / "report.json"
    result = runner.invoke(app, ["eval", str(labeled), "--json", str(report)])
    assert result.exit_code == 2 and "no folder" in " ".join(result.output.split())
