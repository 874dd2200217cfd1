"""The ledger's transfers as shipments for `redline link --shipments`.

A transfer whose contact phone (or whose sender's phone) is printed in an ad joins that ad's
ring, which is how a registered institution's paperwork meets the trade seen online. The
columns are the linker's own (`redline.link.records`); phones are written in E.164 with the
linker's normalisation, so what the linker reads back is exactly what was matched. Contacts
that are not phones (WeChat ids, e-mail) have no column in the format and are left out.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from redline.ledger.state import State, Transfer
from redline.ledger.watchlist import phone_e164
from redline.link.records import SHIPMENT_OPTIONAL_COLUMNS, SHIPMENT_PHONE_COLUMNS

COLUMNS: tuple[str, ...] = ("id", *SHIPMENT_PHONE_COLUMNS, *SHIPMENT_OPTIONAL_COLUMNS)
ID_PREFIX = "ledger:"


@dataclass(slots=True)
class ShipmentExport:
    transfers: int = 0
    rows: int = 0
    without_phone: int = 0
    """Transfers with no phone at all (theirs or their sender's): the linker could not use them."""


def _phones(values: list[str]) -> list[str]:
    found = (phone_e164(v) for v in values)
    return list(dict.fromkeys(p for p in found if p))


def _description(transfer: Transfer) -> str:
    parts = [f"HGR transfer {transfer.id} by {transfer.from_inst}: {len(transfer.items)} item(s)"]
    if transfer.waybill:
        parts.append(f"waybill {transfer.waybill}")
    if transfer.customs_declaration:
        parts.append(f"customs declaration {transfer.customs_declaration}")
    if transfer.export_permit:
        parts.append(f"export permit {transfer.export_permit}")
    if transfer.price is not None:
        parts.append(f"price {transfer.price} {transfer.currency or ''}".rstrip())
    return "; ".join(parts)


def transfer_rows(state: State, transfer: Transfer) -> list[dict[str, str]]:
    """One row per phone of the transfer (the first also carries the sender's phone)."""
    sender = state.institutions.get(transfer.from_inst)
    sender_phones = _phones(sender.contacts) if sender else []
    phones = _phones(transfer.contacts)
    if not phones and not sender_phones:
        return []
    destination = transfer.destination_country
    if transfer.to_inst:
        destination += f" ({transfer.to_inst})"
    common = {
        "kind": "waybill",
        "date": transfer.dispatched_at.date().isoformat(),
        "carrier": transfer.carrier or "",
        "origin": (sender.province if sender and sender.province else transfer.from_inst),
        "destination": destination,
        "description": _description(transfer),
        "sender_name": sender.name if sender else transfer.from_inst,
        "recipient_name": transfer.recipient or transfer.to_inst or "",
    }
    rows = []
    for n, phone in enumerate(phones or [""]):
        row_id = ID_PREFIX + transfer.id + (f"#{n + 1}" if n else "")
        row = {"id": row_id, **common, "recipient_phone": phone, "sender_phone": ""}
        if n == 0 and sender_phones:
            row["sender_phone"] = sender_phones[0]
        rows.append(row)
    return rows


def shipment_rows(state: State, counts: ShipmentExport) -> Iterator[dict[str, str]]:
    for transfer in sorted(state.transfers.values(), key=lambda t: t.seq):
        counts.transfers += 1
        rows = transfer_rows(state, transfer)
        if not rows:
            counts.without_phone += 1
        counts.rows += len(rows)
        yield from rows


def write_shipments(state: State, path: Path) -> ShipmentExport:
    """Write the shipments CSV (under a temporary name, renamed when complete)."""
    counts = ShipmentExport()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(shipment_rows(state, counts))
    partial.replace(path)
    return counts
