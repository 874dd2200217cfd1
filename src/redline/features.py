"""Hashed features of a `Doc`: character n-grams, Latin/Devanagari words, and signal tokens.

Written by hand rather than with scikit-learn's HashingVectorizer so that scoring needs neither
scikit-learn nor SciPy at run time (importing them costs a second of start-up on every `redline`
command). Character n-grams, most of the features, are hashed in NumPy over the text's code
points (a multiply-xorshift hash of the gram's code points and its length): one Python step per
gram had made scoring the slowest part of a scan's candidates. Words and signal tokens, a few
per post, are hashed with CRC-32. Both hashes are unsalted, so they are the same in every
process and on every platform. Each block is L2-normalised on its own so long posts and short
posts weigh alike.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from zlib import crc32

import numpy as np
from numpy.typing import NDArray

from redline.types import Doc

CHAR_BITS = 18
WORD_BITS = 16
SIGNAL_BITS = 12
CHAR_OFFSET = 0
WORD_OFFSET = 1 << CHAR_BITS
SIGNAL_OFFSET = WORD_OFFSET + (1 << WORD_BITS)
N_FEATURES = SIGNAL_OFFSET + (1 << SIGNAL_BITS)

_WORD = re.compile(r"[a-z0-9\u0900-\u097f]{2,}")
_TOPIC_FAMILIES = ("sexid", "sexsel", "blood")
_CONTEXT_FAMILIES = ("contact", "price", "offer", "claim", "address", "testimony", "logistics")


def signal_tokens(doc: Doc) -> list[str]:
    """Which categories and families fired, whether more than once, and telling pairs."""
    categories = sorted({s.category for s in doc.signals})
    families: Counter[str] = Counter(s.category.split(".", 1)[0] for s in doc.signals)
    tokens = [f"cat:{c}" for c in categories]
    tokens += [f"fam:{f}" for f in sorted(families)]
    tokens += [f"fam:{f}>1" for f in sorted(families) if families[f] > 1]
    for topic in (f for f in _TOPIC_FAMILIES if f in families):
        tokens += [f"pair:{topic}+{c}" for c in _CONTEXT_FAMILIES if c in families]
        tokens += [f"pair:{topic}+{c}" for c in categories if c.startswith("frame.")]
    size = len(doc.text)
    bucket = "xs" if size < 40 else "s" if size < 120 else "m" if size < 400 else "l"
    tokens.append(f"len:{bucket}")
    return tokens


# Odd 64-bit constants: position weights of a gram's code points, and the splitmix64 finaliser.
_POSITION_WEIGHTS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9)
_MIX = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))


def char_gram_columns(text: str) -> NDArray[np.int64]:
    """The hashed column of every 1-, 2- and 3-gram of `text`'s characters, one per gram."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    return _gram_columns(codes.astype(np.uint64), np.zeros(len(codes), dtype=np.intp))[1]


def _gram_columns(
    codes: NDArray[np.uint64], text_of: NDArray[np.intp]
) -> tuple[NDArray[np.intp], NDArray[np.int64]]:
    """Texts laid end to end in `codes`: for every 1-, 2- and 3-gram that lies within one
    text, the index of its text and its hashed column. `text_of[p]` is the text of position p;
    grams are kept where their last position is in the same text as their first."""
    size = len(codes)
    texts, columns = [], []
    mask = np.uint64((1 << CHAR_BITS) - 1)
    for n in (1, 2, 3):
        if size < n:
            break
        gram = np.full(size - n + 1, n, dtype=np.uint64)  # the length tells 1-grams from 2-grams
        for k in range(n):
            gram += codes[k : size - n + 1 + k] * np.uint64(_POSITION_WEIGHTS[k])
        hashed = (_mix(gram) & mask).astype(np.int64) + CHAR_OFFSET
        within = text_of[: size - n + 1] == text_of[n - 1 :]
        texts.append(text_of[: size - n + 1][within])
        columns.append(hashed[within])
    if not columns:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int64)
    return np.concatenate(texts), np.concatenate(columns)


