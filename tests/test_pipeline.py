"""The pipeline: the batched cascade must decide exactly as the one-post path, and explain itself.

Every text here is written for these tests (invented handles and numbers).
"""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redline import pipeline as pipeline_module
from redline.normalize import RECORD_SEPARATOR
from redline.pipeline import Pipeline
from redline.policy import Pack
from redline.synth import generate
from redline.types import Decision, Doc, Post

ZH_AD = "香港验血查男女，孕7周可测，准确率99%，加V：baby_hk2027 预约"
ZH_HANT_AD = "香港驗血查男女，懷孕六週即可，準確率99.9%，私信預約，電話13800138000"
ZERO_WIDTH_AD = "验\u200b血\u200b查\u200b男\u200b女，加微信：hkbb0521 预约"
SPACED_AD = "香 港 验 血 查 男 女 包 准"
PINYIN_AD = "香港yanxue查xingbie，7周就能测，vx: hkbb520"
FULLWIDTH_AD = "ＤＮＡ测性别 📞１３８ ００１３ ８０００"
EMOJI_AD = "👶♂️还是👶♀️？香港验血早知道 📞13800138000"
SEXSEL_AD = "试管婴儿选性别，包生男孩，泰国医院直通车，价格优惠，电话13912345678"
BLOOD_AD = "孕妇血样寄香港，顺丰冷链，三天出结果，加微信 xy_lab88"
EN_AD = "Early gender test from 7 weeks, 99% accurate. Book now on WhatsApp +91 98765 43210"
HI_AD = "गर्भ में लड़का या लड़की? सिर्फ 10 हफ्ते में लिंग जांच करवाएं, फीस ₹9000, अभी कॉल करें 9876012345"
HINGLISH_AD = "Ling jaanch 12 hafte me, sahi result guarantee, fees Rs 12000, call 9812340000"
ZH_NEWS = "警方破获一起非法鉴定胎儿性别案件，据报道，涉案人员已被刑事拘留。"
ZH_LAW = "国家严禁非医学需要的胎儿性别鉴定，违者将依法追究责任。"
SEPARATOR_AD = f"香港验血{RECORD_SEPARATOR}查男女 加V"
SEPARATOR_NOISE = f"hello{RECORD_SEPARATOR}world 13800138000"

NOISE = [
    "今天天气真好，我们去公园散步吧",
    "",
    "   ",
    "\u200b",
    "🎉🎉🎉",
    "Buy cheap shoes now! Call 9876543210",
    "a\u0301\u0301 combining marks\r\n",
    "哈哈哈哈哈哈哈哈",
    "男女平等，人人有责",
    "香港的天气很热",
]
"""Posts without any topic term, including ones that stress the joined buffer."""

ADS = [
    ZH_AD,
    ZH_HANT_AD,
    ZERO_WIDTH_AD,
    SPACED_AD,
    PINYIN_AD,
    FULLWIDTH_AD,
    EMOJI_AD,
    SEXSEL_AD,
    BLOOD_AD,
    EN_AD,
    HI_AD,
    HINGLISH_AD,
]


def _interleaved_batch() -> list[Post]:
    """Ads, talk about the trade and noise mixed, with separator posts at the edges and inside."""
    texts = [SEPARATOR_NOISE]
    for index, ad in enumerate(ADS):
        texts.append(ad)
        texts.append(NOISE[index % len(NOISE)])
    texts[5:5] = [ZH_NEWS, SEPARATOR_AD, ZH_LAW]
    texts += [*NOISE, SEPARATOR_AD]
    return [Post(f"post-{i}", text) for i, text in enumerate(texts)]


MIXED = _interleaved_batch()


def _fired_packs(decision: Decision, packs: list[Pack]) -> set[str]:
    owner = {rule.id: pack.id for pack in packs for rule in pack.rules}
    return {owner[rule_id] for rule_id in decision.rules}


def test_a_pipeline_needs_a_pack() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Pipeline([], [], None)


