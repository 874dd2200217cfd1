"""What a batch run writes, and how: output formats by extension, the encodings of decision
dicts (JSON lines, CSV rows, the Parquet schema), the rejects file, and the run's summary.

The files themselves are written by `redline.run.output` (whole chunks, cut back on failure)
from chunks encoded by `redline.run.encode`; this module holds the conventions they share.
"""

from __future__ import annotations

import base64
import csv
import datetime
import decimal
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson

from redline.run.output import RejectOutput
from redline.run.reader import InvalidUtf8, Reject

CSV_COLUMNS = ("id", "verdict", "score", "rules", "clauses", "evidence", "entities")
JSON_COLUMNS = ("rules", "clauses", "evidence", "entities")
_EXTENSION_FORMATS = {".csv": "csv", ".parquet": "parquet"}
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


def json_line(record: Mapping[str, Any]) -> bytes:
    """One JSON line; lone surrogates (valid in Python's JSON, not in orjson's) get escaped."""
    try:
        return orjson.dumps(record, default=json_default, option=_ORJSON_LINE)
    except TypeError:
        return (json.dumps(record, ensure_ascii=True, default=json_default) + "\n").encode()


def json_text(value: Any) -> str:
    try:
        return orjson.dumps(value, default=json_default, option=orjson.OPT_SERIALIZE_NUMPY).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=True, default=json_default)


def json_default(value: Any) -> Any:
    """What JSON has no type for, as carried columns bring it from Parquet: NumPy scalars as
    themselves, dates and times in ISO 8601, bytes in base64 (strings that were not UTF-8 as
    text with replacement characters), and decimals (exactly) and durations as text."""
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, InvalidUtf8):
        return str(value)  # text that was meant, its bad bytes replaced
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, (decimal.Decimal, datetime.timedelta)):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def jsonl_chunk(records: Iterable[Mapping[str, Any]]) -> tuple[bytes, int]:
    lines = [json_line(record) for record in records]
    return b"".join(lines), len(lines)


def csv_chunk(decisions: Iterable[Mapping[str, Any]]) -> tuple[bytes, int]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    count = 0
    for decision in decisions:
        row = [decision["id"], decision["verdict"], decision["score"]]
        row.extend(json_text(decision.get(column, [])) for column in JSON_COLUMNS)
        writer.writerow(row)
        count += 1
    # A lone surrogate in an id cannot be UTF-8; CSV has no escape for it, so it becomes "?".
    return buffer.getvalue().encode("utf-8", "replace"), count


# --- Parquet ------------------------------------------------------------------------------


def without_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, Mapping):
        return {key: without_surrogates(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [without_surrogates(item) for item in value]
    return value


# --- rejects --------------------------------------------------------------------------------


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
        chunk, count = jsonl_chunk(reject.to_dict() for reject in rejects)
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
