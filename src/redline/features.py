"""Hashed features of a `Doc`: character n-grams, Latin/Devanagari words, and signal tokens.

Written by hand rather than with scikit-learn's HashingVectorizer so that scoring needs neither
scikit-learn nor SciPy at run time (importing them costs a second of start-up on every `redline`
command). The hash is CRC-32, stable across processes and platforms. Each block is
L2-normalised on its own so long posts and short posts weigh alike.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise
from math import sqrt
from zlib import crc32

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


def _block(grams: list[str], bits: int, offset: int, normalise: bool) -> dict[int, float]:
    mask = (1 << bits) - 1
    counts = Counter(offset + (crc32(g.encode("utf-8", "surrogatepass")) & mask) for g in grams)
    if not normalise:
        return {k: float(v) for k, v in counts.items()}
    norm = sqrt(sum(v * v for v in counts.values())) or 1.0
    return {k: v / norm for k, v in counts.items()}


def hashed_features(doc: Doc) -> dict[int, float]:
    """Sparse feature vector of one doc, as {column: value}."""
    text = doc.text
    chars = [text[i : i + n] for n in (1, 2, 3) for i in range(len(text) - n + 1)]
    words = _WORD.findall(text)
    words += [f"{a} {b}" for a, b in pairwise(words)]
    vector = _block(chars, CHAR_BITS, CHAR_OFFSET, True)
    vector.update(_block(words, WORD_BITS, WORD_OFFSET, True))
    vector.update(_block(signal_tokens(doc), SIGNAL_BITS, SIGNAL_OFFSET, False))
    return vector
