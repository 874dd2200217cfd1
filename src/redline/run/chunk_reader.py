"""Cutting a scan's inputs into chunks (`redline.run.chunks`), each with where it ends.

The reading process does as little as it can per record, since it is the one part of a
parallel scan that does not scale: a plain JSONL file is cut by bytes into slices it never
reads (workers read and count them), gzip and stdin into blocks of raw lines, Parquet into
record batches; only CSV is parsed here, because a quoted field may span lines.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any, BinaryIO, TypeVar

import numpy as np

from redline.run.chunks import (
    ArrowChunk,
    Chunk,
    ChunkEnd,
    Columns,
    DecodedChunk,
    JsonlChunk,
    JsonlSlice,
    Position,
    SliceEnd,
    read_at,
)
from redline.run.reader import (
    STDIN,
    InputError,
    Reject,
    _open_binary,
    load_parquet_module,
    read_csv_numbered,
)
from redline.types import Post

PARQUET_STREAMING: dict[str, Any] = {"pre_buffer": False, "buffer_size": 1 << 20}
"""Read Parquet through a 1 MiB buffer. With pyarrow's default pre-buffering, every column chunk
read stays cached until the file is closed: memory grows with the file instead of staying flat."""


def iter_chunks(
    plan: Sequence[tuple[str, str]],
    *,
    size: int,
    carry: Sequence[str] = (),
    start: Position | None = None,
    min_slice_bytes: int | None = None,
) -> Iterator[tuple[Chunk, ChunkEnd]]:
    """Chunks of up to `size` records of every input in `plan` (path, format), in order, each
    with where it ends (see `advance`); from `start` when resuming.

    With `min_slice_bytes`, plain (not gzipped) JSONL files come as `JsonlSlice`s of about
    `size` lines and at least that many bytes, each with a `SliceEnd`: whoever decodes one (a
    worker process, or the scan itself) reads it whole from where it lies, one read, where
    cutting lines out of a stream buffer copied every byte twice and looked at each
    (`min_slice_bytes_for`)."""
    start = start or Position()
    carry = tuple(carry)
    for index, (path, fmt) in enumerate(plan):
        if index < start.file:
            continue
        resume = start if index == start.file else Position(index)
        source = "<stdin>" if path == STDIN else path
        if fmt == "parquet":
            yield from _parquet_chunks(path, source, index, size, carry, resume)
        elif fmt == "csv":
            yield from _csv_chunks(path, source, index, size, carry, resume)
        else:
            sliced = path != STDIN and not path.lower().endswith(".gz")
            slice_bytes = min_slice_bytes if sliced else None
            yield from _jsonl_chunks(path, source, index, size, carry, resume, slice_bytes)


def check_inputs(plan: Sequence[tuple[str, str]], carry: Sequence[str] = ()) -> None:
    """Raise now the `InputError` a CSV header without `id` or `text`, or a Parquet file without
    a column, would raise at its first chunk: before then a scan has opened (emptied) its
    output. (Stdin is read once, so it is not looked at ahead.)"""
    for path, fmt in plan:
        if path == STDIN:
            continue
        if fmt == "csv":
            with _open_binary(path) as stream:
                records = read_csv_numbered(stream, path)
                try:
                    next(records, None)
                finally:
                    records.close()
        elif fmt == "parquet":
            parquet = load_parquet_module()
            with parquet.ParquetFile(path, **PARQUET_STREAMING) as parquet_file:
                _require_columns(parquet_file, path, carry)


def _jsonl_chunks(
    path: str,
    source: str,
    index: int,
    size: int,
    carry: tuple[str, ...],
    resume: Position,
    min_slice_bytes: int | None = None,
) -> Iterator[tuple[Chunk, ChunkEnd]]:
    offset, line = resume.offset, resume.line
    if min_slice_bytes is not None:
        for start, length in _probed_slices(path, offset, size, min_slice_bytes):
            yield JsonlSlice(source, path, start, length, carry), SliceEnd(index, start + length)
        return
    with _open_binary(path) as stream:
        if resume.offset:
            stream.seek(resume.offset)
        for block, count in _line_blocks(stream, size):
            chunk = JsonlChunk(source, line + 1, bytes(block), carry, offset == 0)
            yield chunk, Position(index, offset + len(block), line + count)
            offset += len(block)
            line += count


_BLOCK_BYTES = 1 << 22


def _line_blocks(stream: BinaryIO, size: int) -> Iterator[tuple[memoryview, int]]:
    """Runs of `size` lines (the last run may be shorter, its last line may lack a newline) as
    one view each (copied only by a caller that keeps the bytes), with their line count: split
    on newlines only, like iterating a binary file, but found by one numpy pass per block
    instead of an object per line."""
    buffer = b""
    while True:
        block = stream.read(_BLOCK_BYTES)
        buffer = buffer + block if buffer else block
        ends = np.flatnonzero(np.frombuffer(buffer, dtype=np.uint8) == _NEWLINE) + 1
        start, view = 0, memoryview(buffer)
        for end in ends[size - 1 :: size].tolist():
            yield view[start:end], size
            start = end
        buffer = buffer[start:]
        if not block:
            if buffer:
                yield memoryview(buffer), buffer.count(b"\n") + (not buffer.endswith(b"\n"))
            return


_NEWLINE = ord("\n")


def _probed_slices(
    path: str, start: int, size: int, min_bytes: int = 1
) -> Iterator[tuple[int, int]]:
    """Whole-line slices of about `size` lines each from byte `start` on, as (offset, bytes),
    for workers to read and count themselves.

    The process that hands out slices must not read the input, or it becomes the brake on the
    workers. It sizes slices from the average line of one window at `start` (at least
    `min_bytes`, at most `MAX_SLICE_BYTES` each), then reads a few KiB at each cut to end the
    slice after the next newline, reading on while a line is longer than that. A slice ends at
    the end of the file as it was when slicing began, or earlier if the file shrinks meanwhile
    (the workers' reads then say it changed). (Windows are read, not memory-mapped: a mapped
    file that another program truncates kills the reader with SIGBUS; a read comes back short.)
    """
    with open(path, "rb", buffering=0) as stream:  # unbuffered: each probe reads what it asks
        total = os.fstat(stream.fileno()).st_size
        sample = read_at(stream, start, _SAMPLE_BYTES)
        target = min(max(_bytes_per_line(sample) * size, min_bytes), MAX_SLICE_BYTES)
        offset = start
        while offset < total:
            end = _after_newline(stream, offset + target - 1)
            if end is None:  # no newline up to the end: the rest is one slice
                end = os.fstat(stream.fileno()).st_size
            end = min(end, total)
            if end <= offset:
                return  # the file shrank under us
            yield offset, end - offset
            offset = end


_SAMPLE_BYTES = 1 << 20
_PROBE_BYTES = 1 << 12


def _after_newline(stream: BinaryIO, position: int) -> int | None:
    """The offset just after the first newline at or after `position`; None if there is none.
    A window of a few lines, doubled while a line goes on."""
    size = _PROBE_BYTES
    while window := read_at(stream, position, size):
        found = window.find(b"\n")
        if found >= 0:
            return position + found + 1
        position, size = position + len(window), min(2 * size, 1 << 24)
    return None


MIN_SLICE_BYTES = 1 << 20
"""Slices for worker processes are at least this long (a few thousand posts): each one costs
the reading process a round trip through the pool, about a millisecond of its CPU, which it
would otherwise take from the workers."""


def min_slice_bytes_for(workers: int) -> int:
    """How long slices must be at least: `MIN_SLICE_BYTES` for worker processes; any length
    for a scan that decodes its slices itself (it pays no round trip)."""
    return MIN_SLICE_BYTES if workers > 1 else 1


MAX_SLICE_BYTES = 1 << 23
"""Slices are at most this long (but whole lines): a slice is one batch, and a few long lines
at the start of a file, which the slice size is estimated from, must not make batches of a
hundred thousand short posts (a 200k-post file behind 12 long lines peaked at 284 MiB with
32 MiB slices, 139 MiB with these; re-estimating at each cut from the few KiB read there was
tried: Weibo posts vary too much in a few KiB, and one slice in fifty held 19,000 posts)."""


def _bytes_per_line(sample: bytes) -> int:
    return max(len(sample) // max(sample.count(b"\n"), 1), 1)


def _csv_chunks(
    path: str, source: str, index: int, size: int, carry: tuple[str, ...], resume: Position
) -> Iterator[tuple[Chunk, Position]]:
    with _open_binary(path) as stream:
        records = read_csv_numbered(stream, source)
        try:
            consumed = resume.offset
            for _ in islice(records, consumed):
                pass
            for batch in _batches(records, size):
                consumed += len(batch)
                yield DecodedChunk(source, _columns_of(batch, carry)), Position(index, consumed)
        finally:
            records.close()  # while the stream is still open: it detaches its text wrapper


_T = TypeVar("_T")


def _batches(records: Iterator[_T], size: int) -> Iterator[list[_T]]:
    """`records` in lists of `size`. When the input turns unreadable (`InputError`), the
    records read before it still come out, as a last short batch, and then the error."""
    while True:
        batch: list[_T] = []
        try:
            batch.extend(islice(records, size))  # keeps what was read if it raises
        except InputError:
            if batch:
                yield batch
            raise
        if not batch:
            return
        yield batch


def _columns_of(records: list[tuple[int, Post | Reject]], carry: tuple[str, ...]) -> Columns:
    numbers: list[int] = []
    columns = Columns([], [], [], {column: [] for column in carry}, numbers)
    for number, record in records:
        if isinstance(record, Reject):
            columns.rejects.append(record)
            continue
        columns.ids.append(record.id)
        columns.texts.append(record.text)
        numbers.append(number)
        meta = record.meta or {}
        own = {"id": record.id, "text": record.text}  # taken out of `meta` by the reader
        for column in carry:
            columns.carried[column].append(own[column] if column in own else meta.get(column))
    return columns


def _parquet_chunks(
    path: str, source: str, index: int, size: int, carry: tuple[str, ...], resume: Position
) -> Iterator[tuple[Chunk, Position]]:
    parquet = load_parquet_module()
    target: Any = io.BytesIO(sys.stdin.buffer.read()) if path == STDIN else path
    with parquet.ParquetFile(target, **PARQUET_STREAMING) as parquet_file:
        _require_columns(parquet_file, source, carry)
        groups, skip = _row_groups_from(parquet_file.metadata, resume.offset)
        row = resume.offset
        batches = parquet_file.iter_batches(
            batch_size=size, row_groups=groups, columns=["id", "text", *carry]
        )
        for batch in batches:
            if skip:
                dropped = min(skip, batch.num_rows)
                batch, skip = batch.slice(dropped), skip - dropped
                if batch.num_rows == 0:
                    continue
            chunk = ArrowChunk(source, row + 1, batch, carry)
            row += batch.num_rows
            yield chunk, Position(index, row)


def _require_columns(parquet_file: Any, source: str, carry: Sequence[str]) -> None:
    names = parquet_file.schema_arrow.names
    missing = [column for column in ("id", "text", *carry) if column not in names]
    if missing:
        raise InputError(f"{source}: Parquet file has no {' or '.join(missing)} column")


def _row_groups_from(metadata: Any, row: int) -> tuple[list[int], int]:
    """The row groups from the one holding `row` on, and how many rows of it to skip."""
    first = 0
    for group in range(metadata.num_row_groups):
        rows = metadata.row_group(group).num_rows
        if row < first + rows:
            return list(range(group, metadata.num_row_groups)), row - first
        first += rows
    return [], 0
