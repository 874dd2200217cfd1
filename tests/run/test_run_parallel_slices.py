"""Two workers on many slices: the lines each slice counts itself add up to one worker's line
numbers, from the start of a file or from a checkpoint."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from scan_feeds import awkward_feed, written_by_one_and_two_workers

from redline.run import chunk_reader
from redline.run.checkpoint import Checkpoint
from redline.run.reader import Reject, read_records
from redline.run.scan import ScanJob, _fingerprint, run_scan
from redline.run.writer import rejects_path


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
@pytest.mark.parametrize("batch_size", [1, 4])
def test_two_workers_on_many_slices_write_one_workers_bytes_and_line_numbers(
    tmp_path: Path,
    tiny_model_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    suffix: str,
    batch_size: int,
) -> None:
    monkeypatch.setattr(chunk_reader, "MIN_SLICE_BYTES", 1)  # a slice every few lines
    source = tmp_path / "in.jsonl"
    awkward_feed(source)
    written = written_by_one_and_two_workers(source, tmp_path, tiny_model_path, suffix, batch_size)
    assert written[2] == written[1]
    rejects = [json.loads(line) for line in written[2][1].splitlines()]
    expected = [r for r in read_records([str(source)]) if isinstance(r, Reject)]
    assert [(r["line"], r["reason"], r["raw"]) for r in rejects] == [
        (r.line, r.reason, r.raw) for r in expected
    ]
    assert len(rejects) == 23 and any(r["raw"].endswith('"bom", "text": "x"}') for r in rejects)


class Crash(Exception):
    """Stands in for a crash in the middle of a run."""


def test_two_workers_resumed_mid_file_number_lines_on_from_the_checkpoint(
    tmp_path: Path, tiny_model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkpoint committed from slices holds the line a resumed run's slices go on from."""
    monkeypatch.setattr(chunk_reader, "MIN_SLICE_BYTES", 1)
    source = tmp_path / "in.jsonl"
    awkward_feed(source)

    def job(name: str, workers: int, checkpoint: bool) -> ScanJob:
        return ScanJob(
            inputs=(str(source),),
            output=str(tmp_path / f"{name}.jsonl"),
            model=str(tiny_model_path),
            workers=workers,
            batch_size=3,
            checkpoint=str(tmp_path / "ck") if checkpoint else None,
            commit_seconds=0.0,
        )

    def crash_after(count: int) -> Callable[[int], None]:
        seen: list[int] = []

        def on_progress(read: int) -> None:
            seen.append(read)
            if len(seen) == count:
                raise Crash

        return on_progress

    whole = run_scan(job("whole", 1, False))
    positions = []
    for count in (5, 4):
        with pytest.raises(Crash):
            run_scan(job("resumed", 2, True), on_progress=crash_after(count))
        resumed_job = job("resumed", 2, True)
        positions.append(
            Checkpoint(tmp_path / "ck").load(_fingerprint(resumed_job, resumed_job.plan()))
        )
    resumed = run_scan(job("resumed", 2, True))
    assert resumed.summary.to_dict() == whole.summary.to_dict()
    lines = [progress.position.line for progress in positions if progress is not None]
    assert len(lines) == 2 and 0 < lines[0] < lines[1]  # the second run went on from the first
    assert (tmp_path / "resumed.jsonl").read_bytes() == (tmp_path / "whole.jsonl").read_bytes()
    resumed_rejects = Path(rejects_path(str(tmp_path / "resumed.jsonl"))).read_bytes()
    assert resumed_rejects == Path(rejects_path(str(tmp_path / "whole.jsonl"))).read_bytes()


def test_line_numbers_start_again_in_each_input_after_slices(
    tmp_path: Path, tiny_model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slices of a second file number from its own line 1, and a CSV after them from its own."""
    monkeypatch.setattr(chunk_reader, "MIN_SLICE_BYTES", 1)
    first, second = tmp_path / "a.jsonl", tmp_path / "c.jsonl"
    awkward_feed(first)
    awkward_feed(second)
    table = tmp_path / "b.csv"
    table.write_text('id,text\n1,"帖子"\n,"no id"\n3,"又一个"\n', encoding="utf-8")
    inputs = (str(first), str(second), str(table))
    written = {}
    for workers in (1, 2):
        output = tmp_path / f"out{workers}.jsonl"
        run_scan(
            ScanJob(inputs, str(output), model=str(tiny_model_path), workers=workers, batch_size=3)
        )
        written[workers] = (output.read_bytes(), Path(rejects_path(str(output))).read_bytes())
    assert written[2] == written[1]
    rejects = [json.loads(line) for line in written[2][1].splitlines()]
    expected = [r for r in read_records(list(inputs)) if isinstance(r, Reject)]
    assert [(r["source"], r["line"]) for r in rejects] == [(r.source, r.line) for r in expected]
    assert {r["source"] for r in rejects} == set(inputs)
