"""The prefilter's literal matchers: Hyperscan and the DFA report the same matches."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.recognizers.literals import AhoCorasickLiterals, HyperscanLiterals, literal_matcher

hyperscan = pytest.importorskip("hyperscan", reason="Hyperscan has wheels for Linux x86-64 only")

WORDS = ["验血", "查男女", "男女", "xy", "gender test", "test", "性别鉴定"]


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REDLINE_CACHE_DIR", str(tmp_path))
    return tmp_path / "redline"


def _encoded(words: list[str], encoding: str = "utf-8") -> list[bytes]:
    return [w.encode(encoding) for w in words]


def test_every_overlapping_match_is_reported_with_its_start(cache: Path) -> None:
    text = "香港验血查男女，gender test\x1exy".encode()
    found = sorted(HyperscanLiterals(_encoded(WORDS)).matches(text), key=lambda m: m[1:])
    spans = [(WORDS[i], text[s:e].decode()) for i, s, e in found]
    assert all(word == matched for word, matched in spans)
    assert [w for w, _ in spans] == ["验血", "查男女", "男女", "gender test", "test", "xy"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le"])  # UTF-16: NUL bytes in the words
@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(st.text(alphabet="ab验血 男", min_size=1, max_size=4), min_size=1, max_size=8),
    text=st.text(alphabet="ab验血 男\x1e", max_size=60),
)
def test_both_engines_find_the_same_matches(words: list[str], text: str, encoding: str) -> None:
    encoded = _encoded(list(dict.fromkeys(words)), encoding)
    buffer = text.encode(encoding)
    dfa = sorted(AhoCorasickLiterals(encoded).matches(buffer))
    assert sorted(HyperscanLiterals(encoded).matches(buffer)) == dfa
    assert all(buffer[start:end] == encoded[index] for index, start, end in dfa)


def test_the_compiled_database_is_kept_and_a_corrupt_one_rebuilt(cache: Path) -> None:
    words = _encoded(WORDS)
    first = literal_matcher(words)
    assert isinstance(first, HyperscanLiterals)
    (stored,) = cache.glob("literals-*.hsdb")
    stored.write_bytes(stored.read_bytes()[:100])  # truncated: hyperscan refuses it
    again = HyperscanLiterals(words)
    assert again.matches("查男女".encode()) == first.matches("查男女".encode())
    assert len(stored.read_bytes()) > 100  # rebuilt and stored again
