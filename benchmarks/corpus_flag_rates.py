"""Flag rates on the reserved splits of ../shared/corpora: measured only, never trained or tuned on.

- general posts: Weibo posts of 1-20 March (the reserved split), target <= 0.1% flagged;
- general medical queries: CBLUE *_dev.json and *_test.json texts, reported for information;
- users' questions about pregnancy with fetal sex or a blood draw (every CBLUE split), target
  <= 5% flagged: asking is not advertising.

Prints counts and rates with 95% Wilson intervals; never prints post texts (some Weibo posts
carry real phone numbers).

Usage: .venv/bin/python benchmarks/corpus_flag_rates.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from redline.evaluate import wilson_interval
from redline.pipeline import Pipeline
from redline.training import RESERVED_QUESTION, find_shared, weibo_texts
from redline.types import Post


def weibo_march(shared: Path) -> list[str]:
    return list(weibo_texts(shared, reserved=True))


def cblue_texts(shared: Path, splits: tuple[str, ...]) -> list[str]:
    seen: dict[str, None] = {}
    for split in splits:
        for path in sorted((shared / "corpora/cblue_medical_queries").glob(f"*/*_{split}.json")):
            for row in json.loads(path.read_text(encoding="utf-8")):
                for key in ("query", "query1", "query2", "title", "text1", "text2"):
                    if isinstance(row.get(key), str):
                        seen.setdefault(row[key], None)
    return list(seen)


def flag_rate(pipeline: Pipeline, texts: list[str]) -> tuple[int, int, int]:
    violating = review = 0
    for start in range(0, len(texts), 2000):
        posts = [Post(str(start + i), t) for i, t in enumerate(texts[start : start + 2000])]
        for decision in pipeline.screen(posts):
            violating += decision.verdict == "violating"
            review += decision.verdict == "review"
    return len(texts), violating, review


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared")
    args = parser.parse_args()
    shared = find_shared(args.shared)
    if shared is None:
        sys.exit("../shared/corpora not found (set --shared or REDLINE_SHARED): nothing to measure")
    pipeline = Pipeline.load()
    every_cblue = cblue_texts(shared, ("train", "dev", "test"))
    sets = {
        "Weibo 1-20 March (general posts)": (weibo_march(shared), 0.001),
        "CBLUE dev+test queries (general)": (cblue_texts(shared, ("dev", "test")), None),
        "CBLUE pregnancy+sex/blood questions": (
            [t for t in every_cblue if RESERVED_QUESTION.search(t)],
            0.05,
        ),
    }
    print(
        f"{'set':40} {'posts':>8} {'violating':>9} {'review':>7} {'flagged %':>9}"
        "  95% CI          target"
    )
    for name, (texts, target) in sets.items():
        total, violating, review = flag_rate(pipeline, texts)
        flagged = violating + review
        low, high = wilson_interval(flagged, total)
        goal = f"<= {target:.1%}" if target is not None else "-"
        ok = "" if target is None else ("ok" if flagged / total <= target else "MISSED")
        print(
            f"{name:40} {total:8,} {violating:9,} {review:7,} {flagged / total:9.3%}  "
            f"[{low:.3%}, {high:.3%}]  {goal} {ok}"
        )


if __name__ == "__main__":
    main()
