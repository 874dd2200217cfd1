"""Users get a session generation: a signed session cookie is valid only while it matches.

Why: session cookies are signed, not stored, so logging out used to drop only the browser's
copy; a copy taken earlier stayed valid until it expired. Logging out (and disabling the
account) now increments the user's generation, which ends every cookie issued before. Existing
users start at the time of the upgrade in milliseconds, not at 0: applied again after a
downgrade, the revision gives every user a generation above any counted up since the first time,
so a cookie ended before the round trip cannot match again. Cookies issued before this revision
carry no generation and are refused.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("session_generation", sa.BigInteger, nullable=False, server_default="0")
        )
    # as `store.accounts.fresh_session_generation`, which a migration must not import
    op.execute(
        sa.text("UPDATE users SET session_generation = :fresh").bindparams(
            fresh=time.time_ns() // 1_000_000
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_generation")
