"""Signed checkpoints: the ledger operator's statement "the tree of size N has root R".

The signed body is a small text note in the style of C2SP checkpoints (origin, size, base64
root, time, one per line), so anyone can check it with any Ed25519 library. A checkpoint is only
worth something once it has left the operator's hands: exported, sent to the regulator or a peer.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from redline.ledger import keys


@dataclass(frozen=True, slots=True)
class Checkpoint:
    origin: str
    tree_size: int
    root_hash: bytes
    time: str
    public_key: str
    signature: str

    def body(self) -> bytes:
        return note_body(self.origin, self.tree_size, self.root_hash, self.time)

    def signature_ok(self, trusted: Ed25519PublicKey | None = None) -> bool:
        """Signed by `trusted`, or (when none is pinned) by the key the checkpoint names."""
        try:
            public = trusted or keys.public_from_b64(self.public_key)
        except keys.KeyFileError:
            return False
        if trusted is not None and keys.public_b64(trusted) != self.public_key:
            return False
        return keys.verify_b64(public, self.signature, self.body())

    def to_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash.hex(),
            "time": self.time,
            "public_key": self.public_key,
            "signature": self.signature,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Checkpoint:
        return cls(
            origin=str(data["origin"]),
            tree_size=int(data["tree_size"]),
            root_hash=bytes.fromhex(data["root_hash"]),
            time=str(data["time"]),
            public_key=str(data["public_key"]),
            signature=str(data["signature"]),
        )


def note_body(origin: str, tree_size: int, root_hash: bytes, time: str) -> bytes:
    root = base64.b64encode(root_hash).decode()
    return f"{origin}\n{tree_size}\n{root}\n{time}\n".encode()


def sign(
    key: Ed25519PrivateKey, origin: str, tree_size: int, root_hash: bytes, time: str
) -> Checkpoint:
    signature = keys.sign_b64(key, note_body(origin, tree_size, root_hash, time))
    return Checkpoint(origin, tree_size, root_hash, time, keys.public_b64(key), signature)
