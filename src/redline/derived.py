"""Tables derived from data at first use and kept on disk, so later processes start fast.

Expanding the packs' terms into every spelling, or reading pypinyin's dictionary of 42,000
characters, costs most of a second; a process that finds the result on disk pays milliseconds.
Each table is keyed by everything it was derived from: a change in the sources gives a new
name, so a stale file is never read. A missing, unreadable or corrupt file is rebuilt, and a
read-only home only costs the time to build.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import orjson

T = TypeVar("T")


def cache_dir() -> Path:
    """$REDLINE_CACHE_DIR, else $XDG_CACHE_HOME/redline, else ~/.cache/redline."""
    base = os.environ.get("REDLINE_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "redline" if base else Path.home() / ".cache" / "redline"


def derived_table(
    name: str,
    build: Callable[[], T],
    *,
    encode: Callable[[T], Any],
    decode: Callable[[Any], T],
) -> T:
    """The table stored as `name` (JSON) in the cache directory, built and stored if missing.

    `encode` turns the table into JSON-able data and `decode` back; a file `decode` cannot read
    counts as missing.
    """
    path = cache_dir() / name
    try:
        return decode(orjson.loads(path.read_bytes()))
    except (OSError, orjson.JSONDecodeError, TypeError, ValueError, KeyError, AttributeError):
        pass
    table = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(orjson.dumps(encode(table)))
        partial.replace(path)
    except OSError:
        pass
    return table
