"""Benchmark (not a test): SIGKILL a checkpointed scan again and again, resume, check the output.

Writes --records records (default 1,000,000: everyday posts from a seeded word list, an ad every
89 records, a broken line every 97), then starts `redline scan --checkpoint DIR` and kills it
with SIGKILL --kills times (default 20), restarting it with the same arguments each time, then
lets a last run finish. Each kill lands at a random moment (seeded): once the run has committed
past a random record (the --kills records are drawn uniformly over the input, so the kills
spread over the whole run however fast it goes) and then up to --max-delay seconds later (by
default one commit interval, so anywhere in it). The run commits every COMMIT_SECONDS (0.1 s),
so that 20 kills find 20 commits to land between even on a fast machine. It checks that the
decisions are exactly the good records, in order, each once, with no torn line, that the
rejects are exactly the broken lines, and prints how much work the kills cost (records decided
again after a kill).

Usage: .venv/bin/python benchmarks/crash_resume.py [--records 1000000] [--kills 20] [--workers 2]
       [--max-delay 0.1]
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = [
    "今天",
    "天气",
    "公园",
    "散步",
    "医院",
    "排队",
    "疫情",
    "加油",
    "朋友",
    "晚饭",
    "地铁",
    "下班",
]
ADS = ["香港验血查男女，加V预约", "寄血去香港验男女，准确率99%，微信 hkbb0521"]
COMMIT_SECONDS = 0.1


def write_feed(path: Path, count: int, seed: int) -> tuple[int, int]:
    rng = random.Random(seed)
    good = bad = 0
    with path.open("w", encoding="utf-8") as out:
        for index in range(count):
            if index % 97 == 50:
                out.write("{broken json\n")
                bad += 1
                continue
            text = ADS[index % 2] if index % 89 == 0 else "".join(rng.choices(WORDS, k=12))
            out.write(json.dumps({"id": f"p{index}", "text": text}, ensure_ascii=False) + "\n")
            good += 1
    return good, bad


def committed(progress: Path) -> int:
    try:
        return json.loads(progress.read_text())["summary"].get("read", 0)
    except (OSError, ValueError, KeyError):
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument(
        "--max-delay",
        type=float,
        default=COMMIT_SECONDS,
        help="kill up to this many seconds after the commit past the kill's record",
    )
    args = parser.parse_args()
    redline = Path(sys.executable).with_name("redline")
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        source, output, folder = Path(tmp, "feed.jsonl"), Path(tmp, "out.jsonl"), Path(tmp, "ck")
        good, bad = write_feed(source, args.records, args.seed)
        command = [
            str(redline),
            "scan",
            str(source),
            "-o",
            str(output),
            "--checkpoint",
            str(folder),
            "--workers",
            str(args.workers),
            "--commit-seconds",
            str(COMMIT_SECONDS),
        ]
        progress = folder / "progress.json"
        start = time.perf_counter()
        lost_work = 0
        targets = sorted(rng.randrange(args.records) for _ in range(args.kills))
        for kill, target in enumerate(targets):
            before = progress.read_bytes() if progress.exists() else b""
            process = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            while process.poll() is None and (
                not progress.exists()
                or progress.read_bytes() == before
                or committed(progress) < target
            ):
                time.sleep(0.005)
            time.sleep(rng.uniform(0.0, args.max_delay))
            written = output.stat().st_size if output.exists() else 0
            process.send_signal(signal.SIGKILL)
            process.wait()
            state = json.loads(progress.read_text())
            lost_work += max(written - state["output_bytes"], 0)
            print(
                f"kill {kill + 1:2d}: committed {committed(progress):>10,} records, "
                f"{written - state['output_bytes']:>9,} bytes past the commit cut off on resume"
            )
            if state.get("done"):
                print("  (the run had already finished: later kills land on restarts)")
        final = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        if final.returncode not in (0, 3):
            raise SystemExit(f"final run failed: {final.stderr[-2000:]}")
        ids, torn = [], 0
        with output.open("rb") as lines:
            for line in lines:
                try:
                    ids.append(json.loads(line)["id"])
                except ValueError:
                    torn += 1
        expected = [f"p{i}" for i in range(args.records) if i % 97 != 50]
        rejects = Path(str(output).removesuffix(".jsonl") + ".rejects.jsonl").read_text()
        reject_lines = [json.loads(line)["line"] for line in rejects.splitlines()]
        print(
            f"{args.records:,} records, {args.kills} SIGKILLs, {args.workers} workers, "
            f"{seconds:.0f} s in all"
        )
        print(
            f"decisions {len(ids):,} (good records {good:,}), distinct {len(set(ids)):,}, "
            f"torn lines {torn}, in input order and exactly once: {ids == expected}"
        )
        print(
            f"rejects {len(reject_lines):,} (broken lines {bad:,}), "
            f"distinct {len(set(reject_lines)):,}"
        )
        print(f"output bytes written past a commit and redone: {lost_work:,}")
        summary = " ".join(final.stderr.split())  # Rich wraps it to the pipe's width
        print(summary[summary.rfind("read ") :])


if __name__ == "__main__":
    main()
