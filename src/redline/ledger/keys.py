"""Ed25519 keys: generated, saved, loaded, and used to sign and check bytes.

Institutions sign their events with their own key (its public half is registered in the ledger);
the ledger operator signs checkpoints with another. Public keys travel as base64 of the raw 32
bytes, the form that fits in a JSON payload and a checkpoint line.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from nacl.bindings import crypto_sign_open
from nacl.exceptions import CryptoError


class KeyFileError(ValueError):
    """A key file or key string that cannot be used."""


def generate() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_b64(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def public_from_b64(text: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(text, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise KeyFileError(f"not a base64 Ed25519 public key: {exc}") from None


def save_private(key: Ed25519PrivateKey, path: Path) -> Path:
    """Write the private key (PKCS#8 PEM, mode 0600) and `PATH.pub` (base64 public key)."""
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=False)
    path.write_bytes(pem)
    public_path = path.with_name(path.name + ".pub")
    public_path.write_text(public_b64(key) + "\n")
    return public_path


def load_private(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise KeyFileError(f"{path}: cannot read a private key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path}: not an Ed25519 private key")
    return key


def load_public(path: Path) -> Ed25519PublicKey:
    """A public key file: base64 raw key (as `save_private` writes) or a PEM public key."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"{path}: {exc}") from None
    if data.startswith(b"-----BEGIN"):
        key = serialization.load_pem_public_key(data)
        if not isinstance(key, Ed25519PublicKey):
            raise KeyFileError(f"{path}: not an Ed25519 public key")
        return key
    return public_from_b64(data.decode("ascii", "replace").strip())


def sign_b64(key: Ed25519PrivateKey, message: bytes) -> str:
    return base64.b64encode(key.sign(message)).decode()


def verify_b64(public: Ed25519PublicKey, signature: str, message: bytes) -> bool:
    """Whether `signature` (base64) is `public`'s Ed25519 signature of `message`.

    Checked by libsodium (PyNaCl, also PyCA's) rather than OpenSSL: signature checks are most of
    the time of appending to and verifying a ledger, and libsodium's take about two thirds of
    the time here. It is also the stricter of the two (it refuses small-order keys and
    non-canonical points), and every check of the ledger goes through this one function, so
    intake and `verify` can never disagree about a signature.
    """
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError, TypeError):
        return False
    if len(raw) != 64:
        return False
    try:
        crypto_sign_open(raw + message, public.public_bytes_raw())
    except (CryptoError, ValueError, TypeError):
        return False
    return True
