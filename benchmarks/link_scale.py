"""Linking at scale: flagged posts with two entity mentions each, on one core.

    python benchmarks/link_scale.py [--sizes 100000 300000 1000000]

Posts are generated at the entity level (no text, no screening): operations of heavy-tailed
size, each with several accounts, a few head-office contacts and per-account contacts; a tenth
of mentions are one-off contacts; 0.5% go to a handful of generic contacts (a courier line used
by thousands of accounts), and benign posts print some of those too. Each size runs in a fresh
subprocess so peak memory (ru_maxrss) is its own; `input MiB` is the peak once the input
exists, before linking. Wall and CPU time are both shown: on a shared machine wall time includes
waiting for a core. Timed: building the graph from the records (interning every mention),
computing rings, and serialising every ring to JSON lines.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import time

import numpy as np


def _records(n_posts: int, seed: int = 7) -> tuple[list[str], list[tuple], list[str]]:
    """(post ids, per-post entity keys, per-post accounts), about 2 mentions a post."""
    rng = np.random.default_rng(seed)
    sizes = np.minimum(rng.zipf(1.8, size=n_posts // 8) + 3, 2_000)
    op_of_post = np.repeat(np.arange(len(sizes)), sizes)[:n_posts]
    if len(op_of_post) < n_posts:
        op_of_post = np.concatenate(
            (op_of_post, rng.integers(0, len(sizes), n_posts - len(op_of_post)))
        )
    account_slot = rng.integers(0, 6, n_posts)
    kinds = rng.random((n_posts, 2))
    head = rng.integers(0, 3, (n_posts, 2))
    oneoff = rng.integers(0, 10**9, (n_posts, 2))
    generic = rng.integers(0, 8, (n_posts, 2))
    ids, keys, accounts = [], [], []
    for i in range(n_posts):
        op = int(op_of_post[i])
        account = f"weibo:op{op}_{account_slot[i]}"
        post_keys = []
        for j in range(2):
            k = kinds[i, j]
            if k < 0.005:
                post_keys.append(("phone", f"+86400{generic[i, j]:07d}"))
            elif k < 0.6:
                post_keys.append(("wechat", f"op{op}_head{head[i, j]}"))
            elif k < 0.9:
                post_keys.append(("phone", f"+861{(op * 7 + account_slot[i]) % 10**10:010d}"))
            else:
                post_keys.append(("qq", f"{oneoff[i, j]}"))
        ids.append(f"p{i}")
        keys.append(tuple(post_keys))
        accounts.append(account)
    return ids, keys, accounts


def run_one(n_posts: int) -> dict[str, float]:
    import orjson

    from redline.link import LinkGraph, compute_rings

    ids, keys, accounts = _records(n_posts)
    mentions = sum(len(k) for k in keys)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    gc.freeze()  # the generated input is long-lived: keep the collector from rescanning it
    cpu_started = time.process_time()
    started = time.perf_counter()
    graph = LinkGraph()
    graph.add_benign([("phone", f"+86400{g:07d}") for g in range(8)] * 50)
    for post_id, post_keys, account in zip(ids, keys, accounts, strict=True):
        graph.add_node(post_id, post_keys, account)
    built = time.perf_counter()
    rings = compute_rings(graph)
    linked = time.perf_counter()
    with open("/dev/null", "wb") as sink:
        for ring in rings.dicts():
            sink.write(orjson.dumps(ring) + b"\n")
    done = time.perf_counter()
    cpu = time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "posts": n_posts,
        "mentions": mentions,
        "entities": len(graph.entity_keys),
        "rings": len(rings.rings),
        "generic": len(rings.generic),
        "build_s": built - started,
        "rings_s": linked - built,
        "write_s": done - linked,
        "total_s": done - started,
        "cpu_s": cpu,
        "peak_mib": peak,
        "peak_before_linking_mib": baseline,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    print(
        f"{'posts':>9} {'mentions':>9} {'rings':>7} {'build s':>8} {'rings s':>8} "
        f"{'write s':>8} {'total s':>8} {'cpu s':>6} {'peak MiB':>9} {'(input MiB)':>11}"
    )
    for size in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(size)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        r = json.loads(out)
        print(
            f"{r['posts']:>9,} {r['mentions']:>9,} {r['rings']:>7,} {r['build_s']:>8.2f} "
            f"{r['rings_s']:>8.2f} {r['write_s']:>8.2f} {r['total_s']:>8.2f} {r['cpu_s']:>6.2f} "
            f"{r['peak_mib']:>9.0f} {r['peak_before_linking_mib']:>11.0f}"
        )


if __name__ == "__main__":
    main()
