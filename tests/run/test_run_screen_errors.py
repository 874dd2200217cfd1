"""A post that makes the screening code raise becomes one reject: the run goes on, every other
record gets the decision it gets without that post, counts add up, and the exit status is 3.

The raising post is simulated by patching one pipeline stage to raise on a marker text: the
thing under test is the run's handling, not the bug."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from screen_faults import MARKER, raise_in_analyse

from redline.pipeline import Pipeline
from redline.run.chunks import ArrowChunk, JsonlChunk
from redline.run.isolate import MAX_ERROR_CHARS, failure_reason, screen_columns
from redline.run.scan import ScanJob, run_scan
from redline.run.writer import rejects_path
from redline.synth import generate
from redline.types import Post

CANDIDATE_TEXT = f"香港验血查男女，加微信：hkbb0521 预约 {MARKER}"
"""A post the prefilter passes on, so it reaches `Pipeline.analyse`."""
PLAIN_TEXT = f"今天天气真好，我们去公园散步吧 {MARKER}"
"""A post the prefilter clears."""
ERROR = "screening failed: IndexError: list index out of range"
MARKED_AT = {3: CANDIDATE_TEXT, 5: PLAIN_TEXT, 41: CANDIDATE_TEXT}
"""Record index -> text of the raising posts: two in one chunk of 8, one in another."""


def raise_in_prefilter(monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch prefilter raises whenever a marked post is in the batch, candidate or not."""
    original = Pipeline.candidates_of

    def candidates_of(self: Pipeline, texts: Any) -> list[int]:
        if any(MARKER in text for text in texts):
            raise IndexError("list index out of range")
        return original(self, texts)

    monkeypatch.setattr(Pipeline, "candidates_of", candidates_of)


PATCHES: dict[str, Callable[[pytest.MonkeyPatch], None]] = {
    "analyse": raise_in_analyse,
    "prefilter": raise_in_prefilter,
}


def records(count: int = 60) -> list[dict[str, Any]]:
    """Synthetic posts (ads and hard negatives) with the marked ones among them."""
    rows = [
        {"id": row["id"], "text": row["text"], "n": index}
        for index, row in enumerate(generate(count, seed=17))
    ]
    for index, text in MARKED_AT.items():
        if index < count:
            rows[index] = {"id": f"marked{index}", "text": text, "n": index}
    return rows


