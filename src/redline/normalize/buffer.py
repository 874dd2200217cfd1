"""A string as an array of code points, optionally carrying its map back to the original.

The array engine edits a `CodeBuffer` with whole-array operations, which is what makes one
normalisation call over a buffer of thousands of posts cheap. On the mapped path the
`starts`/`ends` arrays ride along through every deletion and splice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from redline.normalize.charmap import DELETE, CharMap

Codes = NDArray[np.uint32]
Positions = NDArray[np.intp]
Edit = tuple[int, int, Sequence[int]]
"""Replace codes[start:end] with the given code points (an empty sequence deletes)."""

PAD = 2
"""Padding of `padded_kinds`/`padded_codes`: neighbours up to two away never fall outside."""

_UTF32 = "utf-32-le"
CODE_DTYPE = np.dtype("<u4")


def encode(text: str) -> Codes:
    """Code points of `text`; lone surrogates are legal in a str and survive unchanged."""
    return np.frombuffer(text.encode(_UTF32, "surrogatepass"), dtype=CODE_DTYPE)


def decode(codes: Codes) -> str:
    return codes.astype(CODE_DTYPE, copy=False).tobytes().decode(_UTF32, "surrogatepass")


@dataclass(slots=True)
class CodeBuffer:
    """Code points plus, on the mapped path, the original span of each one."""

    codes: Codes
    starts: NDArray[np.intp] | None = None
    ends: NDArray[np.intp] | None = None
    _kinds: NDArray[np.uint16] | None = None
    """Cache of padded_kinds, kept in step by keep/assign/splice (a gather costs more)."""
    _kind_table: NDArray[np.uint16] | None = None

    @classmethod
    def from_text(cls, text: str, *, with_map: bool) -> CodeBuffer:
        codes = encode(text)
        if not with_map:
            return cls(codes)
        starts = np.arange(len(codes), dtype=np.intp)
        return cls(codes, starts, starts + 1)

    def __len__(self) -> int:
        return len(self.codes)

    def padded_kinds(self, charmap: CharMap) -> NDArray[np.uint16]:
        """Kind flags with PAD zeros on each side: position p is at index p + PAD."""
        if self._kinds is None or self._kind_table is not charmap.kinds:
            self._kinds = np.zeros(len(self.codes) + 2 * PAD, dtype=np.uint16)
            # mode="clip" only skips the bounds check: the table covers every code point
            np.take(charmap.kinds, self.codes, out=self._kinds[PAD:-PAD], mode="clip")
            self._kind_table = charmap.kinds
        return self._kinds

    def padded_codes(self) -> Codes:
        """Code points with PAD impossible values (DELETE) on each side, like padded_kinds."""
        codes = np.full(len(self.codes) + 2 * PAD, DELETE, dtype=CODE_DTYPE)
        codes[PAD:-PAD] = self.codes
        return codes

    def delete(self, positions: Positions) -> None:
        """Drop the code points at the given positions (and their map entries)."""
        if len(positions) == 0:
            return
        keep = np.ones(len(self.codes), dtype=bool)
        keep[positions] = False
        self.keep(keep)

    def keep(self, mask: NDArray[np.bool_]) -> None:
        self.codes = self.codes[mask]
        if self._kinds is not None:
            padding = np.ones(PAD, dtype=bool)
            self._kinds = self._kinds[np.concatenate((padding, mask, padding))]
        if self.starts is not None and self.ends is not None:
            self.starts = self.starts[mask]
            self.ends = self.ends[mask]

    def assign(self, positions: Sequence[int], codes: Sequence[int]) -> None:
        """One-for-one replacement: the map does not change."""
        if not self.codes.flags.writeable:
            self.codes = self.codes.copy()
        at = np.asarray(positions, dtype=np.intp)
        self.codes[at] = np.asarray(codes, dtype=CODE_DTYPE)
        if self._kinds is not None and self._kind_table is not None:
            self._kinds[at + PAD] = self._kind_table[self.codes[at]]

    def splice(self, edits: Sequence[Edit]) -> None:
        """Apply sorted, non-overlapping edits; a replacement maps to the whole span it replaced."""
        if not edits:
            return
        self._kinds = None
        code_parts: list[Codes] = []
        start_parts: list[NDArray[np.intp]] = []
        end_parts: list[NDArray[np.intp]] = []
        cursor = 0
        for start, end, replacement in edits:
            code_parts += (self.codes[cursor:start], np.asarray(replacement, dtype=CODE_DTYPE))
            if self.starts is not None and self.ends is not None:
                count = len(replacement)
                start_parts += (self.starts[cursor:start], np.full(count, self.starts[start]))
                end_parts += (self.ends[cursor:start], np.full(count, self.ends[end - 1]))
            cursor = end
        code_parts.append(self.codes[cursor:])
        self.codes = np.concatenate(code_parts).astype(CODE_DTYPE, copy=False)
        if self.starts is not None and self.ends is not None:
            start_parts.append(self.starts[cursor:])
            end_parts.append(self.ends[cursor:])
            self.starts = np.concatenate(start_parts).astype(np.intp, copy=False)
            self.ends = np.concatenate(end_parts).astype(np.intp, copy=False)


def having(kinds: NDArray[np.uint16], flags: int) -> Positions:
    """Positions whose kind has any of `flags`. Compared to zero first: NumPy finds the true
    entries of a boolean array about four times faster than the nonzero ones of a uint16 one."""
    return np.flatnonzero((kinds & flags) != 0)


def runs(
    positions: Positions, step: int = 1, keys: NDArray[np.uint32] | None = None
) -> tuple[Positions, Positions]:
    """Split sorted positions into runs spaced `step` apart: (index of first, index of last).

    With `keys` (one per position), a run also breaks where the key changes.
    """
    apart = np.diff(positions) != step
    if keys is not None:
        apart |= keys[1:] != keys[:-1]
    breaks = np.flatnonzero(apart)
    firsts = np.concatenate(([0], breaks + 1))
    lasts = np.concatenate((breaks, [len(positions) - 1]))
    return firsts, lasts


def members(firsts: Positions, lasts: Positions, chosen: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Expand a per-run choice to a per-member mask over the positions the runs came from."""
    return np.repeat(chosen, lasts - firsts + 1)
