"""Input cut into chunks that a worker process decodes on its own: the unit of parallel and
resumable scans.

The reading process does as little as it can per record, since it is the one part of a
parallel scan that does not scale: JSONL chunks are raw lines (parsed in the worker), Parquet
chunks are Arrow record batches. Only CSV is parsed where it is read, because a quoted field
may span lines. Each chunk comes with where it ends: the `Position` just after it, which is what
a checkpoint records and what a resumed run starts from, or, for a `JsonlSlice`, a `SliceEnd`
that becomes that position once a worker has counted the slice's lines (`advance`).

A worker turns a chunk into `Columns`: ids and texts of the good records (no `Post` per
record), their line (row) numbers, the columns to carry into the output, and a `Reject` for
every bad one, with the same reasons and line numbers as `read_records` gives. A good record
that the screening code then fails on becomes a reject too (`Columns.select`, `raw_of`).
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, BinaryIO

import numpy as np
import orjson

from redline.run.reader import (
    MAX_TEXT_CHARS,
    STDIN,
    BadRecord,
    InputError,
    Reject,
    _open_binary,
    load_parquet_module,
    loads_leniently,
    raw_line,
    raw_mapping,
    read_csv_numbered,
    record_fields,
)
from redline.types import Post

PARQUET_STREAMING: dict[str, Any] = {"pre_buffer": False, "buffer_size": 1 << 20}
"""Read Parquet through a 1 MiB buffer. With pyarrow's default pre-buffering, every column chunk
read stays cached until the file is closed: memory grows with the file instead of staying flat."""


@dataclass(frozen=True, slots=True)
class Position:
    """How far into the input a run has read: what a checkpoint stores.

    `offset` counts what was consumed of input `file`: bytes for JSONL, records for CSV, rows
    for Parquet. `line` is the last JSONL line number consumed, so numbering goes on after a
    resume.
    """

    file: int = 0
    offset: int = 0
    line: int = 0


@dataclass(frozen=True, slots=True)
class SliceEnd:
    """Where a `JsonlSlice` ends: the reading process knows the byte offset when it cuts the
    slice, but not how many lines it holds; the worker counts them (it splits them anyway)."""

    file: int
    offset: int


ChunkEnd = Position | SliceEnd


def advance(previous: Position, end: ChunkEnd, lines: int) -> tuple[Position, int]:
    """The position after a chunk, and how many lines of its file come before the chunk.

    Results come back in input order, so `previous` is the position after the chunk before.
    A `Position` end is whole already (its chunk numbered its lines from its file's start: 0
    to add). A `SliceEnd` takes its line count from `previous` plus the `lines` the worker
    counted (`Columns.span`); the lines before it are what the slice's own line numbers, from
    1, are moved on by."""
    if isinstance(end, Position):
        return end, 0
    before = previous.line if previous.file == end.file else 0
    return Position(end.file, end.offset, before + lines), before


@dataclass(slots=True)
class Columns:
    """A decoded chunk: the good records as columns, plus a reject for each bad one.

    Carried columns are Python lists, or Arrow arrays when the input was Parquet (their types
    then pass into a Parquet output unchanged).
    """

    ids: list[str]
    texts: list[str]
    rejects: list[Reject] = field(default_factory=list)
    carried: dict[str, Any] = field(default_factory=dict)
    lines: Sequence[int] = ()
    """The line (JSONL, CSV) or row (Parquet) number of each good record, numbered as rejects
    are: what a record set aside after decoding is reported at."""
    span: int = 0
    """How many lines a JSONL chunk held, blank ones included (0 for other chunks): what a
    `SliceEnd` needs to become a `Position`."""

    @property
    def read(self) -> int:
        return len(self.ids) + len(self.rejects)

    def select(self, keep: Sequence[int], rejects: Sequence[Reject]) -> Columns:
        """Only the good records at `keep` (ascending), with `rejects` added in line order."""
        return Columns(
            [self.ids[i] for i in keep],
            [self.texts[i] for i in keep],
            sorted([*self.rejects, *rejects], key=lambda reject: reject.line),
            {name: _take(values, keep) for name, values in self.carried.items()},
            [self.lines[i] for i in keep],
            self.span,
        )


def _take(values: Any, keep: Sequence[int]) -> Any:
    """The items of a carried column (a list, or an Arrow array) at `keep`."""
    if isinstance(values, list):
        return [values[i] for i in keep]
    import pyarrow as pa

    return values.take(pa.array(keep, pa.int64()))


@dataclass(frozen=True, slots=True)
class JsonlChunk:
    """Raw JSONL lines as one block of bytes, numbered from `first_line`; blank lines are
    skipped when decoded. One bytes object, not a list of lines, so the reading process neither
    splits nor pickles record by record: the worker does that. `at_file_start` says whether the
    first line is its file's first, the one line that may start with a byte-order mark."""

    source: str
    first_line: int
    data: bytes
    carry: tuple[str, ...] = ()
    at_file_start: bool = True

    @property
    def lines(self) -> list[bytes]:
        """The block's lines without their newlines (a last line without one is a line too)."""
        pieces = self.data.split(b"\n")
        if not pieces[-1]:
            pieces.pop()
        return pieces

    def decode(self) -> Columns:
        ids: list[str] = []
        texts: list[str] = []
        numbers: list[int] = []
        rejects: list[Reject] = []
        carried: dict[str, list[Any]] = {column: [] for column in self.carry}
        loads, decode_error = orjson.loads, orjson.JSONDecodeError
        number = self.first_line - 1
        lines = self.lines
        for line in lines:
            number += 1
            try:
                record = loads(line)
                # The common case inline; anything else gets `record_fields`' full checks.
                if type(record) is dict:
                    record_id, text = record.get("id"), record.get("text")
                    if not (
                        type(record_id) is str
                        and record_id
                        and type(text) is str
                        and len(text) <= MAX_TEXT_CHARS
                    ):
                        record_id, text = record_fields(record)
                else:
                    record_id, text = record_fields(record)
            except decode_error:
                if not line or line.isspace():
                    continue
                try:
                    first = number == self.first_line and self.at_file_start
                    record = loads_leniently(line, first_line=first)
                    record_id, text = record_fields(record)
                except BadRecord as exc:
                    rejects.append(Reject(self.source, number, str(exc), raw_line(line)))
                    continue
            except BadRecord as exc:
                rejects.append(Reject(self.source, number, str(exc), raw_line(line)))
                continue
            ids.append(record_id)
            texts.append(text)
            numbers.append(number)
            if carried:
                for column, values in carried.items():
                    values.append(record.get(column))
        return Columns(ids, texts, rejects, dict(carried), numbers, len(lines))

    def raw_of(self, columns: Columns, index: int) -> str:
        """The raw line of good record `index` of `columns` (decoded from this chunk)."""
        return raw_line(self.lines[columns.lines[index] - self.first_line])


