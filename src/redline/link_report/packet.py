"""Evidence packets: one zip per ring that a prosecutor can check has not been altered.

The packet holds the posts as received, their verdicts and explanations, the graph, the report
(JSON and HTML) and `manifest.json`: the SHA-256 of every other file. `manifest.sha256` holds
the digest of the manifest itself, so changing a file *and* its manifest entry still shows.
`verify_packet` recomputes everything and names each file added, removed or changed.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
MANIFEST_DIGEST = "manifest.sha256"
FORMAT = "redline-evidence-packet/1"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_packet(
    path: Path, files: Mapping[str, bytes], about: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Write `files` (name -> bytes) and their manifest to the zip at `path`; the manifest."""
    if MANIFEST in files or MANIFEST_DIGEST in files:
        raise ValueError(f"{MANIFEST} and {MANIFEST_DIGEST} are written by the packet itself")
    manifest = {
        "format": FORMAT,
        **(about or {}),
        "files": {
            name: {"sha256": _sha256(data), "bytes": len(data)}
            for name, data in sorted(files.items())
        },
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
        archive.writestr(MANIFEST, manifest_bytes)
        archive.writestr(MANIFEST_DIGEST, f"{_sha256(manifest_bytes)}  {MANIFEST}\n")
    return manifest


@dataclass
class Verification:
    """What `verify_packet` found; `ok` when nothing was added, removed or changed."""

    manifest_ok: bool
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return (
            self.manifest_ok
            and not (self.added or self.removed or self.changed)
            and self.error is None
        )


def verify_packet(path: Path) -> Verification:
    """Check every file of a packet against its manifest, and the manifest against its digest."""
    try:
        with zipfile.ZipFile(path) as archive:
            contents = {name: archive.read(name) for name in archive.namelist()}
    except (OSError, zipfile.BadZipFile) as exc:
        return Verification(False, error=f"cannot read {path}: {exc}")
    manifest_bytes = contents.pop(MANIFEST, None)
    digest_line = contents.pop(MANIFEST_DIGEST, b"").decode("utf-8", "replace").split()
    if manifest_bytes is None:
        return Verification(False, added=sorted(contents), error=f"no {MANIFEST}")
    manifest_ok = bool(digest_line) and digest_line[0] == _sha256(manifest_bytes)
    try:
        listed = json.loads(manifest_bytes)["files"]
        if not isinstance(listed, dict):
            raise TypeError("'files' is not an object")
    except (ValueError, KeyError, TypeError) as exc:
        return Verification(False, error=f"unreadable {MANIFEST}: {exc}")
    return Verification(
        manifest_ok,
        added=sorted(set(contents) - set(listed)),
        removed=sorted(set(listed) - set(contents)),
        changed=sorted(
            name
            for name in set(contents) & set(listed)
            if not isinstance(listed[name], dict)  # a tampered entry: no digest to match
            or _sha256(contents[name]) != listed[name].get("sha256")
        ),
        error=None if manifest_ok else f"{MANIFEST} does not match {MANIFEST_DIGEST}",
    )
