"""Looking for the analysts' private key where it must never be: on the bot host.

The bot host holds the analysts' public keys only; a private key beside them would let a
thief of the host open every sealed answer. `rostbot doctor` looks in the folders of the
public keys and of the server secret for files shaped like an analyst's private key, as
`rostbot keygen` writes them: plain PKCS#8 holding an X25519 key, an age passphrase file,
or the old encrypted PKCS#8. Other private keys (a TLS key) and age files encrypted to a
recipient (a backup) are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import x25519

from rostbot.crypto import key_files
from rostbot.crypto.analyst_keys import key_id_for
from rostbot.crypto.key_files import AgeFileError, KeyFormat, key_format

MAX_KEY_FILE_BYTES = 64 * 1024  # key files are a few hundred bytes; skip anything larger


@dataclass(frozen=True)
class FoundPrivateKey:
    path: Path
    kind: str  # what the file is, in words
    key_id: str | None  # the key id, when the file is readable without a passphrase


def folders_to_scan(paths: Iterable[Path | None]) -> list[Path]:
    """The folders holding these files, each once, in order."""
    seen: list[Path] = []
    for path in paths:
        if path is None:
            continue
        folder = path.resolve().parent
        if folder not in seen:
            seen.append(folder)
    return seen


def private_keys_in(folder: Path) -> list[FoundPrivateKey]:
    """Analyst private key files directly in `folder` (unreadable files are skipped)."""
    found = []
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    for entry in entries:
        try:
            if not entry.is_file() or entry.stat().st_size > MAX_KEY_FILE_BYTES:
                continue
            data = entry.read_bytes()
        except OSError:
            continue
        key = _analyst_private_key(entry, data)
        if key is not None:
            found.append(key)
    return found


def _analyst_private_key(path: Path, data: bytes) -> FoundPrivateKey | None:
    kind = key_format(data)
    if kind is KeyFormat.AGE:
        try:
            key_files.scrypt_log_n(data)  # a passphrase file, as keygen writes; not a backup
        except AgeFileError:
            return None
        return FoundPrivateKey(path, "a passphrase-protected private key (age)", None)
    if kind is KeyFormat.OLD_ENCRYPTED:
        return FoundPrivateKey(path, "an encrypted private key (PKCS#8)", None)
    if kind is KeyFormat.PLAIN:
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError):
            return None
        if isinstance(key, x25519.X25519PrivateKey):
            return FoundPrivateKey(
                path, "an unprotected analyst private key", key_id_for(key.public_key())
            )
    return None
