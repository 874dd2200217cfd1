"""Durable progress of a scan, so a run killed at any moment resumes without loss or duplicates.

The protocol (docs/scale.md) has one invariant: `DIR/progress.json` always describes a state
that is wholly on disk. A commit first makes the outputs durable (fsync of the decisions and
rejects files, or a new Parquet part renamed into place), then replaces the progress file
atomically (write a temporary file, fsync, rename, fsync the folder). The progress names the
input position reached and the byte lengths of both outputs at that moment. A resumed run
cuts each output back to its committed length, which drops anything a killed run wrote after
its last commit, torn lines included, and reads on from the committed input position. Every
record is thus written by exactly one run.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from redline.run.chunks import Position
from redline.run.output import fsync_directory

PROGRESS_FILE = "progress.json"
VERSION = 1


class CheckpointError(ValueError):
    """A checkpoint folder that belongs to another run, or that cannot be read."""


@dataclass(slots=True)
class Progress:
    """One commit: how far the input was read and how much output that produced."""

    fingerprint: str
    position: Position = field(default_factory=Position)
    output_bytes: int = 0
    rejects_bytes: int = 0
    parquet_parts: int = 0
    summary: dict[str, Any] = field(default_factory=dict)
    done: bool = False

    def to_json(self) -> bytes:
        data = asdict(self)
        data["version"] = VERSION
        return json.dumps(data, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Progress:
        data = json.loads(raw)
        if data.pop("version", None) != VERSION:
            raise CheckpointError("checkpoint written by another version of redline")
        data["position"] = Position(**data["position"])
        return cls(**data)


def fingerprint(settings: dict[str, Any], inputs: list[str]) -> str:
    """What must not change between a run and its resumption: the options that shape the
    output, and each input's path, size and modification time."""
    described = [settings]
    for path in inputs:
        stat = os.stat(path)
        described.append(
            {"path": os.path.abspath(path), "size": stat.st_size, "mtime": stat.st_mtime_ns}
        )
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


class Checkpoint:
    """The progress file of one run in `folder` (created if needed)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / PROGRESS_FILE

    @property
    def parquet_parts(self) -> Path:
        """Where a Parquet output keeps its committed parts until the run completes."""
        return self.folder / "parts"

    def load(self, expected_fingerprint: str) -> Progress | None:
        """The last commit, or None for a fresh run; a commit from a different run is an error."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            progress = Progress.from_json(raw)
        except (ValueError, TypeError, KeyError) as exc:
            raise CheckpointError(f"{self.path}: unreadable checkpoint ({exc})") from None
        if progress.fingerprint != expected_fingerprint:
            raise CheckpointError(
                f"{self.folder} holds the checkpoint of a different run (other inputs, output "
                "or options); use another folder, or delete it to start over"
            )
        return progress

    def commit(self, progress: Progress) -> None:
        """Replace the progress file atomically and durably."""
        temporary = self.path.with_suffix(".tmp")
        with open(temporary, "wb") as stream:
            stream.write(progress.to_json())
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, self.path)
        fsync_directory(self.folder)