@dataclass(frozen=True, slots=True)
class JsonlSlice:
    """A `JsonlChunk` by reference: where its bytes lie in a plain file, read whole by whoever
    decodes it.

    Handing a worker 40 bytes instead of the block itself takes the pickling and the pipe out
    of the reading process, which had become the brake on two workers once screening got
    cheap; the worker reads the block from the page cache. (A one-worker scan reads its slices
    the same way: one read each, no stream buffer.) Its lines are numbered from 1 at the
    slice's start: only the reading process, taking results back in order, knows how many
    lines came before (`advance`), and it never counts them itself.
    """

    source: str
    path: str
    offset: int
    length: int
    carry: tuple[str, ...] = ()

    def chunk(self) -> JsonlChunk:
        with open(self.path, "rb") as stream:
            data = _read_at(stream, self.offset, self.length)
        if len(data) != self.length:
            raise InputError(f"{self.source} changed while it was read")
        return JsonlChunk(self.source, 1, data, self.carry, self.offset == 0)

    def decode(self) -> Columns:
        return self.chunk().decode()

    def raw_of(self, columns: Columns, index: int) -> str:
        return self.chunk().raw_of(columns, index)


@dataclass(frozen=True, slots=True)
class DecodedChunk:
    """Records parsed where they were read (CSV)."""

    source: str
    columns: Columns

    def decode(self) -> Columns:
        return self.columns

    def raw_of(self, columns: Columns, index: int) -> str:
        """Good record `index` as a JSON object of its id, text and carried columns: the row's
        other columns are not kept past parsing."""
        row = {"id": columns.ids[index], "text": columns.texts[index]}
        row.update((name, values[index]) for name, values in columns.carried.items())
        return raw_mapping(row)


