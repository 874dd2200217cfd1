"""The `redline` command: thin adapters from files and terminals to the core.

Each module here registers its commands on the one `app`; adding a command family is one
module and one name below. Exit status: 0 when every record was decided, 3 when some were
rejected (see the rejects file), 2 for a usage error (bad option, missing input, broken pack).
"""

from redline.cli import (  # noqa: F401  (importing a module registers its commands)
    ledger,
    link,
    packs,
    screen,
    serve,
    spark,
    training,
)
from redline.cli.app import app, main

__all__ = ["app", "main"]
