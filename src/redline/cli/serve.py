"""Commands of the review service: serve, db upgrade, db reset-cursors, user add, user set, token
create, audit verify, export-labels. All take `--db URL` (a path means SQLite; default
$REDLINE_DB or ./redline.db)."""

import getpass
import ipaddress
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from redline.cli.ledger import rule_config_or_usage_error
from redline.cli.root import ModelOption, PackOption, app, err_console, usage_error

db_app = typer.Typer(add_completion=False, no_args_is_help=True, help="The service's database.")
user_app = typer.Typer(add_completion=False, no_args_is_help=True, help="Reviewer accounts.")
token_app = typer.Typer(add_completion=False, no_args_is_help=True, help="API tokens.")
audit_app = typer.Typer(add_completion=False, no_args_is_help=True, help="The audit log.")
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")

DbOption = Annotated[
    str,
    typer.Option("--db", envvar="REDLINE_DB", help="Database: SQLite file path or PostgreSQL URL."),
]
DEFAULT_DB = "redline.db"
RoleOption = Annotated[str, typer.Option("--role", help="reviewer, analyst or admin")]


def _engine(db: str, *, existing: bool = False, read_only: bool = False):
    """An engine on an up-to-date schema (upgrading it is safe and idempotent). `existing`: for
    commands that act on what is there, a SQLite path with no file is a usage error, not a new
    empty database. `read_only` (implies `existing`): for commands that only read, the schema
    must be current already: they do not migrate what they inspect."""
    from redline.store.engine import create_engine, missing_sqlite_file
    from redline.store.migrate import ensure_current, upgrade

    if (existing or read_only) and (missing := missing_sqlite_file(db)) is not None:
        raise usage_error(f"no database at {missing}")
    try:
        engine = create_engine(db)
        (ensure_current if read_only else upgrade)(engine)
    except Exception as exc:  # a bad URL, an unreachable server, a locked file, an old schema
        raise usage_error(f"cannot open database {db}: {exc}") from None
    return engine


def _cli_actor() -> str:
    return f"cli:{getpass.getuser()}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Server processes.")] = 1,
    pack: PackOption = None,
    model: ModelOption = None,
    secure_cookies: Annotated[
        bool | None,
        typer.Option(
            "--secure-cookies/--no-secure-cookies",
            help="Send session cookies over HTTPS only (default: on unless host is loopback).",
        ),
    ] = None,
    rate: Annotated[float, typer.Option(help="Requests/s per API token and worker.")] = 1000.0,
    burst: Annotated[float, typer.Option(help="Token-bucket burst per API token.")] = 2000.0,
    durable: Annotated[
        str,
        typer.Option(
            help="Which screening commits are on disk before they are answered: 'flagged' (those "
            "holding a violating or review decision; a crash of the database's machine can lose "
            "the last fraction of a second of allow decisions) or 'all'.",
        ),
    ] = "flagged",
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "warning",
    ledger_db: Annotated[
        str | None,
        typer.Option(
            "--ledger-db",
            envvar="REDLINE_LEDGER_DB",
            help="HGR ledger for /v1/ledger (path or URL; default: --db).",
        ),
    ] = None,
    ledger_config: Annotated[
        Path | None,
        typer.Option("--ledger-config", help="Rule configuration TOML for /v1/ledger/findings."),
    ] = None,
    watchlist: Annotated[
        Path | None,
        typer.Option("--watchlist", help="R12 watchlist for /v1/ledger/findings (rings.jsonl)."),
    ] = None,
) -> None:
    """Run the review service (API + review queue) under uvicorn."""
    from redline.web.durability import check_durability
    from redline.web.rings_lookup import RingsView
    from redline.web.workers import serve as workers_serve

    try:
        check_durability(durable)
    except ValueError as exc:
        raise usage_error(f"--{exc}") from None
    _engine(db).dispose()  # upgrade once here, never in racing workers
    RingsView(db).close()  # the rings store creates its tables on open: once, here, too
    _create_ledger_tables(ledger_db or db)  # and so does the ledger
    from redline.cli.root import load_pipeline

    load_pipeline(pack, model)  # fail now, with a usage error, on a bad pack or model
    rule_config_or_usage_error(ledger_config, watchlist)  # fail now, not in each worker
    secure = secure_cookies if secure_cookies is not None else not _is_loopback(host)
    os.environ.update(
        REDLINE_DB_URL=db,
        REDLINE_PACKS=",".join(pack or ()),
        REDLINE_MODEL=str(model or ""),
        REDLINE_SECURE_COOKIES="1" if secure else "0",
        REDLINE_RATE=str(rate),
        REDLINE_BURST=str(burst),
        REDLINE_DURABLE=durable,
        REDLINE_LEDGER_DB=ledger_db or "",
        REDLINE_LEDGER_CONFIG=str(ledger_config.resolve()) if ledger_config else "",
        REDLINE_LEDGER_WATCHLIST=str(watchlist.resolve()) if watchlist else "",
    )
    err_console().print(
        f"redline serving {db} on http://{host}:{port} with {workers} worker(s)"
        + ("" if secure else " (cookies not Secure: loopback only)")
    )
    try:
        status = workers_serve(host, port, workers, log_level)
    except OSError as exc:  # the port is taken, the address is not ours
        raise usage_error(f"cannot listen on {host}:{port}: {exc}") from None
    if status:
        raise typer.Exit(status)