def _mix(x: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """splitmix64's finaliser: every input bit reaches every output bit (wraps mod 2**64)."""
    x = x ^ (x >> np.uint64(30))
    x = x * _MIX[0]
    x = x ^ (x >> np.uint64(27))
    x = x * _MIX[1]
    return x ^ (x >> np.uint64(31))


_DOC_SHIFT = N_FEATURES.bit_length()
"""A (doc, column) pair as one sortable int64: the doc above every column's bits."""
_BLOCK_STARTS = np.array([CHAR_OFFSET, WORD_OFFSET, SIGNAL_OFFSET], dtype=np.int64)


def _counts_by_doc(
    docs: NDArray[np.intp], columns: NDArray[np.int64], count: int
) -> list[tuple[NDArray[np.int64], NDArray[np.float64]]]:
    """For each of `count` docs, its distinct columns (ascending) and how often each occurs,
    the character and word blocks each L2-normalised, from parallel arrays of (doc, column).

    One sort for every doc and block: the blocks' column ranges follow one another, so each
    doc's sorted keys hold its character, word and signal columns in that order.
    """
    keys, counts = np.unique((docs.astype(np.int64) << _DOC_SHIFT) | columns, return_counts=True)
    unique = keys & ((1 << _DOC_SHIFT) - 1)
    starts = (np.arange(count + 1, dtype=np.int64)[:, None] << _DOC_SHIFT) | _BLOCK_STARTS
    bounds = np.searchsorted(keys, starts.ravel()[: 3 * count + 1]).tolist()
    out = []
    for at in range(0, 3 * count, 3):
        chars, words, signals, end = bounds[at : at + 4]
        blocks = []
        for low, high, normalise in (
            (chars, words, True),
            (words, signals, True),
            (signals, end, False),
        ):
            values = counts[low:high].astype(np.float64)
            if normalise and len(values):
                values /= np.sqrt(np.dot(values, values))
            blocks.append(values)
        out.append((unique[chars:end], np.concatenate(blocks)))
    return out


def _crc_columns(
    tokens_of: Sequence[list[str]], bits: int, offset: int
) -> tuple[NDArray[np.intp], NDArray[np.int64]]:
    mask = (1 << bits) - 1
    docs = np.repeat(np.arange(len(tokens_of), dtype=np.intp), [len(t) for t in tokens_of])
    hashed = [
        offset + (crc32(token.encode("utf-8", "surrogatepass")) & mask)
        for tokens in tokens_of
        for token in tokens
    ]
    return docs, np.array(hashed, dtype=np.int64)


def _words(text: str) -> list[str]:
    words = _WORD.findall(text)
    return words + [f"{a} {b}" for a, b in pairwise(words)]


def feature_arrays_of(
    docs: Sequence[Doc],
) -> list[tuple[NDArray[np.int64], NDArray[np.float64]]]:
    """`feature_arrays` of every doc, computed together: scoring a batch's candidates hashes,
    counts and sorts their grams in a few array operations instead of a few per doc."""
    if not docs:
        return []
    lengths = [len(doc.text) for doc in docs]
    joined = "".join(doc.text for doc in docs)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    text_of = np.repeat(np.arange(len(docs), dtype=np.intp), lengths)
    blocks = (
        _gram_columns(codes.astype(np.uint64), text_of),
        _crc_columns([_words(d.text) for d in docs], WORD_BITS, WORD_OFFSET),
        _crc_columns([signal_tokens(d) for d in docs], SIGNAL_BITS, SIGNAL_OFFSET),
    )
    return _counts_by_doc(
        np.concatenate([doc_of for doc_of, _ in blocks]),
        np.concatenate([columns for _, columns in blocks]),
        len(docs),
    )


def feature_arrays(doc: Doc) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Sparse feature vector of one doc as (columns, values), columns ascending."""
    return feature_arrays_of([doc])[0]


def hashed_features(doc: Doc) -> dict[int, float]:
    """Sparse feature vector of one doc, as {column: value}."""
    columns, values = feature_arrays(doc)
    return dict(zip(columns.tolist(), values.tolist(), strict=True))
