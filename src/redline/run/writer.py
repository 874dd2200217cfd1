"""Write decisions (JSONL, CSV, Parquet) and rejects, so that a broken run leaves usable output.

Line formats are written batch by batch, each batch as one chunk of complete records. If the
run dies (an exception, Ctrl-C, a full disk) the file is cut back to the end of the last chunk
that was written whole, so every line on disk is a complete record and a rerun can resume from
the ids already there. Parquet cannot be read until its footer is written, so it goes to
`PATH.partial` and takes its real name only when the run finishes cleanly.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

import orjson

from redline.run.output import LineOutput, RejectOutput
from redline.run.reader import Reject, load_parquet_module

OUTPUT_FORMATS = ("jsonl", "csv", "parquet")
CSV_COLUMNS = ("id", "verdict", "score", "rules", "clauses", "evidence", "entities")
_JSON_COLUMNS = ("rules", "clauses", "evidence", "entities")
_EXTENSION_FORMATS = {".csv": "csv", ".parquet": "parquet"}
_PARQUET_ROW_GROUP = 65_536
_ORJSON_LINE = orjson.OPT_APPEND_NEWLINE | orjson.OPT_SERIALIZE_NUMPY

EXIT_OK = 0
EXIT_SOME_REJECTED = 3


def is_stdout(path: str | None) -> bool:
    """`None` and `"-"` both mean standard output."""
    return path is None or path == "-"


def output_format_of(path: str | None) -> str:
    """The output format a path names: `.csv`, `.parquet`, otherwise JSONL."""
    if is_stdout(path):
        return "jsonl"
    assert path is not None
    suffix = Path(path).suffix.lower()
    if suffix == ".gz":
        raise ValueError(f"compressed output is not supported ({path!r}); pipe stdout to gzip")
    return _EXTENSION_FORMATS.get(suffix, "jsonl")


def rejects_path(output_path: str) -> str:
    """Where the rejects of a run writing `output_path` go: `out.jsonl` -> `out.rejects.jsonl`."""
    return str(Path(output_path).with_suffix(".rejects.jsonl"))


# --- encoding --------------------------------------------------------------------------------


def _json_line(record: Mapping[str, Any]) -> bytes:
    """One JSON line; lone surrogates (valid in Python's JSON, not in orjson's) get escaped."""
    try:
        return orjson.dumps(record, option=_ORJSON_LINE)
    except TypeError:
        return (json.dumps(record, ensure_ascii=True, default=_numpy_scalar) + "\n").encode()


def _json_text(value: Any) -> str:
    try:
        return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=True, default=_numpy_scalar)


def _numpy_scalar(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _jsonl_chunk(records: Iterable[Mapping[str, Any]]) -> tuple[bytes, int]:
    lines = [_json_line(record) for record in records]
    return b"".join(lines), len(lines)


def _csv_chunk(decisions: Iterable[Mapping[str, Any]]) -> tuple[bytes, int]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    count = 0
    for decision in decisions:
        row = [decision["id"], decision["verdict"], decision["score"]]
        row.extend(_json_text(decision.get(column, [])) for column in _JSON_COLUMNS)
        writer.writerow(row)
        count += 1
    # A lone surrogate in an id cannot be UTF-8; CSV has no escape for it, so it becomes "?".
    return buffer.getvalue().encode("utf-8", "replace"), count


# --- sinks -----------------------------------------------------------------------------------


class _Sink(Protocol):
    def write(self, decisions: Iterable[Mapping[str, Any]]) -> int: ...
    def close(self, *, complete: bool) -> None: ...


class _LineFormatSink:
    """JSONL or CSV: each `write` encodes a whole batch in memory, then writes it at once."""

    def __init__(self, path: str | None, fmt: str):
        header = (",".join(CSV_COLUMNS) + "\n").encode() if fmt == "csv" else b""
        self._out = LineOutput(path, header=header)
        self._encode = _csv_chunk if fmt == "csv" else _jsonl_chunk

    def write(self, decisions: Iterable[Mapping[str, Any]]) -> int:
        chunk, count = self._encode(decisions)
        self._out.write(chunk)
        return count

    def close(self, *, complete: bool) -> None:
        self._out.close()


class _ParquetSink:
    """Parquet with typed nested columns, written in row groups to `PATH.partial`."""

    def __init__(self, path: str):
        import pyarrow as pa

        parquet = load_parquet_module()
        self._pa = pa
        self._path = path
        self._partial = path + ".partial"
        self._schema = _decision_schema(pa)
        self._rows: list[Mapping[str, Any]] = []
        self._writer = parquet.ParquetWriter(self._partial, self._schema)

    def write(self, decisions: Iterable[Mapping[str, Any]]) -> int:
        batch = list(decisions)  # whole, before buffering: a batch that breaks adds nothing
        self._rows.extend(batch)
        if len(self._rows) >= _PARQUET_ROW_GROUP:
            self._flush()
        return len(batch)

    def _flush(self) -> None:
        if not self._rows:
            return
        try:
            table = self._pa.Table.from_pylist(self._rows, schema=self._schema)
        except UnicodeEncodeError:  # lone surrogates: Parquet strings must be UTF-8
            table = self._pa.Table.from_pylist(
                [_without_surrogates(row) for row in self._rows], schema=self._schema
            )
        self._writer.write_table(table)
        self._rows = []

    def close(self, *, complete: bool) -> None:
        """Finish the file with every batch written; it takes its real name only if the run
        completed, so `PATH.partial` holds the whole batches of a run that broke."""
        try:
            self._flush()
        finally:
            self._writer.close()
        if complete:
            os.replace(self._partial, self._path)


def _decision_schema(pa: Any) -> Any:
    string, integer = pa.string(), pa.int64()
    return pa.schema(
        [
            ("id", string),
            ("verdict", string),
            ("score", pa.float64()),
            ("rules", pa.list_(string)),
            (
                "clauses",
                pa.list_(
                    pa.struct(
                        [("id", string), ("pack", string), ("citation", string), ("title", string)]
                    )
                ),
            ),
            (
                "evidence",
                pa.list_(
                    pa.struct(
                        [("start", integer), ("end", integer), ("text", string), ("signal", string)]
                    )
                ),
            ),
            (
                "entities",
                pa.list_(
                    pa.struct(
                        [("type", string), ("value", string), ("start", integer), ("end", integer)]
                    )
                ),
            ),
        ]
    )


def _without_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, Mapping):
        return {key: _without_surrogates(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_surrogates(item) for item in value]
    return value


# --- public writers --------------------------------------------------------------------------


class DecisionWriter:
    """Writes decision dicts (`Decision.to_dict()`) to a file or stdout.

    Use as a context manager and call `write` once per batch. Leaving the block through an
    exception keeps what was written whole (line formats) or leaves `PATH.partial` (Parquet).
    """

    def __init__(self, path: str | None, fmt: str | None = None):
        self.path = None if is_stdout(path) else path
        self.format = fmt or output_format_of(path)
        if self.format not in OUTPUT_FORMATS:
            raise ValueError(
                f"unknown output format {self.format!r}; expected one of {OUTPUT_FORMATS}"
            )
        if self.format == "parquet" and self.path is None:
            raise ValueError("Parquet cannot be streamed to stdout; give an output path")
        self.written = 0
        self._sink: _Sink
        if self.format == "parquet":
            assert self.path is not None
            self._sink = _ParquetSink(self.path)
        else:
            self._sink = _LineFormatSink(self.path, self.format)
        self._closed = False

    def write(self, decisions: Iterable[Mapping[str, Any]]) -> None:
        """Write one batch: encoded whole, then written as one chunk of complete records."""
        self.written += self._sink.write(decisions)

    def close(self, *, complete: bool = True) -> None:
        """Finish the output; `complete=False` marks an interrupted run (see the class doc)."""
        if not self._closed:
            self._closed = True
            self._sink.close(complete=complete)

    def __enter__(self) -> DecisionWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close(complete=exc_type is None)


class RejectWriter:
    """Writes rejects as JSON lines next to the output file, or to stderr for stdout output.

    The file (`rejects_path(output_path)`) is created only when there is a reject to put in
    it; one left by an earlier run into the same output is removed, so it can never be
    mistaken for this run's.
    """

    def __init__(self, output_path: str | None):
        self.path = None if is_stdout(output_path) else rejects_path(output_path or "")
        self.written = 0
        self._out = RejectOutput(self.path)

    def write(self, rejects: Iterable[Reject]) -> None:
        """Write one batch of rejects."""
        chunk, count = _jsonl_chunk(reject.to_dict() for reject in rejects)
        self._out.write(chunk)
        self.written += count

    def close(self) -> None:
        self._out.close()

    def __enter__(self) -> RejectWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


# --- run summary -----------------------------------------------------------------------------


@dataclass(slots=True)
class RunSummary:
    """What a batch run did. `read` is counted as records arrive, the rest as they leave, so
    `balanced` checks that every record read was either decided or rejected."""

    read: int = 0
    decided: int = 0
    rejected: int = 0
    by_verdict: dict[str, int] = field(default_factory=dict)

    def add_read(self, count: int) -> None:
        self.read += count

    def add_decisions(self, decisions: Iterable[Mapping[str, Any]]) -> None:
        """Count decisions and tally their verdicts."""
        for decision in decisions:
            verdict = decision["verdict"]
            self.by_verdict[verdict] = self.by_verdict.get(verdict, 0) + 1
            self.decided += 1

    def add_rejects(self, count: int) -> None:
        self.rejected += count

    @property
    def balanced(self) -> bool:
        return self.read == self.decided + self.rejected

    @property
    def exit_code(self) -> int:
        """0 when every record was decided, 3 when some were rejected."""
        return EXIT_SOME_REJECTED if self.rejected else EXIT_OK

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "decided": self.decided,
            "rejected": self.rejected,
            "by_verdict": dict(self.by_verdict),
        }