def test_screen_of_nothing_is_nothing(pipeline: Pipeline) -> None:
    assert pipeline.screen([]) == []


@pytest.mark.parametrize("scored", [True, False], ids=["tiny-scorer", "no-scorer"])
def test_screen_decides_exactly_as_explain(
    scored: bool, pipeline: Pipeline, bare_pipeline: Pipeline
) -> None:
    chosen = pipeline if scored else bare_pipeline
    decisions = chosen.screen(MIXED)
    assert [d.id for d in decisions] == [p.id for p in MIXED]
    for post, decision in zip(MIXED, decisions, strict=True):
        doc, single = chosen.explain(post)
        if chosen.is_topical(doc):
            assert decision == single, post.text
        else:
            # The cascade clears these without extracting entities (README); the rest agrees.
            assert decision == Decision.cleared(post.id), post.text
            assert (single.verdict, single.score, single.rules) == ("allow", 0.0, ())
            assert single.clauses == single.evidence == ()


def test_screen_matches_explain_on_synthetic_posts(pipeline: Pipeline) -> None:
    posts = [Post(row["id"], row["text"]) for row in generate(150, seed=99)]
    for post, decision in zip(posts, pipeline.screen(posts), strict=True):
        doc, single = pipeline.explain(post)
        if pipeline.is_topical(doc):
            assert decision == single, post.text
        else:
            assert decision.verdict == "allow" and decision.rules == ()


def test_a_decision_does_not_depend_on_its_batch(pipeline: Pipeline) -> None:
    alone = {p.id: pipeline.screen([p])[0] for p in MIXED}
    shuffled = MIXED[:]
    random.Random(5).shuffle(shuffled)
    decisions = pipeline.screen(shuffled)
    assert [d.id for d in decisions] == [p.id for p in shuffled]
    for decision in decisions:
        assert decision == alone[decision.id]


