"""One running bot per database: a lock file next to it, held for the life of the process.

Two bots polling one database would both be answered 409 Conflict by Telegram and would
both send the one outbox. `rostbot run` and `rostbot sandbox` therefore hold an advisory
lock (flock) on `<database>.lock` while they run. The kernel lets go of it when the process
ends in any way, SIGKILL and power cuts included, so a crashed bot never blocks the next
start. The file holds the pid of the process that has the lock, for the refusal's one line.
Short commands (`invite`, `events`, `coordinators`, `export`) take no lock: they write
through SQLite's own locking beside a running bot. `holder` tells `rostbot status` whether a
bot runs, without waiting for or keeping the lock.
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rostbot.store.database import StoreError


class AlreadyRunning(StoreError):
    """Another process holds the lock of this database."""

    def __init__(self, where: Path, pid: int | None) -> None:
        held_by = f" (pid {pid})" if pid is not None else ""
        super().__init__(f"cannot start: another rostbot is already running on {where}{held_by}")
        self.pid = pid


@dataclass(frozen=True)
class Holder:
    """The process holding a database's lock: a running bot."""

    pid: int | None  # None if it emptied the file (it is stopping)


def lock_path(database: Path) -> Path:
    """`<database>.lock`, next to the real file (a symlinked database shares its lock)."""
    real = database.resolve()
    return real.with_name(real.name + ".lock")


@contextmanager
def running_alone(database: Path, *, where: Path | None = None) -> Iterator[Path]:
    """Hold the database's lock until the block ends; `AlreadyRunning` if another has it.

    `where` names the database (or the sandbox's folder) in the refusal; by default the
    database path as given.
    """
    lock = lock_path(database)
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise StoreError(
            f"cannot open database {database}: cannot create its lock file {lock}: "
            f"{exc.strerror or type(exc).__name__}"
        ) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise AlreadyRunning(where or database, _pid_in(fd)) from None
            raise StoreError(f"cannot lock {lock}: {exc.strerror or type(exc).__name__}") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield lock
        finally:
            os.ftruncate(fd, 0)  # a clean stop leaves no pid behind
    finally:
        os.close(fd)  # lets go of the lock


def holder(database: Path) -> Holder | None:
    """The bot running on `database` now, if one is.

    Takes nothing a bot would wait for: a lock file holding no pid belongs to no running bot
    (a clean stop empties it, and a starting bot writes its pid as soon as it has the lock),
    so only a file holding one is tested, with a shared lock given back at once. That test
    can refuse a bot starting in the same microsecond after a crash; a restart then works.
    """
    try:
        fd = os.open(lock_path(database), os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(
            f"cannot read the lock file of {database}: {exc.strerror or type(exc).__name__}"
        ) from None
    try:
        if _pid_in(fd) is None:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                return Holder(_pid_in(fd))
            raise StoreError(
                f"cannot test the lock of {database}: {exc.strerror or type(exc).__name__}"
            ) from None
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _pid_in(fd: int) -> int | None:
    """The pid the lock's holder wrote, if it has written it yet."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
