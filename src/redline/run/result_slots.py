"""Shared memory through which forked workers hand a chunk's encoded output to the scan.

Sending each chunk's output back through the pool's pipe cost a two-worker scan about a sixth
of its time on two cores (measured on 1,000,000 Weibo posts: 4.0-4.3 s without the transfer,
4.4-4.7 s with it): the bytes were pickled, pushed through a 64 KiB pipe in pieces, each piece
waking the reading process, then copied twice more to unpickle. Here each chunk in flight has a
slot in one anonymous shared mapping, made before the workers fork so every worker inherits
it: the worker copies its output into the slot and returns only the length, and the reading
process writes it to the output straight from the slot (copying it out first cost the reading
process 0.05-0.1 s of CPU per million posts, taken from the workers on two cores). Nothing is
named, so a killed scan leaves nothing behind.

A slot is reused only after its output was written: the scan submits chunk `n` only once it
has taken back and written chunk `n - slots` (`redline.run.parallel.screen_in_order` keeps at most
`slots` chunks in flight), so slot `n % slots` is free. An output that does not fit its slot
goes through the pipe as before.
"""

from __future__ import annotations

import contextlib
import mmap
from dataclasses import dataclass

SLOT_BYTES = 1 << 23
"""Room per chunk in flight. Only the pages an output touches are ever allocated; a chunk's
output is a few hundred KiB for a few thousand posts (a slice holds at most 8 MiB of input)."""


@dataclass(frozen=True, slots=True)
class InSlot:
    """What a worker returns in place of output it left in slot `index`."""

    index: int
    length: int


class ResultSlots:
    """`count` slots of `size` bytes in one shared anonymous mapping (create before forking)."""

    def __init__(self, count: int, size: int | None = None):
        size = SLOT_BYTES if size is None else size
        if count < 1 or size < 1:
            raise ValueError("ResultSlots needs at least one slot of at least one byte")
        self.count = count
        self.size = size
        self._memory = mmap.mmap(-1, count * size)  # anonymous, MAP_SHARED: seen across fork

    def slot_of(self, sequence: int) -> int:
        """The slot of the `sequence`-th chunk submitted."""
        return sequence % self.count

    def put(self, index: int, data: bytes) -> InSlot | None:
        """Copy `data` into slot `index` (in a worker); None when it does not fit."""
        if len(data) > self.size:
            return None
        start = index * self.size
        self._memory[start : start + len(data)] = data
        return InSlot(index, len(data))

    def take(self, placed: InSlot) -> memoryview:
        """The output a worker left, in place (in the reading process), not copied: it stays
        valid until the chunk that reuses its slot is submitted, so the scan writes it before
        it takes the next result."""
        start = placed.index * self.size
        return memoryview(self._memory)[start : start + placed.length]

    def close(self) -> None:
        """Unmap the slots; a view still held (the last result's) keeps them until it goes."""
        with contextlib.suppress(BufferError):
            self._memory.close()
