"""normalise -> recognise -> score -> decide, with a cascade so most posts pay almost nothing.

`Pipeline.screen` takes a batch: it joins the texts into one buffer, normalises and scans that
buffer once for topic terms, and clears every post without one as `allow` without further
Python work. The prefilter applies the term recogniser's own boundary checks, so it clears
exactly the posts without a topic term. Only candidates are normalised with an offset map, run
through every recogniser, scored by the model (one call for the whole batch) and judged by the
packs' rules; a candidate without a topic term after all (one holding the separator itself) is
cleared like the rest, so every post without one gets the same `Decision.cleared`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from redline.model import AdScorer, shipped_model_path
from redline.normalize import RECORD_SEPARATOR, normalize, normalize_codes
from redline.policy import Pack, decide, load_packs
from redline.recognizers import REGISTRY, Recognizer
from redline.recognizers.terms import TopicPrefilter
from redline.types import Decision, Doc, Post

_SEPARATOR_CODE = ord(RECORD_SEPARATOR)

SCREEN_GROUP = 2000
"""Posts screened as one buffer by `Pipeline.screen_sparse`: the normaliser's arrays for about
that many posts stay in a core's cache. On real Weibo posts, groups of 2,000 ran 5-10% faster
than one buffer of 4,000 or 8,000 (worker slices are cut by bytes and hold 3,000-4,000)."""


class Pipeline:
    """One configured screening pipeline: packs, recognisers and a scorer, built once."""

    def __init__(
        self,
        packs: Sequence[Pack],
        recognizers: Sequence[Recognizer],
        scorer: AdScorer | None,
    ) -> None:
        if not packs:
            raise ValueError("a pipeline needs at least one policy pack")
        self.packs = tuple(packs)
        self.recognizers = tuple(recognizers)
        self.scorer = scorer
        self._topic_categories = frozenset(
            spec.category for pack in packs for spec in pack.signals.values() if spec.topic
        )
        self.prefilter = TopicPrefilter(packs)

    @classmethod
    def load(cls, packs: Iterable[str] = (), model: str | Path | None = None) -> Pipeline:
        """Built-in (or named) packs, every registered recogniser, the shipped (or given) model."""
        loaded = load_packs(packs)
        recognizers = [factory(loaded) for factory in REGISTRY.values()]
        if model is not None:
            scorer: AdScorer | None = AdScorer.load(model)  # a named model must exist
        else:
            shipped = shipped_model_path()
            scorer = AdScorer.load(shipped) if shipped.exists() else None
        return cls(loaded, recognizers, scorer)

    # stages --------------------------------------------------------------------------------

    def analyse(self, post: Post) -> Doc:
        """Normalise and recognise one post (no score yet)."""
        doc = Doc(post, normalize(post.text))
        for recognizer in self.recognizers:
            doc.signals.extend(recognizer.recognize(doc.text))
        return doc

    def is_topical(self, doc: Doc) -> bool:
        """Whether any topic term was really found (the prefilter may over-include)."""
        return any(s.category in self._topic_categories for s in doc.signals)

    def score(self, docs: Sequence[Doc]) -> None:
        """Set each doc's score in one model call; docs without a topic term keep 0."""
        topical = [d for d in docs if self.is_topical(d)]
        if self.scorer is None or not topical:
            return
        for doc, probability in zip(topical, self.scorer.predict_proba(topical)[:, 1], strict=True):
            doc.score = float(probability)

    def candidates(self, posts: Sequence[Post]) -> list[int]:
        """Indices of posts the prefilter cannot clear, found in one pass over the batch."""
        return self.candidates_of([post.text for post in posts])

    def candidates_of(self, texts: Sequence[str]) -> list[int]:
        """`candidates` for bare texts, so columnar callers never build a `Post` per record."""
        joined = RECORD_SEPARATOR.join(texts)
        if joined.count(RECORD_SEPARATOR) == max(len(texts) - 1, 0):
            separable: Sequence[int] = range(len(texts))
            chosen: set[int] = set()
        else:  # a text holding the separator itself cannot be told apart: always a candidate
            separable = [i for i, t in enumerate(texts) if RECORD_SEPARATOR not in t]
            chosen = {i for i, t in enumerate(texts) if RECORD_SEPARATOR in t}
            joined = RECORD_SEPARATOR.join(texts[i] for i in separable)
        codes = normalize_codes(joined)
        starts = self.prefilter.hits(codes)
        if starts:  # the text a hit is in: how many separators come before it
            separators = np.flatnonzero(codes == _SEPARATOR_CODE)
            chosen.update(separable[i] for i in np.searchsorted(separators, starts).tolist())
        return sorted(chosen)

    # entry points --------------------------------------------------------------------------

    def screen(self, posts: Sequence[Post]) -> list[Decision]:
        """Decisions for a batch, in input order."""
        picked = self.candidates(posts)
        decided = self.decide_picked(picked, [posts[i] for i in picked])
        cleared = Decision.cleared
        return [decided.get(i) or cleared(post.id) for i, post in enumerate(posts)]

    def screen_sparse(self, ids: Sequence[str], texts: Sequence[str]) -> dict[int, Decision]:
        """Decisions of only the posts the prefilter could not clear, by index in the batch.

        Every index missing from the result is `Decision.cleared(ids[i])`. Bulk callers (scan,
        Spark) write cleared posts from a template instead of building millions of decisions.
        A batch of many times `SCREEN_GROUP` posts is screened in as many groups of equal size
        (3,500 posts as two of 1,750; 2,150 as one).
        """
        groups = round(len(texts) / SCREEN_GROUP)
        if groups > 1:
            size = -(-len(texts) // groups)
            decided: dict[int, Decision] = {}
            for start in range(0, len(texts), size):
                end = start + size
                group = self.screen_sparse(ids[start:end], texts[start:end])
                decided.update((start + i, decision) for i, decision in group.items())
            return decided
        picked = self.candidates_of(texts)
        return self.decide_picked(picked, [Post(ids[i], texts[i]) for i in picked])

    def decide_picked(self, picked: Sequence[int], posts: Sequence[Post]) -> dict[int, Decision]:
        """Analyse, score (one model call) and decide the candidate `posts` found at `picked`."""
        docs = [self.analyse(post) for post in posts]
        self.score(docs)
        return {
            i: decide(doc, self.packs) if self.is_topical(doc) else Decision.cleared(doc.post.id)
            for i, doc in zip(picked, docs, strict=True)
        }

    def explain(self, post: Post) -> tuple[Doc, Decision]:
        """The full analysis of one post, for people: its doc and its decision."""
        doc = self.analyse(post)
        self.score([doc])
        return doc, decide(doc, self.packs)
