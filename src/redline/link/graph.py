"""The link graph: records and contact points interned to integers, mentions in flat arrays.

A million posts with two million mentions must fit one core and little memory, so nothing here
holds a Python object per edge: each mention is two machine integers in `array`s, records and
entities are list indices, and the ring computation (`redline.link.rings`) works on these.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

import numpy as np

from redline.link.entities import EntityKey
from redline.link.records import LinkRecord

NO_ACCOUNT = -1
KIND_CODES: dict[str, int] = {"post": 0, "waybill": 1, "seizure": 2}


class LinkGraph:
    """Flagged posts and shipments (nodes), accounts and contact points (what links them).

    Benign posts are not nodes: they only record which contact points ordinary posts use
    (`benign_entity`, with the posting account in `benign_account`), which is how a public
    hotline is told from an operation's phone. `benign_counts` leaves out allowed posts of
    accounts that also post flagged ones: those are the operation's own ads the screener missed.
    """

    def __init__(self) -> None:
        self.record_ids: list[str] = []
        self.record_kind = array("b")
        self.record_flagged = array("b")
        self.record_account = array("q")
        self.account_names: list[str] = []
        self.entity_keys: list[EntityKey] = []
        self.benign_entity = array("q")
        self.benign_account = array("q")
        self.mention_record = array("q")
        self.mention_entity = array("q")
        self._accounts: dict[str, int] = {}
        self._entities: dict[tuple[str, str], int] = {}
        self._record_index: dict[str, int] = {}

    @property
    def n_records(self) -> int:
        return len(self.record_ids)

    def entity_index(self, key: tuple[str, str]) -> int:
        """The integer id of a contact point, interning it on first sight."""
        index = self._entities.get(key)
        if index is None:
            index = len(self.entity_keys)
            self._entities[key] = index
            self.entity_keys.append(EntityKey(*key))
        return index

    def account_index(self, account: str | None) -> int:
        if account is None:
            return NO_ACCOUNT
        index = self._accounts.get(account)
        if index is None:
            index = len(self.account_names)
            self._accounts[account] = index
            self.account_names.append(account)
        return index

    def record_index(self, record_id: str) -> int | None:
        return self._record_index.get(record_id)

    def add(self, record: LinkRecord) -> None:
        """Add a record: flagged posts and shipments become nodes, benign posts only counts.

        A record id seen before is ignored (the first copy wins), so re-reading a file twice
        does not double a ring.
        """
        if not record.flagged and record.kind == "post":
            self.add_benign(record.entities, record.account)
            return
        self.add_node(
            record.id, record.entities, record.account, KIND_CODES[record.kind], record.flagged
        )

    def add_benign(self, entities: Iterable[tuple[str, str]], account: str | None = None) -> None:
        """Note the contact points of a post screened as allowed."""
        account_index = self.account_index(account)
        for key in entities:
            self.benign_entity.append(self.entity_index(key))
            self.benign_account.append(account_index)

    def benign_counts(self) -> np.ndarray:
        """Per contact point: allowed posts printing it, by accounts with no flagged post."""
        entity = np.frombuffer(self.benign_entity, dtype=np.int64)
        account = np.frombuffer(self.benign_account, dtype=np.int64)
        flagged_accounts = np.zeros(len(self.account_names) + 1, dtype=bool)
        records = np.frombuffer(self.record_account, dtype=np.int64)
        flagged = np.frombuffer(self.record_flagged, dtype=np.int8).astype(bool)
        flagged_accounts[records[flagged & (records != NO_ACCOUNT)]] = True
        ordinary = (account == NO_ACCOUNT) | ~flagged_accounts[account]
        return np.bincount(entity[ordinary], minlength=len(self.entity_keys))

    def add_node(
        self,
        record_id: str,
        entities: Iterable[tuple[str, str]],
        account: str | None = None,
        kind: int = 0,
        flagged: bool = True,
    ) -> int | None:
        """Add one node with already-normalised `(type, value)` keys; its index, or None if seen.

        The fast path the scale benchmark drives directly: no `LinkRecord`, no dataclass.
        """
        if record_id in self._record_index:
            return None
        index = len(self.record_ids)
        self._record_index[record_id] = index
        self.record_ids.append(record_id)
        self.record_kind.append(kind)
        self.record_flagged.append(1 if flagged else 0)
        self.record_account.append(self.account_index(account))
        intern = self.entity_index
        for key in entities:
            self.mention_record.append(index)
            self.mention_entity.append(intern(key))
        return index
