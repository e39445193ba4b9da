"""Sealing answers to the analysts with HPKE (RFC 9180).

Suite: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305, base mode,
single shot. The record's context is bound in HPKE's `info`, so a sealed blob
moved to another record, question or key id no longer opens. The blob is
`enc (32 bytes) || ciphertext`. `docs/record-format.md` spells this out for
analysts who use another HPKE implementation.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite

from rostbot.crypto.analyst_keys import AnalystPrivateKey, AnalystPublicKey

SUITE = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.CHACHA20_POLY1305)
INFO_LABEL = b"rostbot/sealed-answer/v1"
ENC_LENGTH = 32
PAD_BLOCK = 512  # plaintexts are padded to a multiple of this many bytes


class SealError(Exception):
    """A sealed record does not open with this key and context."""


@dataclass(frozen=True)
class SealContext:
    """What a sealed record is about; bound into HPKE's info."""

    record_id: str
    response_id: str
    flow_id: str
    flow_version: int
    question_id: str

    def info(self, key_id: str) -> bytes:
        fields = (
            self.record_id,
            self.response_id,
            self.flow_id,
            str(self.flow_version),
            self.question_id,
            key_id,
        )
        return INFO_LABEL + b"".join(b"\x00" + f.encode("utf-8") for f in fields)


def padded_json(plaintext: bytes, block: int = PAD_BLOCK) -> bytes:
    """A JSON text followed by spaces up to the next multiple of `block` bytes.

    A sealed blob is as long as its plaintext, so without padding its size would tell a
    reader of the database which of two answer options of different length was chosen,
    or how long a free text is. JSON allows whitespace after the value: every reader
    (json.loads, any other JSON parser) opens a padded plaintext unchanged.
    """
    return plaintext + b" " * (-len(plaintext) % block)


def seal(plaintext: bytes, key: AnalystPublicKey, context: SealContext) -> bytes:
    """Encrypt to the analyst key; only its private key can open the result."""
    return SUITE.encrypt(plaintext, key.public_key, info=context.info(key.key_id))


def open_sealed(blob: bytes, key: AnalystPrivateKey, context: SealContext) -> bytes:
    """Open a sealed record; raises SealError when key, context or bytes are wrong."""
    if len(blob) <= ENC_LENGTH:
        raise SealError(f"record {context.record_id} is truncated")
    try:
        return SUITE.decrypt(blob, key.private_key, info=context.info(key.key_id))
    except (InvalidTag, ValueError):
        raise SealError(
            f"record {context.record_id} does not open with key {key.key_id} "
            "(wrong key, or the record was changed)"
        ) from None
