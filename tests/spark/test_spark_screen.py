"""Spark (local mode) gives the verdicts of a local scan on the same records."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from redline.run.scan import ScanJob, run_scan
from redline.synth import generate

# pyspark comes with the test extras; .ci/run (REDLINE_REQUIRE_SERVERS=1) must never skip Spark
pyspark = (
    __import__("pyspark")
    if os.environ.get("REDLINE_REQUIRE_SERVERS") == "1"
    else pytest.importorskip("pyspark")
)

from pyspark.sql import SparkSession  # noqa: E402

import redline.spark as redline_spark  # noqa: E402


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    """One small local session for the module: starting the JVM is most of the cost."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("redline-tests")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "64")
        .getOrCreate()
    )
    yield session
    session.stop()


def records() -> list[dict[str, Any]]:
    rows = [
        {"id": row["id"], "text": row["text"], "region": f"r{i % 3}", "n": i}
        for i, row in enumerate(generate(160, seed=21))
    ]
    rows += [
        {"id": f"plain{i}", "text": "今天天气很好，出去散步", "region": "x", "n": 1000 + i}
        for i in range(40)
    ]
    return rows


def local_decisions(tmp_path: Path, rows: list[dict[str, Any]], model: Path) -> list[dict]:
    source, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    run_scan(
        ScanJob(inputs=(str(source),), output=str(output), model=str(model), carry=("region",))
    )
    return [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]


def test_spark_verdicts_equal_a_local_scan(
    spark: SparkSession, tmp_path: Path, tiny_model_path: Path
) -> None:
    rows = records()
    df = spark.createDataFrame(rows)
    screened = redline_spark.screen(df, model=tiny_model_path, carry=("region",))
    collected = [row.asDict(recursive=True) for row in screened.collect()]
    got = {r["id"]: r for r in collected}
    expected = local_decisions(tmp_path, rows, tiny_model_path)
    assert len(collected) == len(got) == len(expected) == len(rows)  # each row once
    assert all(got[e["id"]].pop("reject") is None for e in expected)
    assert [got[e["id"]] for e in expected] == expected
    assert any(e["verdict"] == "violating" for e in expected)


def test_bad_rows_come_back_with_a_reason(spark: SparkSession, tiny_model_path: Path) -> None:
    df = spark.createDataFrame(
        [("a", "香港验血查男女，加V预约"), ("", "text"), ("c", None)], "id string, text string"
    )
    rows = {r["id"]: r for r in redline_spark.screen(df, model=tiny_model_path).collect()}
    assert rows["a"]["reject"] is None and rows["a"]["verdict"] is not None
    assert rows[""]["reject"] == "`id` is empty" and rows[""]["verdict"] is None
    assert "not a string" in rows["c"]["reject"]


def test_missing_columns_are_named(spark: SparkSession) -> None:
    df = spark.createDataFrame([("a",)], "id string")
    with pytest.raises(ValueError, match="text"):
        redline_spark.screen(df)


