"""Analyst key pairs: generation, files, key ids.

The bot host only ever loads public keys. Private keys are written by
`rostbot keygen` on the analyst's machine and read back by `rostbot export`.
Public keys are PEM SubjectPublicKeyInfo; private keys are PKCS#8, plain or inside an
age scrypt passphrase file (rostbot.crypto.key_files), so any HPKE implementation can
use them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import x25519

from rostbot.crypto import key_files
from rostbot.crypto.key_files import AgeFileError, KeyFormat


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


@dataclass(frozen=True)
class Rewrapped:
    """What `rewrap_private_key` did."""

    key_id: str
    log_n: int
    # The old file held the passphrase less its surrounding white space (old keygen
    # stripped passphrase files); the new one holds it exactly as given.
    was_stripped: bool


def key_id_for(public_key: x25519.X25519PublicKey) -> str:
    """Name a key by the first 8 bytes of SHA-256 over its raw 32-byte public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _plain_pem(private_key: x25519.X25519PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _protected(path: Path, private_key: x25519.X25519PrivateKey, passphrase: str) -> bytes:
    try:
        sealed, _ = key_files.wrap(_plain_pem(private_key), passphrase)
    except AgeFileError as exc:
        raise KeyFileError(f"cannot protect {path}: {exc}") from None
    return sealed


def generate_keypair(out: Path, passphrase: str | None = None) -> AnalystPublicKey:
    """Write a new private key to `out` (mode 0600) and its public key to `out.pub`.

    With a passphrase the private key is an age scrypt passphrase file, else plain
    PKCS#8 PEM.
    """
    public_path = Path(str(out) + ".pub")
    for path in (out, public_path):
        if path.exists():
            raise KeyFileError(f"{path} exists already; refusing to overwrite a key")
    if passphrase == "":
        raise KeyFileError("the passphrase is empty")
    private_key = x25519.X25519PrivateKey.generate()
    private_file = (
        _protected(out, private_key, passphrase) if passphrase else _plain_pem(private_key)
    )
    public_key = private_key.public_key()
    public_pem = public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(private_file)
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
    if b"PRIVATE KEY" in data or key_files.key_format(data) is KeyFormat.AGE:
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


def private_key_format(path: Path) -> KeyFormat:
    """The format of the key file at `path` (KeyFileError when it cannot be read)."""
    return key_files.key_format(_read(path))


def _x25519(path: Path, pem: bytes, what: str) -> AnalystPrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (TypeError, ValueError):
        raise KeyFileError(f"{path} {what}") from None
    if not isinstance(key, x25519.X25519PrivateKey):
        raise KeyFileError(f"{path} is not an X25519 key")
    return AnalystPrivateKey(key_id_for(key.public_key()), key)


def _old_encrypted(path: Path, data: bytes, passphrase: str) -> tuple[AnalystPrivateKey, bool]:
    """Open the old encrypted PKCS#8; (key, whether the stripped passphrase opened it)."""
    # keygen once stripped white space from passphrase files: the stripped text opens
    # such files. PBKDF2 at 2,048 rounds makes the second try cost nothing.
    tries = [passphrase]
    if passphrase.strip() and passphrase.strip() != passphrase:
        tries.append(passphrase.strip())
    for attempt in tries:
        try:
            key = serialization.load_pem_private_key(data, password=attempt.encode("utf-8"))
        except ValueError:
            continue
        except TypeError:
            break
        if not isinstance(key, x25519.X25519PrivateKey):
            raise KeyFileError(f"{path} is not an X25519 key")
        return AnalystPrivateKey(key_id_for(key.public_key()), key), attempt != passphrase
    raise KeyFileError(f"{path}: wrong passphrase, or the key file is damaged")


def _open(path: Path, passphrase: str | None) -> tuple[AnalystPrivateKey, KeyFormat, bool]:
    data = _read(path)
    found = key_files.key_format(data)
    if found is KeyFormat.PUBLIC:
        raise KeyFileError(f"{path} is a public key; give the private key (the file without .pub)")
    if found is KeyFormat.UNKNOWN:
        raise KeyFileError(f"{path} is not a private key file (PEM PKCS#8 or age)")
    if found is KeyFormat.PLAIN:
        if passphrase:
            raise KeyFileError(f"{path} is not protected by a passphrase")
        return _x25519(path, data, "is not a PEM private key"), found, False
    if not passphrase:
        raise KeyFileError(f"{path} needs its passphrase")
    if found is KeyFormat.OLD_ENCRYPTED:
        key, stripped = _old_encrypted(path, data, passphrase)
        return key, found, stripped
    try:
        pem = key_files.unwrap(data, passphrase)
    except AgeFileError as exc:
        raise KeyFileError(f"{path}: {exc}") from None
    key = _x25519(path, pem, "is an age file, but what it holds is not a private key")
    return key, found, False


def load_private_key(path: Path, passphrase: str | None = None) -> AnalystPrivateKey:
    """Read an analyst private key (X25519): plain PKCS#8, age passphrase file or old PKCS#8."""
    key, _, _ = _open(path, passphrase)
    return key


def rewrap_private_key(path: Path, passphrase: str, new_passphrase: str) -> Rewrapped:
    """Rewrite an old encrypted PKCS#8 key file as an age scrypt passphrase file.

    The key (so its id and `.pub`) stays. The new file replaces the old atomically: a
    temporary file (0600) beside it, flushed to disk, renamed over it.
    """
    found = private_key_format(path)
    if found is KeyFormat.AGE:
        raise KeyFileError(f"{path} is an age passphrase file already; nothing to rewrap")
    if found is KeyFormat.PLAIN:
        raise KeyFileError(f"{path} has no passphrase; nothing to rewrap")
    key, _, was_stripped = _open(path, passphrase)
    if not new_passphrase:
        raise KeyFileError("the new passphrase is empty")
    sealed = _protected(path, key.private_key, new_passphrase)
    _replace(path, sealed)
    return Rewrapped(key.key_id, key_files.scrypt_log_n(sealed), was_stripped)


def _replace(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.rewrap")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyFileError(
            f"{temporary} exists (left by an interrupted rewrap?); remove it and run again"
        ) from None
    except OSError as exc:
        raise KeyFileError(f"cannot write beside {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise KeyFileError(f"cannot replace {path}: {exc.strerror}") from None
