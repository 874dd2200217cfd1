"""Training data: reserved evaluation questions stay out, synthetic-only runs stay synthetic."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from redline.pipeline import Pipeline
from redline.synth import generate
from redline.training import RESERVED_QUESTION, SYNTH_WEIGHT, collect, find_shared, train
from redline.types import Post

if TYPE_CHECKING:
    from conftest import TrainingSet


@pytest.mark.parametrize(
    "question",
    [
        "怀孕12周了，想知道是男孩还是女孩，能不能抽血查？",
        "做了无创DNA，报告上能看出宝宝性别吗",
        "孕妇产检一般要抽血几次？",
        "听说B超可以看男女，是真的吗",
        "性别在几周的时候B超能看出来",
        "备孕期间想生女孩，饮食上有讲究吗",
        "怀孕后\n验血需要空腹吗",
    ],
)
def test_reserved_question_catches_pregnancy_with_sex_or_blood(question: str) -> None:
    assert RESERVED_QUESTION.search(question)


@pytest.mark.parametrize(
    "question",
    [
        "感冒发烧吃什么药好得快",
        "糖尿病人抽血前需要空腹多久",
        "B超检查肝脏前要注意什么",
        "小男孩晚上总是咳嗽怎么办",
        "高血压患者能不能喝咖啡",
    ],
)
def test_reserved_question_leaves_ordinary_medical_questions(question: str) -> None:
    assert not RESERVED_QUESTION.search(question)


def test_collect_without_shared_data_keeps_only_topical_synthetic_posts(
    bare_pipeline: Pipeline, training_set: TrainingSet
) -> None:
    rows = generate(training_set.synthetic, seed=training_set.seed)
    label_of = {row["text"]: int(row["label"] == "violating_ad") for row in rows}
    docs = training_set.docs
    assert set(training_set.counts) <= {"synthetic:ad", "synthetic:benign"}
    assert sum(training_set.counts.values()) == len(docs) == len(training_set.labels)
    assert training_set.counts["synthetic:ad"] == sum(training_set.labels)
    assert set(training_set.weights) == {SYNTH_WEIGHT}
    for doc, label in zip(docs, training_set.labels, strict=True):
        assert doc.post.text in label_of
        assert label == label_of[doc.post.text]
        assert bare_pipeline.is_topical(doc)
    is_topical = bare_pipeline.is_topical
    analysed = [bare_pipeline.analyse(Post(row["id"], row["text"])) for row in rows]
    topical = [row for row, doc in zip(rows, analysed, strict=True) if is_topical(doc)]
    assert 0 < len(topical) < len(rows)
    assert [d.post.text for d in docs] == [row["text"] for row in topical]


def test_collect_is_deterministic(bare_pipeline: Pipeline) -> None:
    first = collect(bare_pipeline, None, seed=4, synthetic=120, weibo=0)
    second = collect(bare_pipeline, None, seed=4, synthetic=120, weibo=0)
    assert [d.post.text for d in first[0]] == [d.post.text for d in second[0]]
    assert first[1:] == second[1:]


def test_train_needs_both_classes(bare_pipeline: Pipeline) -> None:
    with pytest.raises(ValueError, match="both"):
        train(bare_pipeline, None, seed=1, synthetic=1, weibo=0)


def test_find_shared_prefers_an_explicit_folder(tmp_path: Path) -> None:
    (tmp_path / "corpora").mkdir()
    assert find_shared(str(tmp_path)) == tmp_path


def test_find_shared_returns_none_without_corpora(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workdir = tmp_path / "a" / "b"
    workdir.mkdir(parents=True)
    monkeypatch.chdir(workdir)
    monkeypatch.delenv("REDLINE_SHARED", raising=False)
    assert find_shared(str(tmp_path / "missing")) is None
    monkeypatch.setenv("REDLINE_SHARED", str(tmp_path))
    (tmp_path / "corpora").mkdir()
    assert find_shared() == tmp_path


def test_an_explicit_folder_without_corpora_is_never_replaced_by_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from redline.cli import app

    found = tmp_path / "found"
    (found / "corpora").mkdir(parents=True)
    monkeypatch.setenv("REDLINE_SHARED", str(found))  # a fallback that exists
    assert find_shared() == found
    assert find_shared(str(tmp_path / "typo")) is None
    result = CliRunner().invoke(
        app, ["train", "--shared", str(tmp_path / "typo"), "-o", str(tmp_path / "m.npz")]
    )
    assert result.exit_code == 2 and "no corpora/ folder" in " ".join(result.output.split())
    assert not (tmp_path / "m.npz").exists()
