"""Test helper shared by the storage and service tests: what an attacker with DDL rights does
before editing the audit log (imported by tests; tests/ is on the path through its conftest)."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from redline.store import audit


def drop_audit_guard(connection: Connection) -> None:
    """Drop the triggers that make the audit log append-only."""
    on_table = " ON audit_log" if connection.dialect.name == "postgresql" else ""
    for name in audit.triggers(connection):
        connection.exec_driver_sql(f"DROP TRIGGER {name}{on_table}")
