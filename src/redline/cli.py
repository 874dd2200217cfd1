"""The `redline` command: a thin adapter from files and terminals to `redline.pipeline`.

Exit status: 0 when every record was decided, 3 when some were rejected (see the rejects
file), 2 for a usage error (bad option, missing input, broken pack).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from redline.policy import PackError, load_pack
from redline.types import Post

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Find ads for banned fetal sex identification, sex selection and blood-sample smuggling.",
)
pack_app = typer.Typer(add_completion=False, no_args_is_help=True, help="Policy packs.")
app.add_typer(pack_app, name="pack")

USAGE_ERROR = 2
PackOption = Annotated[
    list[str] | None,
    typer.Option(
        "--pack", "-p", help="Pack id or TOML file (repeatable); default: every built-in pack."
    ),
]
ModelOption = Annotated[
    Path | None, typer.Option("--model", help="Model file (default: the shipped model).")
]


def _err() -> Console:
    return Console(stderr=True)


def _usage_error(message: str) -> typer.Exit:
    _err().print(f"[red]error:[/red] {escape(message)}")
    return typer.Exit(USAGE_ERROR)


def _pipeline(packs: list[str] | None, model: Path | None):
    from redline.pipeline import Pipeline

    try:
        return Pipeline.load(packs or (), model)
    except (PackError, OSError, ValueError) as exc:
        raise _usage_error(str(exc)) from None


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
    batch_size: Annotated[int, typer.Option(min=1, help="Records per batch")] = 2000,
) -> None:
    """Screen records and write one decision per record, in input order."""
    from redline.run.reader import FORMATS, InputError, Reject, read_batches
    from redline.run.writer import DecisionWriter, RejectWriter, RunSummary

    paths = inputs or ["-"]
    for path in paths:
        if path != "-" and not Path(path).is_file():
            raise _usage_error(f"no such input file: {path}")
    if input_format is not None and input_format not in FORMATS:
        raise _usage_error(f"--format must be one of {', '.join(FORMATS)}")
    pipeline = _pipeline(pack, model)
    if output not in (None, "-"):
        Path(output).parent.mkdir(parents=True, exist_ok=True)
    summary = RunSummary()
    console = _err()
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} records"),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=False,
    )
    try:
        with DecisionWriter(output) as writer, RejectWriter(output) as rejects, progress:
            task = progress.add_task("screening", total=None)
            for batch in read_batches(paths, fmt=input_format, size=batch_size):
                posts = [r for r in batch if isinstance(r, Post)]
                bad = [r for r in batch if isinstance(r, Reject)]
                decisions = [d.to_dict() for d in pipeline.screen(posts)]
                writer.write(decisions)
                rejects.write(bad)
                summary.add_read(len(batch))
                summary.add_decisions(decisions)
                summary.add_rejects(len(bad))
                progress.advance(task, len(batch))
    except (InputError, ImportError, OSError) as exc:
        raise _usage_error(str(exc)) from None
    counts = summary.to_dict()
    console.print(
        f"read {counts['read']:,}, decided {counts['decided']:,}, rejected {counts['rejected']:,}"
        + "".join(f", {verdict} {n:,}" for verdict, n in counts["by_verdict"].items())
    )
    raise typer.Exit(summary.exit_code)


_STYLE = {"violating": "bold red", "review": "bold yellow", "allow": "bold green"}


@app.command()
def explain(
    text: Annotated[str, typer.Argument(help="The text to screen ('-' reads stdin)")],
    pack: PackOption = None,
    model: ModelOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the decision JSON")] = False,
) -> None:
    """One text's decision, readable, with the evidence highlighted in the original text."""
    if text == "-":
        text = sys.stdin.read()
    pipeline = _pipeline(pack, model)
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
    from redline.evaluate import evaluate

    if not labeled.is_file():
        raise _usage_error(f"no such file: {labeled}")
    rows = []
    for number, line in enumerate(labeled.open(encoding="utf-8"), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _usage_error(f"{labeled}:{number}: not JSON: {exc}") from None
        if row.get("label") not in ("violating_ad", "benign") or not isinstance(
            row.get("text"), str
        ):
            raise _usage_error(
                f"{labeled}:{number}: needs a string text and label violating_ad|benign"
            )
        row["id"] = str(row.get("id", number))
        rows.append(row)
    pipeline = _pipeline(pack, model)
    decisions = [d.to_dict() for d in pipeline.screen([Post(r["id"], r["text"]) for r in rows])]
    report = evaluate(rows, decisions)
    Console().print(report.render(), highlight=False, markup=False)
    if as_json:
        as_json.write_text(
            json.dumps(report.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
        )


@pack_app.command("check")
def pack_check(
    path: Annotated[Path, typer.Argument(help="A pack TOML file")],
    examples: Annotated[
        bool, typer.Option(help="Also run the pack's examples through the pipeline")
    ] = True,
    model: ModelOption = None,
) -> None:
    """Validate a pack; name the line of any error; run its examples."""
    console = Console()
    try:
        pack = load_pack(path)
    except PackError as exc:
        _err().print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from None
    terms = sum(len(s.terms) + len(s.codewords) for s in pack.signals.values())
    console.print(
        f"{path}: pack {pack.id!r} ok: {len(pack.clauses)} clauses, {len(pack.signals)} signal "
        f"categories, {terms} terms, {len(pack.rules)} rules, {len(pack.exemptions)} exemptions, "
        f"{len(pack.examples)} examples"
    )
    if not examples or not pack.examples:
        return
    from redline.examples import run_examples

    failures = run_examples(pack, _pipeline([str(path)], model))
    for failure in failures:
        console.print(f"[red]example failed[/red] {escape(f'{path}:{failure}')}")
    if failures:
        raise typer.Exit(1)
    console.print(f"all {len(pack.examples)} examples pass")


@app.command()
def train(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Model file (default: the shipped model)")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for the generator, sampling and the model")] = 7,
    shared: Annotated[
        str | None, typer.Option(help="The shared data folder (default ../shared)")
    ] = None,
    synthetic: Annotated[int, typer.Option(help="Synthetic posts to generate")] = 24_000,
    weibo: Annotated[int, typer.Option(help="January-February Weibo posts to sample")] = 60_000,
    dev: Annotated[bool, typer.Option(help="Train on ../shared/dev too")] = True,
) -> None:
    """Rebuild the model from its seed (same seed and data: same predictions)."""
    from redline.model import shipped_model_path
    from redline.pipeline import Pipeline
    from redline.policy import load_packs
    from redline.recognizers import REGISTRY
    from redline.training import find_shared
    from redline.training import train as fit

    root = find_shared(shared)
    console = _err()
    if root is None:
        console.print("[yellow]../shared not found: training on synthetic data only[/yellow]")
    packs = load_packs()
    pipeline = Pipeline(packs, [factory(packs) for factory in REGISTRY.values()], None)
    with console.status("training"):
        scorer, counts = fit(
            pipeline, root, seed=seed, synthetic=synthetic, weibo=weibo, use_dev=dev
        )
    path = output or shipped_model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    scorer.save(path)
    console.print(
        f"trained on {sum(counts.values()):,} topical posts {counts}; "
        f"wrote {path} ({path.stat().st_size:,} bytes)"
    )


@app.command()
def synth(
    output: Annotated[Path, typer.Option("--output", "-o", help="JSONL file to write")],
    n: Annotated[
        int, typer.Option("-n", help="Posts (or, with --evasion, posts per family)")
    ] = 1000,
    seed: Annotated[int, typer.Option(help="Generator seed")] = 1,
    evasion: Annotated[
        bool, typer.Option(help="Write the evasion set: each ad clean and under every family")
    ] = False,
) -> None:
    """Write generated labelled posts (for evaluation of the evasion families, or inspection)."""
    from redline.synth import evasion_set, generate

    rows = evasion_set(n, seed=seed) if evasion else generate(n, seed=seed)
    with output.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    _err().print(f"wrote {len(rows):,} rows to {output}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
