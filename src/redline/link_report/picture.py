"""A ring's graph as a PNG: accounts, contacts and shipments, drawn by networkx + matplotlib.

Posts are not drawn one by one (a ring can have thousands); an account is joined to a contact
when any of its posts prints it, and the edge is as thick as the number of such posts. Nodes are
labelled with short codes (A1, C3, S2) that the report's tables expand, so no CJK font is needed.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

MAX_NODES = 150
"""Beyond this the picture keeps the best-connected nodes; the tables stay complete."""

_COLOURS = {"account": "#4c78a8", "contact": "#f58518", "shipment": "#54a24b", "cut": "#bab0ac"}


def node_codes(ring: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """(kind, value) -> short code: accounts A1.., contacts C1.., shipments S1.."""
    codes: dict[tuple[str, str], str] = {}
    for i, account in enumerate(ring.get("accounts", []), 1):
        codes[("account", account)] = f"A{i}"
    for i, entity in enumerate(ring.get("entities", []), 1):
        codes[("contact", f"{entity['type']}:{entity['value']}")] = f"C{i}"
    for i, shipment in enumerate(ring.get("shipment_ids", []), 1):
        codes[("shipment", shipment)] = f"S{i}"
    return codes


def ring_edges(ring: Mapping[str, Any], records: Sequence[Mapping[str, Any]]) -> Counter:
    """((kind, value), (kind, value)) -> number of records behind the edge."""
    contacts = {f"{e['type']}:{e['value']}" for e in ring.get("entities", [])}
    edges: Counter = Counter()
    for record in records:
        keys = [f"{t}:{v}" for t, v in record.get("entities", []) if f"{t}:{v}" in contacts]
        if record.get("kind", "post") != "post":
            source = ("shipment", record["id"])
        elif record.get("account"):
            source = ("account", record["account"])
        else:
            source = ("post", record["id"])
        for key in keys:
            edges[(source, ("contact", key))] += 1
    return edges


def ring_picture(ring: Mapping[str, Any], records: Sequence[Mapping[str, Any]]) -> bytes:
    """The PNG bytes of the ring's graph."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx

    codes = node_codes(ring)
    graph = nx.Graph()
    for (a, b), weight in ring_edges(ring, records).items():
        graph.add_edge(a, b, weight=weight)
    for account in ring.get("accounts", []):
        graph.add_node(("account", account))
    if graph.number_of_nodes() > MAX_NODES:
        keep = sorted(graph.degree, key=lambda item: -item[1])[:MAX_NODES]
        graph = graph.subgraph(node for node, _ in keep).copy()
    figure, axes = plt.subplots(figsize=(8, 6), dpi=100)
    try:
        position = nx.spring_layout(graph, seed=7, k=None) if len(graph) else {}
        colours = [_COLOURS.get(kind, "#999999") for kind, _ in graph.nodes]
        widths = [min(1 + data["weight"] / 2, 6) for _, _, data in graph.edges(data=True)]
        nx.draw_networkx_edges(graph, position, ax=axes, width=widths, alpha=0.5)
        nx.draw_networkx_nodes(graph, position, ax=axes, node_color=colours, node_size=380)
        labels = {node: codes.get(node, node[0][:1].upper()) for node in graph.nodes}
        nx.draw_networkx_labels(graph, position, labels, ax=axes, font_size=8)
        axes.set_title(
            f"{ring.get('ring_id', 'ring')}: accounts (blue), contacts (orange), shipments (green)",
            fontsize=10,
        )
        axes.axis("off")
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", bbox_inches="tight")
    finally:
        plt.close(figure)
    return buffer.getvalue()
