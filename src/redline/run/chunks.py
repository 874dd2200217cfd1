"""Input in chunks that a worker process decodes on its own: the unit of parallel and resumable
scans. What a chunk is, and what decoding one gives; `redline.run.chunk_reader` cuts inputs
into them.

JSONL chunks are raw lines (parsed in the worker), Parquet chunks are Arrow record batches, CSV
chunks are parsed where they are read, because a quoted field may span lines. Each chunk comes
with where it ends: the `Position` just after it, which is what a checkpoint records and what a
resumed run starts from, or, for a `JsonlSlice`, a `SliceEnd` that becomes that position once a
worker has counted the slice's lines (`advance`).

A worker turns a chunk into `Columns`: ids and texts of the good records (no `Post` per
record), their line (row) numbers, the columns to carry into the output, and a `Reject` for
every bad one, with the same reasons and line numbers as `read_records` gives. A good record
that the screening code then fails on becomes a reject too (`Columns.select`, `raw_of`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import orjson

from redline.run.reader import (
    MAX_TEXT_CHARS,
    BadRecord,
    InputError,
    Reject,
    arrow_rows,
    arrow_values,
    is_blank,
    loads_leniently,
    raw_line,
    raw_mapping,
    record_fields,
    reparsed_for_big_id,
)


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
                first = number == self.first_line and self.at_file_start
                if is_blank(line, first_line=first):
                    continue
                try:
                    record = loads_leniently(line, first_line=first)
                    record_id, text = record_fields(record)
                except BadRecord as exc:
                    rejects.append(Reject(self.source, number, str(exc), raw_line(line)))
                    continue
            except BadRecord as exc:
                try:
                    first = number == self.first_line and self.at_file_start
                    record = reparsed_for_big_id(line, record, exc, first_line=first)
                    record_id, text = record_fields(record)
                except BadRecord as again:
                    rejects.append(Reject(self.source, number, str(again), raw_line(line)))
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
            data = read_at(stream, self.offset, self.length)
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
            try:
                all_ids, all_texts = id_column.to_pylist(), text_column.to_pylist()
            except UnicodeDecodeError:
                pass  # bytes that are not UTF-8: the row-by-row path below names their rows
            else:
                carried = {column: batch.column(column) for column in self.carry}
                rows = range(first, first + batch.num_rows)
                return Columns(all_ids, all_texts, [], carried, rows)
        ids: list[str] = []
        texts: list[str] = []
        numbers: list[int] = []
        rejects: list[Reject] = []
        keep: list[bool] = []
        rows = zip(arrow_values(id_column), arrow_values(text_column), strict=True)
        for index, (raw_id, raw_text) in enumerate(rows):
            try:
                record_id, text = record_fields({"id": raw_id, "text": raw_text})
            except BadRecord as exc:
                row = arrow_rows(batch.slice(index, 1))[0]
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
        row = arrow_rows(self.batch.slice(columns.lines[index] - self.first_row, 1))[0]
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


def read_at(stream: BinaryIO, position: int, size: int) -> bytes:
    """Up to `size` bytes from `position` (a seek and a read: `os.pread` has no Windows)."""
    stream.seek(position)
    return stream.read(size) or b""
