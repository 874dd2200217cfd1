"""Resumable scans: SIGKILL at random (seeded) moments, resume, and every record is decided
exactly once: no loss, no duplicates, no torn lines, rejects likewise."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from redline.run.checkpoint import CheckpointError
from redline.run.chunks import Position
from redline.run.scan import ScanJob, run_scan
from redline.run.writer import rejects_path

WORDS = [
    "今天",
    "天气",
    "公园",
    "散步",
    "医院",
    "排队",
    "疫情",
    "加油",
    "朋友",
    "晚饭",
    "地铁",
    "下班",
]
ADS = ["香港验血查男女，加V预约", "寄血去香港验男女，准确率99%，微信 hkbb0521"]


def write_feed(path: Path, count: int, *, seed: int) -> tuple[list[str], int]:
    """A seeded feed of everyday posts with a few ads and bad lines; returns the good ids in
    order and the number of bad lines."""
    rng = random.Random(seed)
    ids, bad, lines = [], 0, []
    for index in range(count):
        if index % 97 == 50:
            lines.append("{broken json")
            bad += 1
            continue
        text = ADS[index % 2] if index % 89 == 0 else "".join(rng.choices(WORDS, k=12))
        ids.append(f"p{index}")
        lines.append(json.dumps({"id": f"p{index}", "text": text}, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ids, bad


def scan_command(source: Path, output: Path, folder: Path, model: Path, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "redline.cli",
        "scan",
        str(source),
        "-o",
        str(output),
        "--model",
        str(model),
        "--checkpoint",
        str(folder),
        "--batch-size",
        "150",
        "--commit-seconds",
        "0.02",
        "--workers",
        str(workers),
    ]


def kill_past(command: list[str], folder: Path, record: int, rng: random.Random) -> bool:
    """Start a run, wait until it has committed past input record `record`, then SIGKILL it
    within the next few milliseconds; whether the run was still unfinished when killed.

    Why a record rather than a delay: a delay after the first commit is worth more records as
    the scan gets faster, and kills then land on finished runs and test nothing."""
    progress = folder / "progress.json"
    before = progress.read_bytes() if progress.exists() else b""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if progress.exists() and progress.read_bytes() != before:
            state = json.loads(progress.read_bytes())
            if state["summary"].get("read", 0) >= record:
                break
        time.sleep(0.002)
    time.sleep(rng.uniform(0.0, 0.005))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    return not json.loads(progress.read_bytes()).get("done", False)


def kill_records(count: int, kills: int, rng: random.Random) -> list[int]:
    """Where to kill a run of `count` records: ascending, within its first two thirds, so the
    rest of the run outlasts the few milliseconds a kill takes to land."""
    return sorted(rng.randrange(count // 10, 2 * count // 3) for _ in range(kills))


FEED_RECORDS = 20_000

SMALL_SLICES = (
    "import sys, redline.run.chunk_reader as chunk_reader; chunk_reader.MIN_SLICE_BYTES = 2048; "
    "from redline.cli import main; sys.exit(main())"
)
"""`redline` with slices of a few dozen lines, so that two workers on a small feed hand back
many slices, each numbering its lines from its own start."""


def test_sigkill_at_random_moments_then_resume_decides_every_record_once(
    tmp_path: Path, tiny_model_path: Path
) -> None:
    source, output, folder = tmp_path / "feed.jsonl", tmp_path / "out.jsonl", tmp_path / "ck"
    ids, bad = write_feed(source, FEED_RECORDS, seed=3)
    rng = random.Random(20261128)
    for attempt, record in enumerate(kill_records(FEED_RECORDS, 3, rng)):
        workers = 1 + attempt % 2
        command = scan_command(source, output, folder, tiny_model_path, workers=workers)
        if workers > 1:  # this feed is two or three full-size slices: done before a kill lands
            command = [sys.executable, "-c", SMALL_SLICES, *command[3:]]
        assert kill_past(command, folder, record, rng), f"kill {attempt} landed after the run"
    final = subprocess.run(
        scan_command(source, output, folder, tiny_model_path, workers=2),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert final.returncode == 3, final.stderr  # some lines were rejected
    data = output.read_bytes()
    assert data.endswith(b"\n")
    decided = [json.loads(line)["id"] for line in data.splitlines()]  # no torn line
    assert decided == ids  # nothing lost, nothing twice, input order
    rejects = Path(rejects_path(str(output))).read_text(encoding="utf-8").splitlines()
    assert len(rejects) == bad
    assert len({json.loads(line)["line"] for line in rejects}) == bad
    assert f"read {len(ids) + bad:,}, decided {len(ids):,}, rejected {bad:,}" in final.stderr


def test_sigkill_of_two_workers_on_many_slices_then_resume_numbers_every_line_once(
    tmp_path: Path, tiny_model_path: Path
) -> None:
    source, output, folder = tmp_path / "feed.jsonl", tmp_path / "out.jsonl", tmp_path / "ck"
    ids, bad = write_feed(source, FEED_RECORDS, seed=4)
    scan = scan_command(source, output, folder, tiny_model_path, workers=2)
    command = [sys.executable, "-c", SMALL_SLICES, *scan[3:]]
    rng = random.Random(4)
    for attempt, record in enumerate(kill_records(FEED_RECORDS, 3, rng)):
        assert kill_past(command, folder, record, rng), f"kill {attempt} landed after the run"
    final = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert final.returncode == 3, final.stderr
    data = output.read_bytes()
    assert [json.loads(line)["id"] for line in data.splitlines()] == ids
    rejects = Path(rejects_path(str(output))).read_text(encoding="utf-8").splitlines()
    lines = [json.loads(line)["line"] for line in rejects]
    assert lines == [index + 1 for index in range(FEED_RECORDS) if index % 97 == 50]  # as written
    assert len(lines) == bad
    assert f"read {len(ids) + bad:,}, decided {len(ids):,}, rejected {bad:,}" in final.stderr


class Crash(Exception):
    """Stands in for a crash in the middle of a run."""


def crash_after(chunks: int):
    seen = []

    def on_progress(count: int) -> None:
        seen.append(count)
        if len(seen) == chunks:
            raise Crash

    return on_progress


def test_parquet_output_resumes_from_committed_parts(
    tmp_path: Path, tiny_model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import redline.run.output as output_module

    monkeypatch.setattr(output_module, "ROW_GROUP_ROWS", 500)
    source, folder = tmp_path / "feed.jsonl", tmp_path / "ck"
    ids, _ = write_feed(source, 3_000, seed=8)
    output = tmp_path / "out.parquet"
    job = ScanJob(
        inputs=(str(source),),
        output=str(output),
        model=str(tiny_model_path),
        checkpoint=str(folder),
        batch_size=130,
    )
    for chunks in (7, 5):
        with pytest.raises(Crash):
            run_scan(job, on_progress=crash_after(chunks))
        assert not output.exists()
    outcome = run_scan(job)
    assert outcome.resumed_from is not None and outcome.summary.balanced
    assert pq.read_table(output).column("id").to_pylist() == ids
    assert not list((folder / "parts").glob("*.parquet"))  # parts removed once stitched


def test_a_finished_run_is_not_redone_and_another_run_is_refused(
    tmp_path: Path, tiny_model_path: Path
) -> None:
    source, output, folder = tmp_path / "feed.jsonl", tmp_path / "out.jsonl", tmp_path / "ck"
    write_feed(source, 500, seed=1)
    job = ScanJob(
        inputs=(str(source),),
        output=str(output),
        model=str(tiny_model_path),
        checkpoint=str(folder),
    )
    first = run_scan(job)
    before = output.read_bytes()
    again = run_scan(job)
    assert again.already_complete and again.summary.to_dict() == first.summary.to_dict()
    assert output.read_bytes() == before
    with pytest.raises(CheckpointError, match="different run"):
        run_scan(
            ScanJob(
                inputs=(str(source),),
                output=str(tmp_path / "other.jsonl"),
                model=str(tiny_model_path),
                checkpoint=str(folder),
            )
        )


def test_checkpoint_needs_files_not_streams(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError):
        run_scan(ScanJob(inputs=("-",), output=str(tmp_path / "o.jsonl"), checkpoint=str(tmp_path)))
    assert os.listdir(tmp_path) == []


def convert_feed(source: Path, target: Path) -> None:
    """The same records as CSV or Parquet (broken JSON lines become rows with a null text)."""
    import csv

    import pyarrow as pa

    rows = []
    for line in source.read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except ValueError:
            rows.append({"id": "broken", "text": None})
    if target.suffix == ".csv":
        with target.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(["id", "text"])
            writer.writerows([r["id"], r["text"]] for r in rows if r["text"] is not None)
    else:
        pq.write_table(pa.Table.from_pylist(rows), target, row_group_size=300)


@pytest.mark.parametrize(
    ("input_suffix", "output_suffix"),
    [
        (".jsonl", ".jsonl"),
        (".csv", ".jsonl"),
        (".parquet", ".jsonl"),
        (".jsonl", ".csv"),
        (".parquet", ".parquet"),
    ],
)
def test_every_format_resumes_to_the_output_of_an_uninterrupted_run(
    tmp_path: Path,
    tiny_model_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    input_suffix: str,
    output_suffix: str,
) -> None:
    import redline.run.output as output_module

    monkeypatch.setattr(output_module, "ROW_GROUP_ROWS", 400)
    feed = tmp_path / "feed.jsonl"
    write_feed(feed, 2_000, seed=5)
    source = feed if input_suffix == ".jsonl" else tmp_path / f"feed{input_suffix}"
    if source != feed:
        convert_feed(feed, source)

    def job(name: str, checkpoint: Path | None) -> ScanJob:
        return ScanJob(
            inputs=(str(source),),
            output=str(tmp_path / f"{name}{output_suffix}"),
            model=str(tiny_model_path),
            checkpoint=None if checkpoint is None else str(checkpoint),
            batch_size=90,
            commit_seconds=0.0,
        )

    whole = run_scan(job("whole", None))
    for chunks in (4, 9, 3):
        with pytest.raises(Crash):
            run_scan(job("resumed", tmp_path / "ck"), on_progress=crash_after(chunks))
    resumed = run_scan(job("resumed", tmp_path / "ck"))
    assert resumed.resumed_from not in (None, Position())  # it did pick up committed work
    assert resumed.summary.to_dict() == whole.summary.to_dict()
    read_back = (
        (lambda p: pq.read_table(p).to_pylist()) if output_suffix == ".parquet" else Path.read_bytes
    )
    assert read_back(tmp_path / f"resumed{output_suffix}") == read_back(
        tmp_path / f"whole{output_suffix}"
    )
    rejects = [Path(rejects_path(str(tmp_path / f"{name}.x"))) for name in ("resumed", "whole")]
    assert [p.read_bytes() if p.exists() else None for p in rejects] == [
        p.read_bytes() if p.exists() else None for p in reversed(rejects)
    ]


def test_an_output_cut_short_after_a_commit_is_refused(
    tmp_path: Path, tiny_model_path: Path
) -> None:
    source, output, folder = tmp_path / "feed.jsonl", tmp_path / "out.jsonl", tmp_path / "ck"
    write_feed(source, 600, seed=2)
    job = ScanJob(
        inputs=(str(source),),
        output=str(output),
        model=str(tiny_model_path),
        checkpoint=str(folder),
        batch_size=50,
        commit_seconds=0.0,
    )
    with pytest.raises(Crash):
        run_scan(job, on_progress=crash_after(5))
    output.write_bytes(b"")
    with pytest.raises(ValueError, match="fewer than"):
        run_scan(job)
