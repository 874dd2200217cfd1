"""Canonical JSON and the hashes built on it.

Two parties must get the same bytes for the same payload, or no hash or signature could ever be
checked by someone else: keys sorted, compact separators, UTF-8, and no floats (a float prints
differently across languages; quantities are decimal strings instead).
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

_MAX_INT = 2**53 - 1
"""Larger integers do not survive a round trip through many JSON parsers."""


class CanonicalError(ValueError):
    """A value that has no canonical JSON form (a float, a non-string key, a huge integer)."""


def _check(value: Any, path: str) -> None:
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return
    if kind is int:
        if abs(value) > _MAX_INT:
            raise CanonicalError(f"{path}: integer {value} is too large; use a decimal string")
        return
    if kind is float:
        raise CanonicalError(f"{path}: floats are not allowed; write quantities as decimal strings")
    if kind is list:
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]")
        return
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                raise CanonicalError(f"{path}: object keys must be strings")
            _check(item, f"{path}.{key}")
        return
    raise CanonicalError(f"{path}: {kind.__name__} is not a JSON value")


def canonical_json(value: Any) -> bytes:
    """The canonical UTF-8 bytes of a JSON value (raises `CanonicalError` when it has none)."""
    _check(value, "payload")
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError as exc:  # lone surrogates
        raise CanonicalError(f"payload: {exc}") from None


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()
