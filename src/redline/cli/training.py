"""Commands that build the model and its data: train, synth."""

import json
from pathlib import Path
from typing import Annotated

import typer

from redline.cli.root import app, err_console, usage_error


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
    if shared and root is None:
        raise usage_error(f"--shared {shared}: no corpora/ folder there")
    console = err_console()
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
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    err_console().print(f"wrote {len(rows):,} rows to {output}")