def test_screen_sparse_in_groups_decides_each_post_as_in_one_buffer(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch longer than SCREEN_GROUP is screened a group at a time: the same decisions, at
    the same indices, as one buffer (and with a group boundary next to every ad here)."""
    posts = [Post(row["id"], row["text"]) for row in generate(40, seed=3)]
    ids, texts = [p.id for p in posts], [p.text for p in posts]
    whole = pipeline.screen_sparse(ids, texts)
    assert len(whole) > 3
    monkeypatch.setattr(pipeline_module, "SCREEN_GROUP", 3)
    assert pipeline.screen_sparse(ids, texts) == whole


def test_the_ads_are_topical_and_the_noise_is_not(pipeline: Pipeline) -> None:
    for text in ADS:
        assert pipeline.is_topical(pipeline.analyse(Post("ad", text))), text
    for text in NOISE:
        assert not pipeline.is_topical(pipeline.analyse(Post("noise", text))), text


def test_posts_without_topic_terms_are_allowed_with_score_zero(pipeline: Pipeline) -> None:
    posts = [Post(f"n{i}", text) for i, text in enumerate([*NOISE, SEPARATOR_NOISE])]
    for decision in pipeline.screen(posts):
        assert decision.verdict == "allow"
        assert decision.score == 0.0
        assert decision.rules == decision.clauses == decision.evidence == ()


def test_separator_posts_are_judged_whole(bare_pipeline: Pipeline) -> None:
    """A post holding the record separator is never split into two by the batch buffer."""
    batch = [Post("before", "你好"), Post("sep", SEPARATOR_AD), Post("after", "再见")]
    decisions = bare_pipeline.screen(batch)
    assert decisions[0].verdict == decisions[2].verdict == "allow"
    assert decisions[1] == bare_pipeline.explain(batch[1])[1]
    assert decisions[1].verdict != "allow"


def test_score_free_rules_flag_explicit_offers(bare_pipeline: Pipeline) -> None:
    """Offers with a contact and a call to action fire the `offer` rules whatever the model."""
    for text in (ZH_AD, SEXSEL_AD, BLOOD_AD, EN_AD, HI_AD, HINGLISH_AD):
        decision = bare_pipeline.screen([Post("ad", text)])[0]
        assert decision.verdict == "violating", text
        assert decision.score == 0.0


def test_a_scorer_sets_probabilities_only_on_topical_posts(pipeline: Pipeline) -> None:
    decisions = pipeline.screen([Post("ad", ZH_AD), Post("noise", NOISE[0])])
    assert 0.0 < decisions[0].score <= 1.0
    assert decisions[1].score == 0.0


def test_evidence_and_entities_index_the_original_text(pipeline: Pipeline) -> None:
    decisions = pipeline.screen(MIXED)
    flagged = [(p, d) for p, d in zip(MIXED, decisions, strict=True) if d.verdict != "allow"]
    assert len(flagged) >= len(ADS) // 2
    for post, decision in flagged:
        assert decision.evidence, post.text
        for evidence in decision.evidence:
            assert 0 <= evidence.start < evidence.end <= len(post.text)
            assert post.text[evidence.start : evidence.end] == evidence.text
            assert evidence.text.strip()
    for post, decision in zip(MIXED, decisions, strict=True):
        for entity in decision.entities:
            assert 0 <= entity.start < entity.end <= len(post.text)
            assert post.text[entity.start : entity.end].strip()


def _evidence_texts(pipeline: Pipeline, text: str, signal_prefix: str) -> list[str]:
    _, decision = pipeline.explain(Post("x", text))
    return [e.text for e in decision.evidence if e.signal.startswith(signal_prefix)]


def test_evidence_shows_the_characters_the_post_really_used(bare_pipeline: Pipeline) -> None:
    traditional = _evidence_texts(bare_pipeline, ZH_HANT_AD, "sexid")
    assert any("驗血" in text for text in traditional)
    hidden = _evidence_texts(bare_pipeline, ZERO_WIDTH_AD, "sexid")
    assert "验\u200b血\u200b查\u200b男\u200b女" in hidden
    spaced = _evidence_texts(bare_pipeline, SPACED_AD, "sexid")
    assert any(text.replace(" ", "") == "验血查男女" for text in spaced)


def test_entities_locate_contacts_in_the_original_text(bare_pipeline: Pipeline) -> None:
    _, decision = bare_pipeline.explain(Post("x", FULLWIDTH_AD))
    phones = [e for e in decision.entities if e.type == "phone"]
    assert len(phones) == 1
    span = FULLWIDTH_AD[phones[0].start : phones[0].end]
    assert span.startswith("１３８") and span.endswith("８０００")
    digits = "".join(c for c in unicodedata.normalize("NFKC", span) if c.isdigit())
    assert phones[0].value.endswith(digits)

    _, decision = bare_pipeline.explain(Post("y", ZH_AD))
    handles = [e for e in decision.entities if e.value == "baby_hk2027"]
    assert handles and ZH_AD[handles[0].start : handles[0].end] == "baby_hk2027"


def _assert_cites_its_rules(doc: Doc, decision: Decision, packs: list[Pack]) -> None:
    """Clauses are exactly those of the fired rules; evidence comes from fired packs or entities."""
    fired = _fired_packs(decision, packs)
    expected = {
        (pack.id, clause)
        for pack in packs
        for rule in pack.rules
        if rule.id in decision.rules
        for clause in rule.clauses
    }
    assert {(c.pack, c.id) for c in decision.clauses} == expected
    spans = {}
    for signal in doc.signals:
        start, end = doc.norm.to_original(signal.start, signal.end)
        spans.setdefault((start, end, signal.category), []).append(signal)
    for evidence in decision.evidence:
        sources = spans[(evidence.start, evidence.end, evidence.signal)]
        assert any(s.entity or s.pack in fired for s in sources), evidence
        assert not evidence.signal.startswith("frame.")


def test_flagged_posts_cite_the_clauses_of_the_rules_that_fired(
    pipeline: Pipeline, packs: list[Pack]
) -> None:
    for post in MIXED:
        doc, decision = pipeline.explain(post)
        if decision.verdict != "allow":
            _assert_cites_its_rules(doc, decision, packs)


@pytest.mark.parametrize(
    ("text", "pack_id"),
    [(ZH_AD, "cn"), (ZH_HANT_AD, "cn"), (SEXSEL_AD, "cn"), (HI_AD, "in"), (HINGLISH_AD, "in")],
)
def test_an_ad_cites_the_law_of_the_pack_whose_terms_it_uses(
    text: str, pack_id: str, bare_pipeline: Pipeline, packs: list[Pack]
) -> None:
    doc, decision = bare_pipeline.explain(Post("x", text))
    assert decision.verdict != "allow"
    assert _fired_packs(decision, packs) == {pack_id}
    assert {clause.pack for clause in decision.clauses} == {pack_id}
    assert all(rule.startswith(f"{pack_id}.") for rule in decision.rules)
    _assert_cites_its_rules(doc, decision, packs)


def test_evidence_leaves_out_terms_of_packs_that_did_not_fire(bare_pipeline: Pipeline) -> None:
    text = "Ling jaanch 12 hafte me, fees Rs 12000, call 9812340000, 加V预约"
    doc, decision = bare_pipeline.explain(Post("mixed", text))
    assert decision.verdict == "violating"
    assert {clause.pack for clause in decision.clauses} == {"in"}
    chinese_cta = text.index("加V")
    assert any(
        s.pack == "cn" and doc.norm.to_original(s.start, s.end)[0] == chinese_cta
        for s in doc.signals
    )
    assert all(e.start < chinese_cta for e in decision.evidence)


def test_a_hindi_ad_finds_no_chinese_topic_terms(bare_pipeline: Pipeline) -> None:
    doc = bare_pipeline.analyse(Post("hi", HI_AD))
    topical = ("sexid", "sexsel", "blood")
    assert not [s for s in doc.signals if s.pack == "cn" and s.category.startswith(topical)]
    assert [s for s in doc.signals if s.pack == "in" and s.category.startswith(topical)]


def test_loading_a_model_that_does_not_exist_fails(tmp_path: Path) -> None:
    with pytest.raises((FileNotFoundError, ValueError)):
        Pipeline.load(model=tmp_path / "typo.npz")


def test_a_lone_surrogate_does_not_break_the_batch(bare_pipeline: Pipeline) -> None:
    clean = Post("clean", "\ufffd 香港验血查男女 加V预约")
    broken = Post("broken", "\ud800 香港验血查男女 加V预约")
    decisions = bare_pipeline.screen([clean, broken])
    assert decisions[1].verdict == decisions[0].verdict != "allow"


def test_explain_returns_the_analysed_doc(pipeline: Pipeline) -> None:
    doc, decision = pipeline.explain(Post("x", ZH_AD))
    assert doc.post.text == ZH_AD
    assert doc.score == decision.score
    assert any(s.category == "sexid.service" for s in doc.signals)


_FRAGMENTS = [
    "香港验血",
    "查男女",
    "加V预约",
    "准确率99%",
    "13800138000",
    "gender blood test",
    "WhatsApp +91 98765 43210",
    "लिंग जांच",
    "据报道",
    "今天",
    " ",
    "\u200b",
    "驗血",
    "🎉",
    "\n",
    RECORD_SEPARATOR,
    "",
    "xy",  # pinyin initials: a topic term only where they touch a Chinese character
    "yx",
    "寄出",
    "nba",
    "a",
    "#",
]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(st.lists(st.sampled_from(_FRAGMENTS), max_size=6).map("".join), min_size=1, max_size=8)
)
def test_screen_equals_explain_for_any_batch(pipeline: Pipeline, texts: list[str]) -> None:
    posts = [Post(str(i), text) for i, text in enumerate(texts)]
    for post, decision in zip(posts, pipeline.screen(posts), strict=True):
        doc, single = pipeline.explain(post)
        if pipeline.is_topical(doc):
            assert decision == single
        else:
            assert decision == Decision.cleared(post.id)
