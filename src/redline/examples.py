"""Run a pack's example posts through a pipeline: the pack's own acceptance tests."""

from __future__ import annotations

from redline.pipeline import Pipeline
from redline.policy import Example, Pack
from redline.types import Post, Verdict


def meets(expect: str, verdict: Verdict) -> bool:
    """Whether a verdict satisfies an example's expectation."""
    if expect == "flagged":
        return verdict in ("violating", "review")
    return verdict == expect


def run_examples(pack: Pack, pipeline: Pipeline) -> list[str]:
    """One `line: message` string per failing example; empty when all pass."""
    examples: list[Example] = list(pack.examples)
    posts = [Post(f"{pack.id}-example-{i}", e.text) for i, e in enumerate(examples)]
    failures = []
    for example, decision in zip(examples, pipeline.screen(posts), strict=True):
        if not meets(example.expect, decision.verdict):
            failures.append(
                f"{example.line}: expected {example.expect}, got {decision.verdict} "
                f"(score {decision.score:.2f}, rules {list(decision.rules)}): {example.text[:80]!r}"
            )
    return failures
