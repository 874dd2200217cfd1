"""Rings: groups of flagged posts tied together by shared accounts and contact points.

Plain connected components over-merge: one courier hotline, one public health number, one
handle that spam accounts repost, and every operation that mentions it becomes one "ring".
So contact points are judged before they link, and the ones that look generic are cut:

1. **benign use**: the contact also appears in posts screened as allowed (by accounts that
   post nothing flagged), at least `benign_min` times and at least `benign_ratio` times as
   often as in flagged posts (a hotline in news and warnings, a courier number in shop posts);
2. **reach**: more than `max_accounts` distinct accounts (or author-less posts) use it
   (a handle thousands repost);
3. **bridging** and 4. **corroboration**: in the graph of account groups and contacts, a
   contact that is the *only* tie between parts that each stand on their own (2+ accounts) is
   an articulation point. Separating `max_bridged` or more such parts, it is a shared
   service (a courier's dispatch phone); separating fewer, it is still one uncorroborated
   tie (a truncated spam handle, one reused number), and two established groups are only
   fused when two distinct contacts join them (`corroborate`). Both are cut and reported,
   so an investigator sees the possible connection and can judge it.

Accounts always link: one account is one operator. Everything runs on integer arrays and
lists; the Python loops are one depth-first search (Tarjan's articulation points) over the
components large enough to hold two established parts, and one union-find pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from redline.link.graph import NO_ACCOUNT, LinkGraph

BENIGN = "benign"
REACH = "reach"
BRIDGING = "bridging"
UNCORROBORATED = "uncorroborated"


@dataclass(frozen=True, slots=True)
class LinkConfig:
    """Thresholds of the generic-contact rules (see the module docstring)."""

    benign_min: int = 2
    benign_ratio: float = 0.5
    max_accounts: int = 50
    max_bridged: int = 4
    corroborate: bool = True
    """Rule 4: fuse two established groups only through two distinct contacts."""
    min_records: int = 2
    """Smallest ring reported; lone posts are counted as unlinked instead."""


@dataclass(slots=True)
class Ring:
    """One ring, as indices into its `LinkGraph`."""

    records: list[int]
    entities: list[int]
    entity_links: list[tuple[int, int]]
    """(entity, records in this ring that mention it) for contacts shared by >= 2 records."""
    account_links: list[tuple[int, int]]
    """(account, records) for every account of the ring."""
    generic: list[int] = field(default_factory=list)
    """Generic contacts its records mention: cut, but shown to investigators."""


@dataclass(slots=True)
class RingSet:
    """The rings of a graph and the contacts judged generic, with why."""

    graph: LinkGraph
    rings: list[Ring]
    generic: dict[int, str]
    unlinked: int
    """Flagged posts in no reported ring."""

    def ring_dict(self, ring: Ring) -> dict[str, Any]:
        """A ring in the shape of `rings.jsonl` (without `ring_id`, which the caller assigns)."""
        graph = self.graph
        kinds = graph.record_kind
        flagged = graph.record_flagged
        return {
            "post_ids": [graph.record_ids[i] for i in ring.records if kinds[i] == 0],
            "shipment_ids": [graph.record_ids[i] for i in ring.records if kinds[i] != 0],
            "flagged_posts": sum(1 for i in ring.records if flagged[i]),
            "accounts": [graph.account_names[a] for a, _ in ring.account_links],
            "entities": [graph.entity_keys[e].to_dict() for e in ring.entities],
            "links": [
                {"kind": "account", "value": graph.account_names[a], "records": count}
                for a, count in ring.account_links
                if count > 1
            ]
            + [
                {"kind": "entity", **graph.entity_keys[e].to_dict(), "records": count}
                for e, count in ring.entity_links
            ],
            "generic_contacts": [
                {**graph.entity_keys[e].to_dict(), "reason": self.generic[e]} for e in ring.generic
            ],
        }

    def dicts(self) -> Iterator[dict[str, Any]]:
        for ring in self.rings:
            yield self.ring_dict(ring)


def compute_rings(graph: LinkGraph, config: LinkConfig | None = None) -> RingSet:
    """Rings of `graph` under `config` (defaults: `LinkConfig()`)."""
    config = config or LinkConfig()
    n = graph.n_records
    n_entities = len(graph.entity_keys)
    n_accounts = len(graph.account_names)
    account = np.frombuffer(graph.record_account, dtype=np.int64) if n else np.zeros(0, np.int64)
    mention_ent = _int_array(graph.mention_entity)
    mention_rec = _int_array(graph.mention_record)

    pairs = _unique(mention_ent * max(n, 1) + mention_rec)  # one per (entity, record)
    pair_ent, pair_rec = pairs // max(n, 1), pairs % max(n, 1)
    records_per_entity = np.bincount(pair_ent, minlength=n_entities)
    flagged = _int_array(graph.record_flagged)
    flagged_per_entity = np.bincount(pair_ent, weights=flagged[pair_rec], minlength=n_entities)
    pair_acc = account[pair_rec]
    member = np.where(pair_acc != NO_ACCOUNT, pair_acc, n_accounts + pair_rec)
    members = _unique(pair_ent * (n_accounts + n) + member) // max(n_accounts + n, 1)
    reach = np.bincount(members, minlength=n_entities)

    generic = _generic_by_use(graph, config, flagged_per_entity, reach)
    kind = _int_array(graph.record_kind)
    parent, weight = _union_accounts(account, kind, n)
    _cut_articulations(parent, weight, pair_ent, pair_rec, config, reach, generic)
    linking = (records_per_entity >= 2) & ~_mask(generic, n_entities)
    ptr = np.concatenate(([0], np.cumsum(records_per_entity))).tolist()
    _union_entities(np.flatnonzero(linking).tolist(), ptr, pair_rec.tolist(), parent, weight)
    return _collect(graph, config, parent, account, pair_ent, pair_rec, generic)


def _mask(indices: dict[int, str], size: int) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    if indices:
        mask[list(indices)] = True
    return mask


def _int_array(values: Any) -> np.ndarray:
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.frombuffer(values, dtype=np.int8 if values.typecode == "b" else np.int64).astype(
        np.int64, copy=False
    )


def _generic_by_use(
    graph: LinkGraph, config: LinkConfig, flagged_per_entity: np.ndarray, reach: np.ndarray
) -> dict[int, str]:
    """Rules 1 and 2, vectorised: contacts ordinary posts use, and contacts with huge reach."""
    generic: dict[int, str] = {}
    benign = graph.benign_counts()
    if len(benign):
        by_benign = (benign >= config.benign_min) & (
            benign >= config.benign_ratio * flagged_per_entity
        )
        for e in np.flatnonzero(by_benign).tolist():
            generic[e] = (
                f"{BENIGN}: in {int(benign[e])} posts screened as allowed "
                f"and {int(flagged_per_entity[e])} flagged"
            )
    for e in np.flatnonzero(reach > config.max_accounts).tolist():
        generic.setdefault(
            e, f"{REACH}: used by {int(reach[e])} accounts (limit {config.max_accounts})"
        )
    return generic


def _union_accounts(account: np.ndarray, kind: np.ndarray, n: int) -> tuple[list[int], list[int]]:
    """Parent and weight lists after joining every account's records (a star per account).

    Weight counts the independent actors of a group: accounts, plus posts without an author.
    Shipments weigh nothing: a parcel is evidence about an operation, not another member.
    """
    parent = np.arange(n, dtype=np.int64)
    weight = np.zeros(n, dtype=np.int64)
    has = account != NO_ACCOUNT
    weight[~has & (kind == 0)] = 1
    if has.any():
        accounts, first = np.unique(account[has], return_index=True)
        firsts = np.flatnonzero(has)[first]
        head = np.zeros(int(accounts.max()) + 1, dtype=np.int64)
        head[accounts] = firsts
        parent[has] = head[account[has]]
        weight[firsts] = 1
    return parent.tolist(), weight.tolist()


def _union_entities(
    entities: list[int], ptr: list[int], pair_rec: list[int], parent: list[int], weight: list[int]
) -> None:
    """Join the records of every linking contact."""
    for e in entities:
        roots = {_find(parent, x) for x in pair_rec[ptr[e] : ptr[e + 1]]}
        if len(roots) > 1:
            _union_all(parent, weight, roots)


def _cut_articulations(
    parent: list[int],
    weight: list[int],
    pair_ent: np.ndarray,
    pair_rec: np.ndarray,
    config: LinkConfig,
    reach: np.ndarray,
    generic: dict[int, str],
) -> None:
    """Rules 3 and 4: cut contacts that alone hold established parts together.

    Nodes are account groups (after `_union_accounts`) and contacts; only components whose
    total weight could hold two established parts (>= 4) are searched.
    """
    n_groups = len(parent)
    cut = _mask(generic, len(reach))
    keep = ~cut[pair_ent]
    group = _roots(parent)
    edges = _unique(pair_ent[keep] * max(n_groups, 1) + group[pair_rec[keep]])
    edge_ent, edge_group = edges // max(n_groups, 1), edges % max(n_groups, 1)
    ents, edge_ent = np.unique(edge_ent, return_inverse=True)
    contact_node = edge_ent + n_groups  # contacts follow groups in one node space
    src = np.concatenate((edge_group, contact_node))
    dst = np.concatenate((contact_node, edge_group))
    order = np.argsort(src, kind="stable")
    n_nodes = n_groups + len(ents)
    ptr = np.concatenate(([0], np.cumsum(np.bincount(src, minlength=n_nodes)))).tolist()
    adjacency = dst[order].tolist()
    node_weight = weight + [0] * len(ents)
    for node, parts in _articulations(n_nodes, n_groups, ptr, adjacency, node_weight):
        established = sum(1 for part in parts if part >= 2)
        e = int(ents[node - n_groups])
        if established >= config.max_bridged:
            generic[e] = (
                f"{BRIDGING}: the only tie between {established} groups of 2+ accounts "
                f"(limit {config.max_bridged}; used by {int(reach[e])} accounts)"
            )
        elif established >= 2 and config.corroborate:
            generic[e] = (
                f"{UNCORROBORATED}: the only tie between {established} groups of 2+ accounts "
                "(fusing them needs two shared contacts)"
            )


def _articulations(
    n_nodes: int, first_contact: int, ptr: list[int], adjacency: list[int], weight: list[int]
) -> list[tuple[int, list[int]]]:
    """(contact node, weights of the parts its removal leaves) for contact articulation points.

    Iterative Tarjan: `low[u] >= disc[v]` means the subtree under child `u` hangs on `v` alone.
    Components lighter than 4 cannot hold two parts of weight 2 and are skipped whole.
    """
    disc = _light_components(n_nodes, ptr, adjacency, weight)
    low = [0] * n_nodes
    below = [0] * n_nodes
    found: list[tuple[int, list[int]]] = []
    clock = 0
    for root in range(n_nodes):
        if disc[root] != -1 or ptr[root] == ptr[root + 1]:
            continue
        separated: dict[int, list[int]] = {}
        disc[root] = low[root] = clock
        clock += 1
        below[root] = weight[root]
        nodes, parents, cursors = [root], [-1], [ptr[root]]
        while nodes:
            v, cursor = nodes[-1], cursors[-1]
            if cursor < ptr[v + 1]:
                cursors[-1] = cursor + 1
                u = adjacency[cursor]
                if disc[u] < 0:
                    disc[u] = low[u] = clock
                    clock += 1
                    below[u] = weight[u]
                    nodes.append(u)
                    parents.append(v)
                    cursors.append(ptr[u])
                elif u != parents[-1] and disc[u] < low[v]:
                    low[v] = disc[u]
            else:
                nodes.pop()
                cursors.pop()
                p = parents.pop()
                if p >= 0:
                    low[p] = min(low[p], low[v])
                    below[p] += below[v]
                    if low[v] >= disc[p] and p >= first_contact:
                        separated.setdefault(p, []).append(below[v])
        total = below[root]
        for node, parts in separated.items():
            if node != root:
                parts = [*parts, total - sum(parts) - weight[node]]
            if len(parts) > 1:
                found.append((node, parts))
    return found


def _light_components(
    n_nodes: int, ptr: list[int], adjacency: list[int], weight: list[int]
) -> list[int]:
    """Initial `disc`: -2 (skip) on components lighter than 4, -1 (to visit) elsewhere."""
    matrix = csr_matrix(
        (np.ones(len(adjacency), dtype=np.int8), np.asarray(adjacency), np.asarray(ptr)),
        shape=(n_nodes, n_nodes),
    )
    _, label = connected_components(matrix, directed=False)
    heavy = np.bincount(label, weights=np.asarray(weight, dtype=np.float64)) >= 4
    return np.where(heavy[label], -1, -2).tolist()


def _roots(parent: list[int]) -> np.ndarray:
    """Every node's root, by pointer jumping in numpy (log-depth rounds, no Python loop)."""
    roots = np.asarray(parent, dtype=np.int64)
    while True:
        jumped = roots[roots]
        if np.array_equal(jumped, roots):
            return roots
        roots = jumped


