"""Analyst key pairs: generation, files, key ids.

The bot host only ever loads public keys. Private keys are written by
`rostbot keygen` on the analyst's machine and read back by `rostbot export`.
Files use standard PEM encodings (SubjectPublicKeyInfo, PKCS#8) so any HPKE
implementation can use them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import x25519


class KeyFileError(Exception):
    """A key file is missing, unreadable, of the wrong kind or wrongly protected."""


@dataclass(frozen=True)
class AnalystPublicKey:
    key_id: str
    public_key: x25519.X25519PublicKey


@dataclass(frozen=True)
class AnalystPrivateKey:
    key_id: str
    private_key: x25519.X25519PrivateKey


def key_id_for(public_key: x25519.X25519PublicKey) -> str:
    """Name a key by the first 8 bytes of SHA-256 over its raw 32-byte public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def generate_keypair(out: Path, passphrase: bytes | None = None) -> AnalystPublicKey:
    """Write a new private key to `out` (mode 0600) and its public key to `out.pub`."""
    public_path = Path(str(out) + ".pub")
    for path in (out, public_path):
        if path.exists():
            raise KeyFileError(f"{path} exists already; refusing to overwrite a key")
    private_key = x25519.X25519PrivateKey.generate()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    private_pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    public_key = private_key.public_key()
    public_pem = public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(private_pem)
        public_path.write_bytes(public_pem)
    except OSError as exc:
        raise KeyFileError(f"cannot write key files at {out}: {exc.strerror}") from None
    return AnalystPublicKey(key_id_for(public_key), public_key)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"cannot read key file {path}: {exc.strerror}") from None


def load_public_key(path: Path) -> AnalystPublicKey:
    """Read one analyst public key (PEM SubjectPublicKeyInfo, X25519)."""
    data = _read(path)
    if b"PRIVATE KEY" in data:
        raise KeyFileError(
            f"{path} is a private key; the bot host takes only the analysts' public key (.pub)"
        )
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        raise KeyFileError(f"{path} is not a PEM public key") from None
    if not isinstance(key, x25519.X25519PublicKey):
        raise KeyFileError(f"{path} is not an X25519 key")
    return AnalystPublicKey(key_id_for(key), key)


def load_public_keys(paths: Sequence[Path]) -> list[AnalystPublicKey]:
    """Read the analyst public keys; the first one is used for new records."""
    if not paths:
        raise KeyFileError("no analyst public key given")
    keys = [load_public_key(p) for p in paths]
    ids = [k.key_id for k in keys]
    if len(set(ids)) != len(ids):
        raise KeyFileError("the same analyst key is listed twice")
    return keys


def load_private_key(path: Path, passphrase: bytes | None = None) -> AnalystPrivateKey:
    """Read an analyst private key (PEM PKCS#8, X25519, optionally passphrase-protected)."""
    data = _read(path)
    try:
        key = serialization.load_pem_private_key(data, password=passphrase or None)
    except TypeError:
        if passphrase:
            raise KeyFileError(f"{path} is not protected by a passphrase") from None
        raise KeyFileError(f"{path} needs its passphrase") from None
    except ValueError:
        raise KeyFileError(f"{path}: wrong passphrase or not a PEM private key") from None
    if not isinstance(key, x25519.X25519PrivateKey):
        raise KeyFileError(f"{path} is not an X25519 key")
    return AnalystPrivateKey(key_id_for(key.public_key()), key)