def test_spark_scan_command_writes_what_scan_writes(
    spark: SparkSession, tmp_path: Path, tiny_model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    from typer.testing import CliRunner

    from redline.cli import app

    rows = records()[:60]
    source = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(rows), source)
    output = tmp_path / "screened"
    batch_rows: list[int] = []
    screen = redline_spark.screen

    def spied(*args: Any, **kwargs: Any) -> Any:
        batch_rows.append(kwargs["batch_rows"])
        return screen(*args, **kwargs)

    monkeypatch.setattr(redline_spark, "screen", spied)
    result = CliRunner().invoke(
        app,
        ["spark-scan", str(source), str(output), "--model", str(tiny_model_path), "--carry", "n",
         "--batch-rows", "7"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert batch_rows == [7]  # the option reaches the executors' screening
    written = pq.read_table(output).to_pylist()
    got = {r["id"]: r for r in written}
    local = tmp_path / "local.parquet"
    run_scan(
        ScanJob(inputs=(str(source),), output=str(local), model=str(tiny_model_path), carry=("n",))
    )
    expected = pq.read_table(local).to_pylist()
    assert len(written) == len(got) == len(expected) == len(rows)  # each row once
    assert any(e["verdict"] == "violating" for e in expected)
    assert [{k: v for k, v in got[e["id"]].items() if k != "reject"} for e in expected] == expected


def test_spark_scan_mistakes_are_usage_errors_and_all_rejected_json_is_counted(
    spark: SparkSession, tmp_path: Path, tiny_model_path: Path
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    from typer.testing import CliRunner

    from redline.cli import app

    def scan(*argv: str) -> Any:
        return CliRunner().invoke(app, ["spark-scan", *argv, "--model", str(tiny_model_path)])

    source = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(records()[:5]), source)
    taken = tmp_path / "taken"
    taken.mkdir()
    result = scan(str(source), str(taken))  # exists, no --overwrite
    assert result.exit_code == 2 and "already exists" in " ".join(result.output.split()).lower()
    not_a_model = tmp_path / "model.npz"
    not_a_model.write_bytes(b"not a model")
    result = CliRunner().invoke(
        app, ["spark-scan", str(source), str(tmp_path / "o"), "--model", str(not_a_model)]
    )
    assert result.exit_code == 2 and "not a" in result.output
    null_texts = tmp_path / "null.parquet"
    pq.write_table(
        pa.table({"id": ["a", "b"], "text": pa.array([None, None], pa.string())}), null_texts
    )
    result = scan(str(null_texts), str(tmp_path / "j"), "--output-format", "json")
    assert result.exit_code == 3, result.output
    assert "read 2, decided 0, rejected 2" in result.output


@pytest.mark.parametrize("master", [["--master", "local[1]"], []], ids=["local[1]", "no-master"])
def test_spark_scan_run_locally_runs_its_python_workers_on_redlines_interpreter(
    tmp_path: Path, tiny_model_path: Path, master: list[str]
) -> None:
    """Spark starts its Python workers with `python3` from PATH unless PYSPARK_PYTHON says
    otherwise; on this machine (a local master, or none outside spark-submit: local[*]) that is
    rarely the interpreter redline is installed in. Run in a fresh process (and JVM) with no
    PYSPARK_PYTHON and a `python3` on PATH that fails."""
    import subprocess

    shim = tmp_path / "bin"
    shim.mkdir()
    for name in ("python3", "python"):
        fake = shim / name
        fake.write_text("#!/bin/sh\necho 'not the interpreter redline is in' >&2\nexit 1\n")
        fake.chmod(0o755)
    dropped = ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON", "PYSPARK_GATEWAY_PORT")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["PATH"] = f"{shim}{os.pathsep}{env.get('PATH', '')}"
    source, output = tmp_path / "in.jsonl", tmp_path / "screened"
    rows = records()[:20]
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "redline.cli", "spark-scan", str(source), str(output), *master,
         "--model", str(tiny_model_path), "--output-format", "json"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    written = [
        json.loads(line)
        for part in sorted(output.glob("part-*"))
        for line in part.read_text(encoding="utf-8").splitlines()
    ]
    assert sorted(row["id"] for row in written) == sorted(row["id"] for row in rows)


@pytest.mark.parametrize(
    ("defaults", "local"), [("", True), ("spark.master spark://127.0.0.1:7\n", False)]
)
def test_with_no_master_given_spark_scan_asks_spark_where_it_will_run(
    tmp_path: Path, defaults: str, local: bool
) -> None:
    """No --master: Spark takes spark-submit's, then spark-defaults.conf's, then local[*].
    Only a local run gets redline's interpreter for its workers: a cluster's executors are
    other machines, where that path means nothing."""
    import subprocess

    (tmp_path / "spark-defaults.conf").write_text(defaults, encoding="utf-8")
    dropped = ("PYSPARK_GATEWAY_PORT", "PYSPARK_SUBMIT_ARGS", "SPARK_CONF_DIR")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["SPARK_CONF_DIR"] = str(tmp_path)
    probe = "from redline.cli.spark import _runs_locally; print(_runs_locally(None))"
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == str(local)
