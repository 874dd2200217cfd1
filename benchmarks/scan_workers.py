"""Benchmark (not a test): `redline scan --workers N` on real Weibo posts, 1 worker against 2.

Writes N real Weibo posts of January-February from ../shared/corpora (or $REDLINE_SHARED) as
JSONL (repeated under new ids past the corpus's 294,000, as spark_vs_local.py does), runs
`redline scan INPUT -o OUTPUT --workers K` for each K, and prints posts/s end to end and once
started (start-up measured on a 1,000-post run and taken out), the speed-up over one worker,
and the peak resident memory (VmHWM) of the scan process and of each worker process, sampled
from /proc while it runs. The outputs must be identical byte for byte. As a ceiling, it also
times two independent one-worker scans of half the input each, run side by side: what two cores
give this workload with no coordination at all. Each is run --repeat times, interleaved, and
the fastest kept: this VM's speed drifts by 20-30% from minute to minute; each kept run shows
the share of CPU time the hypervisor stole meanwhile (host_cpu.py).

Usage: .venv/bin/python benchmarks/scan_workers.py [--posts 1000000] [--workers 1 2] [--repeat 3]
       [--shared ..]
"""

from __future__ import annotations

import argparse
import filecmp
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from host_cpu import CpuTicks
from scan_throughput import precompile, write_input

from redline.training import find_shared

WARMUP_POSTS = 1_000


@dataclass
class TreeWatch:
    """Samples the peak RSS (VmHWM, KiB) of a process and all its descendants until stopped."""

    root: int
    interval: float = 0.05
    peaks: dict[int, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> TreeWatch:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in self._tree():
                peak = _vm_hwm(pid)
                if peak:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), peak)
            time.sleep(self.interval)

    def _tree(self) -> list[int]:
        pids, frontier = [self.root], [self.root]
        while frontier:
            pid = frontier.pop()
            try:
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                continue
            frontier.extend(int(child) for child in children)
            pids.extend(int(child) for child in children)
        return pids

    def root_peak_mib(self) -> float:
        return self.peaks.get(self.root, 0) / 1024

    def worker_peaks_mib(self) -> list[float]:
        return [kib / 1024 for pid, kib in self.peaks.items() if pid != self.root]


def _vm_hwm(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_scan(argv: list[str]) -> tuple[float, TreeWatch, float]:
    """Wall seconds, memory watch, and the share of CPU time the hypervisor stole meanwhile."""
    ticks, start = CpuTicks.now(), time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with TreeWatch(process.pid) as watch:
        _, stderr = process.communicate()
    seconds = time.perf_counter() - start
    shares = CpuTicks.now().since(ticks).shares()
    if process.returncode not in (0, 3):
        raise SystemExit(f"scan failed ({process.returncode}): {stderr.decode()[-2000:]}")
    return seconds, watch, shares[1] if shares else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, the fastest kept")
    parser.add_argument("--shared")
    args = parser.parse_args()
    shared = find_shared(args.shared)
    if shared is None:
        sys.exit("../shared/corpora not found (set --shared or REDLINE_SHARED): nothing to measure")
    redline = Path(sys.executable).with_name("redline")
    precompile()
    with tempfile.TemporaryDirectory() as tmp:
        source, warmup = Path(tmp, "weibo.jsonl"), Path(tmp, "warmup.jsonl")
        posts = write_input(shared, args.posts, source)
        with source.open("rb") as lines, warmup.open("wb") as out:
            out.writelines(line for _, line in zip(range(WARMUP_POSTS), lines, strict=False))
        print(f"{posts:,} real Weibo posts (Jan-Feb), {source.stat().st_size / 2**20:.1f} MiB")
        print(
            f"{'workers':>7} {'seconds':>8} {'posts/s':>9} {'speed-up':>8} "
            f"{'steady/s':>9} {'speed-up':>8} {'scan MiB':>8} {'per-worker MiB':>15} {'steal':>6}"
        )
        outputs: dict[int, Path] = {}
        best: dict[int, tuple[float, float, TreeWatch, float]] = {}
        for _ in range(args.repeat):  # interleaved, so a slow spell of the machine hits all
            for workers in args.workers:
                output = Path(tmp, f"out{workers}.jsonl")
                argv = [str(redline), "scan", "-o", str(output), "--workers", str(workers)]
                start_up, _, _ = run_scan([*argv[:2], str(warmup), *argv[2:]])
                seconds, watch, stolen = run_scan([*argv[:2], str(source), *argv[2:]])
                if workers not in best or seconds < best[workers][0]:
                    best[workers] = (seconds, start_up, watch, stolen)
                outputs[workers] = output
        base = steady_base = 0.0
        for workers in args.workers:
            seconds, start_up, watch, stolen = best[workers]
            rate = posts / seconds
            steady = (posts - WARMUP_POSTS) / max(seconds - start_up, 1e-9)
            base, steady_base = base or rate, steady_base or steady
            per_worker = ", ".join(f"{m:.0f}" for m in watch.worker_peaks_mib()) or "-"
            print(
                f"{workers:7d} {seconds:8.2f} {rate:9,.0f} {rate / base:7.2f}x "
                f"{steady:9,.0f} {steady / steady_base:7.2f}x "
                f"{watch.root_peak_mib():8.0f} {per_worker:>15} {stolen:6.1%}"
            )
        print(f"(the fastest of {args.repeat} interleaved runs of each)")
        print(
            f"steady = posts/s once started: (posts - {WARMUP_POSTS:,}) / (time - time of a "
            f"{WARMUP_POSTS:,}-post run), which takes out process and pipeline start-up"
        )
        first, *others = outputs.values()
        same = all(filecmp.cmp(first, other, shallow=False) for other in others)
        print(f"outputs identical across worker counts: {same}")
        seconds = min(independent_halves(redline, source, Path(tmp)) for _ in range(args.repeat))
        print(
            f"ceiling: two independent one-worker scans of half the input each, side by side, "
            f"took {seconds:.2f} s: {posts / seconds / base:.2f}x one worker, with no coordination "
            "at all (what the machine's cores give this workload)"
        )


def independent_halves(redline: Path, source: Path, tmp: Path) -> float:
    """Wall time of two `redline scan` processes run at once, each on half of `source`."""
    lines = source.read_bytes().splitlines(keepends=True)
    middle = len(lines) // 2
    halves = [Path(tmp, "half0.jsonl"), Path(tmp, "half1.jsonl")]
    for half, part in zip(halves, (lines[:middle], lines[middle:]), strict=True):
        half.write_bytes(b"".join(part))
    del lines
    start = time.perf_counter()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    argv = [[str(redline), "scan", str(half), "-o", f"{half}.out"] for half in halves]
    processes = [subprocess.Popen(command, **quiet) for command in argv]
    if any(process.wait() not in (0, 3) for process in processes):
        raise SystemExit("an independent half-scan failed")
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
