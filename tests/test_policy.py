"""Pack loading, checking (with line numbers) and deciding."""

from __future__ import annotations

import textwrap
import tomllib
from pathlib import Path

import pytest

from redline.policy import PackError, builtin_pack_paths, decide, load_pack, parse_pack
from redline.types import Doc, Normalized, Post, Signal

PACK = textwrap.dedent(
    """\
    id = "tp"
    name = "Test pack"
    jurisdiction = "XX"
    languages = ["en"]
    version = "1"

    [clauses.ban]
    citation = "Test Act s.1"
    title = "No sex-determination ads"

    [clauses.ship]
    citation = "Test Act s.2"
    title = "No shipping samples"

    [signals."sexid.service"]
    topic = true
    terms = ["gender test"]

    [signals."offer.cta"]
    terms = ["book now"]

    [signals."frame.news"]
    terms = ["police"]

    [[exemptions]]
    id = "reporting"
    when = "has('frame.news') and not has('contact')"

    [[rules]]
    id = "tp.review"
    verdict = "review"
    when = "score >= 0.5 and has('sexid')"
    clauses = ["ban"]

    [[rules]]
    id = "tp.offer"
    verdict = "violating"
    when = "has('sexid') and has('offer') and not exempt('reporting')"
    clauses = ["ban", "ship"]
    """
)


def identity(text: str) -> Normalized:
    return Normalized(text, text, list(range(len(text))), list(range(1, len(text) + 1)))


def doc_with(text: str, signals: list[Signal], score: float = 0.0) -> Doc:
    return Doc(Post("p1", text), identity(text), signals, score)


def term(category: str, text: str, word: str, pack: str | None = "tp") -> Signal:
    start = text.index(word)
    return Signal(category, start, start + len(word), word, pack is None, pack)


def test_parse_valid_pack() -> None:
    pack = parse_pack(PACK)
    assert pack.id == "tp"
    assert [r.id for r in pack.rules] == ["tp.review", "tp.offer"]
    assert pack.rules[1].clauses == ("ban", "ship")
    assert pack.signals["sexid.service"].topic is True
    assert pack.knows("sexid") and pack.knows("contact.phone") and not pack.knows("blood")


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("has('offer')", "has('ofer')", 38, "unknown category 'ofer'"),
        ('clauses = ["ban", "ship"]', 'clauses = ["ban", "shp"]', 39, "unknown clause 'shp'"),
        ("score >= 0.5 and", "score >= 0.5 and and", 32, "not valid"),
        ("score >= 0.5 and", "__import__('os') and", 32, "only has(), count(), exempt()"),
        ("score >= 0.5 and", "score.real >= 0.5 and", 32, "Attribute is not allowed"),
        ("not exempt('reporting')", "not exempt('news')", 38, "unknown exemption 'news'"),
        ('verdict = "violating"', 'verdict = "block"', 37, "verdict must be"),
        ("topic = true", 'topic = "yes"', 16, "'topic' must be true or false"),
        ('terms = ["book now"]', 'terms = ["book now"]\nweight = 2', 21, "unknown key 'weight'"),
        ('title = "No shipping samples"', 'title = "No shipping samples', 13, "not valid TOML"),
    ],
)
def test_errors_name_the_line(old: str, new: str, line: int, message: str) -> None:
    source = PACK.replace(old, new, 1)
    assert source != PACK
    with pytest.raises(PackError) as caught:
        parse_pack(source, "tp.toml")
    assert caught.value.line == line, str(caught.value)
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"tp.toml:{line}: ")


def test_pack_without_topic_category_is_refused() -> None:
    with pytest.raises(PackError, match="topic"):
        parse_pack(PACK.replace("topic = true\n", ""))


def test_strongest_verdict_wins_and_every_rule_is_cited() -> None:
    pack = parse_pack(PACK)
    text = "gender test at 6 weeks, book now"
    doc = doc_with(
        text, [term("sexid.service", text, "gender test"), term("offer.cta", text, "book now")], 0.7
    )
    decision = decide(doc, [pack])
    assert decision.verdict == "violating"
    assert decision.rules == ("tp.review", "tp.offer")
    assert [c.id for c in decision.clauses] == ["ban", "ship"]
    assert {(e.text, e.signal) for e in decision.evidence} == {
        ("gender test", "sexid.service"),
        ("book now", "offer.cta"),
    }


def test_exemption_blocks_a_rule_until_a_contact_appears() -> None:
    pack = parse_pack(PACK)
    text = "police say the gender test ad said book now; call 555"
    signals = [
        term("sexid.service", text, "gender test"),
        term("offer.cta", text, "book now"),
        term("frame.news", text, "police"),
    ]
    assert decide(doc_with(text, signals), [pack]).verdict == "allow"
    phone = Signal("contact.phone", text.index("555"), text.index("555") + 3, "+1555", True, None)
    decision = decide(doc_with(text, [*signals, phone]), [pack])
    assert decision.verdict == "violating"
    assert [(e.type, e.value, e.start) for e in decision.entities] == [
        ("phone", "+1555", text.index("555"))
    ]


def test_rules_see_only_their_own_packs_terms() -> None:
    pack = parse_pack(PACK)
    text = "gender test, book now"
    foreign = [
        term("sexid.service", text, "gender test", "other"),
        term("offer.cta", text, "book now", "other"),
    ]
    decision = decide(doc_with(text, foreign, 0.9), [pack])
    assert decision.verdict == "allow"
    assert decision.evidence == () and decision.clauses == ()


def test_evidence_maps_back_to_original_text() -> None:
    pack = parse_pack(PACK)
    original = "GENDER\u200b TEST now"
    norm = Normalized(
        original,
        "gender test now",
        [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16],
    )
    doc = Doc(
        Post("p", original), norm, [Signal("sexid.service", 0, 11, "gender test", False, "tp")], 0.6
    )
    decision = decide(doc, [pack])
    assert decision.verdict == "review"
    assert [(e.start, e.end, e.text) for e in decision.evidence] == [(0, 12, "GENDER\u200b TEST")]


def test_builtin_packs_load() -> None:
    paths = builtin_pack_paths()
    assert {"cn", "in"} <= set(paths)
    for path in paths.values():
        pack = load_pack(path)
        assert pack.rules and pack.clauses and pack.examples


def test_variant_substitutes_must_map_to_lists_of_words() -> None:
    source = PACK + '\n[variants]\nsubstitutes = { "男孩" = "boy" }\n'
    with pytest.raises(PackError, match=r"substitutes: '男孩' must map to a list of strings"):
        parse_pack(source, "tp.toml")
    ok = parse_pack(PACK + '\n[variants]\nsubstitutes = { "男孩" = ["boy"] }\n', "tp.toml")
    assert ok.substitutes == {"男孩": ("boy",)}


def test_a_pack_parsed_again_comes_from_the_cache_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDLINE_CACHE_DIR", str(tmp_path))
    first = parse_pack(PACK)
    assert list((tmp_path / "redline").glob("pack-toml-*.json"))

    def no_parse(*_: object) -> None:
        raise AssertionError("parsed again instead of read back")

    monkeypatch.setattr(tomllib, "loads", no_parse)
    assert parse_pack(PACK) == first


def test_a_toml_date_is_never_read_back_from_the_cache_as_a_string(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDLINE_CACHE_DIR", str(tmp_path))
    source = PACK.replace('version = "1"', "version = 2026-01-01", 1)
    for _ in range(2):  # JSON would turn the date into a string, which the check accepts
        with pytest.raises(PackError, match="'version' must be a string"):
            parse_pack(source)
    assert not list((tmp_path / "redline").glob("pack-toml-*.json"))
