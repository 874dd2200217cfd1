"""The built-in packs' exemptions and topic cues, judged without a model.

A user asking is exempt; a publisher asking and answering for its readers, or vouching for a
lab, is not. A page that refuses the test is exempt until it carries a contact. Texts here are
written for the tests, never taken from real posts.
"""

from __future__ import annotations

import pytest

from redline.pipeline import Pipeline
from redline.policy import Pack, holding_exemptions
from redline.types import Post


def _exempt(pipeline: Pipeline, packs: list[Pack], text: str, pack_id: str) -> list[str]:
    pack = next(p for p in packs if p.id == pack_id)
    return holding_exemptions(pipeline.analyse(Post("t", text)), pack)


@pytest.mark.parametrize(
    ("text", "pack_id"),
    [
        ("怀孕8周了，抽血能查出男女吗？是不是违法的？", "cn"),
        ("Can a blood test at 8 weeks tell the baby's gender? Is it legal?", "cn"),
        ("क्या 8 हफ्ते में खून की जांच से लिंग जांच होती है?", "in"),
    ],
)
def test_a_user_asking_is_question_exempt(
    bare_pipeline: Pipeline, packs: list[Pack], text: str, pack_id: str
) -> None:
    assert "question" in _exempt(bare_pipeline, packs, text, pack_id)


@pytest.mark.parametrize(
    ("text", "pack_id"),
    [
        ("抽血查男女要等几周？很多孕妈都关心，下面小编为大家详细解答。", "cn"),
        ("抽血查男女准不准？我们只合作政府认可的持牌化验所。", "cn"),
        ("How early can a gender blood test work? In this article we explain the steps.", "cn"),
        ("लिंग जांच कब होती है? इस लेख में हम बताएंगे।", "in"),
    ],
)
def test_a_publisher_answering_its_own_question_is_not(
    bare_pipeline: Pipeline, packs: list[Pack], text: str, pack_id: str
) -> None:
    assert "question" not in _exempt(bare_pipeline, packs, text, pack_id)


@pytest.mark.parametrize(
    ("text", "pack_id"),
    [
        ("本诊所依法不做胎儿性别鉴定，想知道男女的孕妈，您找错地方了。", "cn"),
        ("Looking for a gender test? Wrong place: no sex determination here.", "in"),
        ("लिंग जांच के लिए आए हैं तो आप गलत जगह आए हैं।", "in"),
    ],
)
def test_a_refusal_is_exempt_until_it_carries_a_contact(
    bare_pipeline: Pipeline, packs: list[Pack], text: str, pack_id: str
) -> None:
    assert "refusal" in _exempt(bare_pipeline, packs, text, pack_id)
    with_phone = text + " 13912345678"
    assert "refusal" not in _exempt(bare_pipeline, packs, with_phone, pack_id)


@pytest.mark.parametrize(
    "text",
    [
        "孕六周的检测要提前两天约好。",
        "6周的检测和8周的检测价格不一样。",
        "Our programme helps couples welcome a baby of the preferred gender.",
    ],
)
def test_early_week_tests_and_chosen_sex_euphemisms_are_topical(
    bare_pipeline: Pipeline, text: str
) -> None:
    assert bare_pipeline.is_topical(bare_pipeline.analyse(Post("t", text)))


def test_holding_exemptions_lists_ids_in_pack_order(
    bare_pipeline: Pipeline, packs: list[Pack]
) -> None:
    cn = next(p for p in packs if p.id == "cn")
    text = "据报道，警方破获一个非法鉴定胎儿性别的团伙，涉案孕妇上千人。"
    held = _exempt(bare_pipeline, packs, text, "cn")
    assert "reporting" in held and "benign_context" in held
    assert held == [name for name in cn.exemptions if name in held]


@pytest.mark.parametrize("pack_id", ["cn", "in"])
def test_a_question_cannot_outweigh_a_model_that_reads_an_ad(
    bare_pipeline: Pipeline, packs: list[Pack], pack_id: str
) -> None:
    pack = next(p for p in packs if p.id == pack_id)
    doc = bare_pipeline.analyse(Post("t", "Is the early gender blood test accurate at 7 weeks?"))
    doc.score = 0.2
    assert "question" in holding_exemptions(doc, pack)
    doc.score = 0.6
    assert "question" not in holding_exemptions(doc, pack)
