"""Tables derived from data at first use and kept on disk, so later processes start fast.

Expanding the packs' terms into every spelling, reading pypinyin's dictionary of 42,000
characters or compiling the prefilter's pattern database costs a good part of a second; a
process that finds the result on disk pays a millisecond or so. Each file is named by
everything it was derived from: a change in the sources gives a new name, so a stale file is
never read. A missing, unreadable or corrupt file is rebuilt, and a read-only home only costs
the time to build. Files no process has read for `UNUSED_DAYS` (those of versions no longer
installed) are removed whenever a new one is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import time
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import orjson

T = TypeVar("T")

UNUSED_DAYS = 30
"""A derived file not read for this long is removed when the next new one is written."""


def cache_dir() -> Path:
    """$REDLINE_CACHE_DIR, else $XDG_CACHE_HOME/redline, else ~/.cache/redline."""
    base = os.environ.get("REDLINE_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "redline" if base else Path.home() / ".cache" / "redline"


def package_stamp(package: str) -> str:
    """Stands for the installed version of `package` in a derived file's name: the size and
    modification time of its `__init__.py`, which an install or upgrade rewrites. (Asking
    `importlib.metadata` for the version would cost 0.14 s of start-up to import it.)"""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return "absent"
    stat = os.stat(spec.origin)
    return f"{stat.st_size:x}-{stat.st_mtime_ns:x}"


def fingerprint(parts: Iterable[bytes], sources: Iterable[str] = ()) -> str:
    """32 hex characters naming a derived file: a digest of `parts` and of the bytes of each
    of `sources` (files of the redline package, as "normalize/tables.py")."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    package = resources.files("redline")
    for source in sources:
        digest.update(package.joinpath(*source.split("/")).read_bytes())
    return digest.hexdigest()[:32]


def derived(
    name: str, build: Callable[[], T], *, dump: Callable[[T], bytes], load: Callable[[bytes], T]
) -> T:
    """The thing stored as `name` in the cache directory, built and stored if missing.

    Whatever `load` raises on (a truncated file, a format it does not know) counts as missing;
    whatever `dump` raises on is returned without being stored.
    """
    path = cache_dir() / name
    try:
        thing = load(path.read_bytes())
    except Exception:  # any file `load` cannot read is only a cache miss
        pass
    else:
        _mark_used(path)
        return thing
    thing = build()
    try:
        data = dump(thing)
    except Exception:  # a thing `dump` has no exact form for is used, not stored
        return thing
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(data)
        partial.replace(path)
    except OSError:
        return thing
    prune(path.parent)
    return thing


def _mark_used(path: Path) -> None:
    """Set the file's time to now, so `prune` sees it in use (access times are often off)."""
    with contextlib.suppress(OSError):
        os.utime(path)


def prune(folder: Path, *, now: float | None = None) -> list[Path]:
    """Remove the files of `folder` unused for `UNUSED_DAYS`; the paths removed."""
    cutoff = (time.time() if now is None else now) - UNUSED_DAYS * 86_400
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        try:
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue  # another process removed or replaced it first
    return removed


def derived_table(
    name: str,
    build: Callable[[], T],
    *,
    encode: Callable[[T], Any],
    decode: Callable[[Any], T],
) -> T:
    """`derived` as JSON: `encode` turns the table into JSON-able data, `decode` back."""
    return derived(
        name,
        build,
        dump=lambda table: orjson.dumps(encode(table)),
        load=lambda data: decode(orjson.loads(data)),
    )
