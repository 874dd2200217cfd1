"""The recogniser contract: one class, built once per pipeline, called once per candidate text.

A recogniser reads the *normalised* text (see `redline.normalize`) and returns `Signal`s with
offsets into it. It is constructed with the loaded policy packs so that pack-driven recognisers
(terms, codewords) can compile their matchers once; recognisers that do not need packs ignore
them. Construction may be slow; `recognize` is on the hot path.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, Protocol

if TYPE_CHECKING:
    from redline.policy import Pack
    from redline.types import Signal


class Recognizer(Protocol):
    """Finds signals in normalised text."""

    name: ClassVar[str]

    def __init__(self, packs: Sequence[Pack]) -> None: ...

    def recognize(self, text: str) -> list[Signal]: ...
