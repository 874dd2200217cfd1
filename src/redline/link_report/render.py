"""From a stored ring to its report, picture, page and packet files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from redline.link.report import build_report
from redline.link_report.html import ring_html
from redline.link_report.picture import node_codes, ring_edges, ring_picture
from redline.store.rings import RingStore


@dataclass
class RenderedRing:
    ring: dict[str, Any]
    records: list[dict[str, Any]]
    report: dict[str, Any]
    picture: bytes
    html: str

    def graph_json(self) -> dict[str, Any]:
        """Nodes and weighted edges of the drawn graph, with the codes the picture shows."""
        codes = node_codes(self.ring)
        edges = ring_edges(self.ring, self.records)
        return {
            "nodes": [
                {"code": code, "kind": kind, "value": value}
                for (kind, value), code in codes.items()
            ],
            "edges": [
                {"source": list(a), "target": list(b), "records": count}
                for (a, b), count in sorted(edges.items())
            ],
        }

    def packet_files(self, history: list[dict[str, Any]]) -> dict[str, bytes]:
        """The files of an evidence packet (the manifest is added by `write_packet`)."""

        def lines(items: list[dict[str, Any]]) -> bytes:
            return "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items).encode()

        def pretty(value: Any) -> bytes:
            return json.dumps(value, ensure_ascii=False, indent=2).encode()

        posts = [r for r in self.records if r["kind"] == "post"]
        return {
            "posts.jsonl": lines([r["raw"] for r in posts]),
            "decisions.jsonl": lines([r["decision"] for r in posts if r["decision"]]),
            "shipments.jsonl": lines([r["raw"] for r in self.records if r["kind"] != "post"]),
            "ring.json": pretty(self.ring),
            "graph.json": pretty(self.graph_json()),
            "graph.png": self.picture,
            "report.json": pretty(self.report),
            "report.html": self.html.encode(),
            "history.json": pretty(history),
        }


def render_ring(store: RingStore, ring_id: str) -> RenderedRing | None:
    """Everything a ring's page and packet need, or None for an unknown ring."""
    ring = store.ring(ring_id)
    if ring is None:
        return None
    records = store.ring_records(ring_id)
    report = build_report(ring, records)
    picture = ring_picture(ring, records)
    html = ring_html(report, picture, node_codes(ring), records)
    return RenderedRing(ring, records, report, picture, html)
