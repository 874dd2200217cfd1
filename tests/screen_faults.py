"""Make the screening code raise on chosen posts, for the tests of what a run does then.

A mock at the unit's edge: the thing under test is how scan and Spark set such a post aside.
"""

from __future__ import annotations

from typing import Any

import pytest

from redline.pipeline import Pipeline
from redline.types import Post

MARKER = "⟦raise-here⟧"
"""Posts holding this text make the patched method raise."""


def raise_in_analyse(monkeypatch: pytest.MonkeyPatch) -> None:
    """A marked candidate's analysis raises (like the normaliser's pinyin IndexError did)."""
    original = Pipeline.analyse

    def analyse(self: Pipeline, post: Post) -> Any:
        if MARKER in post.text:
            raise IndexError("list index out of range")
        return original(self, post)

    monkeypatch.setattr(Pipeline, "analyse", analyse)
