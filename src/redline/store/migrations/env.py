"""Alembic environment: runs on the connection `redline.store.migrate` hands over.

Run from the command line (`alembic -c ...`) it opens `sqlalchemy.url` through redline's engine,
so SQLite gets the same pragmas as at run time.
"""

from __future__ import annotations

from alembic import context

from redline.store.engine import create_engine
from redline.store.tables import metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as own_connection:
        context.configure(connection=own_connection, target_metadata=metadata, render_as_batch=True)
        context.run_migrations()


run_migrations()
