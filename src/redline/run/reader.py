"""Read posts from JSONL, CSV or Parquet, turning every bad record into a `Reject`.

The batch scan reads hundreds of thousands of records a second through here, so the JSONL loop
does the least it can per line: one `orjson` parse, a few type checks, one `Post`. Anything
unusual (blank lines, JSON only Python's parser accepts, bad UTF-8) leaves the fast path through
an exception, which costs nothing until it is raised.

A bad record never stops a run. Every non-blank line (CSV row, Parquet row) yields exactly one
`Post` or `Reject`, so a caller that counts what it gets has counted what was read.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import IO, Any

import orjson

from redline.types import Post

MAX_TEXT_CHARS = 100_000
"""Longest text accepted; longer ones are rejected rather than slowing the whole batch."""

MAX_RAW_CHARS = 2_000
"""How much of an offending line a `Reject` keeps: enough to find and fix it."""

STDIN = "-"
FORMATS = ("jsonl", "csv", "parquet")
_EXTENSION_FORMATS = {
    ".jsonl": "jsonl",
    ".json": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
}
_PARQUET_BATCH_ROWS = 8_192
_MISSING: Any = object()


@dataclass(frozen=True, slots=True)
class Reject:
    """A record that could not become a `Post`, with where it was and why."""

    source: str
    line: int
    reason: str
    raw: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a line in the rejects file."""
        return {"source": self.source, "line": self.line, "reason": self.reason, "raw": self.raw}


class InputError(ValueError):
    """A whole input is unusable (unknown format, CSV header without `id`/`text`...)."""


class BadRecord(ValueError):
    """One record is unusable; the message is the reason a `Reject` carries."""


def load_parquet_module() -> ModuleType:
    """Import `pyarrow.parquet` on first use: Parquet support is an optional extra."""
    try:
        import pyarrow.parquet as parquet
    except ImportError as exc:
        raise ImportError(
            "Parquet input/output needs pyarrow; install it with: pip install 'redline[parquet]'"
        ) from exc
    return parquet


def format_of(path: str) -> str:
    """The input format a path's extension names (`.gz` is looked through)."""
    name = path.lower().removesuffix(".gz")
    for extension, fmt in _EXTENSION_FORMATS.items():
        if name.endswith(extension):
            return fmt
    raise InputError(
        f"cannot tell the format of {path!r} from its extension "
        f"(known: {', '.join(_EXTENSION_FORMATS)}, optionally .gz); name one with fmt="
    )


def read_records(paths: Sequence[str], *, fmt: str | None = None) -> Iterator[Post | Reject]:
    """Yield a `Post` or a `Reject` for every record of `paths`, in order.

    `"-"` (or no paths at all) is standard input, read as JSONL unless `fmt` says otherwise.
    Formats are checked before anything is read, so a typo fails at once, not mid-run.
    """
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"unknown input format {fmt!r}; expected one of {', '.join(FORMATS)}")
    sources = list(paths) or [STDIN]
    plan = [(path, fmt or ("jsonl" if path == STDIN else format_of(path))) for path in sources]
    if any(path_fmt == "parquet" for _, path_fmt in plan):
        load_parquet_module()
    return _read_plan(plan)


def read_batches(
    paths: Sequence[str], *, fmt: str | None = None, size: int = 2000
) -> Iterator[list[Post | Reject]]:
    """`read_records` in lists of up to `size`, the unit the batch pipeline works on."""
    if size < 1:
        raise ValueError(f"batch size must be positive, got {size}")
    return _batched(read_records(paths, fmt=fmt), size)


def _batched(records: Iterator[Post | Reject], size: int) -> Iterator[list[Post | Reject]]:
    batch: list[Post | Reject] = []
    for record in records:
        batch.append(record)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _read_plan(plan: list[tuple[str, str]]) -> Iterator[Post | Reject]:
    for path, fmt in plan:
        source = "<stdin>" if path == STDIN else path
        if fmt == "parquet":
            yield from _read_parquet(path, source)
            continue
        with _open_binary(path) as stream:
            if fmt == "csv":
                yield from _read_csv(stream, source)
            else:
                yield from _read_jsonl(stream, source)


