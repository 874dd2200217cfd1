"""What each Spark task runs (`screen_record_batch`): a post that makes the screening code raise
comes back as a row with its `reject` reason, and no longer fails the task (and, after Spark's
retries, the job). Called directly: the patch that makes a post raise cannot reach the
executors' Python workers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from screen_faults import MARKER, raise_in_analyse

from redline.pipeline import Pipeline
from redline.spark import ShippedPipeline, output_arrow_schema, screen_record_batch
from redline.synth import generate
from redline.types import Post

RAISING = f"香港验血查男女，加微信：hkbb0521 预约 {MARKER}"


def screened(pipeline: Pipeline, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    batch = pa.RecordBatch.from_pylist(rows)
    schema = output_arrow_schema([batch.schema.field("n")])
    out = screen_record_batch(pipeline, batch, ("n",), schema, batch_rows=16)
    return {row["id"]: row for row in pa.Table.from_batches(list(out)).to_pylist()}


def test_a_raising_post_is_a_reject_row_and_the_others_are_decided_as_without_it(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [{"id": r["id"], "text": r["text"], "n": i} for i, r in enumerate(generate(40, seed=3))]
    rows[7] = {"id": "marked", "text": RAISING, "n": 7}
    rows[9] = {"id": "", "text": "empty id", "n": 9}
    expected = screened(pipeline, rows)
    raise_in_analyse(monkeypatch)
    got = screened(pipeline, rows)

    assert len(got) == len(rows)
    marked = got.pop("marked")
    assert marked["reject"] == "screening failed: IndexError: list index out of range"
    assert marked["verdict"] is None and marked["n"] == 7
    assert expected.pop("marked")["reject"] is None
    assert got == expected
    assert got[""]["reject"] == "`id` is empty"


def test_an_executor_pipeline_screens_as_the_drivers_and_leaves_no_files_behind(
    tmp_path: Path, tiny_model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What each executor builds from the shipped packs and model (`ShippedPipeline.build`)."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    shipped = ShippedPipeline.from_driver([], tiny_model_path)
    built = shipped.build()
    local = Pipeline.load(model=tiny_model_path)
    posts = [Post(row["id"], row["text"]) for row in generate(40, seed=5)]
    assert [d.to_dict() for d in built.screen(posts)] == [d.to_dict() for d in local.screen(posts)]
    assert list(tmp_path.iterdir()) == []  # the shipped files' folder is gone