MARKED_IDS = {f"marked{index}" for index in MARKED_AT}
RAISING_IDS = {
    "analyse": {f"marked{index}" for index, text in MARKED_AT.items() if text == CANDIDATE_TEXT},
    "prefilter": MARKED_IDS,
}
"""Which marked posts raise: only candidates reach `analyse`; the prefilter sees them all."""


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> dict[str, int]:
    """JSONL with a malformed and a blank line early on; returns the line of each marked id."""
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    lines[2:2] = ["not json {", ""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {
        record["id"]: number
        for number, line in enumerate(lines, 1)
        if line.startswith("{") and (record := json.loads(line))["id"] in MARKED_IDS
    }


def write_csv(path: Path, rows: list[dict[str, Any]]) -> dict[str, int]:
    """CSV with a short row early on; returns the line each marked row starts on."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "text", "n"])
    lines = {}
    for index, row in enumerate(rows):
        if index == 2:
            writer.writerow(["short"])
        if row["id"] in MARKED_IDS:
            lines[row["id"]] = buffer.getvalue().count("\n") + 1
        writer.writerow([row["id"], row["text"], row["n"]])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return lines


def write_parquet(path: Path, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Parquet with a null text early on; returns the row number of each marked id."""
    table_rows = [*rows[:2], {"id": "nulltext", "text": None, "n": -1}, *rows[2:]]
    pq.write_table(pa.Table.from_pylist(table_rows), path)
    return {row["id"]: n for n, row in enumerate(table_rows, 1) if row["id"] in MARKED_IDS}


WRITERS = {"jsonl": write_jsonl, "csv": write_csv, "parquet": write_parquet}


def decisions(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def rejects_of(output: Path) -> list[dict[str, Any]]:
    text = Path(rejects_path(str(output))).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def scan(pipeline: Pipeline, model: Path, source: Path, output: Path) -> Any:
    job = ScanJob(
        inputs=(str(source),), output=str(output), model=str(model), carry=("n",), batch_size=8
    )
    return run_scan(job, pipeline=pipeline).summary


@pytest.mark.parametrize("stage", sorted(PATCHES))
@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_a_raising_post_is_rejected_and_the_rest_decided_as_without_it(
    tmp_path: Path,
    tiny_model_path: Path,
    pipeline: Pipeline,
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
    stage: str,
) -> None:
    source = tmp_path / f"in.{fmt}"
    raising = RAISING_IDS[stage]
    marked_lines = {i: n for i, n in WRITERS[fmt](source, records()).items() if i in raising}
    out_suffix = ".parquet" if fmt == "parquet" else ".jsonl"
    reference, output = tmp_path / f"ref{out_suffix}", tmp_path / f"out{out_suffix}"
    scan(pipeline, tiny_model_path, source, reference)
    expected = [row for row in decisions(reference) if row["id"] not in raising]
    assert len(expected) == len(records()) - len(raising)

    PATCHES[stage](monkeypatch)
    summary = scan(pipeline, tiny_model_path, source, output)

    assert decisions(output) == expected
    assert summary.read == len(records()) + 1
    assert summary.rejected == len(raising) + 1
    assert summary.balanced and summary.exit_code == 3
    rejects = rejects_of(output)
    assert [r["line"] for r in rejects] == sorted(r["line"] for r in rejects)
    failed = {r["line"]: r for r in rejects if r["reason"].startswith("screening failed")}
    assert sorted(failed) == sorted(marked_lines.values())
    for record_id, line in marked_lines.items():
        assert failed[line]["reason"] == ERROR
        assert failed[line]["source"] == str(source)
        assert record_id in failed[line]["raw"] and MARKER in failed[line]["raw"]


def test_a_jsonl_reject_keeps_the_raw_line(tmp_path: Path, pipeline: Pipeline) -> None:
    lines = [
        b'{"id": "a", "text": "plain words"}',
        b"",
        b'{"text": "' + CANDIDATE_TEXT.encode() + b'", "id": "b", "extra": [1, 2]}',
        b'{"id": "c", "text": "more plain words"}',
    ]
    chunk = JsonlChunk("in.jsonl", 10, b"\n".join(lines) + b"\n")
    with pytest.MonkeyPatch.context() as monkeypatch:
        raise_in_analyse(monkeypatch)
        columns, decided = screen_columns(pipeline, chunk, chunk.decode())
    assert columns.ids == ["a", "c"] and list(columns.lines) == [10, 13]
    [reject] = columns.rejects
    assert (reject.line, reject.reason) == (12, ERROR)
    assert reject.raw == lines[2].decode()
    assert decided == {}


def test_parquet_rows_are_numbered_past_rejected_rows(pipeline: Pipeline) -> None:
    batch = pa.RecordBatch.from_pylist(
        [
            {"id": "a", "text": "plain", "n": 1},
            {"id": "", "text": "empty id", "n": 2},
            {"id": "b", "text": CANDIDATE_TEXT, "n": 3},
            {"id": "c", "text": "plain too", "n": 4},
        ]
    )
    chunk = ArrowChunk("in.parquet", 101, batch, ("n",))
    with pytest.MonkeyPatch.context() as monkeypatch:
        raise_in_analyse(monkeypatch)
        columns, _ = screen_columns(pipeline, chunk, chunk.decode())
    assert columns.ids == ["a", "c"] and columns.carried["n"].to_pylist() == [1, 4]
    assert [(r.line, r.reason[:16]) for r in columns.rejects] == [
        (102, "`id` is empty"),
        (103, "screening failed"),
    ]
    assert json.loads(columns.rejects[1].raw) == {"id": "b", "text": CANDIDATE_TEXT, "n": 3}


def test_a_failure_that_does_not_recur_alone_rejects_nothing(
    tmp_path: Path, pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chunk raised once; screened record by record nothing does: all are decided."""
    rows = records(20)
    chunk = JsonlChunk("s", 1, "".join(json.dumps(r) + "\n" for r in rows).encode())
    expected = pipeline.screen_sparse(*zip(*[(r["id"], r["text"]) for r in rows], strict=True))
    original, calls = Pipeline.screen_sparse, []

    def once_flaky(self: Pipeline, ids: Any, texts: Any) -> Any:
        calls.append(len(ids))
        if len(calls) == 1:
            raise RuntimeError("transient")
        return original(self, ids, texts)

    monkeypatch.setattr(Pipeline, "screen_sparse", once_flaky)
    columns, decided = screen_columns(pipeline, chunk, chunk.decode())
    assert columns.rejects == [] and len(columns.ids) == len(rows)
    assert {i: d.to_dict() for i, d in decided.items()} == {
        i: d.to_dict() for i, d in expected.items()
    }
    assert calls == [len(rows)] + [1] * len(rows)


@pytest.mark.parametrize("fatal", [MemoryError, KeyboardInterrupt])
def test_running_out_of_memory_or_an_interrupt_still_stops_the_run(
    tmp_path: Path,
    tiny_model_path: Path,
    pipeline: Pipeline,
    monkeypatch: pytest.MonkeyPatch,
    fatal: type[BaseException],
) -> None:
    source = tmp_path / "in.jsonl"
    write_jsonl(source, records(12))

    def analyse(self: Pipeline, post: Post) -> Any:
        raise fatal()

    monkeypatch.setattr(Pipeline, "analyse", analyse)
    with pytest.raises(fatal):
        scan(pipeline, tiny_model_path, source, tmp_path / "out.jsonl")


def test_the_reason_names_the_exception_and_is_cut_short() -> None:
    assert failure_reason(KeyError("x")) == "screening failed: KeyError: 'x'"
    assert failure_reason(ValueError()) == "screening failed: ValueError"
    long = failure_reason(RuntimeError("line one\n" + "y" * 5000))
    assert long.startswith("screening failed: RuntimeError: line one yyy")
    assert len(long) == len("screening failed: RuntimeError: ") + MAX_ERROR_CHARS


PATCHED_CLI = f"""
import sys
sys.path.insert(0, {str(Path(__file__).parents[1])!r})
import pytest
from screen_faults import raise_in_analyse
raise_in_analyse(pytest.MonkeyPatch())
from redline.cli import main
main()
"""


@pytest.mark.parametrize("workers", [1, 2])
def test_redline_scan_finishes_and_exits_3(
    tmp_path: Path, tiny_model_path: Path, workers: int
) -> None:
    source, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    rows, raising = records(), RAISING_IDS["analyse"]
    marked_lines = {i: n for i, n in write_jsonl(source, rows).items() if i in raising}
    options = ["--model", str(tiny_model_path), "--batch-size", "8", "--workers", str(workers)]
    result = subprocess.run(
        [sys.executable, "-c", PATCHED_CLI, "scan", str(source), "-o", str(output), *options],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "COLUMNS": "400"},
        timeout=120,
        check=False,
    )
    assert result.returncode == 3, result.stderr
    read, decided, rejected = len(rows) + 1, len(rows) - len(raising), len(raising) + 1
    assert f"read {read}, decided {decided}, rejected {rejected}" in result.stderr
    assert [row["id"] for row in decisions(output)] == [
        row["id"] for row in rows if row["id"] not in raising
    ]
    failed = [(r["line"], r["reason"]) for r in rejects_of(output) if r["line"] != 3]
    assert failed == [(line, ERROR) for line in sorted(marked_lines.values())]
