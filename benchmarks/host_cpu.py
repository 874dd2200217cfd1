"""How busy this machine's CPUs were, and how much of their time the hypervisor took (steal).

Shared by the benchmark scripts. Why: on a virtual machine the host can run something else
while this VM's CPUs want to run ("steal"), which slows every process here alike; a benchmark
that reports it lets a run on a quiet host be told from one on a busy host.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple


class CpuTicks(NamedTuple):
    """This machine's CPU time so far, in clock ticks, from /proc/stat (zeros elsewhere)."""

    busy: int
    idle: int
    stolen: int

    @classmethod
    def now(cls) -> CpuTicks:
        try:
            line = Path("/proc/stat").read_text().split("\n")[0]
            fields = [int(value) for value in line.split()[1:]]
        except (OSError, ValueError):
            return cls(0, 0, 0)
        user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
        return cls(user + nice + system + irq + softirq, idle + iowait, steal)

    def since(self, before: CpuTicks) -> CpuTicks:
        return CpuTicks(*(now - then for now, then in zip(self, before, strict=True)))

    def shares(self) -> tuple[float, float] | None:
        """(busy, stolen) as fractions of all the CPU time counted; None when nothing was."""
        total = self.busy + self.idle + self.stolen
        return (self.busy / total, self.stolen / total) if total else None
