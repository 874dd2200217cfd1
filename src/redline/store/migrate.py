"""Bring a database to the current schema with the Alembic revisions shipped in the package.

Why programmatic: `redline serve` and `redline db upgrade` must work from an installed package,
with no alembic.ini beside it. Several server workers must not race to create tables, so `serve`
upgrades once before it starts them, and PostgreSQL upgrades hold an advisory lock.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

SCRIPT_LOCATION = "redline.store:migrations"
_UPGRADE_LOCK_KEY = 0x7265646C  # "redl": one PostgreSQL advisory lock for schema upgrades


class SchemaOutOfDate(RuntimeError):
    """The database is not at the schema this code expects; run `redline db upgrade`."""


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the package ships no schema revision"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Apply every pending revision in one transaction; returns the revision now current."""
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_UPGRADE_LOCK_KEY})")
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return current_revision(engine)


def ensure_current(engine: Engine) -> None:
    """Refuse to serve a database whose schema is older (or newer) than this code's."""
    found, wanted = current_revision(engine), head_revision()
    if found != wanted:
        raise SchemaOutOfDate(
            f"database schema is at {found or 'nothing'}, this redline needs {wanted}: "
            "run `redline db upgrade --db URL`"
        )
