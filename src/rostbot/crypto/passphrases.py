"""Where a key's passphrase comes from, and exactly which text it is.

`keygen` and `export` read passphrases through these functions, so both take the same
text from the same source (docs/record-format.md, "Passphrases"):

* the text is Unicode, used as its UTF-8 bytes, with no normalisation (as the `age`
  tool does: a passphrase typed into `age` opens the file too);
* from a file (`--passphrase-file`): the file's UTF-8 text less one final line break
  ("\\n" or "\\r\\n") if it ends with one. Nothing else is removed, so spaces at either
  end are part of the passphrase. A file that starts with a byte order mark or is not
  UTF-8 is refused rather than guessed at;
* from an environment variable (`--passphrase-env`): its value exactly;
* from the terminal: the line as typed (no line break).

An empty passphrase is never taken as "no passphrase": it is refused.
"""

from __future__ import annotations

import os
from pathlib import Path

from rostbot.crypto.analyst_keys import KeyFileError


def from_file(path: Path) -> str:
    """The passphrase in `path`: its UTF-8 text less one final "\\n" or "\\r\\n"."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"cannot read {path}: {exc.strerror}") from None
    if data.startswith(b"\xef\xbb\xbf"):
        raise KeyFileError(f"{path} starts with a byte order mark; save it as UTF-8 without one")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise KeyFileError(f"{path} is not UTF-8 text") from None
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    if not text:
        raise KeyFileError(f"{path} holds an empty passphrase")
    return text


def from_env(name: str) -> str:
    """The value of the environment variable `name`, exactly."""
    value = os.environ.get(name)
    if not value:
        raise KeyFileError(f"environment variable {name} is empty")
    return value


def nonempty(text: str) -> str:
    """A passphrase typed on the terminal; an empty one is refused."""
    if not text:
        raise KeyFileError("the passphrase is empty")
    return text
