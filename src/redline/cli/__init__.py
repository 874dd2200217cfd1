"""The `redline` command: thin adapters from files and terminals to the core.

Each module here registers its commands on the one `app` when imported; adding a command
family is one module and its command names in `COMMAND_MODULES`. `main` imports only the module
of the command being run (the others cost a start-up 40 ms that a scan in a pipeline pays per
file); `--help`, an unknown command, and `from redline.cli import app` import them all. Exit
status: 0 when every record was decided, 3 when some were rejected (see the rejects file), 2 for
a usage error (bad option, missing input, broken pack).
"""

import sys
from importlib import import_module
from typing import Any

COMMAND_MODULES: dict[str, str] = {
    "scan": "screen",
    "explain": "screen",
    "eval": "screen",
    "pack": "packs",
    "link": "link",
    "packet": "link",
    "verify": "link",
    "serve": "serve",
    "db": "serve",
    "user": "serve",
    "token": "serve",
    "audit": "serve",
    "export-labels": "serve",
    "ledger": "ledger",
    "spark-scan": "spark",
    "train": "training",
    "synth": "training",
}
"""Each top-level command (or command group) and the module under `redline.cli` defining it."""


def register(command: str | None = None) -> Any:
    """The app with `command`'s module imported (every module when None or unknown)."""
    module = COMMAND_MODULES.get(command or "")
    names = [module] if module else sorted(set(COMMAND_MODULES.values()))
    for name in names:
        import_module(f"redline.cli.{name}")
    from redline.cli.root import app

    return app


def main() -> None:
    """`redline ARGS`: registers the command named first in ARGS, then runs the app."""
    register(sys.argv[1] if len(sys.argv) > 1 else None)
    from redline.cli.root import main as run_app

    run_app()


def __getattr__(name: str) -> Any:
    """The root `app`, with every command registered (tests, embedding)."""
    if name == "app":
        return register()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["COMMAND_MODULES", "app", "main", "register"]
