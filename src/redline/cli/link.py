"""Commands that link flagged posts into rings: link, packet, verify."""

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from redline.cli.root import ModelOption, PackOption, app, err_console, load_pipeline, usage_error

REJECTED_EXIT = 3
TAMPERED_EXIT = 1
STORE_ENV = "REDLINE_RINGS_STORE"


@app.command()
def link(
    inputs: Annotated[list[str], typer.Argument(help="Posts: JSONL, CSV or Parquet files")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output folder")],
    verdicts: Annotated[
        Path | None,
        typer.Option("--verdicts", help="Decisions of a previous `scan` (JSONL), used by id"),
    ] = None,
    shipments: Annotated[
        list[Path] | None,
        typer.Option("--shipments", help="CSV of waybills or seizures (repeatable; docs/link.md)"),
    ] = None,
    store: Annotated[
        str | None,
        typer.Option("--store", help="Ring store path or URL (default: OUTPUT/rings.db)"),
    ] = None,
    max_reports: Annotated[
        int, typer.Option(min=0, help="Ring reports to render, largest rings first")
    ] = 200,
    pack: PackOption = None,
    model: ModelOption = None,
) -> None:
    """Link flagged posts (and shipments) into rings; write rings.jsonl, reports, index.html."""
    from redline.run.link_inputs import LinkInputs

    for path in [*inputs, *(shipments or []), *([verdicts] if verdicts else [])]:
        if str(path) != "-" and not Path(path).is_file():
            raise usage_error(f"no such input file: {path}")
    if output.exists() and not output.is_dir():
        raise usage_error(f"{output} is a file: -o names the folder to write the rings to")
    if verdicts and (pack or model):
        raise usage_error("--verdicts takes the decisions as given: --pack and --model are unused")
    output.mkdir(parents=True, exist_ok=True)
    screen = None if verdicts else load_pipeline(pack, model).screen
    collected = LinkInputs(screen)
    try:
        if verdicts:
            collected.load_verdicts(verdicts)
        collected.read_posts(inputs)
        for path in shipments or []:
            collected.read_shipments(path)
    except (ValueError, ImportError, OSError) as exc:
        raise usage_error(str(exc)) from None

    from redline.store.rings import RingStore

    ring_store = RingStore(store or str(output / "rings.db"))
    try:
        result = ring_store.add_batch(collected.stored)
        _write_outputs(ring_store, output, max_reports)
    finally:
        ring_store.close()
    _write_jsonl(output / "rejects.jsonl", collected.rejects)
    _write_jsonl(output / "events.jsonl", result.events)
    counts = {
        **collected.counts,
        "added": result.added,
        "duplicates": result.duplicates,
        "rings": len(result.rings),
    }
    (output / "summary.json").write_text(json.dumps(counts, indent=2), encoding="utf-8")
    err_console().print(
        ", ".join(f"{name.replace('_', ' ')} {value:,}" for name, value in counts.items())
    )
    raise typer.Exit(REJECTED_EXIT if collected.rejects else 0)


def _write_jsonl(path: Path, items: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as stream:
        for item in items:
            stream.write(json.dumps(item, ensure_ascii=False) + "\n")


def _write_outputs(ring_store: Any, output: Path, max_reports: int) -> None:
    """rings.jsonl (every active ring), a report per ring (largest first), index.html."""
    from redline.link_report.html import index_html
    from redline.link_report.render import render_ring

    rings = [ring_store.ring(row["ring_id"]) for row in ring_store.list_rings(limit=10**9)]
    keys = (
        "ring_id",
        "post_ids",
        "shipment_ids",
        "accounts",
        "entities",
        "links",
        "generic_contacts",
    )
    _write_jsonl(output / "rings.jsonl", [{k: ring[k] for k in keys} for ring in rings])
    folder = output / "rings"
    folder.mkdir(exist_ok=True)
    for ring in rings[:max_reports]:
        rendered = render_ring(ring_store, ring["ring_id"])
        if rendered is None:
            continue
        (folder / f"{ring['ring_id']}.json").write_text(
            json.dumps(rendered.report, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        (folder / f"{ring['ring_id']}.html").write_text(rendered.html, encoding="utf-8")
    (output / "index.html").write_text(index_html(rings[:max_reports]), encoding="utf-8")


@app.command()
def packet(
    ring_id: Annotated[str, typer.Argument(help="Ring id, e.g. ring-000001")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Packet file (.zip)")],
    store: Annotated[
        str | None,
        typer.Option("--store", help=f"Ring store path or URL (default: ${STORE_ENV} or rings.db)"),
    ] = None,
    findings: Annotated[
        Path | None,
        typer.Option(
            "--findings",
            help="Ledger findings with inclusion proofs (`redline ledger findings --evidence`)",
        ),
    ] = None,
) -> None:
    """Write a ring's evidence packet: posts, verdicts, graph, report, SHA-256 manifest."""
    from redline.link_report.packet import write_packet
    from redline.link_report.render import render_ring
    from redline.store.rings import RingStore

    extra: dict[str, bytes] = {}
    if findings is not None:
        from redline.ledger.evidence import FINDINGS_FILE, EvidenceError, checked_packets

        if not findings.is_file():
            raise usage_error(f"no such file: {findings}")
        data = findings.read_bytes()
        try:
            checked_packets(data, str(findings))
        except EvidenceError as exc:
            raise usage_error(str(exc)) from None
        extra[FINDINGS_FILE] = data

    location = store or os.environ.get(STORE_ENV) or "rings.db"
    if "://" not in location and not Path(location).is_file():
        raise usage_error(f"no ring store at {location} (run `redline link` first, or --store)")
    ring_store = RingStore(location)
    try:
        rendered = render_ring(ring_store, ring_id)
        if rendered is None:
            raise usage_error(f"no ring {ring_id!r} in {location}")
        files = rendered.packet_files(ring_store.events(ring_id))
    finally:
        ring_store.close()
    manifest = write_packet(output, {**files, **extra}, {"ring_id": ring_id})
    err_console().print(f"wrote {output}: {len(manifest['files'])} files + manifest")


@app.command()
def verify(packet_file: Annotated[Path, typer.Argument(help="Evidence packet (.zip)")]) -> None:
    """Check an evidence packet: each file against the manifest, the manifest against its digest."""
    from redline.link_report.packet import verify_packet

    if not packet_file.is_file():
        raise usage_error(f"no such file: {packet_file}")
    result = verify_packet(packet_file)
    console = err_console()
    for label, names in (
        ("added", result.added),
        ("removed", result.removed),
        ("changed", result.changed),
    ):
        for name in names:
            console.print(f"{label}: {name}")
    if result.error:
        console.print(f"error: {result.error}")
    proofs_ok = not result.ok or _findings_hold(packet_file, console)
    console.print("packet intact" if result.ok and proofs_ok else "packet ALTERED")
    raise typer.Exit(0 if result.ok and proofs_ok else TAMPERED_EXIT)


def _findings_hold(packet_file: Path, console: Any) -> bool:
    """Re-check the inclusion proofs of ledger findings in the packet, if it holds any."""
    import zipfile

    from redline.ledger.evidence import FINDINGS_FILE, EvidenceError, checked_packets

    with zipfile.ZipFile(packet_file) as archive:
        if FINDINGS_FILE not in archive.namelist():
            return True
        data = archive.read(FINDINGS_FILE)
    try:
        count = len(checked_packets(data, FINDINGS_FILE))
    except EvidenceError as exc:
        console.print(f"finding does not check: {exc}")
        return False
    console.print(f"{count} ledger findings: every entry proved by its signed checkpoint")
    return True
