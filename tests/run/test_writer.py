"""Output: complete records on disk whatever happens, rejects only when there are some."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import redline.run.output as output_module
from redline.run.encode import decision_schema
from redline.run.output import LineOutput, ParquetOutput
from redline.run.reader import Reject, read_batches
from redline.run.writer import (
    CSV_COLUMNS,
    RejectWriter,
    RunSummary,
    csv_chunk,
    jsonl_chunk,
    output_format_of,
    rejects_path,
)
from redline.types import Post


def decision(record_id: str, verdict: str = "allow", score: float = 0.1) -> dict[str, Any]:
    return {
        "id": record_id,
        "verdict": verdict,
        "score": score,
        "rules": ["r.offer"] if verdict != "allow" else [],
        "clauses": [{"id": "c1", "pack": "cn", "citation": "Art. 1", "title": "T"}],
        "evidence": [{"start": 0, "end": 2, "text": "验血", "signal": "sexid.service"}],
        "entities": [{"type": "wechat", "value": "abc", "start": 5, "end": 8}],
    }


def failing_after(count: int) -> Iterator[dict[str, Any]]:
    """Decisions that break partway, as a crashing pipeline would."""
    for index in range(count):
        yield decision(f"late-{index}")
    raise RuntimeError("pipeline crashed")


# --- encodings and the files they go to ----------------------------------------------------


def write_jsonl(path: Path, *batches: Any) -> LineOutput:
    """How a run writes JSON lines: each batch encoded whole, then appended as one chunk."""
    out = LineOutput(str(path))
    try:
        for batch in batches:
            out.write(jsonl_chunk(batch)[0])
    finally:
        out.close()
    return out


def test_jsonl_lines_are_decision_dicts(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    chunk, count = jsonl_chunk([decision("a"), decision("b", "violating", 0.9)])
    assert count == 2
    write_jsonl(path, [decision("a"), decision("b", "violating", 0.9)], [])
    lines = path.read_bytes().splitlines()
    assert [json.loads(line) for line in lines] == [decision("a"), decision("b", "violating", 0.9)]
    assert path.read_bytes() == chunk


def test_write_interrupted_inside_the_system_call_is_cut_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "out.jsonl"
    real_write = os.write
    out = LineOutput(str(path))
    out.write(jsonl_chunk([decision("a")])[0])
    target_fd = out._fd

    def half_then_interrupt(fd: int, data: Any) -> int:
        if fd != target_fd:
            return real_write(fd, data)
        real_write(fd, bytes(data[: len(data) // 2]))
        raise KeyboardInterrupt

    monkeypatch.setattr(output_module.os, "write", half_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        out.write(jsonl_chunk([decision("b"), decision("c")])[0])
    monkeypatch.setattr(output_module.os, "write", real_write)
    out.close()
    data = path.read_bytes()
    assert data.endswith(b"\n")
    assert [json.loads(line)["id"] for line in data.splitlines()] == ["a"]


def test_lone_surrogate_survives_as_an_escape(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    record = decision("a")
    record["evidence"][0]["text"] = "x\ud800"
    write_jsonl(path, [record, decision("b")])
    first, second = path.read_bytes().splitlines()
    assert b"\\ud800" in first
    assert json.loads(first)["evidence"][0]["text"] == "x\ud800"
    assert json.loads(second)["id"] == "b"


def test_numpy_scores_are_written_as_numbers() -> None:
    numpy = pytest.importorskip("numpy")
    chunk, _ = jsonl_chunk([decision("a", score=numpy.float64(0.25))])
    assert json.loads(chunk)["score"] == 0.25


def test_stdout_output(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", SimpleNamespace(buffer=buffer))
    out = LineOutput(None)
    out.write(jsonl_chunk([decision("a")])[0])
    out.close()
    assert json.loads(buffer.getvalue())["id"] == "a"


def test_csv_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    records = [decision("a"), decision('b, "quoted"\nid', "review", 0.5)]
    path.write_bytes((",".join(CSV_COLUMNS) + "\n").encode() + csv_chunk(records)[0])
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["id"] for row in rows] == ["a", 'b, "quoted"\nid']
    assert rows[1]["verdict"] == "review"
    assert float(rows[1]["score"]) == 0.5
    for column in ("rules", "clauses", "evidence", "entities"):
        assert json.loads(rows[1][column]) == records[1][column]


def test_parquet_takes_its_name_only_when_the_run_completes(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    records = [decision("a"), decision("b", "violating", 0.875)]
    table = pa.Table.from_pylist(records, schema=decision_schema())
    broken, finished = tmp_path / "broken.parquet", tmp_path / "out.parquet"
    out = ParquetOutput(str(broken))
    out.write(table.slice(0, 1))
    out.close(complete=False)
    assert not broken.exists()
    assert pq.read_table(str(broken) + ".partial").to_pylist() == records[:1]
    out = ParquetOutput(str(finished))
    out.write(table.slice(0, 1))
    out.write(table.slice(1))
    out.close()
    assert not Path(str(finished) + ".partial").exists()
    assert pq.read_table(finished).to_pylist() == records


def test_output_format_follows_the_extension() -> None:
    assert output_format_of(None) == output_format_of("-") == "jsonl"
    assert output_format_of("x.CSV") == "csv"
    assert output_format_of("x.parquet") == "parquet"
    assert output_format_of("x.out") == "jsonl"
    with pytest.raises(ValueError, match="gzip"):
        output_format_of("x.jsonl.gz")


# --- RejectWriter ----------------------------------------------------------------------------


def test_rejects_file_is_created_only_when_needed(tmp_path: Path) -> None:
    output = str(tmp_path / "out.jsonl")
    assert rejects_path(output) == str(tmp_path / "out.rejects.jsonl")
    with RejectWriter(output) as rejects:
        rejects.write([])
    assert not Path(rejects_path(output)).exists()

    reject = Reject("in.jsonl", 3, "missing `text`", '{"id": "x"}')
    with RejectWriter(output) as rejects:
        rejects.write([reject])
    lines = Path(rejects_path(output)).read_text().splitlines()
    assert [json.loads(line) for line in lines] == [
        {"source": "in.jsonl", "line": 3, "reason": "missing `text`", "raw": '{"id": "x"}'}
    ]


def test_stale_rejects_file_from_an_earlier_run_is_removed(tmp_path: Path) -> None:
    output = str(tmp_path / "out.jsonl")
    Path(rejects_path(output)).write_text('{"old": true}\n')
    with RejectWriter(output) as rejects:
        rejects.write([])
    assert not Path(rejects_path(output)).exists()


def test_rejects_go_to_stderr_when_output_is_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    with RejectWriter(None) as rejects:
        rejects.write([Reject("<stdin>", 1, "not JSON: x", "{")])
    assert json.loads(capsys.readouterr().err)["reason"] == "not JSON: x"


# --- a whole run -----------------------------------------------------------------------------


def test_run_summary_balances_over_a_batch_run(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(
        b'{"id": 1, "text": "a"}\nbroken\n\n{"id": 2, "text": "b"}\n{"text": "c"}\n'
        b'{"id": 3, "text": "d"}\n'
    )
    output = str(tmp_path / "out.jsonl")
    summary = RunSummary()
    out = LineOutput(output)
    with RejectWriter(output) as rejects:
        for batch in read_batches([str(source)], size=2):
            summary.add_read(len(batch))
            posts = [record for record in batch if isinstance(record, Post)]
            bad = [record for record in batch if isinstance(record, Reject)]
            decisions = [
                decision(post.id, "review" if post.text == "b" else "allow") for post in posts
            ]
            out.write(jsonl_chunk(decisions)[0])
            summary.add_decisions(decisions)
            rejects.write(bad)
            summary.add_rejects(len(bad))
    out.close()
    assert summary.read == summary.decided + summary.rejected
    assert summary.balanced
    assert (summary.read, summary.decided, summary.rejected) == (5, 3, 2)
    assert summary.by_verdict == {"allow": 2, "review": 1}
    assert summary.exit_code == 3
    assert len(Path(output).read_bytes().splitlines()) == 3
    assert len(Path(rejects_path(output)).read_bytes().splitlines()) == rejects.written == 2


def test_exit_code_is_zero_when_nothing_was_rejected() -> None:
    summary = RunSummary()
    summary.add_read(1)
    summary.add_decisions([decision("a")])
    assert summary.balanced
    assert summary.exit_code == 0
    summary.add_read(1)
    assert not summary.balanced
