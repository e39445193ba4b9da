"""The key file checked with a tool rostbot does not use: Debian's `age` (Go, age's reference).

`age` reads passphrases from the terminal only, so it runs on a pseudo-terminal here.
Both ways: `age -d` opens the private key file `rostbot keygen` writes, and rostbot opens
a key wrapped by `age -p`. Real cost (scrypt at 2^17 and up).

Without `age` on PATH these tests skip, saying why; in CI (CI set), where .ci/run
installs it, they fail instead.
"""

from __future__ import annotations

import fcntl
import os
import select
import subprocess
import termios
import time
from collections.abc import Sequence
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import x25519

from rostbot.crypto import key_files
from rostbot.crypto.analyst_keys import generate_keypair, load_private_key, load_public_key
from system_tools import need

SECRET = " lösenord åäö æø"  # typed as UTF-8 on the terminal, leading space included
TIMEOUT = 120.0  # seconds; scrypt at 2^19 or 2^20 on a busy CI machine is slow


def age_tool() -> str:
    """The age command, or skip (outside CI) / fail (in CI) saying why."""
    return need("age", "age")


class Terminal:
    """A process on a pseudo-terminal of its own (its controlling terminal, /dev/tty)."""

    def __init__(self, argv: Sequence[str]) -> None:
        self.master, slave = os.openpty()
        self.seen = b""
        self.answered = 0
        self.deadline = time.monotonic() + TIMEOUT

        def take_terminal() -> None:  # in the child, after setsid
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            preexec_fn=take_terminal,
        )
        os.close(slave)

    def _read(self) -> bool:
        """Read what the process wrote; False once the terminal is closed."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            self.process.kill()
            raise AssertionError(f"timed out; the terminal shows {self.seen!r}")
        ready, _, _ = select.select([self.master], [], [], left)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 4096)
        except OSError:  # EIO: every process let go of the terminal
            return False
        self.seen += chunk
        return bool(chunk)

    def answer(self, prompt: bytes, line: str) -> None:
        """Wait until `prompt` shows (after the last one answered), then type `line`."""
        while prompt not in self.seen[self.answered :]:
            if not self._read():
                raise AssertionError(f"no {prompt!r}; the terminal shows {self.seen!r}")
        self.answered = self.seen.index(prompt, self.answered) + len(prompt)
        os.write(self.master, line.encode("utf-8") + b"\r")

    def finish(self) -> int:
        while self._read():
            pass
        try:
            return self.process.wait(timeout=max(1.0, self.deadline - time.monotonic()))
        finally:
            os.close(self.master)


def raw_public(key: x25519.X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def test_age_opens_the_key_file_rostbot_writes(tmp_path: Path) -> None:
    age = age_tool()
    key_path = tmp_path / "analyst.key"
    public = generate_keypair(key_path, SECRET)
    opened = tmp_path / "opened.pem"

    terminal = Terminal([age, "--decrypt", "--output", str(opened), str(key_path)])
    terminal.answer(b"passphrase", SECRET)
    status = terminal.finish()

    assert status == 0, terminal.seen
    private = serialization.load_pem_private_key(opened.read_bytes(), password=None)
    assert isinstance(private, x25519.X25519PrivateKey)
    on_file = load_public_key(Path(f"{key_path}.pub"))
    assert raw_public(private.public_key()) == raw_public(on_file.public_key)
    assert on_file.key_id == public.key_id


def test_rostbot_opens_a_key_wrapped_by_age(tmp_path: Path) -> None:
    age = age_tool()
    key = x25519.X25519PrivateKey.generate()
    plain = tmp_path / "plain.pem"
    plain.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    wrapped = tmp_path / "analyst.key"

    terminal = Terminal([age, "--passphrase", "--armor", "--output", str(wrapped), str(plain)])
    terminal.answer(b"passphrase", SECRET)
    terminal.answer(b"passphrase", SECRET)  # "Confirm passphrase"
    status = terminal.finish()

    assert status == 0, terminal.seen
    assert wrapped.read_bytes().startswith(b"-----BEGIN AGE ENCRYPTED FILE-----")
    assert key_files.scrypt_log_n(wrapped.read_bytes()) >= 18
    loaded = load_private_key(wrapped, SECRET)
    assert raw_public(loaded.private_key.public_key()) == raw_public(key.public_key())
