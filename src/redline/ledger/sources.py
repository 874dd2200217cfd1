"""Where verification reads a ledger from: the database, or an export anyone can hold offline.

An export is a folder with `entries.jsonl` (one entry per line, hashes in hex, the payload as the
exact canonical JSON text that was hashed) and `checkpoints.jsonl` (one signed checkpoint per
line). The same `redline ledger verify` reads either.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

import orjson

from redline.ledger.checkpoint import Checkpoint
from redline.ledger.entry import Entry

ENTRIES_FILE = "entries.jsonl"
CHECKPOINTS_FILE = "checkpoints.jsonl"


class SourceError(ValueError):
    """An export that cannot be read at all."""


class EntrySource(Protocol):
    def entries(
        self, start: int = 0, event_types: Sequence[str] | None = None
    ) -> Iterator[Entry]: ...
    def checkpoints(self) -> list[Checkpoint]: ...


class ExportSource:
    """An export folder read line by line; a line that is not an entry raises `SourceError`."""

    def __init__(self, folder: Path):
        self.folder = folder
        if not (folder / ENTRIES_FILE).is_file():
            raise SourceError(f"{folder}: no {ENTRIES_FILE}; not a ledger export")

    def entries(self, start: int = 0, event_types: Sequence[str] | None = None) -> Iterator[Entry]:
        with (self.folder / ENTRIES_FILE).open("rb") as stream:
            for number, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                try:
                    entry = Entry.from_dict(orjson.loads(line))
                except (orjson.JSONDecodeError, KeyError, ValueError, TypeError) as exc:
                    raise SourceError(
                        f"{ENTRIES_FILE} line {number}: not an entry ({exc})"
                    ) from None
                if entry.seq < start:
                    continue
                if event_types is None or entry.event_type in event_types:
                    yield entry

    def checkpoints(self) -> list[Checkpoint]:
        path = self.folder / CHECKPOINTS_FILE
        return read_checkpoints(path) if path.is_file() else []


def read_checkpoints(path: Path) -> list[Checkpoint]:
    """Signed checkpoints, one JSON object a line, sorted by tree size."""
    found = []
    for number, line in enumerate(path.read_bytes().splitlines(), 1):
        if not line.strip():
            continue
        try:
            found.append(Checkpoint.from_dict(orjson.loads(line)))
        except (orjson.JSONDecodeError, KeyError, ValueError, TypeError) as exc:
            raise SourceError(f"{path} line {number}: not a checkpoint ({exc})") from None
    return sorted(found, key=lambda c: c.tree_size)


def export(source: EntrySource, folder: Path) -> tuple[int, int]:
    """Write `source` as an export folder; returns (entries, checkpoints) written.

    Files are written under temporary names and renamed at the end, so an interrupted export
    never leaves a folder that looks complete.
    """
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    partial = folder / (ENTRIES_FILE + ".partial")
    with partial.open("wb") as stream:
        for entry in source.entries():
            stream.write(orjson.dumps(entry.to_dict(), option=orjson.OPT_APPEND_NEWLINE))
            count += 1
    signed = source.checkpoints()
    checkpoints_partial = folder / (CHECKPOINTS_FILE + ".partial")
    checkpoints_partial.write_bytes(
        b"".join(orjson.dumps(c.to_dict(), option=orjson.OPT_APPEND_NEWLINE) for c in signed)
    )
    partial.replace(folder / ENTRIES_FILE)
    checkpoints_partial.replace(folder / CHECKPOINTS_FILE)
    return count, len(signed)


def open_source(target: str) -> EntrySource:
    """An export folder when `target` is one, else a database path or URL."""
    path = Path(target)
    if path.is_dir():
        return ExportSource(path)
    if path.name == ENTRIES_FILE and path.is_file():
        return ExportSource(path.parent)
    if "://" not in target and not path.is_file():
        raise SourceError(f"no ledger database or export at {target}")
    from redline.ledger.ledger import Ledger

    return Ledger.open(target)
