"""`redline ledger ...`: the human-genetic-resource ledger (see docs/ledger.md).

Exit status: 0 ok; 1 verification failed (or a proof did not check); 2 usage error; 3 some
events were rejected (see the rejects file).
"""

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from redline.cli.root import app, err_console, usage_error

ledger_app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Human-genetic-resource ledger."
)
app.add_typer(ledger_app, name="ledger")

EXIT_VERIFY_FAILED = 1
DbArgument = Annotated[str, typer.Argument(help="Ledger database: a file path or a database URL")]
SourceArgument = Annotated[
    str, typer.Argument(help="A ledger database (path or URL) or an export folder")
]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="Rule configuration TOML (overrides defaults)")
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Judge deadlines as of this RFC 3339 time (default: last event)"),
]
TrustedKeyOption = Annotated[
    Path | None, typer.Option("--key", help="The ledger operator's public key file, to pin")
]


def _ledger(db: str, *, existing: bool = False) -> Any:
    """The ledger at `db`; `existing`: refuse a SQLite path with no file (export, proof and
    checkpoint must not create an empty ledger and export, prove or sign nothing)."""
    from redline.ledger.ledger import Ledger
    from redline.store.engine import missing_sqlite_file

    if existing and (missing := missing_sqlite_file(db)) is not None:
        raise usage_error(f"no ledger at {missing}")
    try:
        return Ledger.open(db)
    except Exception as exc:  # a bad URL, an unreachable server, a file that is not a database
        raise usage_error(f"cannot open ledger {db}: {exc}") from None


def _source(target: str) -> Any:
    from redline.ledger.sources import SourceError, open_source

    try:
        return open_source(target)
    except SourceError as exc:
        raise usage_error(str(exc)) from None


def _private_key(path: Path) -> Any:
    from redline.ledger import keys

    try:
        return keys.load_private(path)
    except keys.KeyFileError as exc:
        raise usage_error(str(exc)) from None


def _public_key(path: Path | None) -> Any:
    from redline.ledger import keys

    if path is None:
        return None
    try:
        return keys.load_public(path)
    except (keys.KeyFileError, ValueError) as exc:
        raise usage_error(str(exc)) from None


def rule_config_or_usage_error(path: Path | None, watchlist: Path | None = None) -> Any:
    """The ledger's rule configuration from these files (`ledger findings`, `serve`); a file
    that cannot be used is a usage error naming it."""
    from redline.ledger.config import ConfigError, rule_config

    try:
        return rule_config(path, watchlist)
    except ConfigError as exc:
        raise usage_error(str(exc)) from None


def _as_of(text: str | None) -> datetime | None:
    from redline.ledger.events import parse_time

    if text is None:
        return None
    try:
        return parse_time(text)
    except ValueError as exc:
        raise usage_error(f"--as-of: {exc}") from None


# --- keys and intake -------------------------------------------------------------------------


@ledger_app.command("keygen")
def keygen(
    path: Annotated[Path, typer.Argument(help="Where to write the private key (PEM, mode 0600)")],
) -> None:
    """Make an Ed25519 key pair: PATH (private) and PATH.pub (base64 public key)."""
    from rich.console import Console

    from redline.ledger import keys

    if path.exists():
        raise usage_error(f"{path} exists; refusing to overwrite a key")
    public_path = keys.save_private(keys.generate(), path)
    Console().print(f"private key: {path}\npublic key:  {public_path}")
    print(public_path.read_text().strip())


def _signed(record: dict[str, Any], key: Any) -> dict[str, Any]:
    """Sign an unsigned event with `key` (an institution's private key)."""
    from redline.ledger.intake import IntakeError, parse_submission

    if key is None or record.get("signature"):
        return record
    try:
        return parse_submission(record).signed_by(key).to_dict()
    except IntakeError:
        return record  # intake will say what is wrong with it


