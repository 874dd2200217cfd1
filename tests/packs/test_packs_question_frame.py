"""What counts as a user's question in the cn pack, judged without a model.

"Whether" (是否) states what a test checks as often as it asks, so only the forms a user asks
with count as a question; a publisher's rhetorical "so, how can one ...?" before its own answer
is the publisher's voice, not a user asking. Texts here are written for the tests.
"""

from __future__ import annotations

import pytest

from redline.pipeline import Pipeline
from redline.policy import Pack, holding_exemptions
from redline.types import Post


def _signals_and_exemptions(
    pipeline: Pipeline, packs: list[Pack], text: str
) -> tuple[set[str], list[str]]:
    doc = pipeline.analyse(Post("t", text))
    cn = next(p for p in packs if p.id == "cn")
    return {s.category for s in doc.signals}, holding_exemptions(doc, cn)


@pytest.mark.parametrize(
    "text",
    [
        "实验室看母血里是否有Y染色体片段来判断胎儿性别，孕6周就能做。",
        "看胎儿DNA里是否带有Y染色体，就能知道宝宝是男是女。",
    ],
)
def test_whether_in_a_statement_is_not_a_question(
    bare_pipeline: Pipeline, packs: list[Pack], text: str
) -> None:
    signals, exempt = _signals_and_exemptions(bare_pipeline, packs, text)
    assert "frame.question" not in signals
    assert "question" not in exempt


@pytest.mark.parametrize(
    "text",
    [
        "怀孕8周是否可以抽血查男女",
        "寄血去香港查胎儿性别是否合法",
        "孕早期抽血查性别是否安全",
        # A-not-A questions, without 吗 or a question mark
        "抽血查男女到底靠不靠谱啊",
        "寄血去香港验性别犯不犯法",
    ],
)
def test_a_user_asking_whether_is_still_a_question(
    bare_pipeline: Pipeline, packs: list[Pack], text: str
) -> None:
    signals, exempt = _signals_and_exemptions(bare_pipeline, packs, text)
    assert "frame.question" in signals
    assert "question" in exempt


@pytest.mark.parametrize(
    "text",
    [
        "那么，如何提高怀男孩的几率呢？坚持调理三个月就能看到效果。",
        "那么怎样才能提前知道胎儿性别？香港抽血一次就够了。",
    ],
)
def test_a_publisher_turning_to_its_own_question_is_not_exempt(
    bare_pipeline: Pipeline, packs: list[Pack], text: str
) -> None:
    signals, exempt = _signals_and_exemptions(bare_pipeline, packs, text)
    assert "address.readers" in signals
    assert "question" not in exempt
