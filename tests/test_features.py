"""Hashed features: stable, bounded, normalised per block, and telling about the signals."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redline.features import (
    N_FEATURES,
    SIGNAL_OFFSET,
    WORD_OFFSET,
    char_gram_columns,
    feature_arrays_of,
    hashed_features,
    signal_tokens,
)
from redline.normalize import normalize
from redline.pipeline import Pipeline
from redline.types import Doc, Post, Signal

AD = "香港验血查男女，孕7周可测，准确率99%，加V：baby_hk2027 预约。Early gender test, call now"


def _doc(text: str, signals: list[Signal] | None = None) -> Doc:
    return Doc(Post("x", text), normalize(text), list(signals or []))


def _blocks(vector: dict[int, float]) -> tuple[dict[int, float], ...]:
    chars = {k: v for k, v in vector.items() if k < WORD_OFFSET}
    words = {k: v for k, v in vector.items() if WORD_OFFSET <= k < SIGNAL_OFFSET}
    signals = {k: v for k, v in vector.items() if k >= SIGNAL_OFFSET}
    return chars, words, signals


def test_features_are_deterministic_across_calls_and_docs(bare_pipeline: Pipeline) -> None:
    first = bare_pipeline.analyse(Post("a", AD))
    second = bare_pipeline.analyse(Post("b", AD))
    again = bare_pipeline.analyse(Post("a", AD))  # a fresh analysis of the same post
    assert hashed_features(first) == hashed_features(again) == hashed_features(second)


def test_features_do_not_depend_on_the_process_hash_seed() -> None:
    """The model is trained in one process and used in others: the hash must not be salted."""
    code = (
        "import json, sys\n"
        "from redline.features import hashed_features\n"
        "from redline.normalize import normalize\n"
        "from redline.types import Doc, Post\n"
        "text = sys.argv[1]\n"
        "vector = hashed_features(Doc(Post('x', text), normalize(text)))\n"
        "print(json.dumps(sorted(vector.items())))\n"
    )
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", code, AD], capture_output=True, text=True, env=env, check=True
        )
        outputs.append(json.loads(result.stdout))
    here = sorted(hashed_features(_doc(AD)).items())
    assert outputs[0] == outputs[1] == [list(pair) for pair in here]


def test_every_column_is_inside_the_feature_space(bare_pipeline: Pipeline) -> None:
    vector = hashed_features(bare_pipeline.analyse(Post("a", AD)))
    assert vector
    assert all(0 <= column < N_FEATURES for column in vector)


@pytest.mark.parametrize("text", [AD, "a", "今天天气真好", "ling jaanch kendra ling jaanch"])
def test_text_blocks_are_l2_normalised(text: str) -> None:
    chars, words, _ = _blocks(hashed_features(_doc(text)))
    assert math.isclose(math.fsum(v * v for v in chars.values()), 1.0, rel_tol=1e-9)
    if words:
        assert math.isclose(math.fsum(v * v for v in words.values()), 1.0, rel_tol=1e-9)


def test_an_empty_doc_has_only_its_length_token() -> None:
    chars, words, signals = _blocks(hashed_features(_doc("")))
    assert chars == {} and words == {}
    assert list(signals.values()) == [1.0]
    assert signal_tokens(_doc("")) == ["len:xs"]


def test_signal_tokens_name_categories_families_repeats_and_pairs() -> None:
    signals = [
        Signal("sexid.service", 0, 4, "验血查男女"),
        Signal("sexid.service", 5, 8, "测男女"),
        Signal("contact.phone", 10, 21, "+8613800138000", entity=True),
        Signal("frame.news", 22, 24, "据报道"),
    ]
    tokens = signal_tokens(_doc("x" * 50, signals))
    for expected in (
        "cat:sexid.service",
        "cat:contact.phone",
        "cat:frame.news",
        "fam:sexid",
        "fam:contact",
        "fam:sexid>1",
        "pair:sexid+contact",
        "pair:sexid+frame.news",
        "len:s",
    ):
        assert expected in tokens
    assert "fam:contact>1" not in tokens
    assert len(tokens) == len(set(tokens))


def test_pairs_need_a_topic_family() -> None:
    signals = [Signal("contact.phone", 0, 11, "+8613800138000", entity=True)]
    signals.append(Signal("offer.cta", 12, 14, "预约"))
    tokens = signal_tokens(_doc("x", signals))
    assert not [token for token in tokens if token.startswith("pair:")]


@pytest.mark.parametrize(
    ("length", "bucket"), [(0, "xs"), (39, "xs"), (40, "s"), (119, "s"), (120, "m"), (400, "l")]
)
def test_length_buckets(length: int, bucket: str) -> None:
    assert signal_tokens(_doc("a" * length))[-1] == f"len:{bucket}"


def test_signal_block_counts_tokens(bare_pipeline: Pipeline) -> None:
    doc = bare_pipeline.analyse(Post("a", AD))
    _, _, signals = _blocks(hashed_features(doc))
    assert math.isclose(sum(signals.values()), len(signal_tokens(doc)))
    assert all(value == int(value) for value in signals.values())


@given(st.lists(st.text(max_size=12), max_size=8))
def test_a_batch_of_docs_gets_exactly_the_features_each_gets_alone(texts: list[str]) -> None:
    """Scoring hashes a batch's grams together: no gram may span two docs, none may be lost,
    and each doc's values must be the very floats it gets alone."""
    docs = [
        _doc(text, [Signal("sexid.test", 0, len(text), text)] if text else []) for text in texts
    ]
    together = feature_arrays_of(docs)
    assert len(together) == len(docs)
    for doc, (columns, values) in zip(docs, together, strict=True):
        alone_columns, alone_values = feature_arrays_of([doc])[0]
        assert columns.tolist() == alone_columns.tolist()
        assert values.tolist() == alone_values.tolist()
        assert sorted(hashed_features(doc)) == columns.tolist()
        grams = sorted(set(char_gram_columns(doc.text).tolist()))
        assert columns[columns < WORD_OFFSET].tolist() == grams
