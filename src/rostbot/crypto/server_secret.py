"""The server secret: keyed pseudonyms and at-rest encryption on the bot host.

One random file (`ROSTBOT_SECRET_FILE`) gives independent keys through HKDF: one
for HMAC pseudonyms of Telegram ids, one for ChaCha20-Poly1305 over small at-rest
values (a chat handle kept for contact, a flow's position), and one for the secret
token Telegram sends with every webhook delivery. A copy of the database without
this file reveals none of them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MIN_SECRET_BYTES = 32
NONCE_BYTES = 12


class SecretFileError(Exception):
    """The server secret file is missing, too short or unreadable."""


class AtRestError(Exception):
    """An at-rest value does not open (wrong secret or changed bytes)."""


def _derive(secret: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(secret)


class ServerSecret:
    """Keys derived from the server secret file."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < MIN_SECRET_BYTES:
            raise SecretFileError(f"the server secret must hold at least {MIN_SECRET_BYTES} bytes")
        self._pseudonym_key = _derive(secret, b"rostbot/pseudonym/v1")
        self._at_rest = ChaCha20Poly1305(_derive(secret, b"rostbot/at-rest/v1"))
        self._webhook_key = _derive(secret, b"rostbot/webhook-secret-token/v1")

    @classmethod
    def load(cls, path: Path) -> ServerSecret:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SecretFileError(f"cannot read secret file {path}: {exc.strerror}") from None
        secret = data.strip()
        if len(secret) < MIN_SECRET_BYTES:
            raise SecretFileError(
                f"secret file {path} is too short (needs {MIN_SECRET_BYTES} bytes or more)"
            )
        return cls(secret)

    @staticmethod
    def generate(path: Path) -> None:
        """Write a new random secret file with mode 0600."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48) + "\n")
        except OSError as exc:
            raise SecretFileError(f"cannot write secret file {path}: {exc.strerror}") from None

    def pseudonym(self, kind: str, value: int | str) -> str:
        """A stable keyed pseudonym, e.g. of a Telegram user id; not reversible without the key."""
        message = f"{kind}:{value}".encode()
        return hmac.new(self._pseudonym_key, message, hashlib.sha256).hexdigest()[:32]

    def webhook_secret_token(self, bot_token: str) -> str:
        """The secret token for setWebhook, which Telegram sends back in a header with every
        update: the same across restarts (a delivery Telegram retries while the bot restarts
        is still taken), and new when the bot token or this secret changes. 43 characters of
        A-Z, a-z, 0-9, `_` and `-`, as Telegram allows."""
        digest = hmac.new(self._webhook_key, bot_token.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def encrypt(self, plaintext: bytes, purpose: str) -> bytes:
        """Encrypt a small value at rest; `purpose` is bound as associated data."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + self._at_rest.encrypt(nonce, plaintext, purpose.encode())

    def decrypt(self, blob: bytes, purpose: str) -> bytes:
        try:
            return self._at_rest.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], purpose.encode())
        except (InvalidTag, ValueError):
            raise AtRestError(f"an at-rest value for {purpose} does not open") from None
