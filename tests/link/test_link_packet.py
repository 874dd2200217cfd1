"""`redline.link_report.packet`: digests of every file and of the manifest, and what changed."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from redline.link_report.packet import MANIFEST, MANIFEST_DIGEST, verify_packet, write_packet

FILES = {"posts.jsonl": b'{"id": "p1"}\n', "graph.png": b"\x89PNG...", "report.json": b"{}"}


def _rewrite(src: Path, dst: Path, change: dict[str, bytes | None]) -> None:
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w") as new:
        for name in old.namelist():
            data = change.get(name, old.read(name))
            if data is not None:
                new.writestr(name, data)
        for name, data in change.items():
            if name not in old.namelist() and data is not None:
                new.writestr(name, data)


@pytest.fixture()
def packet(tmp_path: Path) -> Path:
    path = tmp_path / "p.zip"
    write_packet(path, FILES, {"ring_id": "ring-000001"})
    return path


def test_an_untouched_packet_verifies(packet: Path) -> None:
    result = verify_packet(packet)
    assert result.ok and result.manifest_ok
    with zipfile.ZipFile(packet) as archive:
        manifest = json.loads(archive.read(MANIFEST))
    assert set(manifest["files"]) == set(FILES) and manifest["ring_id"] == "ring-000001"


def test_changes_additions_and_removals_are_named(packet: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    _rewrite(packet, bad, {"posts.jsonl": b'{"id": "p2"}\n', "graph.png": None, "new.txt": b"x"})
    result = verify_packet(bad)
    assert not result.ok
    assert (result.changed, result.removed, result.added) == (
        ["posts.jsonl"],
        ["graph.png"],
        ["new.txt"],
    )


def test_a_rewritten_manifest_is_caught_by_its_digest(packet: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(packet) as archive:
        manifest = json.loads(archive.read(MANIFEST))
    forged = b'{"id": "forged"}\n'
    import hashlib

    manifest["files"]["posts.jsonl"]["sha256"] = hashlib.sha256(forged).hexdigest()
    bad = tmp_path / "forged.zip"
    _rewrite(packet, bad, {"posts.jsonl": forged, MANIFEST: json.dumps(manifest).encode()})
    result = verify_packet(bad)
    assert not result.ok and not result.manifest_ok and result.changed == []


def test_unreadable_packets_and_reserved_names(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    assert verify_packet(junk).error is not None
    with pytest.raises(ValueError):
        write_packet(tmp_path / "x.zip", {MANIFEST_DIGEST: b""})
