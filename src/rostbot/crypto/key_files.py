"""Private key file formats: which one a file is, and the age passphrase wrapping.

Three formats are read (docs/record-format.md, "Key files"):

* plain PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`): a key without a passphrase;
* an age passphrase file, ASCII-armored (`-----BEGIN AGE ENCRYPTED FILE-----`), whose
  plaintext is the plain PKCS#8 PEM: scrypt (memory-hard) guards the passphrase. This
  is what `rostbot keygen` writes for a key with a passphrase;
* encrypted PKCS#8 PEM (`-----BEGIN ENCRYPTED PRIVATE KEY-----`, PBES2 with PBKDF2 at
  2,048 iterations): what keygen wrote before. Read only; `keygen --rewrap` upgrades it.

age is spoken through pyrage (the Rust `age` crate). pyrage does not let the caller
set the scrypt work factor: the crate picks log2(N) so that one derivation takes about
a second on the writing computer. So every file written here is read back: its work
factor must lie in [MIN_LOG_N, MAX_LOG_N], and it must open to the same key.
"""

from __future__ import annotations

import base64
import binascii
import enum
import re

import pyrage

AGE_ARMOR_BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----"
AGE_ARMOR_END = b"-----END AGE ENCRYPTED FILE-----"
AGE_VERSION_LINE = b"age-encryption.org/v1"

# age's reference implementation writes log2(N) = 18 and calls it "1s on a modern
# machine" (FiloSottile/age, scrypt.go); 2^18 with r = 8 is 256 MiB of memory. That is
# what rostbot aims at; it never writes below OWASP's scrypt minimum (N = 2^17, r = 8,
# p = 1), which a slow computer may be left with (see `wrap`).
AIM_LOG_N = 18
MIN_LOG_N = 17
MAX_LOG_N = 22
TRIES = 5

_SCRYPT_STANZA = re.compile(rb"-> scrypt ([A-Za-z0-9+/]{22}) ([1-9][0-9]?)")


class KeyFormat(enum.Enum):
    """What a key file holds, judged from its first line."""

    PLAIN = "plain PKCS#8 PEM"
    AGE = "age scrypt passphrase file"
    OLD_ENCRYPTED = "encrypted PKCS#8 PEM (PBKDF2, the old protection)"
    PUBLIC = "public key"
    UNKNOWN = "unknown"


class AgeFileError(Exception):
    """An age file that cannot be opened; `reason` never holds a secret."""

    def __init__(self, reason: str, *, wrong_passphrase: bool = False) -> None:
        super().__init__(reason)
        self.wrong_passphrase = wrong_passphrase


def key_format(data: bytes) -> KeyFormat:
    """Name the format of a key file from its first non-blank line."""
    first = data.lstrip()[:64]
    if first.startswith(AGE_ARMOR_BEGIN) or first.startswith(AGE_VERSION_LINE):
        return KeyFormat.AGE
    if first.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----"):
        return KeyFormat.OLD_ENCRYPTED
    if first.startswith(b"-----BEGIN PRIVATE KEY-----"):
        return KeyFormat.PLAIN
    if first.startswith(b"-----BEGIN PUBLIC KEY-----"):
        return KeyFormat.PUBLIC
    return KeyFormat.UNKNOWN


def _age_header(data: bytes) -> bytes:
    """The binary age header (up to its MAC line) of an armored or binary age file."""
    text = data.strip()
    if text.startswith(AGE_ARMOR_BEGIN):
        lines = text.splitlines()
        if lines[-1].strip() != AGE_ARMOR_END:
            raise AgeFileError("its armor is cut off (no END line)")
        try:
            text = base64.b64decode(b"".join(line.strip() for line in lines[1:-1]), validate=True)
        except (binascii.Error, ValueError):
            raise AgeFileError("its armor is not valid base64") from None
    end = text.find(b"\n---")
    if not text.startswith(AGE_VERSION_LINE + b"\n") or end < 0:
        raise AgeFileError("it has no age header")
    return text[:end]


def scrypt_log_n(data: bytes) -> int:
    """log2(N) of the file's scrypt stanza (`-> scrypt <salt> <logN>`)."""
    stanzas = [line for line in _age_header(data).split(b"\n") if line.startswith(b"-> ")]
    if len(stanzas) != 1 or not stanzas[0].startswith(b"-> scrypt "):
        raise AgeFileError(
            "it is not protected by a passphrase alone (its recipient is not one scrypt stanza)"
        )
    found = _SCRYPT_STANZA.fullmatch(stanzas[0])
    if found is None:
        raise AgeFileError("its scrypt stanza is malformed")
    return int(found.group(2))


def wrap(plaintext: bytes, passphrase: str) -> tuple[bytes, int]:
    """Seal `plaintext` in an armored age passphrase file; returns (file, log2(N)).

    The crate picks log2(N) from one short timing, which a busy moment can skew: it is
    asked again (up to TRIES times) until it picks AIM_LOG_N or more, and the strongest
    file is kept. A file below MIN_LOG_N or above MAX_LOG_N is never written. The file
    is read back before returning: it must open with the passphrase to the same bytes.
    """
    best: tuple[bytes, int] | None = None
    for _ in range(TRIES):
        sealed = pyrage.passphrase.encrypt(plaintext, passphrase, armored=True)
        log_n = scrypt_log_n(sealed)
        if log_n <= MAX_LOG_N and (best is None or log_n > best[1]):
            best = (sealed, log_n)
        if AIM_LOG_N <= log_n <= MAX_LOG_N:
            break
    if best is None or best[1] < MIN_LOG_N:
        raise AgeFileError(
            f"the age library chose scrypt work factor 2^{log_n} on this computer; "
            f"rostbot writes only 2^{MIN_LOG_N} to 2^{MAX_LOG_N}"
        )
    sealed, log_n = best
    if unwrap(sealed, passphrase) != plaintext:
        raise AgeFileError("the file just written does not open to the same key")
    return sealed, log_n


def unwrap(data: bytes, passphrase: str) -> bytes:
    """Open an age passphrase file; AgeFileError (one line, no secret) when it does not."""
    log_n = scrypt_log_n(data)
    try:
        return pyrage.passphrase.decrypt(data, passphrase)
    except pyrage.DecryptError as exc:
        detail = str(exc)
        # The age crate's messages: no stanza opened with the passphrase; the header's
        # work factor exceeds what it accepts on this computer; anything else is damage.
        if detail == "Decryption failed":
            raise AgeFileError("wrong passphrase", wrong_passphrase=True) from None
        if detail.startswith("Excessive work"):
            raise AgeFileError(
                f"its scrypt work factor 2^{log_n} is more than the age library accepts "
                "on this computer"
            ) from None
        raise AgeFileError("it is damaged (the age file does not decrypt)") from None
