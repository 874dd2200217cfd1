"""Measure normalisation on real Weibo posts, and check batch output against post-by-post.

Reads ../shared/corpora/weibo_covid19 (January-February posts only; March is reserved for
evaluation). Prints timings; prints no post text. Run from the repository root:

    .venv/bin/python scripts/bench_normalize.py [--posts 200000] [--batch 5000]
"""

from __future__ import annotations

import argparse
import gzip
import time
from pathlib import Path

import orjson

from redline.normalize import RECORD_SEPARATOR, normalize, normalize_text
from redline.normalize.charmap import charmap

CORPUS = (
    Path(__file__).resolve().parents[2]
    / "shared/corpora/weibo_covid19/weibo_covid19_unlabeled_dedup.jsonl.gz"
)


def load_posts(limit: int) -> list[str]:
    posts: list[str] = []
    with gzip.open(CORPUS) as lines:
        for line in lines:
            record = orjson.loads(line)
            if record["day"].startswith("3."):
                continue
            posts.append(record["text"].replace(RECORD_SEPARATOR, " "))
            if len(posts) == limit:
                break
    return posts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=5_000)
    args = parser.parse_args()
    if not CORPUS.exists():
        raise SystemExit(f"corpus not found: {CORPUS}")
    posts = load_posts(args.posts)
    chars = sum(map(len, posts))
    started = time.perf_counter()
    charmap()
    print(
        f"{len(posts)} posts, {chars} chars; tables built in {time.perf_counter() - started:.2f}s"
    )

    buffers = [
        RECORD_SEPARATOR.join(posts[i : i + args.batch]) for i in range(0, len(posts), args.batch)
    ]
    started = time.perf_counter()
    batched = [normalize_text(buffer) for buffer in buffers]
    print(f"normalize_text, batches of {args.batch}: {time.perf_counter() - started:.3f}s")

    whole = RECORD_SEPARATOR.join(posts)
    started = time.perf_counter()
    normalize_text(whole)
    print(f"normalize_text, one buffer: {time.perf_counter() - started:.3f}s")

    sample = [p for p in posts if 100 <= len(p) <= 200][:5_000]
    started = time.perf_counter()
    for post in sample:
        normalize(post)
    per_post = (time.perf_counter() - started) / len(sample) * 1e6
    mean = sum(map(len, sample)) / len(sample)
    print(f"normalize (with map): {per_post:.1f} us/post, mean length {mean:.0f}")

    single = [normalize_text(post) for post in posts]
    joined = [part for text in batched for part in text.split(RECORD_SEPARATOR)]
    mismatches = sum(a != b for a, b in zip(joined, single, strict=True))
    print(f"batch vs post-by-post mismatches: {mismatches}")


if __name__ == "__main__":
    main()
