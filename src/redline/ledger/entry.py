"""An event as an institution submits it, and the ledger entry it becomes.

The actor signs the submission (everything it states: type, institution, actor, event time,
payload), before the ledger has given it a place. The ledger then chains the entry:
`entry_hash = SHA256(0x00 || prev_hash || payload_hash || seq || ts || event_type || inst_id)`,
with `seq` as 8 big-endian bytes and each text as a 4-byte big-endian length then its UTF-8.
Length prefixes make the encoding unambiguous: no two field tuples share the same bytes.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, replace
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from redline.ledger.canonical import canonical_json, sha256

GENESIS_HASH = bytes(32)
"""`prev_hash` of entry 0."""

SIGNATURE_DOMAIN = b"redline-ledger-event-v1\n"
"""Prefix of every signed submission, so the signature cannot be replayed as anything else."""


@dataclass(frozen=True, slots=True)
class Submission:
    """One event as submitted: the one-line JSON format of LEDGER.md plus the signature."""

    event_type: str
    inst_id: str
    actor_id: str
    event_time: str
    payload: dict[str, Any]
    signature: str = ""

    def signed_bytes(self) -> bytes:
        """What the actor signs: the canonical JSON of the event without its signature."""
        return signed_bytes(
            self.event_type, self.inst_id, self.actor_id, self.event_time, self.payload
        )

    def signed_by(self, key: Ed25519PrivateKey) -> Submission:
        """This submission with the signature of `key` (the institution's private key)."""
        signature = base64.b64encode(key.sign(self.signed_bytes())).decode()
        return replace(self, signature=signature)

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_type": self.event_type,
            "inst_id": self.inst_id,
            "actor_id": self.actor_id,
            "event_time": self.event_time,
            "payload": self.payload,
            "signature": self.signature,
        }


def signed_bytes(
    event_type: str, inst_id: str, actor_id: str, event_time: str, payload: dict[str, Any]
) -> bytes:
    return signed_bytes_of(event_type, inst_id, actor_id, event_time, canonical_json(payload))


def signed_bytes_of(
    event_type: str, inst_id: str, actor_id: str, event_time: str, payload: bytes
) -> bytes:
    """The signed message, built around a payload already in canonical form.

    Equal to the canonical JSON of the whole event: keys in sorted order put `payload` last, so
    the canonical payload bytes can be spliced in without parsing them again.
    """
    dumps = orjson.dumps
    return b"".join(
        (
            SIGNATURE_DOMAIN,
            b'{"actor_id":',
            dumps(actor_id),
            b',"event_time":',
            dumps(event_time),
            b',"event_type":',
            dumps(event_type),
            b',"inst_id":',
            dumps(inst_id),
            b',"payload":',
            payload,
            b"}",
        )
    )


def _text(value: str) -> bytes:
    data = value.encode("utf-8")
    return len(data).to_bytes(4, "big") + data


def entry_hash(
    prev_hash: bytes, payload_hash: bytes, seq: int, ts: str, event_type: str, inst_id: str
) -> bytes:
    return sha256(
        b"\x00"
        + prev_hash
        + payload_hash
        + seq.to_bytes(8, "big")
        + _text(ts)
        + _text(event_type)
        + _text(inst_id)
    )


@dataclass(frozen=True, slots=True)
class Entry:
    """A ledger entry: the submission, its place (`seq`, `ts`) and its hashes.

    `payload` is kept as the canonical JSON text, exactly the bytes that were hashed.
    """

    seq: int
    ts: str
    event_time: str
    inst_id: str
    actor_id: str
    event_type: str
    payload: str
    payload_hash: bytes
    prev_hash: bytes
    entry_hash: bytes
    signature: str

    @classmethod
    def chain(
        cls,
        submission: Submission,
        seq: int,
        ts: str,
        prev_hash: bytes,
        payload: bytes | None = None,
    ) -> Entry:
        """The entry for `submission` at `seq`; `payload` is its canonical bytes if known."""
        if payload is None:
            payload = canonical_json(submission.payload)
        payload_hash = sha256(payload)
        return cls(
            seq=seq,
            ts=ts,
            event_time=submission.event_time,
            inst_id=submission.inst_id,
            actor_id=submission.actor_id,
            event_type=submission.event_type,
            payload=payload.decode("utf-8"),
            payload_hash=payload_hash,
            prev_hash=prev_hash,
            entry_hash=entry_hash(
                prev_hash, payload_hash, seq, ts, submission.event_type, submission.inst_id
            ),
            signature=submission.signature,
        )

    def payload_dict(self) -> dict[str, Any]:
        return orjson.loads(self.payload)

    def recomputed_payload_hash(self) -> bytes:
        return sha256(self.payload.encode("utf-8"))

    def recomputed_entry_hash(self, prev_hash: bytes) -> bytes:
        return entry_hash(
            prev_hash, self.payload_hash, self.seq, self.ts, self.event_type, self.inst_id
        )

    def signed_bytes(self) -> bytes:
        return signed_bytes_of(
            self.event_type,
            self.inst_id,
            self.actor_id,
            self.event_time,
            self.payload.encode("utf-8"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The export form: hashes in hex, payload as the canonical JSON text."""
        return {
            "seq": self.seq,
            "ts": self.ts,
            "event_time": self.event_time,
            "inst_id": self.inst_id,
            "actor_id": self.actor_id,
            "event_type": self.event_type,
            "payload": self.payload,
            "payload_hash": self.payload_hash.hex(),
            "prev_hash": self.prev_hash.hex(),
            "entry_hash": self.entry_hash.hex(),
            "signature": self.signature,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        return cls(
            seq=int(data["seq"]),
            ts=str(data["ts"]),
            event_time=str(data["event_time"]),
            inst_id=str(data["inst_id"]),
            actor_id=str(data["actor_id"]),
            event_type=str(data["event_type"]),
            payload=str(data["payload"]),
            payload_hash=bytes.fromhex(data["payload_hash"]),
            prev_hash=bytes.fromhex(data["prev_hash"]),
            entry_hash=bytes.fromhex(data["entry_hash"]),
            signature=str(data["signature"]),
        )