def _unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (a plain sort: faster than `np.unique` on large int arrays)."""
    return _unique_counts(values)[0]


def _unique_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(values) == 0:
        return values, np.zeros(0, dtype=np.int64)
    ordered = np.sort(values)
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    return ordered[starts], np.diff(np.append(starts, len(ordered)))


def _find(parent: list[int], x: int) -> int:
    while parent[x] != x:
        parent[x] = x = parent[parent[x]]
    return x


def _union_all(parent: list[int], weight: list[int], roots: set[int]) -> None:
    top = max(roots, key=weight.__getitem__)
    for r in roots:
        if r != top:
            parent[r] = top
            weight[top] += weight[r]


def _collect(
    graph: LinkGraph,
    config: LinkConfig,
    parent: list[int],
    account: np.ndarray,
    pair_ent: np.ndarray,
    pair_rec: np.ndarray,
    generic: dict[int, str],
) -> RingSet:
    """Group records by root, keep rings with a flagged post, attach their links."""
    n = len(parent)
    roots = _roots(parent)
    flagged = _int_array(graph.record_flagged)
    size = np.bincount(roots, minlength=n)
    flagged_in = np.bincount(roots, weights=flagged, minlength=n)
    kept = np.flatnonzero((size >= config.min_records) & (flagged_in > 0))
    kept = kept[np.lexsort((kept, -size[kept]))]  # biggest first, then oldest
    ring_of_root = np.full(n, -1, dtype=np.int64)
    ring_of_root[kept] = np.arange(len(kept))
    ring_of_record = ring_of_root[roots]
    unlinked = int(flagged.sum() - flagged_in[kept].sum())

    rings = [Ring([], [], [], []) for _ in range(len(kept))]
    members = np.flatnonzero(ring_of_record >= 0)
    members = members[np.argsort(ring_of_record[members], kind="stable")]
    _fill(rings, ring_of_record[members], members, "records")

    pair_ring = ring_of_record[pair_rec]
    inside = pair_ring >= 0
    is_generic = _mask(generic, len(graph.entity_keys))
    width = max(len(graph.entity_keys), 1)
    ring_entity = _unique(pair_ring[inside] * width + pair_ent[inside])
    ring_part, entity_part = np.divmod(ring_entity, width)
    strong = ~is_generic[entity_part]
    _fill(rings, ring_part[strong], entity_part[strong], "entities")
    _fill(rings, ring_part[~strong], entity_part[~strong], "generic")
    linking = inside & ~is_generic[pair_ent]
    keys, counts = _unique_counts(pair_ring[linking] * width + pair_ent[linking])
    shared = counts > 1
    ring_part, entity_part = np.divmod(keys[shared], width)
    _fill(rings, ring_part, np.stack((entity_part, counts[shared]), axis=1), "entity_links")
    has = (account != NO_ACCOUNT) & (ring_of_record >= 0)
    if has.any():
        width = max(len(graph.account_names), 1)
        keys, counts = _unique_counts(ring_of_record[has] * width + account[has])
        ring_part, account_part = np.divmod(keys, width)
        _fill(rings, ring_part, np.stack((account_part, counts), axis=1), "account_links")
    return RingSet(graph, rings, generic, unlinked)


def _fill(rings: list[Ring], ring_of: np.ndarray, values: np.ndarray, attribute: str) -> None:
    """Set `attribute` of each ring to its slice of `values` (`ring_of` sorted ascending)."""
    if len(ring_of) == 0:
        return
    bounds = np.searchsorted(ring_of, np.arange(len(rings) + 1)).tolist()
    items = values.tolist()
    if values.ndim == 2:
        items = [tuple(item) for item in items]
    for index, ring in enumerate(rings):
        setattr(ring, attribute, items[bounds[index] : bounds[index + 1]])
