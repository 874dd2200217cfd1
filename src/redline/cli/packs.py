"""`redline pack ...`: validate policy packs."""

from pathlib import Path
from typing import Annotated

import typer

from redline.cli.root import ModelOption, app, err_console, load_pipeline

pack_app = typer.Typer(add_completion=False, no_args_is_help=True, help="Policy packs.")
app.add_typer(pack_app, name="pack")


@pack_app.command("check")
def pack_check(
    path: Annotated[Path, typer.Argument(help="A pack TOML file")],
    examples: Annotated[
        bool, typer.Option(help="Also run the pack's examples through the pipeline")
    ] = True,
    model: ModelOption = None,
) -> None:
    """Validate a pack; name the line of any error; run its examples."""
    from rich.console import Console
    from rich.markup import escape

    from redline.policy import PackError, load_pack

    console = Console()
    try:
        pack = load_pack(path)
    except PackError as exc:
        err_console().print(f"[red]error:[/red] {escape(str(exc))}")
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

    failures = run_examples(pack, load_pipeline([str(path)], model))
    for failure in failures:
        console.print(f"[red]example failed[/red] {escape(f'{path}:{failure}')}")
    if failures:
        raise typer.Exit(1)
    console.print(f"all {len(pack.examples)} examples pass")
