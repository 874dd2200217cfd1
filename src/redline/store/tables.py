"""Every table of the review service, on one `MetaData`, so Alembic can compare it to the database.

Why one module: the tables reference each other (review items point at decisions, claims at
users), and the migration test checks that the migrations build exactly this schema. The code
that reads and writes each table lives in the module named for what it holds (`decisions`,
`review`, `accounts`, `audit`, `settings`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = sa.MetaData(naming_convention=NAMING)


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """A UTC timestamp that comes back timezone-aware on SQLite too (which stores it naive)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("id", sa.String(256), primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("verdict", sa.String(16), nullable=False, index=True),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("packs", sa.String(256), nullable=False),  # ",cn,in," for a LIKE filter
    sa.Column("decision", sa.Text, nullable=False),  # Decision.to_dict() as JSON
    sa.Column("meta", sa.Text, nullable=True),  # the post's other fields as JSON
    sa.Column("source", sa.String(128), nullable=False),  # who screened it: token:NAME
    sa.Column("screened_at", UtcDateTime, nullable=False, index=True),
    # where the row sits in the order `GET /v1/decisions?after=` reads (revision 0005): on
    # PostgreSQL the inserting transaction's id (the column default), on SQLite one more than
    # the largest, given by the insert itself; 0 for rows stored before 0005 (`decisions.feed`)
    sa.Column("cursor_key", sa.BigInteger, nullable=False, server_default="0"),
    sa.Index("ix_decisions_cursor_key_id", "cursor_key", "id"),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(256), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    # a session cookie names the generation it was issued in; logging out moves it on (0004)
    sa.Column("session_generation", sa.BigInteger, nullable=False, server_default="0"),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),  # sha256 hex
    sa.Column("prefix", sa.String(16), nullable=False),  # shown in listings, never enough to use
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
    sa.Column("institution", sa.String(64), nullable=True),  # the ledger inst_id it may write
)

review_items = sa.Table(
    "review_items",
    metadata,
    sa.Column("decision_id", sa.String(256), sa.ForeignKey("decisions.id"), primary_key=True),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # open|escalated|confirmed|dismissed
    sa.Column("claimed_by", sa.String(128), nullable=True),  # user:NAME or token:NAME
    sa.Column("claim_expires_at", UtcDateTime, nullable=True),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index("ix_review_items_status_score", "status", "score"),
)

review_decisions = sa.Table(
    "review_decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "decision_id", sa.String(256), sa.ForeignKey("decisions.id"), nullable=False, index=True
    ),
    sa.Column("reviewer", sa.String(128), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),  # confirm|dismiss|escalate
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("decided_at", UtcDateTime, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("at", sa.String(40), nullable=False),  # ISO 8601 text: hashed exactly as stored
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("subject", sa.String(256), nullable=False),
    sa.Column("details", sa.Text, nullable=False),  # canonical JSON
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False, unique=True),
)

APPEND_ONLY_MESSAGE = "audit_log is append-only"
"""What the append-only triggers (revision 0003) answer an UPDATE or DELETE of `audit_log` with."""
APPEND_ONLY_TRIGGERS = {
    "sqlite": frozenset({"audit_log_no_update", "audit_log_no_delete"}),
    "postgresql": frozenset({"audit_log_no_change", "audit_log_no_truncate"}),
}
"""The triggers revision 0003 installs to make `audit_log` append-only, by dialect."""


audit_head = sa.Table(
    "audit_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)
"""One row: the last entry's number and hash. Appends lock it, so the chain never forks."""

server_settings = sa.Table(
    "server_settings",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
