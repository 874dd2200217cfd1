"""What one `redline link` run reads: posts (screened here or by an earlier `scan`), verdicts
and shipment CSVs, gathered into ring-store records with every reject kept (docs/link.md)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from redline.link import ShipmentError, post_record, shipment_record
from redline.link.records import SHIPMENT_PHONE_COLUMNS
from redline.types import Post


class LinkInputs:
    """Posts, verdicts and shipments gathered for one `link` run, with every reject.

    Counts add up: `read` = `posts` + `shipments` + `rejected` (records set aside whole); entity
    values that do not parse (`entity_rejects`) leave their record in, and bad lines of the
    verdicts file (`verdict_rejects`) are not records; all three kinds go to the rejects file.
    """

    BATCH = 2000

    def __init__(self, screen: Any | None) -> None:
        self.screen = screen
        self.verdicts: dict[str, dict[str, Any]] = {}
        self.stored: list[Any] = []
        self.rejects: list[dict[str, Any]] = []
        self.counts = {
            "read": 0,
            "posts": 0,
            "flagged": 0,
            "shipments": 0,
            "rejected": 0,
            "entity_rejects": 0,
            "verdict_rejects": 0,
        }

    def load_verdicts(self, path: Path) -> None:
        """Decisions of `scan` by id; bad lines are rejects (they are not records to link)."""
        with path.open("rb") as stream:
            for number, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                try:
                    decision = json.loads(line)
                    if not isinstance(decision, dict) or not isinstance(decision.get("id"), str):
                        raise ValueError("not a decision object with a string `id`")
                    if decision.get("verdict") not in ("violating", "review", "allow"):
                        raise ValueError("`verdict` is not violating, review or allow")
                except ValueError as exc:
                    raw = line.decode("utf-8", "replace").rstrip("\n")
                    self._reject(str(path), number, f"verdicts: {exc}", raw, "verdict_rejects")
                    continue
                self.verdicts[decision["id"]] = decision

    def read_posts(self, paths: list[str]) -> None:
        from redline.run.reader import Reject, read_batches

        for batch in read_batches(paths, size=self.BATCH):
            posts = [r for r in batch if isinstance(r, Post)]
            for bad in batch:
                if isinstance(bad, Reject):
                    self.counts["read"] += 1
                    self._reject(bad.source, bad.line, bad.reason, bad.raw)
            if self.screen is not None:
                decisions = [d.to_dict() for d in self.screen(posts)]
            else:
                decisions = [self.verdicts.get(p.id) for p in posts]
            for post, decision in zip(posts, decisions, strict=True):
                self.counts["read"] += 1
                if decision is None:
                    self._reject(None, None, f"no verdict for id {post.id!r}", post.text[:200])
                    continue
                self._add_post(post, decision)

    def _add_post(self, post: Post, decision: dict[str, Any]) -> None:
        from redline.store.rings import MAX_ID_CHARS, StoredRecord

        if len(post.id) > MAX_ID_CHARS:
            self._reject(None, None, f"`id` longer than {MAX_ID_CHARS} characters", post.id[:200])
            return
        meta = dict(post.meta or {})
        record = post_record(post.id, decision["verdict"], meta, decision.get("entities", []))
        for reason in record.unparsed:
            self.counts["entity_rejects"] += 1
            self.rejects.append({"source": "entity", "line": None, "id": post.id, "reason": reason})
        self.counts["posts"] += 1
        self.counts["flagged"] += record.flagged
        raw = {"id": post.id, "text": post.text, **meta}
        self.stored.append(StoredRecord(record, raw, decision, decision["verdict"]))

    def read_shipments(self, path: Path) -> None:
        """Waybill / seizure rows (docs/link.md); a header without a phone column is an error."""
        from redline.store.rings import MAX_ID_CHARS, StoredRecord

        with path.open(encoding="utf-8-sig", errors="replace", newline="") as stream:
            reader = csv.DictReader(stream)
            header = reader.fieldnames or []
            if "id" not in header or not set(SHIPMENT_PHONE_COLUMNS) & set(header):
                raise ValueError(
                    f"{path}: shipment CSV needs `id` and sender_phone or "
                    f"recipient_phone columns (found {header})"
                )
            last = reader.line_num
            for row in reader:
                number, last = last + 1, reader.line_num
                self.counts["read"] += 1
                if None in row or any(v is None for v in row.values()):
                    self._reject(
                        str(path),
                        number,
                        "row does not have the header's columns",
                        json.dumps(row, ensure_ascii=False, default=str),
                    )
                    continue
                try:
                    record = shipment_record(row)
                    if len(record.id) > MAX_ID_CHARS:
                        raise ShipmentError(f"`id` longer than {MAX_ID_CHARS} characters")
                except ShipmentError as exc:
                    self._reject(str(path), number, str(exc), json.dumps(row, ensure_ascii=False))
                    continue
                for reason in record.unparsed:
                    self.counts["entity_rejects"] += 1
                    self.rejects.append(
                        {"source": str(path), "line": number, "id": record.id, "reason": reason}
                    )
                self.counts["shipments"] += 1
                self.stored.append(StoredRecord(record, dict(row)))

    def _reject(
        self, source: str | None, line: int | None, reason: str, raw: str, count: str = "rejected"
    ) -> None:
        self.counts[count] += 1
        self.rejects.append({"source": source, "line": line, "reason": reason, "raw": raw})
