"""Pairwise precision and recall of ring membership on the seeded generated world.

    python benchmarks/link_accuracy.py [--operations 60] [--seed 3]

The world (`redline.synth.world`) has operations with several accounts and contact cards,
posts in three languages with evasion, and decoys: a courier help line in ads and shop posts,
a public hotline in ads and news, a dispatch phone shared by several operations' ads, a WeChat
id spam accounts repost. Posts are screened by the shipped pipeline, then linked.

Two figures: **linking** scores over the records that reached the graph (flagged posts and
shipments), which is what linking controls; **end to end** scores over every record of the
world, where posts the screener missed count as unlinked.
"""

from __future__ import annotations

import argparse
import time

from redline.link import LinkGraph, compute_rings, post_record, shipment_record
from redline.link.evaluate import pairwise_scores
from redline.pipeline import Pipeline
from redline.synth.world import generate_world
from redline.types import Post


def _planted(value: str, planted: str) -> bool:
    """Whether a graph value is a planted generic contact (E.164 drops a trunk `0`)."""
    return value.casefold().endswith(planted.removeprefix("0").casefold())


def _evidence_components(graph: LinkGraph, world) -> dict[str, int]:
    """Record id -> component of accounts and every extracted contact but the planted generic.

    Two posts of one operation that no extracted evidence connects (the screener missed the
    posts that carried their shared contact, or evasion hid it from the recognisers) cannot be
    linked by any linker; `linkable` recall leaves those pairs out.
    """
    parent = list(range(graph.n_records))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = x = parent[parent[x]]
        return x

    first: dict[tuple[str, int], int] = {}
    for index in range(graph.n_records):
        account = graph.record_account[index]
        if account >= 0:
            parent[find(index)] = find(first.setdefault(("account", account), index))
    planted = {
        i
        for i, key in enumerate(graph.entity_keys)
        if any(_planted(key.value, v) for v in world.generic.values())
    }
    for record, entity in zip(graph.mention_record, graph.mention_entity, strict=True):
        if entity not in planted:
            parent[find(record)] = find(first.setdefault(("entity", entity), record))
    return {rid: find(i) for i, rid in enumerate(graph.record_ids)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operations", type=int, default=60)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    world = generate_world(args.operations, seed=args.seed)
    pipeline = Pipeline.load()
    posts = [
        Post(p["id"], p["text"], {k: v for k, v in p.items() if k not in ("id", "text")})
        for p in world.posts
    ]
    decisions = pipeline.screen(posts)
    graph = LinkGraph()
    for post, decision in zip(posts, decisions, strict=True):
        entities = [{"type": e.type, "value": e.value} for e in decision.entities]
        graph.add(post_record(post.id, decision.verdict, post.meta, entities))
    for row in world.shipments:
        graph.add(shipment_record(row))
    ring_set = compute_rings(graph)
    ring_of: dict[str, str | None] = {}
    for number, ring in enumerate(ring_set.rings):
        for index in ring.records:
            ring_of[graph.record_ids[index]] = f"ring{number}"
    in_graph = {rid: world.truth[rid] for rid in graph.record_ids}
    linking = pairwise_scores(in_graph, ring_of)
    evidence = _evidence_components(graph, world)
    linkable = pairwise_scores(
        {rid: f"{op}/{evidence[rid]}" if op else None for rid, op in in_graph.items()}, ring_of
    )
    end_to_end = pairwise_scores(world.truth, ring_of)

    op_posts = sum(1 for p in world.posts if world.truth[p["id"]] is not None)
    flagged_op = sum(
        1
        for p, d in zip(posts, decisions, strict=True)
        if world.truth[p.id] is not None and d.verdict != "allow"
    )
    decoys_flagged = sum(
        1
        for p, d in zip(posts, decisions, strict=True)
        if world.truth[p.id] is None and d.verdict != "allow"
    )
    print(
        f"world seed {args.seed}: {len(world.operations)} operations, {len(world.posts)} posts "
        f"({op_posts} by operations), {len(world.shipments)} shipments"
    )
    print(
        f"screening: {flagged_op}/{op_posts} operation posts flagged, "
        f"{decoys_flagged} decoy/spam posts flagged"
    )
    print(f"rings: {len(ring_set.rings)}, unlinked flagged posts: {ring_set.unlinked}")
    for index, reason in sorted(ring_set.generic.items()):
        key = graph.entity_keys[index]
        names = [n for n, v in world.generic.items() if _planted(key.value, v)]
        print(f"  cut {key.type} ({', '.join(names) or 'not a planted generic'}): {reason}")
    missed = [
        n
        for n, v in world.generic.items()
        if not any(_planted(graph.entity_keys[i].value, v) for i in ring_set.generic)
    ]
    print(f"planted generic contacts not cut: {missed or 'none'}")
    print(
        f"linking    (records in the graph): precision {linking.precision:.4f}  "
        f"recall {linking.recall:.4f}  ({linking.correct_pairs}/{linking.predicted_pairs} "
        f"predicted, {linking.correct_pairs}/{linking.true_pairs} true pairs)"
    )
    print(
        f"linkable   (pairs the extracted evidence connects): precision {linkable.precision:.4f}"
        f"  recall {linkable.recall:.4f}"
    )
    print(
        f"end to end (all records):          precision {end_to_end.precision:.4f}  "
        f"recall {end_to_end.recall:.4f}"
    )
    print(f"took {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
