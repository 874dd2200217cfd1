"""What the linker reads: one record per flagged post, benign post, waybill or seizure.

A `LinkRecord` is deliberately small (ids and normalised keys, no text): the graph holds a
million of them. Everything else a report needs (text, verdict, evidence) stays with the caller,
keyed by `id`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from redline.link.entities import LINKING_TYPES, EntityError, EntityKey, normalize_entity

RecordKind = Literal["post", "waybill", "seizure"]
SHIPMENT_KINDS: tuple[str, ...] = ("waybill", "seizure")
SHIPMENT_PHONE_COLUMNS: tuple[str, ...] = ("sender_phone", "recipient_phone")
SHIPMENT_OPTIONAL_COLUMNS: tuple[str, ...] = (
    "kind",
    "date",
    "carrier",
    "origin",
    "destination",
    "description",
    "sender_name",
    "recipient_name",
)


@dataclass(slots=True)
class LinkRecord:
    """A node of the graph.

    `flagged` posts form rings; benign posts (verdict `allow`) only tell the linker which
    contacts ordinary posts use too; shipments join rings through their phones but never
    form one alone. `account` is `platform:author`, or None when the author is unknown.
    """

    id: str
    kind: RecordKind
    flagged: bool
    account: str | None = None
    platform: str | None = None
    created_at: str | None = None
    entities: tuple[EntityKey, ...] = ()
    unparsed: list[str] = field(default_factory=list)
    """Entity values that could not be normalised, with why: kept for the rejects file."""


def account_of(meta: Mapping[str, Any] | None) -> tuple[str | None, str | None]:
    """(`platform:author`, platform) from a post's extra fields; author-less posts have none."""
    if not meta:
        return None, None
    platform = meta.get("platform")
    platform = str(platform).strip().lower() if platform not in (None, "") else None
    author = meta.get("author")
    if author in (None, ""):
        return None, platform
    return f"{platform or 'unknown'}:{str(author).strip().casefold()}", platform


def keys_of(entities: Iterable[Mapping[str, Any]]) -> tuple[tuple[EntityKey, ...], list[str]]:
    """Normalised linking keys of decision entities (dicts with type, value); bad ones apart."""
    keys: dict[EntityKey, None] = {}
    bad: list[str] = []
    for entity in entities:
        if entity.get("type") not in LINKING_TYPES:
            continue
        try:
            keys[normalize_entity(entity["type"], str(entity.get("value", "")))] = None
        except EntityError as exc:
            bad.append(str(exc))
    return tuple(keys), bad


def post_record(
    post_id: str, verdict: str, meta: Mapping[str, Any] | None, entities: Iterable[Mapping]
) -> LinkRecord:
    """A screened post as a graph record."""
    account, platform = account_of(meta)
    keys, bad = keys_of(entities)
    created = meta.get("created_at") if meta else None
    return LinkRecord(
        post_id,
        "post",
        verdict in ("violating", "review"),
        account,
        platform,
        str(created) if created not in (None, "") else None,
        keys,
        bad,
    )


class ShipmentError(ValueError):
    """A waybill or seizure row that cannot join the graph (the message says why)."""


def shipment_record(row: Mapping[str, str], default_kind: str = "waybill") -> LinkRecord:
    """A waybill or customs-seizure row (see docs/link.md) as a graph record.

    At least one of the phones must parse; one bad phone of two is kept in `unparsed`.
    """
    record_id = (row.get("id") or "").strip()
    if not record_id:
        raise ShipmentError("missing `id`")
    kind = (row.get("kind") or default_kind).strip().lower()
    if kind not in SHIPMENT_KINDS:
        raise ShipmentError(f"`kind` must be one of {', '.join(SHIPMENT_KINDS)}, got {kind!r}")
    keys: dict[EntityKey, None] = {}
    bad: list[str] = []
    for column in SHIPMENT_PHONE_COLUMNS:
        value = (row.get(column) or "").strip()
        if not value:
            continue
        try:
            keys[normalize_entity("phone", value)] = None
        except EntityError as exc:
            bad.append(f"{column}: {exc}")
    if not keys:
        reason = "; ".join(bad) or "no sender_phone or recipient_phone"
        raise ShipmentError(reason)
    date = (row.get("date") or "").strip() or None
    return LinkRecord(record_id, kind, False, None, None, date, tuple(keys), bad)  # type: ignore[arg-type]