def _create_ledger_tables(url: str) -> None:
    from redline.ledger.ledger import Ledger

    try:
        Ledger.open(url).engine.dispose()
    except Exception as exc:  # a bad URL, an unreachable server
        raise usage_error(f"cannot open ledger {url}: {exc}") from None


@db_app.command("upgrade")
def db_upgrade(db: DbOption = DEFAULT_DB) -> None:
    """Create or upgrade the database schema to this version's."""
    from redline.store.migrate import current_revision

    engine = _engine(db)
    typer.echo(f"{db}: schema at {current_revision(engine)}")


@db_app.command("reset-cursors")
def db_reset_cursors(db: DbOption = DEFAULT_DB) -> None:
    """After restoring a backup: void every `GET /v1/decisions?after=` cursor handed out, so
    clients start again (410) instead of skipping decisions stored after the backup was taken."""
    from redline.store.decisions import renumber_feed

    renumber_feed(_engine(db, existing=True))
    typer.echo(f"{db}: polling cursors reset; clients start again with after=")


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Login name")],
    role: RoleOption,
    db: DbOption = DEFAULT_DB,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin's first line.")
    ] = False,
) -> None:
    """Add a person who logs in to the review queue."""
    from redline.store import accounts, audit

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    engine = _engine(db)
    try:
        with engine.begin() as connection:
            user = accounts.add_user(connection, name, role, password)
            audit.append(connection, _cli_actor(), "user.add", user.principal, {"role": role})
    except accounts.AccountError as exc:
        raise usage_error(str(exc)) from None
    typer.echo(f"added {user.name} ({user.role})")