@dataclass(frozen=True, slots=True)
class ArrowChunk:
    """A Parquet record batch holding `id`, `text` and the carried columns; row numbers from
    `first_row`."""

    source: str
    first_row: int
    batch: Any
    carry: tuple[str, ...] = ()

    def decode(self) -> Columns:
        import pyarrow as pa
        import pyarrow.compute as pc

        batch = self.batch
        id_column, text_column = batch.column("id"), batch.column("text")
        first = self.first_row
        if _all_plain_strings(pa, pc, id_column, text_column):
            carried = {column: batch.column(column) for column in self.carry}
            rows = range(first, first + batch.num_rows)
            return Columns(id_column.to_pylist(), text_column.to_pylist(), [], carried, rows)
        ids: list[str] = []
        texts: list[str] = []
        numbers: list[int] = []
        rejects: list[Reject] = []
        keep: list[bool] = []
        rows = zip(id_column.to_pylist(), text_column.to_pylist(), strict=True)
        for index, (raw_id, raw_text) in enumerate(rows):
            try:
                record_id, text = record_fields({"id": raw_id, "text": raw_text})
            except BadRecord as exc:
                row = batch.slice(index, 1).to_pylist()[0]
                rejects.append(
                    Reject(self.source, self.first_row + index, str(exc), raw_mapping(row))
                )
                keep.append(False)
                continue
            ids.append(record_id)
            texts.append(text)
            numbers.append(first + index)
            keep.append(True)
        mask = pa.array(keep, pa.bool_())
        carried = {column: pc.filter(batch.column(column), mask) for column in self.carry}
        return Columns(ids, texts, rejects, carried, numbers)

    def raw_of(self, columns: Columns, index: int) -> str:
        """Good record `index` of `columns` as its row's JSON, like a Parquet reject's."""
        row = self.batch.slice(columns.lines[index] - self.first_row, 1).to_pylist()[0]
        return raw_mapping(row)


def _all_plain_strings(pa: Any, pc: Any, ids: Any, texts: Any) -> bool:
    """Whether every row passes `record_fields` as is, checked column-wise in C++."""
    strings = (pa.string(), pa.large_string())
    if ids.type not in strings or texts.type not in strings:
        return False
    if ids.null_count or texts.null_count or len(ids) == 0:
        return ids.null_count == 0 and texts.null_count == 0
    if pc.min(pc.utf8_length(ids)).as_py() == 0:
        return False
    return pc.max(pc.utf8_length(texts)).as_py() <= MAX_TEXT_CHARS


Chunk = JsonlChunk | JsonlSlice | DecodedChunk | ArrowChunk


# --- reading chunks --------------------------------------------------------------------------


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
        sample = _read_at(stream, start, _SAMPLE_BYTES)
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


def _read_at(stream: BinaryIO, position: int, size: int) -> bytes:
    """Up to `size` bytes from `position` (a seek and a read: `os.pread` has no Windows)."""
    stream.seek(position)
    return stream.read(size) or b""


def _after_newline(stream: BinaryIO, position: int) -> int | None:
    """The offset just after the first newline at or after `position`; None if there is none.
    A window of a few lines, doubled while a line goes on."""
    size = _PROBE_BYTES
    while window := _read_at(stream, position, size):
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
            while batch := list(islice(records, size)):
                consumed += len(batch)
                yield DecodedChunk(source, _columns_of(batch, carry)), Position(index, consumed)
        finally:
            records.close()  # while the stream is still open: it detaches its text wrapper


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
        for column in carry:
            columns.carried[column].append(meta.get(column))
    return columns


def _parquet_chunks(
    path: str, source: str, index: int, size: int, carry: tuple[str, ...], resume: Position
) -> Iterator[tuple[Chunk, Position]]:
    parquet = load_parquet_module()
    target: Any = io.BytesIO(sys.stdin.buffer.read()) if path == STDIN else path
    with parquet.ParquetFile(target, **PARQUET_STREAMING) as parquet_file:
        names = parquet_file.schema_arrow.names
        missing = [column for column in ("id", "text", *carry) if column not in names]
        if missing:
            raise InputError(f"{source}: Parquet file has no {' or '.join(missing)} column")
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


def _row_groups_from(metadata: Any, row: int) -> tuple[list[int], int]:
    """The row groups from the one holding `row` on, and how many rows of it to skip."""
    first = 0
    for group in range(metadata.num_row_groups):
        rows = metadata.row_group(group).num_rows
        if row < first + rows:
            return list(range(group, metadata.num_row_groups)), row - first
        first += rows
    return [], 0
