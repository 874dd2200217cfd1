"""Recall under each evasion family, paired with the same ads written plainly.

`redline.synth.evasion_set` renders each base ad twice: clean, and under one evasion family
(only families that apply to the ad's language). For each family this prints the recall
(flagged = violating or review) on the clean copies and on the evaded copies of the same ads,
and the difference; the quality bar is a drop of at most 5 points.

The evasion set uses a different seed from training (training uses seed 7; this uses 101).

Usage: .venv/bin/python benchmarks/evasion_recall.py [--per-family 200] [--seed 101]
"""

from __future__ import annotations

import argparse
from collections import defaultdict

from redline.pipeline import Pipeline
from redline.synth import evasion_set
from redline.types import Post


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-family", type=int, default=200)
    parser.add_argument("--seed", type=int, default=101)
    args = parser.parse_args()
    rows = evasion_set(args.per_family, seed=args.seed)
    pipeline = Pipeline.load()
    decisions = pipeline.screen([Post(r["id"], r["text"]) for r in rows])
    flagged = {r["id"]: d.verdict != "allow" for r, d in zip(rows, decisions, strict=True)}
    pairs: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    clean_of = {r["base_id"]: r["id"] for r in rows if r["evasion"] == "none"}
    for row in rows:
        if row["evasion"] != "none":
            pairs[row["evasion"]].append((flagged[clean_of[row["base_id"]]], flagged[row["id"]]))
    print(f"evasion set: seed {args.seed}, {len(rows):,} rows ({args.per_family} ads per family)")
    print(f"{'family':16} {'n':>5} {'clean':>7} {'evaded':>7} {'drop':>7}")
    for family in sorted(pairs):
        results = pairs[family]
        clean = sum(c for c, _ in results) / len(results)
        evaded = sum(e for _, e in results) / len(results)
        drop = clean - evaded
        mark = "" if drop <= 0.05 else "  > 5 points"
        print(f"{family:16} {len(results):5} {clean:7.1%} {evaded:7.1%} {drop:+7.1%}{mark}")


if __name__ == "__main__":
    main()
