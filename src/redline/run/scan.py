"""A whole scan: inputs in chunks, screened on N cores, written in order, optionally resumable.

This is what `redline scan` runs; the CLI only turns options into a `ScanJob` and shows the
`RunSummary`. With a checkpoint folder the run commits its progress (see
`redline.run.checkpoint`) at most every `commit_seconds` for line formats, and whenever a
Parquet part is complete, so a killed run redoes at most that much work.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redline.pipeline import Pipeline
from redline.run.checkpoint import Checkpoint, CheckpointError, Progress, fingerprint
from redline.run.chunk_reader import check_inputs, iter_chunks, min_slice_bytes_for
from redline.run.chunks import Position, advance
from redline.run.encode import DECISION_KEYS, csv_header
from redline.run.output import LineOutput, ParquetOutput, ParquetParts, RejectOutput
from redline.run.parallel import ChunkResult, ScreenSpec, screen_in_order
from redline.run.reader import FORMATS, STDIN, InputError, format_of, load_parquet_module
from redline.run.writer import RunSummary, is_stdout, output_format_of, rejects_path


@dataclass(frozen=True, slots=True)
class ScanJob:
    """Everything a scan is asked to do. The options that shape the output are part of a
    checkpoint's fingerprint; `workers`, `batch_size` and `commit_seconds` may change between
    a run and its resumption."""

    inputs: tuple[str, ...] = (STDIN,)
    output: str | None = None
    input_format: str | None = None
    packs: tuple[str, ...] = ()
    model: str | None = None
    carry: tuple[str, ...] = ()
    workers: int = 1
    batch_size: int = 2000
    """2,000 rather than 4,000: a batch's arrays then stay in a core's cache; one worker ran
    about 5% faster on real Weibo posts (and peaked at half the memory)."""
    checkpoint: str | None = None
    commit_seconds: float = 1.0

    def plan(self) -> list[tuple[str, str]]:
        """(path, format) of every input, checked before anything is read."""
        if self.input_format is not None and self.input_format not in FORMATS:
            raise InputError(f"unknown input format {self.input_format!r}")
        plan = [
            (path, self.input_format or ("jsonl" if path == STDIN else format_of(path)))
            for path in self.inputs or (STDIN,)
        ]
        if any(fmt == "parquet" for _, fmt in plan):
            load_parquet_module()
        return plan

    def settings(self) -> dict[str, Any]:
        output = None if is_stdout(self.output) else str(Path(str(self.output)).resolve())
        return {
            "output": output,
            "format": self.input_format,
            "packs": list(self.packs),
            "model": self.model,
            "carry": list(self.carry),
        }


@dataclass(slots=True)
class ScanOutcome:
    summary: RunSummary
    resumed_from: Position | None = None
    already_complete: bool = False


def run_scan(
    job: ScanJob,
    *,
    pipeline: Pipeline | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ScanOutcome:
    """Run `job`; raises `InputError`/`CheckpointError`/`ValueError` for unusable requests."""
    plan = job.plan()
    output_format = output_format_of(job.output)
    clash = [column for column in job.carry if column in DECISION_KEYS]
    if clash:
        raise ValueError(f"cannot carry {', '.join(clash)}: the output has its own")
    twice = sorted({column for column in job.carry if job.carry.count(column) > 1})
    if twice:
        raise ValueError(f"--carry names {', '.join(twice)} more than once")
    if output_format == "parquet" and is_stdout(job.output):
        raise ValueError("Parquet cannot be streamed to stdout; give an output path")
    _refuse_overwriting_inputs(job.output, plan)
    check_inputs(plan, job.carry)
    checkpoint, progress = _open_checkpoint(job, plan)
    if progress is not None and progress.done:
        return ScanOutcome(_summary_of(progress.summary), progress.position, True)
    output = None if is_stdout(job.output) else job.output
    sink = _open_output(job, output, output_format, checkpoint, progress)
    rejects = RejectOutput(
        None if output is None else rejects_path(output),
        resume_at=progress.rejects_bytes if progress else None,
    )
    summary = _summary_of(progress.summary if progress else {})
    spec = ScreenSpec(job.packs, job.model, output_format)
    chunks = iter_chunks(
        plan,
        size=job.batch_size,
        carry=job.carry,
        start=progress.position if progress else None,
        min_slice_bytes=min_slice_bytes_for(job.workers),
    )
    position = progress.position if progress else Position()
    last_commit, parts_committed = time.monotonic(), getattr(sink, "parts", 0)
    complete = False
    try:
        for end, result in screen_in_order(chunks, spec, workers=job.workers, pipeline=pipeline):
            position, lines_before = advance(position, end, result.lines)
            sink.write(result.output)
            rejects.write(result.rejects_jsonl(lines_before))
            _add(summary, result)
            if on_progress is not None:
                on_progress(result.read)
            if checkpoint is None:
                continue
            if isinstance(sink, ParquetParts):
                due = sink.parts != parts_committed
            else:
                due = time.monotonic() - last_commit >= job.commit_seconds
            if due:
                _commit(checkpoint, job, plan, position, sink, rejects, summary)
                last_commit, parts_committed = time.monotonic(), getattr(sink, "parts", 0)
        if checkpoint is not None:
            _commit(checkpoint, job, plan, position, sink, rejects, summary)
        complete = True
    finally:
        sink.close(complete=complete)
        rejects.close()
    if checkpoint is not None:
        _commit(checkpoint, job, plan, position, sink, rejects, summary, done=True)
        if isinstance(sink, ParquetParts):
            sink.discard_parts()
    return ScanOutcome(summary, progress.position if progress else None)


def _refuse_overwriting_inputs(output: str | None, plan: list[tuple[str, str]]) -> None:
    """An output or rejects file that is one of the inputs would be emptied before it is read."""
    if is_stdout(output):
        return
    assert output is not None
    inputs = {Path(path).resolve() for path, _ in plan if path != STDIN}
    for written in (output, rejects_path(output)):
        if Path(written).resolve() in inputs:
            raise ValueError(f"{written} is also an input: writing it would destroy it unread")


def _open_checkpoint(
    job: ScanJob, plan: list[tuple[str, str]]
) -> tuple[Checkpoint | None, Progress | None]:
    if job.checkpoint is None:
        return None, None
    if any(path == STDIN for path, _ in plan) or is_stdout(job.output):
        raise CheckpointError("--checkpoint needs input files and an output file, not stdin/stdout")
    checkpoint = Checkpoint(job.checkpoint)
    return checkpoint, checkpoint.load(_fingerprint(job, plan))


def _fingerprint(job: ScanJob, plan: list[tuple[str, str]]) -> str:
    return fingerprint(job.settings(), [path for path, _ in plan])


def _open_output(
    job: ScanJob,
    output: str | None,
    output_format: str,
    checkpoint: Checkpoint | None,
    progress: Progress | None,
) -> Any:
    if output_format == "parquet":
        assert output is not None
        if checkpoint is not None:
            committed = progress.parquet_parts if progress else 0
            return ParquetParts(output, checkpoint.parquet_parts, committed=committed)
        return ParquetOutput(output)
    header = csv_header(job.carry) if output_format == "csv" else b""
    return LineOutput(output, header=header, resume_at=progress.output_bytes if progress else None)


def _commit(
    checkpoint: Checkpoint,
    job: ScanJob,
    plan: list[tuple[str, str]],
    position: Position,
    sink: Any,
    rejects: RejectOutput,
    summary: RunSummary,
    *,
    done: bool = False,
) -> None:
    """Outputs durable first, then the progress that points at them (never the other way)."""
    synced = sink.sync() if not done else getattr(sink, "length", 0)
    progress = Progress(
        fingerprint=_fingerprint(job, plan),
        position=position,
        output_bytes=0 if isinstance(sink, ParquetParts | ParquetOutput) else synced,
        rejects_bytes=rejects.sync() if not done else rejects.length,
        parquet_parts=sink.parts if isinstance(sink, ParquetParts) else 0,
        summary=summary.to_dict(),
        done=done,
    )
    checkpoint.commit(progress)


def _summary_of(counts: dict[str, Any]) -> RunSummary:
    return RunSummary(
        read=counts.get("read", 0),
        decided=counts.get("decided", 0),
        rejected=counts.get("rejected", 0),
        by_verdict=dict(counts.get("by_verdict", {})),
    )


def _add(summary: RunSummary, result: ChunkResult) -> None:
    summary.read += result.read
    summary.decided += result.decided
    summary.rejected += result.rejected
    for verdict, count in result.by_verdict.items():
        summary.by_verdict[verdict] = summary.by_verdict.get(verdict, 0) + count
