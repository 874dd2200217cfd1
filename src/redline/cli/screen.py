"""Commands that screen posts: scan, explain, eval."""

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from redline.cli.root import (
    ModelOption,
    PackOption,
    app,
    err_console,
    load_pipeline,
    say,
    usage_error,
)

if TYPE_CHECKING:
    from redline.pipeline import Pipeline
    from redline.run.scan import ScanJob, ScanOutcome


@app.command()
def scan(
    inputs: Annotated[
        list[str] | None, typer.Argument(help="JSONL, CSV or Parquet files; '-' or none: stdin")
    ] = None,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Output file (.jsonl, .csv, .parquet); default stdout"),
    ] = None,
    pack: PackOption = None,
    model: ModelOption = None,
    input_format: Annotated[
        str | None,
        typer.Option(
            "--format", help="Input format: jsonl, csv or parquet (default: by extension)"
        ),
    ] = None,
    batch_size: Annotated[
        int,
        typer.Option(
            min=1, help="Records per batch (about that many for plain JSONL files, cut by bytes)"
        ),
    ] = 2000,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=0, help="Worker processes (0: one per core)")
    ] = 1,
    carry: Annotated[
        list[str] | None,
        typer.Option("--carry", help="Input column to copy into the output (repeatable)"),
    ] = None,
    checkpoint: Annotated[
        str | None,
        typer.Option(
            "--checkpoint",
            help="Folder for durable progress: rerun the same command to resume after a crash",
        ),
    ] = None,
    commit_seconds: Annotated[
        float,
        typer.Option(min=0.0, help="With --checkpoint: seconds between commits (fsync + progress)"),
    ] = 1.0,
) -> None:
    """Screen records and write one decision per record, in input order."""
    import os

    from redline.run.checkpoint import CheckpointError
    from redline.run.reader import FORMATS, InputError
    from redline.run.scan import ScanJob, run_scan

    paths = inputs or ["-"]
    for path in paths:
        if path != "-" and not Path(path).is_file():
            raise usage_error(f"no such input file: {path}")
    if input_format is not None and input_format not in FORMATS:
        raise usage_error(f"--format must be one of {', '.join(FORMATS)}")
    pipeline = load_pipeline(pack, model)
    if output not in (None, "-"):
        Path(output).parent.mkdir(parents=True, exist_ok=True)
    job = ScanJob(
        inputs=tuple(paths),
        output=output,
        input_format=input_format,
        packs=tuple(pack or ()),
        model=None if model is None else str(model),
        carry=tuple(carry or ()),
        workers=workers or os.cpu_count() or 1,
        batch_size=batch_size,
        checkpoint=checkpoint,
        commit_seconds=commit_seconds,
    )
    try:
        if sys.stderr.isatty():
            outcome = _scan_with_progress_bar(job, pipeline)
        else:
            outcome = run_scan(job, pipeline=pipeline)
    except (InputError, CheckpointError, ImportError, OSError, ValueError) as exc:
        raise usage_error(str(exc)) from None
    if outcome.already_complete:
        say(f"already complete (checkpoint {checkpoint}); nothing to do")
    elif outcome.resumed_from is not None:
        say(f"resumed from checkpoint {checkpoint}")
    counts = outcome.summary.to_dict()
    say(
        f"read {counts['read']:,}, decided {counts['decided']:,}, rejected {counts['rejected']:,}"
        + "".join(f", {verdict} {n:,}" for verdict, n in counts["by_verdict"].items())
    )
    raise typer.Exit(outcome.summary.exit_code)


def _scan_with_progress_bar(job: "ScanJob", pipeline: "Pipeline") -> "ScanOutcome":
    """`run_scan` under a live progress bar: for a terminal only, where someone watches."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from redline.run.scan import run_scan

    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} records"),
        TimeElapsedColumn(),
        console=err_console(),
        transient=False,
    )
    with progress:
        task = progress.add_task("screening", total=None)
        return run_scan(
            job, pipeline=pipeline, on_progress=lambda count: progress.advance(task, count)
        )


_STYLE = {"violating": "bold red", "review": "bold yellow", "allow": "bold green"}


@app.command()
def explain(
    text: Annotated[str, typer.Argument(help="The text to screen ('-' reads stdin)")],
    pack: PackOption = None,
    model: ModelOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the decision JSON")] = False,
) -> None:
    """One text's decision, readable, with the evidence highlighted in the original text."""
    from rich.console import Console
    from rich.markup import escape
    from rich.text import Text

    from redline.types import Post

    if text == "-":
        text = sys.stdin.read()
    pipeline = load_pipeline(pack, model)
    doc, decision = pipeline.explain(Post("explain", text))
    console = Console()
    if as_json:
        console.print_json(json.dumps(decision.to_dict(), ensure_ascii=False))
        return
    console.print(
        Text.assemble(
            ("verdict: ", "bold"),
            (decision.verdict, _STYLE[decision.verdict]),
            f"   score: {decision.score:.3f}",
        )
    )
    highlighted = Text(text)
    for evidence in decision.evidence:
        highlighted.stylize("reverse yellow", evidence.start, evidence.end)
    for entity in decision.entities:
        highlighted.stylize("underline cyan", entity.start, entity.end)
    console.print(highlighted)
    if decision.rules:
        console.print("[bold]rules:[/bold] " + ", ".join(decision.rules))
    for clause in decision.clauses:
        citation = escape(f"{clause.citation}: {clause.title}")
        console.print(f"  [bold]{clause.pack}[/bold] {citation}")
    for evidence in decision.evidence:
        console.print(
            f"  evidence {evidence.start}-{evidence.end} {evidence.signal}: {evidence.text!r}"
        )
    for entity in decision.entities:
        console.print(f"  entity {entity.type}: {entity.value}")
    found = sorted({s.category for s in doc.signals})
    console.print("[dim]signals: " + (", ".join(found) or "none") + "[/dim]")


@app.command("eval")
def evaluate_command(
    labeled: Annotated[
        Path, typer.Argument(help="JSONL with id, text, label (violating_ad|benign)")
    ],
    pack: PackOption = None,
    model: ModelOption = None,
    as_json: Annotated[
        Path | None, typer.Option("--json", help="Also write the report as JSON here")
    ] = None,
) -> None:
    """Precision, recall, F1 and false-positive rate with 95% CIs, by category and language."""
    from rich.console import Console

    from redline.evaluate import evaluate
    from redline.types import Post

    if not labeled.is_file():
        raise usage_error(f"no such file: {labeled}")
    if as_json is not None and not as_json.parent.is_dir():
        raise usage_error(f"--json {as_json}: no folder {as_json.parent}")
    rows = []
    for number, line in enumerate(labeled.open(encoding="utf-8"), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise usage_error(f"{labeled}:{number}: not JSON: {exc}") from None
        if row.get("label") not in ("violating_ad", "benign") or not isinstance(
            row.get("text"), str
        ):
            raise usage_error(
                f"{labeled}:{number}: needs a string text and label violating_ad|benign"
            )
        row["id"] = str(row.get("id", number))
        rows.append(row)
    pipeline = load_pipeline(pack, model)
    decisions = [d.to_dict() for d in pipeline.screen([Post(r["id"], r["text"]) for r in rows])]
    report = evaluate(rows, decisions)
    Console().print(report.render(), highlight=False, markup=False)
    if as_json:
        as_json.write_text(
            json.dumps(report.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
        )
