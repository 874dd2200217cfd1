"""What every backend can store in a text column: anything but NUL (U+0000).

Why a check of its own: SQLite stores NUL, PostgreSQL refuses it in `text` (and in JSON), so an
input holding one was stored on SQLite and a 500 on PostgreSQL, after part of the request's work
was done. Every input that reaches a text column, or a query on one, is checked with `nul_at`
before anything is written or looked up: on either backend a NUL is refused with a 422 (or an
intake refusal) naming where it was. The web layer applies it through `web.schemas.NulFree`.
"""

from __future__ import annotations

from typing import Any

NUL_MESSAGE = "holds a NUL character (U+0000), which cannot be stored"
"""The reason given for a refused value, after the name of the field that held it."""


def nul_at(value: Any) -> tuple[str | int, ...] | None:
    """Where the first U+0000 in `value` is: () for a string holding one, the keys and indexes
    down to it in dicts and lists (a key holding one ends the path), None when there is none."""
    if isinstance(value, str):
        return () if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and "\x00" in key:
                return (key,)
            if (inner := nul_at(item)) is not None:
                return (key, *inner)
        return None
    if isinstance(value, list):
        for index, item in enumerate(value):
            if (inner := nul_at(item)) is not None:
                return (index, *inner)
    return None


def holds_nul(value: Any) -> bool:
    """Whether a string anywhere in `value` (dict keys included) holds U+0000."""
    return nul_at(value) is not None
