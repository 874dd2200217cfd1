"""TermRecognizer: pack terms over normalised text, with the spellings the variants give."""

from __future__ import annotations

import pytest

from redline.normalize import RECORD_SEPARATOR, normalize_text
from redline.normalize.buffer import encode
from redline.policy import Pack
from redline.recognizers.literals import AhoCorasickLiterals, literal_matcher
from redline.recognizers.terms import MatcherFactory, TermRecognizer, TopicPrefilter
from redline.variants import glued_initials


@pytest.fixture(scope="module")
def recognizer(packs: list[Pack]) -> TermRecognizer:
    return TermRecognizer(packs)


def test_glued_initials_are_the_initials_of_two_character_terms() -> None:
    assert (glued_initials("血样"), glued_initials("验血")) == ("xy", "yx")
    assert glued_initials("宝宝性别") is None and glued_initials("y染") is None


@pytest.mark.parametrize("text", ["xy寄出后有单号", "全国各地均可jx,到港后出结果", "去香港yx"])
def test_initials_touching_chinese_are_topic_terms(recognizer: TermRecognizer, text: str) -> None:
    found = {s.value for s in recognizer.recognize(text)}
    assert found & {"血样", "寄血", "验血"}, found


@pytest.mark.parametrize("text", ["plot x against y: xy plane", "jx 2024", "the yx ratio"])
def test_initials_in_latin_text_are_not_terms(recognizer: TermRecognizer, text: str) -> None:
    assert not {s.value for s in recognizer.recognize(text)} & {"血样", "寄血", "验血"}


BOUNDARY_TEXTS = [
    "xy寄出后有单号",  # glued initials: topical
    "去香港yx",
    "plot x against y: xy plane",  # the same initials inside Latin text: not
    "fuentes: info",
    "#nba吐槽大会#",  # "nb" inside a Latin word touching Chinese
    "jx 2024",
    "@snowman 转发",
    "早知道gender test",  # a Latin term touching Chinese is still a word
    "transgender testing",  # ... but not inside a longer Latin word
    "验血",
    "",
    "𠀀xy",  # glued initials touching an astral ideograph (two UTF-16 units): topical
    "😀去香港yx😀",  # astral emoji before and after
    "\ud800yx\udc00",  # lone surrogates: not ideographs, not a pair
    "😀plot xy 😀",
    "linggg jaaaanch karwao",  # held letters (15-20): terms in the squeezed view only
    "sexxx determination",
    "hmmm www.abc.com, aaa888",  # held letters, no term
    "xxxx验血",  # held letters and a term found in the text itself
    "sexxxy dress",  # squeezed "sexy": no term
    "लिं-ग जां-च केंद्र",  # split Devanagari (20-22): terms in the joined view only
    "लि ंग जांच",
    "माता-पिता की सेवा करें। बेटी पढ़ाओ",  # hyphenated prose, no topic term
    "Top ten tips: www.example.com",  # a view match away from the held run (23-25): none
    "Khon Kaen trip, sooo hot",
    "a teeen mom, so cute",  # initials (tenn: 胎儿男女) squeezed short: no reading
]


@pytest.mark.parametrize("engine", [literal_matcher, AhoCorasickLiterals], ids=["default", "dfa"])
def test_the_prefilter_keeps_exactly_the_texts_with_a_topic_term(
    packs: list[Pack], engine: MatcherFactory
) -> None:
    recognizer, prefilter = TermRecognizer(packs), TopicPrefilter(packs, matcher=engine)
    topics = {s.category for p in packs for s in p.signals.values() if s.topic}
    joined = RECORD_SEPARATOR.join(BOUNDARY_TEXTS)
    canonical = normalize_text(joined)
    kept = {canonical.count(RECORD_SEPARATOR, 0, hit) for hit in prefilter.hits(encode(canonical))}
    topical = {
        i
        for i, text in enumerate(BOUNDARY_TEXTS)
        if any(s.category in topics for s in recognizer.recognize(normalize_text(text)))
    }
    assert kept == topical
    assert {0, 1, 7, 9, 11, 12, 15, 16, 18, 20, 21} <= topical
    assert not {2, 3, 4, 5, 6, 8, 13, 14, 17, 19, 22, 23, 24, 25} & topical


@pytest.mark.parametrize("engine", [literal_matcher, AhoCorasickLiterals], ids=["default", "dfa"])
def test_bytes_of_two_neighbouring_characters_are_no_hit(
    packs: list[Pack], engine: MatcherFactory
) -> None:
    """Scanned as UTF-16, 验血 (units 9A8C 8840: bytes 8C 9A 40 88) also lies across the units
    of 谀䂚丈 (8C00 409A 4E88) at an odd byte offset: that is no occurrence of the term."""
    prefilter = TopicPrefilter(packs, matcher=engine)
    across = "\u8c00\u409a\u4e88"
    assert b"\x8c\x9a\x40\x88" in across.encode("utf-16-le")
    assert prefilter.hits(encode(across)) == []
    assert prefilter.hits(encode(across + "验血")) == [3]


OFFSET_TEXTS = [
    "验血查男女",
    "早知道gender test,𠀀香港验血😀",  # one, three and four UTF-8 bytes a character
    "\ud800验血\udfff性别",  # lone surrogates: legal in a str, three bytes each
    "plain gender test",
]


@pytest.mark.parametrize("text", OFFSET_TEXTS)
def test_signals_are_at_character_offsets_with_either_engine(packs: list[Pack], text: str) -> None:
    default = TermRecognizer(packs).recognize(text)
    dfa = TermRecognizer(packs, matcher=AhoCorasickLiterals).recognize(text)
    assert default == dfa and default
    for signal in default:  # each span is a spelling of its term
        assert normalize_text(signal.value) == signal.value
        assert text[signal.start : signal.end].strip()
    assert any(text[s.start : s.end] == s.value for s in default)


@pytest.mark.parametrize(
    ("text", "covered", "term"),
    [
        ("Linggg jaaaanch sirf 12 hafte", "Linggg jaaaanch", "ling jaanch"),
        ("ling jaaanch karwao", "ling jaaanch", "ling jaanch"),
        ("sexxx determination", "sexxx determination", "sex determination"),
        ("laddooo hoga", "laddooo hoga", "laddoo hoga"),
        ("लिं-ग जां-च केंद्र", "लिं-ग जां-च", "लिंग जांच"),
        ("लि ंग जांच, 12 हफ्ते", "लि ंग जांच", "लिंग जांच"),
    ],
)
def test_held_letters_and_split_hindi_are_read_as_the_words_they_spell(
    recognizer: TermRecognizer, text: str, covered: str, term: str
) -> None:
    """The span covers every held letter and split, in the text as written."""
    canonical = normalize_text(text)
    spans = {(canonical[s.start : s.end], s.value) for s in recognizer.recognize(canonical)}
    assert (canonical[: len(covered)], term) in spans


@pytest.mark.parametrize("text", ["sussex test", "good booking", "sexy dress", "aaa888 jaanch"])
def test_doubles_and_held_letters_make_no_new_terms(recognizer: TermRecognizer, text: str) -> None:
    """Without a run of three nothing is squeezed ("sussex" keeps its word boundary); a held run
    that spells no term finds none."""
    values = {s.value for s in recognizer.recognize(normalize_text(text))}
    assert not values & {"sex test", "sex", "jaanch", "ling jaanch"}, values
