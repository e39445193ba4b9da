"""Where the bot token and the server secret come from: the environment, files, credentials.

A service manager hands secrets over as files rather than environment variables (which
child processes inherit and `/proc/PID/environ` shows): systemd's `LoadCredential=` puts
them in `$CREDENTIALS_DIRECTORY`, a container runtime mounts them (e.g. `/run/secrets`).

- The token: `ROSTBOT_TOKEN` (the token itself) or `ROSTBOT_TOKEN_FILE` (a file holding it
  on one line; one trailing newline is dropped), never both; with neither, the credential
  `token` in `$CREDENTIALS_DIRECTORY` when it is there.
- The server secret: `ROSTBOT_SECRET_FILE`; without it, the credential `server.secret` in
  `$CREDENTIALS_DIRECTORY` when it is there.

A token file that its group or others may read is used, with a warning: container runtimes
often mount secrets readable by all (mode 0444) inside a container whose only user is the
bot's, and refusing them would push operators back to the environment variable.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Mapping
from pathlib import Path

TOKEN_CREDENTIAL = "token"
SECRET_CREDENTIAL = "server.secret"
MAX_TOKEN_FILE_BYTES = 4096  # a token is under 100 characters; anything larger is a wrong file

log = logging.getLogger(__name__)


class CredentialError(Exception):
    """A secret's setting or file is wrong; the message is one line for the operator."""


def credential(env: Mapping[str, str], name: str) -> Path | None:
    """The file of credential `name` in $CREDENTIALS_DIRECTORY, or None when there is none."""
    directory = env.get("CREDENTIALS_DIRECTORY", "").strip()
    if not directory:
        return None
    path = Path(directory) / name
    return path if path.is_file() else None


def token_file(env: Mapping[str, str]) -> Path | None:
    """The file to read the token from, or None when ROSTBOT_TOKEN holds it or nothing does."""
    named = env.get("ROSTBOT_TOKEN_FILE", "").strip()
    if named and env.get("ROSTBOT_TOKEN"):
        raise CredentialError("set ROSTBOT_TOKEN or ROSTBOT_TOKEN_FILE, not both")
    if named:
        return Path(named)
    if env.get("ROSTBOT_TOKEN"):
        return None
    return credential(env, TOKEN_CREDENTIAL)


def token_source(env: Mapping[str, str]) -> str:
    """Where the token was taken from, for an operator's message (never the token)."""
    try:
        path = token_file(env)
    except CredentialError:
        return "ROSTBOT_TOKEN"
    if path is None:
        return "ROSTBOT_TOKEN"
    if env.get("ROSTBOT_TOKEN_FILE", "").strip():
        return f"the token in ROSTBOT_TOKEN_FILE ({path})"
    return f"the token in the credential {TOKEN_CREDENTIAL} ({path})"


def secret_file(env: Mapping[str, str]) -> Path | None:
    """ROSTBOT_SECRET_FILE, else the credential `server.secret`, else None."""
    named = env.get("ROSTBOT_SECRET_FILE", "").strip()
    return Path(named) if named else credential(env, SECRET_CREDENTIAL)


def _read_token_bytes(path: Path) -> tuple[bytes, int]:
    """The first bytes of the regular file `path` (one more than a token file may hold), and
    its mode."""
    try:
        # O_NONBLOCK: a FIFO in the file's place is refused below instead of waiting forever.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise CredentialError(f"token file {path} is not a file")
            return handle.read(MAX_TOKEN_FILE_BYTES + 1), mode
    except OSError as exc:
        raise CredentialError(f"cannot read token file {path}: {exc.strerror}") from None


def read_token_file(path: Path) -> str:
    """The token in `path`: one line, one trailing newline dropped; warn on loose permissions."""
    data, mode = _read_token_bytes(path)
    if len(data) > MAX_TOKEN_FILE_BYTES:
        raise CredentialError(f"token file {path} is too large to hold a bot token")
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise CredentialError(f"token file {path} does not hold a bot token") from None
    text = text.removesuffix("\n").removesuffix("\r")
    if not text.strip():
        raise CredentialError(f"token file {path} is empty")
    if "\n" in text or "\r" in text:
        raise CredentialError(f"token file {path} must hold the token on one line")
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning(
            "token file %s may be read by its group or others (mode %s); "
            "make it readable by the bot's user alone (chmod 0400 or 0600)",
            path,
            oct(stat.S_IMODE(mode))[2:].zfill(4),
        )
    return text


def token_for_log_scrubbing(env: Mapping[str, str]) -> str:
    """The token wherever it comes from, so logs can hide it; '' when it cannot be read yet.

    Quiet on purpose: a problem with the file is reported once, by the command that needs it.
    """
    try:
        path = token_file(env)
        if path is None:
            return env.get("ROSTBOT_TOKEN", "").strip()
        data, _ = _read_token_bytes(path)
    except CredentialError:
        return ""
    return data.decode("ascii", "replace").strip()
