"""The review service's view of rings, when the rings store (`redline.store.rings`) is installed.

Rings are another feature (`redline link`); its `RingStore` keeps its own tables in the same
database. Without it (the `link` extra missing) every lookup says "unknown", and the API says
rings are not available, rather than an empty list that would read as "no rings found".
"""

from __future__ import annotations

from typing import Any


class RingsView:
    """Read-only access to rings; `available` is False when the rings store cannot be loaded."""

    def __init__(self, db_url: str) -> None:
        try:
            from redline.store.rings import RingStore
        except ImportError:
            self._store: Any = None
            return
        self._store = RingStore(db_url)

    @property
    def available(self) -> bool:
        return self._store is not None

    def list(self, limit: int, offset: int = 0, status: str | None = "active") -> list[dict]:
        return self._store.list_rings(status=status, limit=limit, offset=offset)

    def get(self, ring_id: str) -> dict[str, Any] | None:
        return self._store.ring(ring_id)

    def members(self, ring_id: str) -> list[dict[str, Any]]:
        return self._store.ring_records(ring_id)

    def history(self, ring_id: str) -> list[dict[str, Any]]:
        """The ring's events, oldest first: its own and those naming it (merged into another)."""
        return self._store.events(ring_id)

    def of_post(self, post_id: str) -> dict[str, Any] | None:
        """The ring a post belongs to (id, size, status...), or None when none is known."""
        if self._store is None:
            return None
        ring_id = self._store.ring_of(post_id)
        return self._store.ring(ring_id) if ring_id else None

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
