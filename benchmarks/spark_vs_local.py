"""Benchmark (not a test): Spark `local[2]` against `redline scan --workers 2` on the same posts.

Writes --posts real Weibo posts (default 1,000,000; the January-February posts of
../shared/corpora, repeated under new ids when more are asked for than there are) to one
Parquet file, then
- local: `redline scan INPUT.parquet -o local.parquet --workers 2`, timed end to end;
- Spark: a `local[2]` session (its start-up timed apart), `redline.spark.screen` of the same
  file, written to Parquet.
Verdicts, scores, rules, evidence and entities are compared row by row (joined on id), and
Spark's overhead is stated as its time over the local scan's.

Usage: .venv/bin/python benchmarks/spark_vs_local.py [--posts 1000000] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from redline.training import find_shared, weibo_texts

COMPARED = ["verdict", "score", "rules", "clauses", "evidence", "entities"]


def write_parquet(shared: Path, posts: int, path: Path) -> int:
    texts = list(islice(weibo_texts(shared), posts))
    ids = [f"w{i}" for i in range(posts)]
    column = [texts[i % len(texts)] for i in range(posts)]
    pq.write_table(pa.table({"id": ids, "text": column}), path, row_group_size=25_000)
    return posts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--shared")
    args = parser.parse_args()
    shared = find_shared(args.shared)
    if shared is None:
        sys.exit("../shared/corpora not found (set --shared or REDLINE_SHARED): nothing to measure")
    redline = Path(sys.executable).with_name("redline")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp, "posts.parquet")
        posts = write_parquet(shared, args.posts, source)
        print(f"{posts:,} real Weibo posts (Jan-Feb), {source.stat().st_size / 2**20:.0f} MiB")

        local = Path(tmp, "local.parquet")
        start = time.perf_counter()
        subprocess.run(
            [str(redline), "scan", str(source), "-o", str(local), "--workers", "2"],
            check=True,
            capture_output=True,
        )
        local_seconds = time.perf_counter() - start

        from pyspark.sql import SparkSession

        import redline.spark as redline_spark

        start = time.perf_counter()
        spark = (
            SparkSession.builder.master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.memory", "2g")
            .config("spark.sql.files.maxPartitionBytes", "4m")  # a task per few row groups
            .getOrCreate()
        )
        session_seconds = time.perf_counter() - start
        start = time.perf_counter()
        spark_out = Path(tmp, "spark")
        redline_spark.screen(spark.read.parquet(str(source))).write.parquet(str(spark_out))
        spark_seconds = time.perf_counter() - start
        spark.stop()

        ours = pq.read_table(local).sort_by("id")
        theirs = pq.read_table(spark_out).select(["id", *COMPARED]).sort_by("id")
        same_ids = ours.column("id").equals(theirs.column("id"))
        differing = {
            name: sum(
                a != b
                for a, b in zip(
                    ours.column(name).to_pylist(), theirs.column(name).to_pylist(), strict=True
                )
            )
            for name in COMPARED
        }
        flagged = sum(v != "allow" for v in ours.column("verdict").to_pylist())
    print()
    print(f"scan --workers 2:  {local_seconds:7.1f} s  {posts / local_seconds:9,.0f} posts/s")
    print(
        f"Spark local[2]:    {spark_seconds:7.1f} s  {posts / spark_seconds:9,.0f} posts/s "
        f"(+ {session_seconds:.1f} s session start-up)"
    )
    print(
        f"Spark overhead: {spark_seconds / local_seconds:.2f}x the local scan's time "
        f"({(spark_seconds + session_seconds) / local_seconds:.2f}x with start-up)"
    )
    print(f"same ids: {same_ids}; rows differing per column: {differing}; flagged {flagged:,}")


if __name__ == "__main__":
    main()