@ledger_app.command("record")
def record(
    db: DbArgument,
    event: Annotated[str, typer.Argument(help="One event as JSON ('-' reads stdin)")],
    key: Annotated[
        Path | None, typer.Option("--key", help="Sign with this institution private key")
    ] = None,
) -> None:
    """Append one event; print its receipt (seq, entry hash)."""
    from rich.markup import escape

    from redline.ledger.intake import IntakeError, parse_submission

    text = sys.stdin.read() if event == "-" else event
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise usage_error(f"event is not JSON: {exc}") from None
    signing_key = _private_key(key) if key else None
    try:
        submission = parse_submission(
            _signed(data, signing_key) if isinstance(data, dict) else data
        )
    except IntakeError as exc:
        err_console().print(f"[red]rejected:[/red] {escape(str(exc))}")
        raise typer.Exit(3) from None
    from redline.ledger.ledger import ConcurrentAppendError

    try:
        report = _ledger(db).append([submission], source="<record>")
    except ConcurrentAppendError as exc:
        raise usage_error(str(exc)) from None
    if report.rejects:
        err_console().print(f"[red]rejected:[/red] {escape(report.rejects[0].reason)}")
        raise typer.Exit(3)
    entry = report.appended[0]
    print(json.dumps({"seq": entry.seq, "ts": entry.ts, "entry_hash": entry.entry_hash.hex()}))


@ledger_app.command("import")
def import_events(
    db: DbArgument,
    path: Annotated[Path, typer.Argument(help="Events: JSONL or CSV (by extension)")],
    input_format: Annotated[
        str | None, typer.Option("--format", help="jsonl or csv (default: by extension)")
    ] = None,
    key: Annotated[
        Path | None, typer.Option("--key", help="Sign unsigned events with this private key")
    ] = None,
    all_or_nothing: Annotated[
        bool, typer.Option("--all-or-nothing", help="Write nothing if any event is rejected")
    ] = False,
    checkpoint_key: Annotated[
        Path | None, typer.Option("--checkpoint-key", help="Sign a checkpoint after the import")
    ] = None,
    origin: Annotated[str, typer.Option(help="Checkpoint origin name")] = "redline-ledger",
) -> None:
    """Append a file of events in one transaction; rejects go to PATH.rejects.jsonl."""
    from rich.console import Console

    from redline.ledger.ledger import ConcurrentAppendError
    from redline.ledger.reader import read_events
    from redline.run.reader import InputError, Reject
    from redline.run.writer import RejectWriter

    if not path.is_file():
        raise usage_error(f"no such input file: {path}")
    signing_key = _private_key(key) if key else None
    cp_key = _private_key(checkpoint_key) if checkpoint_key else None
    ledger = _ledger(db)

    def records() -> Any:
        for item in read_events(path, input_format):
            if isinstance(item, Reject) or signing_key is None or item[1].signature:
                yield item
            else:
                number, sub = item
                yield number, sub.signed_by(signing_key)

    try:
        report = ledger.append(
            records(), source=str(path), all_or_nothing=all_or_nothing, keep_entries=False
        )
    except (InputError, OSError, ConcurrentAppendError) as exc:
        raise usage_error(str(exc)) from None
    console = Console(stderr=True, soft_wrap=True)
    try:
        with RejectWriter(str(path)) as rejects:
            rejects.write(report.rejects)
    except OSError as exc:  # the events are committed: the rejects must not be lost with it
        console.print(f"[yellow]cannot write the rejects file ({exc}): here they are[/yellow]")
        with RejectWriter(None) as rejects:
            rejects.write(report.rejects)
    written = report.written
    console.print(
        f"read {report.read:,}, appended {written:,}, rejected {len(report.rejects):,}"
        + (" (nothing written: --all-or-nothing)" if all_or_nothing and report.rejects else "")
    )
    if report.rejects:
        console.print(f"rejects: {rejects.path}")
    if cp_key is not None and written:
        signed = ledger.checkpoint(cp_key, origin)
        console.print(f"checkpoint: size {signed.tree_size}, root {signed.root_hash.hex()}")
    raise typer.Exit(3 if report.rejects else 0)


