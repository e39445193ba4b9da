"""What the export derives from the analysts' private keys.

`rostbot export` runs on the analyst's computer with the private key(s). Besides
opening records, it needs ids that are stable from one export to the next but that
nobody without the key can link back to the bot's database: the `response` id in the
anonymised files and the ledger entries that say which records a folder already holds.
Both are HMAC-SHA256 under a secret derived (HKDF) from the raw private key, so they
stay with the key: no extra secret file to keep, none to lose.
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from rostbot.crypto.analyst_keys import (
    AnalystPrivateKey,
    KeyFileError,
    load_private_key,
    private_key_format,
)
from rostbot.crypto.key_files import KeyFormat

_HKDF_INFO = b"rostbot/export-ids/v1"


def needs_passphrase(path: Path) -> bool:
    """Whether the private key file is passphrase-protected (age, or the old PKCS#8)."""
    return private_key_format(path) in (KeyFormat.AGE, KeyFormat.OLD_ENCRYPTED)


def load_private_keys(
    paths: Sequence[Path],
    passphrase: Callable[[Path], str | None],
    hint: Callable[[str], None] = lambda line: None,
) -> list[AnalystPrivateKey]:
    """Read the analyst private keys; `passphrase(path)` is asked only for protected ones.

    `hint` gets one line for each key file in the old protection (PBKDF2).
    """
    keys: list[AnalystPrivateKey] = []
    for path in paths:
        secret = passphrase(path) if needs_passphrase(path) else None
        key = load_private_key(path, secret)
        if any(k.key_id == key.key_id for k in keys):
            raise KeyFileError(f"the same private key is given twice ({path})")
        if private_key_format(path) is KeyFormat.OLD_ENCRYPTED:
            hint(
                f"{path} has the old, weak passphrase protection (PBKDF2, 2,048 rounds); "
                f"upgrade it with `rostbot keygen --rewrap {path}`"
            )
        keys.append(key)
    return keys


@dataclass(frozen=True)
class ExportIds:
    """Keyed ids for one analyst key: response ids and ledger entries."""

    key_id: str
    _secret: bytes = field(repr=False)

    @classmethod
    def for_key(cls, key: AnalystPrivateKey) -> ExportIds:
        raw = key.private_key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        secret = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(raw)
        return cls(key.key_id, secret)

    def _mac(self, kind: bytes, value: str) -> bytes:
        # hmac.digest: the one-shot C path, same MAC as hmac.new(...).digest(), several times
        # faster; the export computes one per record.
        return hmac.digest(self._secret, kind + b"\x00" + value.encode(), "sha256")

    def response(self, response_id: str) -> str:
        """The anonymised response id: 16 characters a-z2-7, stable for this key."""
        return base64.b32encode(self._mac(b"response", response_id)[:10]).decode().lower()

    def ledger_entry(self, record_id: str) -> str:
        """What the folder's ledger keeps for a record taken in (never the id itself)."""
        return self._mac(b"record", record_id)[:16].hex()
