"""Decisions get a cursor key, so a client polling `GET /v1/decisions?after=` misses none.

Why: `screened_at` is taken before the commit, and commits become visible out of that order
(two lanes per worker, several workers), so a client polling with `since=` the last time it saw
could skip a decision committed after a later-stamped one. The key orders rows so that nothing
can appear behind a position a reader has been given (`store.decisions.feed`):

- PostgreSQL: the inserting transaction's id (`pg_current_xact_id()`, 64 bits, never wraps), as
  the column's default. A reader returns only rows below the oldest transaction still running
  (`pg_snapshot_xmin`): every transaction below it is over, so no row can still appear there.
  (PostgreSQL 13 or later.)
- SQLite: one more than the largest key, given by the insert itself inside the write
  transaction. SQLite has one writer at a time, so keys are in commit order.

Rows stored before this revision get 0: they come first, in id order. A cursor carries the
feed's epoch (`server_settings.feed_epoch`), which this revision deletes so that the next start
makes a new one: applied again after a downgrade, it voids the cursors of the earlier pass.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

POSTGRESQL_KEY = "(pg_current_xact_id()::text::bigint)"
"""The writing transaction's id; xid8 has no cast to bigint, its text form does."""


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("cursor_key", sa.BigInteger, nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "postgresql":  # rows already there keep 0
        op.execute(f"ALTER TABLE decisions ALTER COLUMN cursor_key SET DEFAULT {POSTGRESQL_KEY}")
    op.create_index("ix_decisions_cursor_key_id", "decisions", ["cursor_key", "id"])
    # keys start over: cursors handed out before (an earlier pass through 0005) are void, and
    # `store.decisions.prepare_feed` makes a new epoch to tell their holders so
    op.execute("DELETE FROM server_settings WHERE name = 'feed_epoch'")


def downgrade() -> None:
    op.drop_index("ix_decisions_cursor_key_id", table_name="decisions")
    # not batch mode: rebuilding `decisions` on SQLite would drop a table review items refer to
    op.execute("ALTER TABLE decisions DROP COLUMN cursor_key")
