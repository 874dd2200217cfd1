"""RFC 6962 tree: roots against the recursive definition, proofs verified and refused."""

from __future__ import annotations

import hashlib

import pytest

from redline.ledger import merkle


def reference_root(leaves: list[bytes]) -> bytes:
    """MTH exactly as RFC 6962 2.1 writes it, recursively."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return hashlib.sha256(
        b"\x01" + reference_root(leaves[:k]) + reference_root(leaves[k:])
    ).digest()


LEAVES = [hashlib.sha256(str(i).encode()).digest() for i in range(19)]
HASHED = [merkle.leaf_hash(v) for v in LEAVES]


@pytest.mark.parametrize("size", range(0, 20))
def test_root_matches_the_rfc_definition(size: int) -> None:
    assert merkle.root_of(HASHED[:size]) == reference_root(LEAVES[:size])


def test_leaf_and_node_hashes_are_domain_separated() -> None:
    assert merkle.leaf_hash(b"ab") == hashlib.sha256(b"\x00ab").digest()
    assert merkle.node_hash(b"a", b"b") == hashlib.sha256(b"\x01ab").digest()


@pytest.mark.parametrize("size", [1, 2, 3, 7, 8, 9, 19])
def test_every_inclusion_proof_verifies_and_a_wrong_leaf_does_not(size: int) -> None:
    root = reference_root(LEAVES[:size])
    for index in range(size):
        proof = merkle.inclusion_proof(index, HASHED[:size])
        assert merkle.verify_inclusion(index, size, LEAVES[index], proof, root)
        assert not merkle.verify_inclusion(index, size, b"forged", proof, root)
        if size > 1:
            assert not merkle.verify_inclusion((index + 1) % size, size, LEAVES[index], proof, root)


@pytest.mark.parametrize("new_size", [2, 3, 5, 8, 13, 19])
def test_consistency_proofs_verify_and_a_rewritten_prefix_does_not(new_size: int) -> None:
    new_root = reference_root(LEAVES[:new_size])
    for old_size in range(1, new_size + 1):
        proof = merkle.consistency_proof(old_size, HASHED[:new_size])
        old_root = reference_root(LEAVES[:old_size])
        assert merkle.verify_consistency(old_size, new_size, old_root, new_root, proof)
        rewritten = reference_root([b"x", *LEAVES[1:old_size]])
        assert not merkle.verify_consistency(old_size, new_size, rewritten, new_root, proof)


def test_compact_range_appends_to_the_same_root_and_names_its_spans() -> None:
    compact = merkle.CompactRange()
    for value in LEAVES:
        compact.append(value)
    assert compact.root() == reference_root(LEAVES)
    assert compact.spans() == [(0, 16), (16, 18), (18, 19)]
    for (start, end), node in zip(compact.spans(), compact.nodes, strict=True):
        assert node == reference_root(LEAVES[start:end])
