"""`redline spark-scan`: the scan on a Spark cluster (or local Spark), for backfills."""

import os
import sys
from typing import Annotated

import typer

from redline.cli.root import ModelOption, PackOption, app, err_console, usage_error

_READ_FORMATS = ("parquet", "json", "csv")
_WRITE_FORMATS = ("parquet", "json")


@app.command("spark-scan")
def spark_scan(
    source: Annotated[str, typer.Argument(help="Input path or glob Spark can read (any FS)")],
    output: Annotated[str, typer.Argument(help="Output folder (Spark writes part files)")],
    pack: PackOption = None,
    model: ModelOption = None,
    carry: Annotated[
        list[str] | None,
        typer.Option("--carry", help="Input column to copy into the output (repeatable)"),
    ] = None,
    input_format: Annotated[
        str | None, typer.Option("--format", help="parquet, json (JSON lines) or csv")
    ] = None,
    output_format: Annotated[
        str, typer.Option("--output-format", help="parquet or json")
    ] = "parquet",
    master: Annotated[
        str | None,
        typer.Option(
            help="Spark master, e.g. local[*]; default: spark-submit's, spark-defaults.conf's, "
            "else local[*]"
        ),
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing output folder")] = False,
    batch_rows: Annotated[int, typer.Option(min=1, help="Records screened per batch")] = 2000,
) -> None:
    """Screen a dataset with Spark: same verdicts as `scan`, one output row per input row
    (`reject` holds the reason for a record that could not be screened)."""
    fmt = input_format or _format_of(source)
    if fmt not in _READ_FORMATS:
        raise usage_error(f"--format must be one of {', '.join(_READ_FORMATS)}")
    if output_format not in _WRITE_FORMATS:
        raise usage_error(f"--output-format must be one of {', '.join(_WRITE_FORMATS)}")
    try:
        from pyspark.errors import AnalysisException
        from pyspark.sql import SparkSession
    except ImportError:
        raise usage_error("spark-scan needs PySpark: pip install 'redline[spark]'") from None
    from redline.spark import screen

    builder = SparkSession.builder.appName("redline spark-scan")
    if master:
        builder = builder.master(master)
    if "PYSPARK_PYTHON" not in os.environ and _runs_locally(master):
        os.environ["PYSPARK_PYTHON"] = sys.executable  # the interpreter with redline
    spark = builder.getOrCreate()
    reader = spark.read.format(fmt)
    if fmt == "csv":
        reader = reader.option("header", "true").option("multiLine", "true")
    try:  # a missing input, an output folder that exists, a model that is not one: no traceback
        screened = screen(
            reader.load(source), pack, model=model, carry=carry or (), batch_rows=batch_rows
        )
        mode = "overwrite" if overwrite else "errorifexists"
        screened.write.mode(mode).format(output_format).save(output)
    except (ValueError, OSError, AnalysisException) as exc:
        raise usage_error(_first_line(exc)) from None
    # read back with the schema written: JSON leaves out null fields, so a run whose every row
    # was rejected has no verdict column to group by otherwise
    written = spark.read.schema(screened.schema).format(output_format).load(output)
    counts = {
        (row["verdict"] or "rejected"): row["count"]
        for row in written.groupBy("verdict").count().collect()
    }
    rejected = counts.pop("rejected", 0)
    decided = sum(counts.values())
    err_console().print(
        f"read {decided + rejected:,}, decided {decided:,}, rejected {rejected:,}"
        + "".join(f", {verdict} {n:,}" for verdict, n in sorted(counts.items()))
    )
    raise typer.Exit(3 if rejected else 0)


def _first_line(exc: Exception) -> str:
    """Spark's messages run to a JVM stack trace; the first line says what went wrong."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _format_of(path: str) -> str:
    name = path.lower().rstrip("/")
    if name.endswith((".jsonl", ".json", ".ndjson", ".jsonl.gz", ".json.gz")):
        return "json"
    if name.endswith((".csv", ".csv.gz")):
        return "csv"
    return "parquet"


def _runs_locally(master: str | None) -> bool:
    """Whether Spark will run on this machine: a local master, given or found where Spark looks
    for one when none is given (what spark-submit passed, spark-defaults.conf,
    PYSPARK_SUBMIT_ARGS; else local[*]). Spark starts Python workers with `python3` from PATH
    unless PYSPARK_PYTHON names one."""
    if not master:
        from pyspark import SparkConf, SparkContext

        SparkContext._ensure_initialized()  # the JVM, started as spark-submit would start it
        master = SparkConf().get("spark.master", "local[*]")
    return master.startswith("local")
