"""Signature checks: real signatures pass, anything else fails, and a key of small order cannot
be used to forge events (OpenSSL's Ed25519 accepts such a forgery; the ledger's check does not)."""

from __future__ import annotations

import base64
from dataclasses import replace
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from ledger_helpers import INST_KEY, fixed_key, registration

from redline.ledger import keys
from redline.ledger.ledger import Ledger

IDENTITY_POINT = bytes([1]) + bytes(31)
"""The neutral element's encoding: a public key of order 1, for which R = identity, S = 0 is a
"signature" of every message under the cofactorless equation."""
FORGED = base64.b64encode(IDENTITY_POINT + bytes(32)).decode()


def test_a_real_signature_passes_and_a_changed_message_or_key_fails() -> None:
    message = b"redline test message"
    signature = keys.sign_b64(INST_KEY, message)
    public = INST_KEY.public_key()
    assert keys.verify_b64(public, signature, message)
    assert not keys.verify_b64(public, signature, message + b"!")
    assert not keys.verify_b64(fixed_key("someone else").public_key(), signature, message)


def test_malformed_signatures_fail_instead_of_raising() -> None:
    public = INST_KEY.public_key()
    good = base64.b64decode(keys.sign_b64(INST_KEY, b"m"))
    for signature in ("", "not base64!", base64.b64encode(good[:63]).decode(), "A" * 88 + "=="):
        assert not keys.verify_b64(public, signature, b"m")


def test_a_small_order_key_cannot_sign_anything() -> None:
    weak = Ed25519PublicKey.from_public_bytes(IDENTITY_POINT)
    assert not keys.verify_b64(weak, FORGED, b"any event at all")


def test_an_institution_cannot_register_a_small_order_key(tmp_path: Path) -> None:
    signed = registration()
    payload = {**signed.payload, "public_key": base64.b64encode(IDENTITY_POINT).decode()}
    forged = replace(signed, payload=payload, signature=FORGED)
    ledger = Ledger.open(tmp_path / "ledger.db")
    report = ledger.append([forged])
    assert report.written == 0
    assert "signature" in report.rejects[0].reason
    assert ledger.size() == 0