@user_app.command("set")
def user_set(
    name: Annotated[str, typer.Argument(help="Login name")],
    db: DbOption = DEFAULT_DB,
    role: Annotated[
        str | None, typer.Option("--role", help="New role: reviewer, analyst or admin")
    ] = None,
    active: Annotated[
        bool | None, typer.Option("--enable/--disable", help="Let the person log in, or not")
    ] = None,
    password: Annotated[
        bool, typer.Option("--password", help="Set a new password (prompted)")
    ] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Set a new password read from stdin.")
    ] = False,
) -> None:
    """Change a person's role, disable or enable them, or set a new password (which, like
    disabling, ends their sessions). At least one active admin always remains."""
    from redline.store import accounts, audit

    if role is None and active is None and not (password or password_stdin):
        raise usage_error("nothing to change: give --role, --enable/--disable or --password")
    if password and password_stdin:
        raise usage_error("give one of --password and --password-stdin")
    engine = _engine(db, existing=True)  # no users there, and none to create
    with engine.connect() as connection:  # before asking for a password for nobody
        if accounts.user_named(connection, name) is None:
            raise usage_error(f"no user named {name!r}")
    new_password = None
    if password_stdin:
        new_password = sys.stdin.readline().rstrip("\r\n")
    elif password:
        new_password = typer.prompt("new password", hide_input=True, confirmation_prompt=True)
    try:
        with engine.begin() as connection:
            user = accounts.user_named(connection, name)
            if user is None:
                raise accounts.AccountError(f"no user named {name!r}")
            if role is not None or active is not None:
                user = accounts.update_user(connection, user.id, role=role, active=active)
            details: dict[str, object] = {"role": user.role, "active": user.active}
            if new_password is not None:
                user = accounts.set_password(connection, user.id, new_password)
                details["password"] = "set"
            audit.append(connection, _cli_actor(), "user.update", user.principal, details)
    except accounts.AccountError as exc:
        raise usage_error(str(exc)) from None
    state = "active" if user.active else "disabled"
    typer.echo(f"updated {user.name} ({user.role}, {state})")


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Argument(help="What the token is for (unique)")],
    role: Annotated[
        str, typer.Option("--role", help="screener, reviewer, analyst, admin or institution")
    ],
    db: DbOption = DEFAULT_DB,
    institution: Annotated[
        str | None,
        typer.Option("--institution", help="For --role institution: the ledger inst_id it writes"),
    ] = None,
) -> None:
    """Create an API token and print it once: only its hash is kept."""
    from redline.store import accounts, audit

    engine = _engine(db)
    try:
        with engine.begin() as connection:
            token, secret = accounts.create_token(connection, name, role, institution)
            details = {"role": role, **({"institution": institution} if institution else {})}
            audit.append(connection, _cli_actor(), "token.create", token.principal, details)
    except accounts.AccountError as exc:
        raise usage_error(str(exc)) from None
    bound = f", institution {institution}" if institution else ""
    err_console().print(f"token {name} ({role}{bound}); shown once, store it now:")
    typer.echo(secret)


@audit_app.command("verify")
def audit_verify(db: DbOption = DEFAULT_DB) -> None:
    """Check the audit log's hash chain; exit 1 and name each entry changed, removed or moved."""
    from redline.store import audit

    engine = _engine(db, read_only=True)
    with engine.connect() as connection:
        report = audit.verify(connection)
        guarded = audit.is_append_only(connection)
    if not guarded:  # the chain still proves what it covers, but edits are no longer refused
        err_console().print(
            "[yellow]warning:[/] the audit table's append-only triggers are missing (dropped by "
            "someone with DDL rights): edits are no longer refused, only the chain shows them"
        )
    for problem in report.problems:
        typer.echo(f"TAMPERED: {problem}")
    if not report.ok:
        typer.echo(
            f"audit log broken: {len(report.problems)} problem(s) in {report.checked} entries"
        )
        raise typer.Exit(1)
    typer.echo(f"audit log intact: {report.checked} entries verified")


@app.command("export-labels")
def export_labels(
    output: Annotated[Path, typer.Option("--output", "-o", help="JSONL file to write")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write reviewers' final decisions as labelled JSONL (id, text, label) for `redline train`."""
    from redline.store import review

    engine = _engine(db, read_only=True)
    output.parent.mkdir(parents=True, exist_ok=True)
    counts = {"violating_ad": 0, "benign": 0}
    partial = output.with_name(output.name + ".partial")
    with engine.connect() as connection, partial.open("w", encoding="utf-8") as sink:
        for post_id, text, label in review.labels(connection):
            sink.write(json.dumps({"id": post_id, "text": text, "label": label},
                                  ensure_ascii=False) + "\n")  # fmt: skip
            counts[label] += 1
    partial.replace(output)  # a crash never leaves a half-written labels file behind
    err_console().print(
        f"wrote {sum(counts.values())} labels to {output}: "
        f"{counts['violating_ad']} violating_ad, {counts['benign']} benign"
    )