@contextmanager
def _open_binary(path: str) -> Iterator[IO[bytes]]:
    """Open a path (or stdin, left open afterwards) for reading bytes, gunzipping `.gz`."""
    if path == STDIN:
        yield sys.stdin.buffer
        return
    if not path.lower().endswith(".gz"):
        with open(path, "rb") as stream:
            yield stream
        return
    try:
        with gzip.open(path, "rb") as stream:
            yield stream
    except EOFError as exc:  # gzip's word for a truncated file; click would only say "Aborted"
        message = f"{path}: the compressed data ends early, the file is truncated ({exc})"
        raise InputError(message) from None


# --- JSONL -----------------------------------------------------------------------------------


def _read_jsonl(stream: IO[bytes], source: str) -> Iterator[Post | Reject]:
    loads = orjson.loads
    decode_error = orjson.JSONDecodeError
    for number, line in enumerate(stream, 1):
        record = None
        try:
            record = loads(line)
            post = _to_post(record)
        except decode_error:
            if is_blank(line, first_line=number == 1):
                continue
            try:
                post = _to_post(loads_leniently(line, first_line=number == 1))
            except BadRecord as exc:
                yield Reject(source, number, str(exc), raw_line(line))
                continue
        except BadRecord as exc:
            try:
                post = _to_post(reparsed_for_big_id(line, record, exc, first_line=number == 1))
            except BadRecord as again:
                yield Reject(source, number, str(again), raw_line(line))
                continue
        yield post


def is_blank(line: bytes, *, first_line: bool) -> bool:
    """Whether a line holds nothing but whitespace (and, first in its file, a byte-order mark)."""
    if first_line:
        line = line.removeprefix(_UTF8_BOM)
    return not line or line.isspace()


_UTF8_BOM = "\ufeff".encode()


def reparsed_for_big_id(line: bytes, record: Any, error: BadRecord, *, first_line: bool) -> Any:
    """`line` parsed again by Python's json when orjson's reading may be what made `record` bad.

    orjson reads an integer past 64 bits as a float, so an id such as 12345678901234567890123
    looks like a number that is not an integer; Python's parser keeps it whole. Any other bad
    record stays bad for the reason `error` gave.
    """
    if type(record) is not dict or type(record.get("id")) is not float:
        raise error
    return loads_leniently(line, first_line=first_line)


def loads_leniently(line: bytes, *, first_line: bool) -> Any:
    """Parse what orjson refused: Python's json accepts escaped lone surrogates and NaN.

    A byte-order mark on a file's first line is dropped; editors on Windows add one.
    """
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRecord(f"invalid UTF-8 at byte {exc.start}") from None
    if first_line:
        text = text.removeprefix("\ufeff")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadRecord(f"not JSON: {exc}") from None
    except RecursionError:
        raise BadRecord("not JSON: nested too deeply") from None


def raw_line(line: bytes) -> str:
    # 4 bytes per character at most, so this prefix always holds MAX_RAW_CHARS whole characters.
    return line[: 4 * MAX_RAW_CHARS].decode("utf-8", "replace").rstrip("\r\n")[:MAX_RAW_CHARS]


# --- records to posts ------------------------------------------------------------------------


def _to_post(record: Any) -> Post:
    """Turn a parsed record into a `Post`; its other fields become `meta`.

    `record` is left untouched when it is rejected, so the caller can still show it.
    """
    record_id, text = record_fields(record)
    del record["id"], record["text"]
    return Post(record_id, text, record)


