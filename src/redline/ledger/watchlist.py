"""R12's watchlist: contacts seen in detected ads or seizures, as plain lines or as rings.

The file is either one value a line or `rings.jsonl` from `redline link` (one ring a line: every
contact the ring is linked by counts; its `generic_contacts` do not, the linker judged them too
common to mean anything). Phones compare in E.164 with the linker's own normalisation, so
"138-0013-8000" in the ledger matches "+8613800138000" in a ring; other values compare as
`normalize_contact` does (no case, spaces or dashes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

PHONE_SHAPE = re.compile(r"[+(]?[0-9][0-9 \t\-().]{5,}")
"""Only values written like a phone are read as one: a waybill such as "SF1234567890" is not."""


def normalize_contact(value: str) -> str:
    """Contacts compare without case, spaces or dashes: "+86 138-0000" == "+861380000"."""
    return "".join(ch for ch in str(value).lower() if ch not in " -\t")


class WatchlistError(ValueError):
    """A watchlist file that cannot be read (the message names the line)."""


def phone_e164(value: str) -> str | None:
    """The E.164 form of a value written like a phone, else None."""
    if not PHONE_SHAPE.fullmatch(value.strip()):
        return None
    from redline.link.entities import EntityError, normalize_entity

    try:
        return normalize_entity("phone", value).value
    except EntityError:
        return None


def watch_keys(value: str, *, phone: bool = True) -> set[str]:
    """The keys a value is compared under: its plain form and, for phones, its E.164 form."""
    keys = {normalize_contact(value)}
    e164 = phone_e164(value) if phone else None
    if e164 is not None:
        keys.add("phone:" + e164)
    return keys


def watched(value: str, watchlist: frozenset[str], *, phone: bool = True) -> bool:
    return not watchlist.isdisjoint(watch_keys(value, phone=phone))


def ring_values(ring: dict) -> list[str]:
    """The contacts a ring (a line of `rings.jsonl`) is linked by."""
    entities = ring.get("entities")
    if not isinstance(entities, list):
        raise WatchlistError("a ring without an `entities` list")
    values = [e.get("value") for e in entities if isinstance(e, dict)]
    return [v for v in values if isinstance(v, str) and v.strip()]


def read_watchlist(path: Path) -> list[str]:
    """Every value of a watchlist file; a line starting with `{` must be a ring."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise WatchlistError(f"{path}: {exc}") from None
    return list(_values(path, lines))


def _values(path: Path, lines: Iterable[str]) -> Iterable[str]:
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text:
            continue
        if not text.startswith("{"):
            yield text
            continue
        try:
            ring = json.loads(text)
            if not isinstance(ring, dict):
                raise WatchlistError("not a JSON object")
            yield from ring_values(ring)
        except (json.JSONDecodeError, WatchlistError) as exc:
            raise WatchlistError(f"{path} line {number}: not a ring ({exc})") from None
