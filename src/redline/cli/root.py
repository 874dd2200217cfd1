"""The `redline` app and what its commands share: options, error output, pipeline loading.

Exit status: 0 when every record was decided, 3 when some were rejected (see the rejects
file), 2 for a usage error (bad option, missing input, broken pack).

A start of `redline` imports the module of the command it runs (all of them for `--help`) and
has typer read each registered command's signature. So the modules import what only some of
their commands need (the core, storage, rich tables and progress bars...) inside the functions
that use it, and do not use `from __future__ import annotations`: typer would `eval` each
annotation string at every start.
"""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Find ads for banned fetal sex identification, sex selection and blood-sample smuggling.",
)


@app.callback()
def _commands() -> None:
    """Makes `app` a group of commands however few are registered: `redline.cli.main` registers
    only the one being run, and typer runs a lone command without its name."""


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


def err_console() -> "Console":
    from rich.console import Console

    return Console(stderr=True)


def say(message: str) -> None:
    """One line of plain text on stderr: through rich on a terminal, as is otherwise (importing
    rich's console is 30 ms of a start that a scan in a pipeline need not pay)."""
    if sys.stderr.isatty():
        err_console().print(message, markup=False)
    else:
        sys.stderr.write(message + "\n")


def usage_error(message: str) -> typer.Exit:
    from rich.markup import escape

    err_console().print(f"[red]error:[/red] {escape(message)}")
    return typer.Exit(USAGE_ERROR)


def load_pipeline(packs: list[str] | None, model: Path | None):
    from redline.pipeline import Pipeline
    from redline.policy import PackError

    try:
        return Pipeline.load(packs or (), model)
    except (PackError, OSError, ValueError) as exc:
        raise usage_error(str(exc)) from None


_EXTRA_OF_MODULE = {
    "pyarrow": "parquet",
    "sqlalchemy": "store",
    "psycopg": "store",
    "alembic": "store",
    "networkx": "link",
    "matplotlib": "link",
    "jinja2": "link",
    "cryptography": "ledger",
    "nacl": "ledger",
    "fastapi": "serve",
    "uvicorn": "serve",
    "argon2": "serve",
    "multipart": "serve",
    "pyspark": "spark",
    "pandas": "spark",
}
"""Optional dependencies and the extra that installs each (pyproject.toml)."""


def main() -> None:
    """Run the app; a command whose optional dependency is missing says which extra to install."""
    try:
        app()
    except ModuleNotFoundError as exc:
        extra = _EXTRA_OF_MODULE.get((exc.name or "").split(".")[0])
        if extra is None:
            raise
        from rich.markup import escape

        needs = f"this command needs {exc.name}: pip install 'redline[{extra}]'"
        err_console().print(f"[red]error:[/red] {escape(needs)}")
        raise SystemExit(USAGE_ERROR) from None
