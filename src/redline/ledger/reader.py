"""Read event files (JSONL, or CSV with the same fields) into submissions or `Reject`s.

The one-line event format of LEDGER.md, plus the actor's signature:
`{"event_type", "inst_id", "actor_id", "event_time", "payload", "signature"}`. In CSV, `payload`
is a column holding the payload's JSON text. As in `redline scan`, every non-blank line gives
exactly one submission or one `Reject` with its line number and reason.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import orjson

from redline.ledger.entry import Submission
from redline.ledger.intake import TOP_LEVEL, IntakeError, parse_submission
from redline.run.reader import MAX_RAW_CHARS, InputError, Reject

EVENT_FORMATS = ("jsonl", "csv")
CSV_COLUMNS = (*TOP_LEVEL, "signature")


def event_format_of(path: Path) -> str:
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


def read_events(path: Path, fmt: str | None = None) -> Iterator[tuple[int, Submission] | Reject]:
    fmt = fmt or event_format_of(path)
    if fmt not in EVENT_FORMATS:
        raise InputError(f"unknown event format {fmt!r}; expected jsonl or csv")
    source = str(path)
    with path.open("rb") as stream:
        if fmt == "csv":
            yield from _csv(stream, source)
        else:
            yield from _jsonl(stream, source)


def _raw(line: bytes) -> str:
    return line[: 4 * MAX_RAW_CHARS].decode("utf-8", "replace").rstrip("\r\n")[:MAX_RAW_CHARS]


def _jsonl(stream: io.BufferedIOBase, source: str) -> Iterator[tuple[int, Submission] | Reject]:
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            record = orjson.loads(line.removeprefix(b"\xef\xbb\xbf") if number == 1 else line)
        except orjson.JSONDecodeError as exc:
            yield Reject(source, number, f"not JSON: {exc}", _raw(line))
            continue
        try:
            yield number, parse_submission(record)
        except IntakeError as exc:
            yield Reject(source, number, str(exc), _raw(line))


def _csv(stream: io.BufferedIOBase, source: str) -> Iterator[tuple[int, Submission] | Reject]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.DictReader(text)
    missing = [c for c in TOP_LEVEL if c not in (reader.fieldnames or [])]
    if reader.fieldnames is None:
        return
    if missing:
        raise InputError(f"{source}: CSV header lacks {', '.join(missing)}")
    last = reader.line_num
    for row in reader:
        number, last = last + 1, reader.line_num
        raw = ",".join(str(v) for v in row.values())[:MAX_RAW_CHARS]
        if None in row:
            yield Reject(source, number, "row has more fields than the header", raw)
            continue
        record: dict[str, object] = {k: v for k, v in row.items() if k in CSV_COLUMNS and v}
        try:
            record["payload"] = orjson.loads(row.get("payload") or "")
        except orjson.JSONDecodeError as exc:
            yield Reject(source, number, f"`payload` is not JSON: {exc}", raw)
            continue
        try:
            yield number, parse_submission(record)
        except IntakeError as exc:
            yield Reject(source, number, str(exc), raw)
