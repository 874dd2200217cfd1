"""A pack's examples are its acceptance tests: failures must say which example, where, and why."""

from __future__ import annotations

from dataclasses import replace

import pytest

from redline.examples import meets, run_examples
from redline.pipeline import Pipeline
from redline.policy import Pack, parse_pack
from redline.recognizers import REGISTRY
from redline.types import VERDICTS

PACK_SOURCE = """\
id = "zz"
name = "Test land"
jurisdiction = "ZZ"
languages = ["en"]
version = "1"

[clauses.law-1]
citation = "Test Act, s.1"
title = "No gender test ads"

[signals."sexid.service"]
topic = true
terms = ["gender blood test"]

[[rules]]
id = "zz.offer"
verdict = "violating"
when = "has('sexid') and has('contact')"
clauses = ["law-1"]

[[examples]]
text = "Gender blood test, call +91 98765 43210"
expect = "violating"

[[examples]]
text = "Gender blood test, call +91 98765 43211"
expect = "allow"
note = "wrong on purpose: this is an offer"

[[examples]]
text = "A quiet afternoon in the park"
expect = "flagged"
note = "wrong on purpose: nothing here"

[[examples]]
text = "The gender blood test was in the news"
expect = "allow"
"""
EXAMPLE_LINES = [i for i, line in enumerate(PACK_SOURCE.splitlines(), 1) if line == "[[examples]]"]
FAILING_LINES = EXAMPLE_LINES[1:3]
"""Lines of the `[[examples]]` headers of the two examples that expect the wrong verdict."""


@pytest.fixture(scope="module")
def pack() -> Pack:
    return parse_pack(PACK_SOURCE, "zz.toml")


def _pipeline(pack: Pack) -> Pipeline:
    return Pipeline([pack], [factory([pack]) for factory in REGISTRY.values()], None)


def test_failing_examples_are_reported_with_their_line(pack: Pack) -> None:
    assert [example.line for example in pack.examples[1:3]] == FAILING_LINES
    failures = run_examples(pack, _pipeline(pack))
    assert len(failures) == 2
    offer, nothing = failures
    assert offer.startswith(f"{FAILING_LINES[0]}: expected allow, got violating")
    assert "zz.offer" in offer and "43211" in offer
    assert nothing.startswith(f"{FAILING_LINES[1]}: expected flagged, got allow")
    assert "quiet afternoon" in nothing


def test_a_pack_whose_examples_hold_reports_nothing(pack: Pack) -> None:
    good = parse_pack(
        PACK_SOURCE.replace(
            'expect = "allow"\nnote = "wrong', 'expect = "violating"\nnote = "w'
        ).replace('expect = "flagged"', 'expect = "allow"'),
        "zz.toml",
    )
    assert run_examples(good, _pipeline(good)) == []


@pytest.mark.parametrize("verdict", VERDICTS)
def test_meets(verdict: str) -> None:
    assert meets(verdict, verdict)  # type: ignore[arg-type]
    assert meets("flagged", verdict) == (verdict != "allow")  # type: ignore[arg-type]
    for other in VERDICTS:
        if other != verdict:
            assert not meets(other, verdict)  # type: ignore[arg-type]


def test_allow_examples_of_the_built_in_packs_hold_without_a_model(
    packs: list[Pack], bare_pipeline: Pipeline
) -> None:
    """Score 0 is the least any model can give, so rules that flag a post at 0 flag it always:
    an `allow` example flagged here would fail `redline pack check` whatever the model."""
    for pack in packs:
        allowed = [example for example in pack.examples if example.expect == "allow"]
        assert allowed, pack.id
        only_allow = replace(pack, examples=tuple(allowed))
        assert run_examples(only_allow, bare_pipeline) == [], pack.id
