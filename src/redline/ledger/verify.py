"""Verification: recompute the chain, the Merkle roots, the signatures, and check checkpoints.

Every entry is checked against its own fields (payload hash, entry hash), against the entry
before (`prev_hash`), and against its institution's registered key (signature). Every checkpoint
is checked for its signature and against the root recomputed at its size. Successive checkpoints
are consistent exactly when each root is the root of a prefix of the same leaves, which is what
recomputing them from one stream of entries establishes.

Incremental: a `VerifiedState` (what the last successful run saw: size, root, the compact range
and the chain head) lets the next run read only the new entries. Its compact range extended by
the new leaves must reproduce the new checkpoints: that is the RFC 6962 consistency check,
without reading the old leaves. A checkpoint the state remembers whose root has changed means
history was rewritten; the run then locates the rewritten range by comparing subtree roots.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from redline.ledger import keys
from redline.ledger.checkpoint import Checkpoint
from redline.ledger.entry import GENESIS_HASH
from redline.ledger.merkle import CompactRange, leaf_hash, root_of
from redline.ledger.sources import EntrySource

MAX_ISSUES = 50
"""Issues listed per run; the first names the first bad entry, the rest help find the extent."""


@dataclass(frozen=True, slots=True)
class Issue:
    """Something verification found wrong; `seq` is the entry it points at (None: not one)."""

    kind: str
    seq: int | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "seq": self.seq, "message": self.message}


@dataclass
class VerifiedState:
    """What a successful verification established, to carry forward (kept outside the DB)."""

    tree_size: int
    root_hash: bytes
    head_hash: bytes
    compact: list[bytes]
    last_ts: str
    checkpoint_roots: dict[int, bytes]

    def to_dict(self) -> dict[str, Any]:
        return {
            "tree_size": self.tree_size,
            "root_hash": self.root_hash.hex(),
            "head_hash": self.head_hash.hex(),
            "compact": [n.hex() for n in self.compact],
            "last_ts": self.last_ts,
            "checkpoint_roots": {str(k): v.hex() for k, v in self.checkpoint_roots.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VerifiedState:
        return cls(
            tree_size=int(data["tree_size"]),
            root_hash=bytes.fromhex(data["root_hash"]),
            head_hash=bytes.fromhex(data["head_hash"]),
            compact=[bytes.fromhex(n) for n in data["compact"]],
            last_ts=str(data["last_ts"]),
            checkpoint_roots={
                int(k): bytes.fromhex(v) for k, v in data["checkpoint_roots"].items()
            },
        )

    def save(self, path: Path) -> None:
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(orjson.dumps(self.to_dict(), option=orjson.OPT_INDENT_2))
        partial.replace(path)

    @classmethod
    def load(cls, path: Path) -> VerifiedState:
        try:
            return cls.from_dict(orjson.loads(path.read_bytes()))
        except (OSError, orjson.JSONDecodeError, KeyError, ValueError, TypeError) as exc:
            raise ValueError(f"{path}: not a verification state file ({exc})") from None


@dataclass
class VerifyReport:
    entries_checked: int = 0
    tree_size: int = 0
    start: int = 0
    root_hash: bytes = b""
    checkpoints_checked: int = 0
    issues: list[Issue] = field(default_factory=list)
    state: VerifiedState | None = None

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def first_bad_seq(self) -> int | None:
        seqs = [i.seq for i in self.issues if i.seq is not None]
        return min(seqs) if seqs else None

    def add(self, kind: str, seq: int | None, message: str) -> None:
        if len(self.issues) < MAX_ISSUES:
            self.issues.append(Issue(kind, seq, message))

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries_checked": self.entries_checked,
            "start": self.start,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash.hex(),
            "checkpoints_checked": self.checkpoints_checked,
            "first_bad_seq": self.first_bad_seq,
            "issues": [i.to_dict() for i in self.issues],
        }


def verify(
    source: EntrySource,
    *,
    trusted_key: Ed25519PublicKey | None = None,
    state: VerifiedState | None = None,
    trusted_checkpoints: Iterable[Checkpoint] = (),
) -> VerifyReport:
    """Check `source` from the start, or from `state` onwards; see the module doc."""
    report = VerifyReport(start=state.tree_size if state else 0)
    signed = source.checkpoints()
    by_size: dict[int, Checkpoint] = {}
    for cp in signed:
        if not cp.signature_ok(trusted_key):
            report.add(
                "checkpoint_signature", None, f"checkpoint at size {cp.tree_size}: bad signature"
            )
        by_size[cp.tree_size] = cp
    signers = sorted({cp.public_key for cp in signed})
    if trusted_key is None and len(signers) > 1:
        report.add(
            "checkpoint_key",
            None,
            f"checkpoints are signed by {len(signers)} different "
            "keys; pin the operator's key (--key) to tell which are genuine",
        )
    expected: dict[int, bytes] = dict(state.checkpoint_roots) if state else {}
    for cp in trusted_checkpoints:
        if cp.signature_ok(trusted_key):
            expected[cp.tree_size] = cp.root_hash
        else:
            report.add(
                "checkpoint_signature", None, f"trusted checkpoint {cp.tree_size}: bad signature"
            )
    if state is not None:
        _check_state(source, state, by_size, report)
    tree = CompactRange(state.tree_size, list(state.compact)) if state else CompactRange()
    prev_hash = state.head_hash if state else GENESIS_HASH
    last_ts = state.last_ts if state else ""
    institution_keys = _keys_before(source, report.start)
    seq_expected = report.start
    for entry in source.entries(report.start):
        seq = entry.seq
        if seq != seq_expected:
            if seq > seq_expected:
                report.add("gap", seq_expected, f"entries {seq_expected}..{seq - 1} are missing")
            else:
                report.add(
                    "order", seq, f"entry {seq} appears again after entry {seq_expected - 1}"
                )
            seq_expected = seq
        if entry.recomputed_payload_hash() != entry.payload_hash:
            report.add("payload", seq, f"entry {seq}: payload does not match its payload_hash")
        if entry.recomputed_entry_hash(entry.prev_hash) != entry.entry_hash:
            report.add("entry_hash", seq, f"entry {seq}: entry_hash does not match its fields")
        if entry.prev_hash != prev_hash:
            report.add("chain", seq, f"entry {seq}: prev_hash is not entry {seq - 1}'s hash")
        if entry.ts < last_ts:
            report.add("ts", seq, f"entry {seq}: recorded time goes back ({entry.ts} < {last_ts})")
        _check_signature(entry, institution_keys, report)
        tree.append(entry.entry_hash)
        prev_hash, last_ts = entry.entry_hash, entry.ts
        seq_expected += 1
        report.entries_checked += 1
        size = tree.size
        if size in by_size or size in expected:
            root = tree.root()
            cp = by_size.get(size)
            if cp is not None:
                report.checkpoints_checked += 1
                if cp.root_hash != root:
                    report.add(
                        "checkpoint_root",
                        seq,
                        f"checkpoint at size {size}: root differs "
                        f"from the entries 0..{seq} (history changed at or before {seq})",
                    )
            if size in expected and expected[size] != root:
                report.add(
                    "rewritten",
                    seq,
                    f"the root at size {size} differs from the one "
                    f"verified before: history rewritten at or before entry {seq}",
                )
    report.tree_size = tree.size
    report.root_hash = tree.root()
    for size in by_size:
        if size > tree.size:
            report.add(
                "truncated",
                tree.size,
                f"checkpoint at size {size} covers entries "
                f"{tree.size}..{size - 1}, which are missing",
            )
    if report.ok:
        roots = dict(expected)
        roots.update({s: cp.root_hash for s, cp in by_size.items()})
        report.state = VerifiedState(
            tree.size, report.root_hash, prev_hash, list(tree.nodes), last_ts, roots
        )
    return report


def _check_signature(entry: Any, institution_keys: dict[str, Any], report: VerifyReport) -> None:
    seq = entry.seq
    if entry.event_type == "INSTITUTION_REGISTERED":
        try:
            public = keys.public_from_b64(entry.payload_dict().get("public_key", ""))
        except (keys.KeyFileError, orjson.JSONDecodeError, AttributeError):
            report.add("signature", seq, f"entry {seq}: registers an unusable public key")
            return
    else:
        public = institution_keys.get(entry.inst_id)
        if public is None:
            report.add(
                "signature",
                seq,
                f"entry {seq}: institution {entry.inst_id!r} is not registered before it",
            )
            return
    if not keys.verify_b64(public, entry.signature, entry.signed_bytes()):
        report.add("signature", seq, f"entry {seq}: signature is not {entry.inst_id!r}'s")
        return
    if entry.event_type == "INSTITUTION_REGISTERED":
        institution_keys.setdefault(entry.inst_id, public)


def _keys_before(source: EntrySource, start: int) -> dict[str, Ed25519PublicKey]:
    found: dict[str, Ed25519PublicKey] = {}
    if start == 0:
        return found
    for entry in source.entries(0, ["INSTITUTION_REGISTERED"]):
        if entry.seq >= start:
            break
        try:
            found.setdefault(
                entry.inst_id, keys.public_from_b64(entry.payload_dict()["public_key"])
            )
        except (keys.KeyFileError, KeyError, orjson.JSONDecodeError):
            continue
    return found


def _check_state(
    source: EntrySource, state: VerifiedState, by_size: dict[int, Checkpoint], report: VerifyReport
) -> None:
    """Before reading new entries: the state is whole, and old checkpoints did not change."""
    tree = CompactRange(state.tree_size, list(state.compact))
    if tree.root() != state.root_hash:
        raise ValueError("verification state is corrupt: its compact range does not give its root")
    if state.tree_size:
        last_seq = state.tree_size - 1
        last = next(iter(source.entries(last_seq)), None)
        if last is None or last.seq != last_seq:
            report.add("truncated", last_seq, f"entry {last_seq}, verified before, is missing")
        elif last.entry_hash != state.head_hash:
            where = locate_rewrite(source, state)
            span = f"entries {where[0]}..{where[1] - 1}" if where else f"entry {last_seq}"
            report.add(
                "rewritten",
                where[0] if where else last_seq,
                f"history rewritten: {span} differ from the verified state",
            )
    changed = [
        size
        for size, cp in by_size.items()
        if size <= state.tree_size
        and size in state.checkpoint_roots
        and state.checkpoint_roots[size] != cp.root_hash
    ]
    if not changed:
        return
    where = locate_rewrite(source, state)
    for size in sorted(changed):
        report.add(
            "rewritten",
            where[0] if where else None,
            f"checkpoint at size {size} was re-signed over a different history"
            + (
                f"; entries {where[0]}..{where[1] - 1} differ from the verified state"
                if where
                else ""
            ),
        )


def locate_rewrite(source: EntrySource, state: VerifiedState) -> tuple[int, int] | None:
    """The first subtree [start, end) of the verified state whose leaves changed since."""
    leaves: list[bytes] = []
    for entry in source.entries(0):
        if entry.seq >= state.tree_size:
            break
        leaves.append(leaf_hash(entry.entry_hash))
    spans = CompactRange(state.tree_size, list(state.compact)).spans()
    for (start, end), node in zip(spans, state.compact, strict=True):
        if end > len(leaves) or root_of(leaves[start:end]) != node:
            return start, end
    return None