def record_fields(record: Any) -> tuple[str, str]:
    """The id and text of a parsed record, checked; `BadRecord` says what is wrong.

    Columnar readers call this directly and never build a `Post`.
    """
    if type(record) is not dict:
        raise BadRecord(f"not a JSON object (got {_type_name(record)})")
    record_id = record.get("id", _MISSING)
    text = record.get("text", _MISSING)
    if type(record_id) is not str:
        record_id = _id_from_integer(record_id)
    elif not record_id:
        raise BadRecord("`id` is empty")
    if type(text) is not str:
        if text is _MISSING:
            raise BadRecord("missing `text`")
        if type(text) is InvalidUtf8:
            raise BadRecord("`text` is not valid UTF-8")
        raise BadRecord(f"`text` is not a string (got {_type_name(text)})")
    if len(text) > MAX_TEXT_CHARS:
        raise BadRecord(
            f"`text` has {len(text):,} characters, over the limit of {MAX_TEXT_CHARS:,}"
        )
    return record_id, text


def _id_from_integer(record_id: Any) -> str:
    if type(record_id) is int:
        return str(record_id)
    if record_id is _MISSING:
        raise BadRecord("missing `id`")
    if type(record_id) is InvalidUtf8:
        raise BadRecord("`id` is not valid UTF-8")
    raise BadRecord(f"`id` is not a string or integer (got {_type_name(record_id)})")


_JSON_TYPE_NAMES = {
    dict: "object",
    list: "array",
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


def _type_name(value: Any) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


class InvalidUtf8(bytes):
    """A Parquet string value whose bytes are not UTF-8 (Arrow does not check on reading):
    `record_fields` rejects it by name, where converting it would stop the whole batch."""

    def __str__(self) -> str:
        return self.decode("utf-8", "replace")


def arrow_values(column: Any) -> list[Any]:
    """An Arrow column as Python values, each string that is not UTF-8 as an `InvalidUtf8`."""
    try:
        return column.to_pylist()
    except UnicodeDecodeError:
        import pyarrow as pa

        try:
            raw = column.cast(pa.large_binary()).to_pylist()
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid):  # nested: no bytes to show
            raw = [_REPLACEMENT] * len(column)
        return [_arrow_value(column, index, raw[index]) for index in range(len(column))]


_REPLACEMENT = "\ufffd".encode()


def _arrow_value(column: Any, index: int, raw: bytes | None) -> Any:
    try:
        return column[index].as_py()
    except UnicodeDecodeError:
        return InvalidUtf8(raw or b"")


def arrow_rows(batch: Any) -> list[dict[str, Any]]:
    """A record batch's rows as dicts, strings that are not UTF-8 as `InvalidUtf8`."""
    try:
        return batch.to_pylist()
    except UnicodeDecodeError:
        columns = {name: arrow_values(batch.column(name)) for name in batch.schema.names}
        return [
            {name: values[index] for name, values in columns.items()}
            for index in range(batch.num_rows)
        ]


# --- CSV -------------------------------------------------------------------------------------


def _read_csv(stream: IO[bytes], source: str) -> Iterator[Post | Reject]:
    """Rows of a CSV with a header naming at least `id` and `text`; other columns go to `meta`.

    Bytes that are not UTF-8 are carried through as surrogates and turn their row into a
    `Reject`, instead of aborting the file the way a strict decoder would.
    """
    numbered = read_csv_numbered(stream, source)
    try:
        for _, record in numbered:
            yield record
    finally:
        numbered.close()


def read_csv_numbered(stream: IO[bytes], source: str) -> Iterator[tuple[int, Post | Reject]]:
    """`_read_csv`'s records, each with the line its row starts on (a reject's `line`)."""
    text_stream = io.TextIOWrapper(
        stream, encoding="utf-8-sig", errors="surrogateescape", newline=""
    )
    # The csv module stops a field at 128 KiB and goes on reading mid-field, turning the rest
    # of a long text into records of its own: a longer text is read whole (and rejected as
    # over MAX_TEXT_CHARS), and a field past even this limit stops the file (below).
    csv.field_size_limit(CSV_FIELD_LIMIT)
    lines = _LineTap(text_stream)
    try:
        yield from _read_csv_rows(csv.reader(lines), source, lines)
    finally:
        text_stream.detach()  # the caller owns (and may keep using) the byte stream


