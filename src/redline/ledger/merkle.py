"""The RFC 6962 / RFC 9162 Merkle tree over entry hashes: roots, inclusion and consistency proofs.

Leaves are hashed `H(0x00 || leaf)` and interior nodes `H(0x01 || left || right)`, so a leaf can
never pass for a node. `CompactRange` keeps only the roots of the perfect subtrees that make up
the tree so far (at most log2(n) hashes): appending is amortised O(1) and the verifier can carry
a verified tree forward without reading old leaves again. Proof generation reads the leaves it
needs; proof verification follows RFC 9162 section 2.1.3.2 and 2.1.4.2 literally.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH over already leaf-hashed values (RFC 6962 2.1), iteratively: level by level."""
    if not leaf_hashes:
        return EMPTY_ROOT
    compact = CompactRange()
    for value in leaf_hashes:
        compact.append_hash(value)
    return compact.root()


@dataclass
class CompactRange:
    """The roots of the perfect subtrees covering leaves [0, size), largest first."""

    size: int = 0
    nodes: list[bytes] = field(default_factory=list)

    def append(self, leaf: bytes) -> None:
        self.append_hash(leaf_hash(leaf))

    def append_hash(self, value: bytes) -> None:
        nodes = self.nodes
        size = self.size
        while size & 1:
            value = node_hash(nodes.pop(), value)
            size >>= 1
        nodes.append(value)
        self.size += 1

    def root(self) -> bytes:
        if not self.nodes:
            return EMPTY_ROOT
        value = self.nodes[-1]
        for left in reversed(self.nodes[:-1]):
            value = node_hash(left, value)
        return value

    def spans(self) -> list[tuple[int, int]]:
        """The leaf range [start, end) each node covers, in the order of `nodes`."""
        result, start = [], 0
        for bit in reversed(range(self.size.bit_length())):
            if self.size >> bit & 1:
                result.append((start, start + (1 << bit)))
                start += 1 << bit
        return result

    def copy(self) -> CompactRange:
        return CompactRange(self.size, list(self.nodes))


# --- proofs ----------------------------------------------------------------------------------


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 6962 2.1.1 for leaf `index` of the tree over `leaf_hashes`."""
    n = len(leaf_hashes)
    if not 0 <= index < n:
        raise ValueError(f"leaf {index} is not in a tree of size {n}")
    proof: list[bytes] = []
    lo, hi = 0, n
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            proof.append(root_of(leaf_hashes[lo + k : hi]))
            hi = lo + k
        else:
            proof.append(root_of(leaf_hashes[lo : lo + k]))
            lo += k
    proof.reverse()
    return proof


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 2.1.3.2: does `proof` show that `leaf` (unhashed) is entry `index` of `root`?"""
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    r = leaf_hash(leaf)
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def consistency_proof(old_size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 6962 2.1.2, for 0 < m <= n."""
    n = len(leaf_hashes)
    if not 0 < old_size <= n:
        raise ValueError(f"no consistency proof from size {old_size} to {n}")
    return _subproof(old_size, leaf_hashes, 0, n, True)


def _subproof(m: int, leaves: Sequence[bytes], lo: int, hi: int, complete: bool) -> list[bytes]:
    n = hi - lo
    if m == n:
        return [] if complete else [root_of(leaves[lo:hi])]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves, lo, lo + k, complete), root_of(leaves[lo + k : hi])]
    return [*_subproof(m - k, leaves, lo + k, hi, False), root_of(leaves[lo : lo + k])]


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 2.1.4.2: is the tree of `new_root` an append-only extension of `old_root`'s?"""
    if old_size == new_size:
        return old_root == new_root and not proof
    if not 0 < old_size < new_size:
        return False
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is the first node
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
