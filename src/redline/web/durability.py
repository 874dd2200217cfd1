"""Which inline screening commits wait until the database has them on disk.

A flagged decision opens a review item and tells the platform to act on a post: losing it to a
power cut would leave an action nobody can review, so its commit is durable before the answer
goes out. An allow decision may be lost in the last fraction of a second before a crash of the
database's machine (not of redline): the platform's post stays up, as it would have anyway.
`all` makes every commit durable. PostgreSQL honours this with `synchronous_commit` per
connection (`web.postgres_commits`), SQLite by an fsync of its write-ahead log after the commit
(`web.sqlite_commits`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from redline.store.decisions import FLAGGED, ScreenedPost

Durability = Literal["flagged", "all"]
DURABILITY: tuple[Durability, ...] = ("flagged", "all")


def check_durability(durable: str) -> Durability:
    """`durable` if it is one of `DURABILITY`; ValueError naming them otherwise."""
    if durable not in DURABILITY:
        raise ValueError(f"durable must be one of {', '.join(DURABILITY)}, not {durable!r}")
    return durable  # type: ignore[return-value]


def waits_for_disk(durable: Durability, rows: Sequence[ScreenedPost]) -> bool:
    """Whether the commit of `rows` must be on disk before their requests are answered."""
    return durable == "all" or any(row.decision.get("verdict") in FLAGGED for row in rows)