# --- tamper evidence -------------------------------------------------------------------------


@ledger_app.command("checkpoint")
def checkpoint(
    db: DbArgument,
    key: Annotated[Path, typer.Option("--key", help="The ledger operator's private key")],
    origin: Annotated[str, typer.Option(help="Name of this ledger")] = "redline-ledger",
    every_entries: Annotated[
        int | None, typer.Option(min=1, help="Only if N entries came since the last checkpoint")
    ] = None,
    every_minutes: Annotated[
        float | None, typer.Option(min=0, help="... or the last one is T minutes old (for cron)")
    ] = None,
) -> None:
    """Sign the current tree head (size and Merkle root) and store the checkpoint."""
    ledger = _ledger(db, existing=True)
    policy = every_entries is not None or every_minutes is not None
    if policy and not ledger.checkpoint_due(every_entries, every_minutes):
        err_console().print("no checkpoint due")
        return
    signed = ledger.checkpoint(_private_key(key), origin)
    print(json.dumps(signed.to_dict()))


@ledger_app.command("verify")
def verify_command(
    source: SourceArgument,
    key: TrustedKeyOption = None,
    state: Annotated[
        Path | None,
        typer.Option("--state", help="Incremental: start from (and update) this state file"),
    ] = None,
    trusted: Annotated[
        Path | None,
        typer.Option("--trusted", help="checkpoints.jsonl received earlier (e.g. an export)"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Check chain, roots, signatures and checkpoints; name the first bad entry."""
    from rich.console import Console
    from rich.markup import escape

    from redline.ledger.sources import CHECKPOINTS_FILE, SourceError, read_checkpoints
    from redline.ledger.verify import VerifiedState, verify

    entries = _source(source)
    previous = None
    if state is not None and state.exists():
        try:
            previous = VerifiedState.load(state)
        except ValueError as exc:
            raise usage_error(str(exc)) from None
    trusted_checkpoints = []
    if trusted is not None:
        path = trusted / CHECKPOINTS_FILE if trusted.is_dir() else trusted
        try:
            trusted_checkpoints = read_checkpoints(path)
        except (SourceError, OSError) as exc:
            raise usage_error(str(exc)) from None
    try:
        report = verify(
            entries,
            trusted_key=_public_key(key),
            state=previous,
            trusted_checkpoints=trusted_checkpoints,
        )
    except (SourceError, ValueError) as exc:
        raise usage_error(str(exc)) from None
    if report.ok and state is not None and report.state is not None:
        report.state.save(state)
    if as_json:
        print(json.dumps(report.to_dict()))
    else:
        console = Console(soft_wrap=True)
        verdict = "[green]ok[/green]" if report.ok else "[red]FAILED[/red]"
        console.print(
            f"{verdict}: {report.entries_checked:,} entries checked from {report.start:,}, "
            f"tree size {report.tree_size:,}, root {report.root_hash.hex()}, "
            f"{report.checkpoints_checked} checkpoints matched"
        )
        if key is None and report.checkpoints_checked:
            console.print(
                "[dim]checkpoint signatures checked against the key each names; "
                "pin the operator's key with --key[/dim]"
            )
        if report.first_bad_seq is not None:
            console.print(f"first bad entry: seq {report.first_bad_seq}")
        for issue in report.issues:
            console.print(f"  [red]{escape(issue.kind)}[/red] {escape(issue.message)}")
    raise typer.Exit(0 if report.ok else EXIT_VERIFY_FAILED)


@ledger_app.command("export")
def export_command(
    db: DbArgument,
    folder: Annotated[Path, typer.Argument(help="Folder for entries.jsonl and checkpoints.jsonl")],
) -> None:
    """Write the ledger for offline verification (`redline ledger verify FOLDER`)."""
    from redline.ledger.sources import export

    entries, checkpoints = export(_ledger(db, existing=True), folder)
    err_console().print(f"exported {entries:,} entries and {checkpoints} checkpoints to {folder}")


@ledger_app.command("proof")
def proof_command(
    db: DbArgument,
    seq: Annotated[int, typer.Argument(help="The entry to prove")],
) -> None:
    """A receipt for one entry: the entry, the latest checkpoint over it, its inclusion proof."""
    ledger = _ledger(db, existing=True)
    entry = ledger.entry(seq)
    covering = [c for c in ledger.checkpoints() if c.tree_size > seq]
    if entry is None:
        raise usage_error(f"no entry {seq}")
    if not covering:
        raise usage_error(f"no checkpoint covers entry {seq} yet; run `redline ledger checkpoint`")
    latest = covering[-1]
    proof = ledger.inclusion_proof(seq, latest.tree_size)
    receipt = {
        "entry": entry.to_dict(),
        "checkpoint": latest.to_dict(),
        "proof": [p.hex() for p in proof],
    }
    print(json.dumps(receipt))


@ledger_app.command("check-proof")
def check_proof(
    receipt: Annotated[Path, typer.Argument(help="A receipt written by `redline ledger proof`")],
    key: TrustedKeyOption = None,
) -> None:
    """Check a receipt offline: the entry's hash, its inclusion, the checkpoint's signature."""
    from redline.ledger.checkpoint import Checkpoint
    from redline.ledger.entry import Entry
    from redline.ledger.merkle import verify_inclusion

    try:
        data = json.loads(receipt.read_text())
        entry = Entry.from_dict(data["entry"])
        signed = Checkpoint.from_dict(data["checkpoint"])
        proof = [bytes.fromhex(p) for p in data["proof"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise usage_error(f"{receipt}: not a receipt ({exc})") from None
    checks = {
        "payload hash": entry.recomputed_payload_hash() == entry.payload_hash,
        "entry hash": entry.recomputed_entry_hash(entry.prev_hash) == entry.entry_hash,
        "inclusion": verify_inclusion(
            entry.seq, signed.tree_size, entry.entry_hash, proof, signed.root_hash
        ),
        "checkpoint signature": signed.signature_ok(_public_key(key)),
    }
    for name, ok in checks.items():
        print(f"{name}: {'ok' if ok else 'FAILED'}")
    raise typer.Exit(0 if all(checks.values()) else EXIT_VERIFY_FAILED)


# --- state, findings, reports ----------------------------------------------------------------


@ledger_app.command("state")
def state_command(source: SourceArgument) -> None:
    """The projected current state as JSON (rebuilt from the entries)."""
    from redline.ledger.analysis import project_source

    print(json.dumps(project_source(_source(source)).to_dict(), ensure_ascii=False, sort_keys=True))


@ledger_app.command("findings")
def findings_command(
    source: SourceArgument,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per finding")] = False,
    config: ConfigOption = None,
    as_of: AsOfOption = None,
    watchlist: Annotated[
        Path | None,
        typer.Option(
            "--watchlist",
            help="Contacts/waybills seen in ads or seizures: one a line, or rings.jsonl of `link`",
        ),
    ] = None,
    integrity: Annotated[
        bool, typer.Option("--verify/--no-verify", help="Also verify the ledger (R13)")
    ] = True,
    key: TrustedKeyOption = None,
    evidence: Annotated[
        Path | None,
        typer.Option("--evidence", help="Also write evidence packets (JSONL, with proofs) here"),
    ] = None,
) -> None:
    """Run rules R1-R14 over the ledger: a table, or one JSON line per finding."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from redline.ledger.analysis import analyse

    entries = _source(source)
    analysis = analyse(
        entries,
        rule_config_or_usage_error(config, watchlist),
        as_of=_as_of(as_of),
        check_integrity=integrity,
        trusted_key=_public_key(key),
    )
    if evidence is not None:
        _write_evidence(entries, analysis.findings, evidence)
    if as_json:
        for finding in analysis.findings:
            print(json.dumps(finding.to_dict(), ensure_ascii=False))
        return
    table = Table("rule", "severity", "institution", "finding", "legal basis", "entries")
    for finding in analysis.findings:
        table.add_row(
            finding.rule_id,
            finding.severity,
            finding.inst_id or "",
            escape(finding.message),
            escape(finding.legal_basis),
            ", ".join(map(str, finding.evidence_seqs)),
        )
    console = Console()
    console.print(table)
    console.print(f"{len(analysis.findings)} findings over {analysis.state.size:,} entries")


@ledger_app.command("shipments")
def shipments_command(
    source: SourceArgument,
    output: Annotated[Path, typer.Option("--output", "-o", help="The shipments CSV to write")],
) -> None:
    """The ledger's transfers as a shipments CSV for `redline link --shipments`."""
    from redline.ledger.analysis import project_source
    from redline.ledger.shipments import write_shipments

    counts = write_shipments(project_source(_source(source)), output)
    err_console().print(
        f"wrote {counts.rows:,} shipment rows for {counts.transfers:,} transfers to {output}"
        + (f"; {counts.without_phone:,} transfers have no phone" if counts.without_phone else "")
    )


def _write_evidence(entries: Any, findings: list[Any], path: Path) -> None:
    from redline.ledger.evidence import EvidenceError, evidence_packets
    from redline.ledger.ledger import Ledger

    if not isinstance(entries, Ledger):
        raise usage_error("--evidence needs the ledger database (proofs are built from it)")
    try:
        packets = evidence_packets(entries, findings)
    except EvidenceError as exc:
        raise usage_error(str(exc)) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as stream:
        for packet in packets:
            stream.write(json.dumps(packet, ensure_ascii=False) + "\n")
    err_console().print(f"wrote {len(packets)} evidence packets to {path}")


@ledger_app.command("report")
def report_command(
    source: SourceArgument,
    annual: Annotated[
        int | None, typer.Option("--annual", help="Storage annual report figures for YEAR")
    ] = None,
    institution: Annotated[
        str | None, typer.Option("--institution", help="The institution's id")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (default stdout)")
    ] = None,
    config: ConfigOption = None,
    as_of: AsOfOption = None,
) -> None:
    """`--annual YEAR`: the annual report's figures (JSON); else an institution's HTML report."""
    from redline.ledger.analysis import analyse, project_source
    from redline.ledger.report import annual_figures, compliance_html

    if annual is not None and (config is not None or as_of is not None):
        raise usage_error("--annual reports the whole year: --config and --as-of do not apply")
    entries_source = _source(source)
    if annual is not None:
        text = json.dumps(annual_figures(project_source(entries_source), annual, institution))
    else:
        if institution is None:
            raise usage_error("name the institution (--institution ID), or give --annual YEAR")
        cfg = rule_config_or_usage_error(config)
        analysis = analyse(entries_source, cfg, as_of=_as_of(as_of))
        if institution not in analysis.state.institutions:
            raise usage_error(f"no institution {institution!r} in the ledger")
        cited = {s for f in analysis.findings if f.inst_id == institution for s in f.evidence_seqs}
        entries = {e.seq: e for e in entries_source.entries() if e.seq in cited}
        verification = analysis.verification
        assert verification is not None
        text = compliance_html(
            institution,
            analysis.state,
            analysis.findings,
            entries,
            cfg,
            as_of=_as_of(as_of) or analysis.state.last_event_time or datetime.now(),
            root_hash=verification.root_hash.hex(),
            tree_size=verification.tree_size,
        )
    if output is None:
        print(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        err_console().print(f"wrote {output}")