CSV_FIELD_LIMIT = 160 * MAX_TEXT_CHARS
"""Longest CSV field read (16 million characters, 64 MB in the csv module's buffer): a field
this long is a quote never closed, swallowing the file."""


class _LineTap:
    """The lines csv.reader reads, noting whether the input ran out while it read a row.

    With the default dialect csv.reader finishes a row at the end of its line (a last line
    without a newline too) and only reads on past the input's end inside a quoted field: so a
    row read while the input ran out opened a quote that never closed, which the lenient
    reader accepts silently, folding every line after it into one field.
    """

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self.ended = False

    def __iter__(self) -> _LineTap:
        return self

    def __next__(self) -> str:
        try:
            return next(self._lines)
        except StopIteration:
            self.ended = True
            raise


def _read_csv_rows(
    reader: Any, source: str, lines: _LineTap
) -> Iterator[tuple[int, Post | Reject]]:
    header = next(reader, None)
    if header is None:
        return
    if lines.ended:
        raise InputError(f"{source}: the CSV header opens a quote that is never closed")
    missing = [column for column in ("id", "text") if column not in header]
    if missing:
        raise InputError(f"{source}: CSV header lacks {' and '.join(missing)} (found {header})")
    width = len(header)
    last_line = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            number, last_line = last_line + 1, reader.line_num
            if "field larger than field limit" in str(exc):
                raise InputError(
                    f"{source}: line {number}: a field of over {CSV_FIELD_LIMIT:,} characters, "
                    "a quote never closed: the rest of the file cannot be read reliably"
                ) from None
            yield number, Reject(source, number, f"not CSV: {exc}", "")
            continue
        number, last_line = last_line + 1, reader.line_num
        if lines.ended:
            reason = f"not CSV: a quoted field opened here is never closed (lines {number}-end)"
            yield number, Reject(source, number, reason, raw_csv_row(row))
            continue
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        try:
            post = _csv_row_post(header, row, width)
        except BadRecord as exc:
            yield number, Reject(source, number, str(exc), raw_csv_row(row))
            continue
        yield number, post


def _csv_row_post(header: list[str], row: list[str], width: int) -> Post:
    if len(row) != width:
        raise BadRecord(f"row has {len(row)} fields, the header has {width}")
    try:
        "".join(row).encode("utf-8")
    except UnicodeEncodeError:
        raise BadRecord("invalid UTF-8") from None
    return _to_post(dict(zip(header, row, strict=True)))


def raw_csv_row(row: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(row)
    raw = buffer.getvalue().encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return raw[:MAX_RAW_CHARS]


# --- Parquet ---------------------------------------------------------------------------------


def _read_parquet(path: str, source: str) -> Iterator[Post | Reject]:
    """Rows of a Parquet file, streamed batch by batch so memory stays flat.

    Standard input is read whole first: Parquet keeps its index at the end of the file.
    """
    parquet = load_parquet_module()
    target: Any = io.BytesIO(sys.stdin.buffer.read()) if path == STDIN else path
    # No pre-buffering: pyarrow would keep every column chunk read until the file closes.
    with parquet.ParquetFile(target, pre_buffer=False, buffer_size=1 << 20) as parquet_file:
        columns = parquet_file.schema_arrow.names
        missing = [column for column in ("id", "text") if column not in columns]
        if missing:
            raise InputError(f"{source}: Parquet file has no {' or '.join(missing)} column")
        number = 0
        for batch in parquet_file.iter_batches(batch_size=_PARQUET_BATCH_ROWS):
            for row in arrow_rows(batch):
                number += 1
                try:
                    yield _to_post(row)
                except BadRecord as exc:
                    yield Reject(source, number, str(exc), raw_mapping(row))


def raw_mapping(row: Mapping[str, Any]) -> str:
    raw = orjson.dumps(row, default=str, option=orjson.OPT_NON_STR_KEYS)
    return raw.decode("utf-8")[:MAX_RAW_CHARS]
