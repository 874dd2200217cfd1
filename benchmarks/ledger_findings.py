"""Benchmark (not a test): precision and recall of the ledger rules on the seeded scenario.

Builds every scenario case (violations by construction and clean look-alikes) `--copies` times
into one ledger, runs the rules as `redline ledger findings` does, and prints per rule the true
positives, false positives, false negatives, precision and recall over (history, rule) pairs.
The population threshold is the configured one (3,000 by default), so the "more than N persons"
cases really hold N+1 persons. Exit status 1 if any rule falls below 1.0.

Usage: .venv/bin/python benchmarks/ledger_findings.py [--seed 7] [--copies 1] [--db URL]
       [--population N]   (lower N to run fast; it is also set as the rules' threshold)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from redline.ledger import scenario
from redline.ledger.analysis import analyse
from redline.ledger.config import RULE_IDS, load_config
from redline.ledger.ledger import Ledger


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--population", type=int, default=None)
    parser.add_argument("--db", help="database path or URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    population = args.population or load_config().population_persons
    started = time.perf_counter()
    generated = scenario.generate(args.seed, copies=args.copies, population=population)
    with tempfile.TemporaryDirectory() as folder:
        ledger = Ledger.open(args.db or Path(folder) / "scenario.db")
        report = ledger.append(generated.records(), ts_of=generated.ts_of())
        if report.rejects:
            print(f"scenario events rejected: {report.rejects[:3]}", file=sys.stderr)
            return 2
        config = load_config(
            thresholds={"population_persons": population},
            trading={"watchlist": generated.watchlist},
        )
        analysis = analyse(ledger, config, as_of=generated.as_of)
    scores = scenario.score(analysis.findings, generated)
    violating = sum(1 for rules in generated.expected.values() if rules)
    print(
        f"seed {args.seed}, {len(generated.expected)} histories ({violating} violating, "
        f"{len(generated.expected) - violating} clean look-alikes), {analysis.state.size} "
        f"entries, population threshold {population}, {time.perf_counter() - started:.1f} s"
    )
    print(f"{'rule':<5} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>10} {'recall':>7}")
    failed = False
    for rule in RULE_IDS:
        s = scores[rule]
        print(
            f"{rule:<5} {s.true_positives:>4} {s.false_positives:>4} {s.false_negatives:>4} "
            f"{s.precision:>10.3f} {s.recall:>7.3f}"
        )
        failed |= s.precision < 1.0 or s.recall < 1.0 or s.true_positives == 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
