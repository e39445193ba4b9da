"""age passphrase files written by hand from the age spec (age-encryption.org/v1).

A second, independent writer of the format for the tests, with a work factor of the
test's choosing: most key-file tests need a file that opens in milliseconds, not the
second (and 256 MiB or more) that a real scrypt work factor costs. rostbot itself never
writes below 2^17 (rostbot.crypto.key_files.MIN_LOG_N); these files only test reading.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

CHUNK = 64 * 1024


def _b64(data: bytes) -> bytes:
    return base64.b64encode(data).rstrip(b"=")


def _hkdf(key: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(key)


def binary(plaintext: bytes, passphrase: str, log_n: int) -> bytes:
    """The binary age file: one scrypt stanza, then the STREAM payload."""
    file_key, salt = os.urandom(16), os.urandom(16)
    wrap_key = Scrypt(
        salt=b"age-encryption.org/v1/scrypt" + salt, length=32, n=2**log_n, r=8, p=1
    ).derive(passphrase.encode("utf-8"))
    body = ChaCha20Poly1305(wrap_key).encrypt(bytes(12), file_key, None)
    header = b"age-encryption.org/v1\n-> scrypt %s %d\n%s\n---" % (_b64(salt), log_n, _b64(body))
    mac = hmac.new(_hkdf(file_key, b"", b"header"), header, hashlib.sha256).digest()
    nonce = os.urandom(16)
    aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
    chunks = [plaintext[i : i + CHUNK] for i in range(0, len(plaintext), CHUNK)] or [b""]
    payload = b"".join(
        aead.encrypt(i.to_bytes(11, "big") + bytes([i == len(chunks) - 1]), chunk, None)
        for i, chunk in enumerate(chunks)
    )
    return header + b" " + _b64(mac) + b"\n" + nonce + payload


def armored(plaintext: bytes, passphrase: str, log_n: int) -> bytes:
    """The same, ASCII-armored as `age -a` writes it."""
    text = base64.b64encode(binary(plaintext, passphrase, log_n))
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    return (
        b"-----BEGIN AGE ENCRYPTED FILE-----\n"
        + b"\n".join(lines)
        + b"\n-----END AGE ENCRYPTED FILE-----\n"
    )
