"""Screen chunks on every core, results in input order, memory bounded.

Each worker process gets its pipeline once (the pool initializer: forked from the caller's, or
built from the `ScreenSpec`), then decodes, screens and encodes whole chunks, so the reading
process only cuts the input and writes bytes. Results are taken back in submission order from
a queue of at most `2 * workers` chunks in flight, so a slow chunk holds the line rather than
memory growing, and the output is the same, byte for byte, as with one worker. Forked workers
leave a chunk's encoded lines in shared memory rather than send them through the pool's pipe
(`redline.run.result_slots`)."""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from redline.pipeline import Pipeline
from redline.run.chunks import Chunk
from redline.run.encode import encode_arrow, encode_csv, encode_jsonl, tally
from redline.run.isolate import screen_columns
from redline.run.reader import Reject
from redline.run.result_slots import InSlot, ResultSlots
from redline.run.writer import jsonl_chunk

if TYPE_CHECKING:
    from concurrent.futures import Future

Tag = TypeVar("Tag")

_ENCODERS = {"jsonl": encode_jsonl, "csv": encode_csv, "parquet": encode_arrow}


@dataclass(frozen=True, slots=True)
class ScreenSpec:
    """What a worker needs to rebuild the same pipeline and encode the same way."""

    packs: tuple[str, ...]
    model: str | None
    output_format: str

    def load(self) -> Pipeline:
        return Pipeline.load(self.packs, self.model)


@dataclass(slots=True)
class ChunkResult:
    """A screened chunk: its encoded output (bytes, or an Arrow table for Parquet), its rejects
    (numbered as the chunk numbers its lines) and how many input lines it held."""

    output: Any
    rejects: list[Reject]
    decided: int
    by_verdict: dict[str, int]
    lines: int = 0

    @property
    def rejected(self) -> int:
        return len(self.rejects)

    @property
    def read(self) -> int:
        """Records read: every one is decided or rejected."""
        return self.decided + self.rejected

    def rejects_jsonl(self, lines_before: int = 0) -> bytes:
        """The rejects as JSON lines, their line numbers moved on by `lines_before` (a slice's
        lines are numbered from its own start; see `redline.run.chunks.advance`). Rejects are
        few, so they are encoded here rather than in the worker."""
        if not self.rejects:
            return b""
        records = (
            {**reject.to_dict(), "line": reject.line + lines_before} for reject in self.rejects
        )
        return jsonl_chunk(records)[0]


def screen_chunk(pipeline: Pipeline, output_format: str, chunk: Chunk) -> ChunkResult:
    """Decode, screen and encode one chunk; a record the screening code raises on is one more
    reject (see `redline.run.isolate`)."""
    columns, decided = screen_columns(pipeline, chunk, chunk.decode())
    output = _ENCODERS[output_format](columns.ids, decided, columns.carried)
    return ChunkResult(
        output=output,
        rejects=columns.rejects,
        decided=len(columns.ids),
        by_verdict=tally(len(columns.ids), decided),
        lines=columns.span,
    )


def screen_in_order(
    chunks: Iterable[tuple[Chunk, Tag]],
    spec: ScreenSpec,
    *,
    workers: int = 1,
    pipeline: Pipeline | None = None,
) -> Iterator[tuple[Tag, ChunkResult]]:
    """Each chunk's result with its tag, in input order; `workers` > 1 uses that many processes.

    With one worker the chunks are screened here, by `pipeline` (loaded from `spec` if None).
    With workers, a result's output may be a view of shared memory (`ResultSlots.take`), good
    until the next result is asked for: write it, or copy it, first.
    """
    if workers <= 1:
        local = pipeline or spec.load()
        for chunk, tag in chunks:
            yield tag, screen_chunk(local, spec.output_format, chunk)
        return
    from concurrent.futures import ProcessPoolExecutor  # a one-worker scan never needs a pool

    global _INHERITED, _SLOTS
    context = _context()
    forked = context.get_start_method() == "fork"
    in_flight = 2 * workers
    slots = _result_slots(in_flight) if forked and spec.output_format != "parquet" else None
    _INHERITED, _SLOTS = (pipeline, slots) if forked else (None, None)
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(spec, os.getpid()),
    )
    pending: deque[tuple[Tag, Future[ChunkResult]]] = deque()
    try:
        for sequence, (chunk, tag) in enumerate(chunks):
            slot = slots.slot_of(sequence) if slots is not None else None
            pending.append((tag, pool.submit(_screen_in_worker, chunk, slot)))
            if len(pending) >= in_flight:
                done_tag, future = pending.popleft()
                yield done_tag, _taken(future.result(), slots)
        while pending:
            done_tag, future = pending.popleft()
            yield done_tag, _taken(future.result(), slots)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _INHERITED = _SLOTS = None
        if slots is not None:
            slots.close()


def _result_slots(count: int) -> ResultSlots | None:
    """Shared slots for `count` chunks in flight; None (results through the pipe) where the
    system will not map that much shared memory, as under strict overcommit with many workers."""
    try:
        return ResultSlots(count)
    except (OSError, ValueError, OverflowError):
        return None


def _taken(result: ChunkResult, slots: ResultSlots | None) -> ChunkResult:
    """`result` with its output copied out of its slot, if a worker left it there."""
    if isinstance(result.output, InSlot):
        assert slots is not None
        result.output = slots.take(result.output)
    return result


def _context() -> Any:
    """fork where there is one: a worker starts in milliseconds with redline imported and the
    caller's pipeline built. Elsewhere spawn: each worker re-imports and builds its own."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


# --- in the worker process -------------------------------------------------------------------

_WORKER: tuple[Pipeline, str] | None = None
_INHERITED: Pipeline | None = None
"""The caller's pipeline, which forked workers take over instead of building their own."""
_SLOTS: ResultSlots | None = None
"""The scan's shared result slots, inherited by forked workers (None when spawned)."""


def _start_worker(spec: ScreenSpec, scan_pid: int) -> None:
    global _WORKER
    _WORKER = (_INHERITED or spec.load(), spec.output_format)
    watch = threading.Thread(target=_exit_with_scan, args=(scan_pid, os.getppid()), daemon=True)
    watch.start()


def _screen_in_worker(chunk: Chunk, slot: int | None) -> ChunkResult:
    assert _WORKER is not None, "worker used before its initializer ran"
    pipeline, output_format = _WORKER
    result = screen_chunk(pipeline, output_format, chunk)
    if slot is not None and _SLOTS is not None and isinstance(result.output, bytes):
        result.output = _SLOTS.put(slot, result.output) or result.output
    return result


def _exit_with_scan(scan_pid: int, parent: int) -> None:
    """A worker whose scan was killed (SIGKILL gives it no chance to stop us) exits too."""
    while True:
        time.sleep(0.5)
        try:
            os.kill(scan_pid, 0)
        except ProcessLookupError:
            os._exit(1)
        if os.getppid() != parent:
            os._exit(1)
