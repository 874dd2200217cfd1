"""Benchmark (not a test): stream a large generated Parquet file through `redline scan`.

Generates a Parquet input of --gb gigabytes (default 5): ids, posts of random CJK text with an
ad every 5,000 rows, and an `author` column, written uncompressed row group by row group so the
generator itself never holds more than one group. Then runs
`redline scan INPUT -o OUTPUT.parquet --carry author --workers K` and prints the throughput and
the peak resident memory (VmHWM) of the scan process and of each worker, and checks that the
output has one row per input row.

Usage: .venv/bin/python benchmarks/parquet_stream.py [--gb 5] [--workers 2] [--dir /tmp]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).parent))

from scan_workers import run_scan

ROWS_PER_GROUP = 50_000
CHARS_PER_POST = 160
ADS = ["香港验血查男女，加V预约 hkbb0521", "寄血去香港验男女，准确率99%"]


def generate(path: Path, target_bytes: int, seed: int = 7) -> int:
    """Write row groups until the file reaches `target_bytes`; return the row count."""
    rng = np.random.default_rng(seed)
    schema = pa.schema([("id", pa.string()), ("text", pa.string()), ("author", pa.string())])
    rows = 0
    with pq.ParquetWriter(path, schema, compression="none") as writer:
        while rows == 0 or path.stat().st_size < target_bytes:
            code_points = rng.integers(0x4E00, 0x9FA5, ROWS_PER_GROUP * CHARS_PER_POST)
            buffer = code_points.astype("<u4").tobytes().decode("utf-32-le").encode("utf-8")
            offsets = np.arange(0, ROWS_PER_GROUP + 1, dtype=np.int32) * (CHARS_PER_POST * 3)
            texts = pa.StringArray.from_buffers(
                ROWS_PER_GROUP, pa.py_buffer(offsets.tobytes()), pa.py_buffer(buffer)
            ).to_pylist()
            for index in range(0, ROWS_PER_GROUP, 5_000):
                texts[index] = ADS[(rows + index) % 2] + texts[index][:40]
            ids = [f"g{rows + i}" for i in range(ROWS_PER_GROUP)]
            authors = [f"a{(rows + i) % 997}" for i in range(ROWS_PER_GROUP)]
            writer.write_table(pa.table({"id": ids, "text": texts, "author": authors}, schema))
            rows += ROWS_PER_GROUP
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=5.0, help="input size in GB (default 5)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dir", default=None, help="where to put the files (needs ~1.3x --gb)")
    args = parser.parse_args()
    redline = Path(sys.executable).with_name("redline")
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        source, output = Path(tmp, "input.parquet"), Path(tmp, "output.parquet")
        start = time.perf_counter()
        rows = generate(source, int(args.gb * 1e9))
        size = source.stat().st_size
        print(
            f"generated {rows:,} rows, {size / 1e9:.2f} GB in {time.perf_counter() - start:.0f} s"
        )
        argv = [str(redline), "scan", str(source), "-o", str(output), "--carry", "author"]
        seconds, watch = run_scan([*argv, "--workers", str(args.workers)])
        written = pq.ParquetFile(output).metadata.num_rows
        total = watch.root_peak_mib() + sum(watch.worker_peaks_mib())
        print(
            f"scan --workers {args.workers}: {seconds:.1f} s, {rows / seconds:,.0f} rows/s, "
            f"{size / 2**20 / seconds:.0f} MiB/s of input"
        )
        workers = ", ".join(f"{m:.0f}" for m in watch.worker_peaks_mib()) or "-"
        print(
            f"peak RSS: scan process {watch.root_peak_mib():.0f} MiB, workers {workers} MiB, "
            f"all together {total:.0f} MiB (target < 1024 per process)"
        )
        print(f"output rows {written:,} = input rows {rows:,}: {written == rows}")


if __name__ == "__main__":
    main()
