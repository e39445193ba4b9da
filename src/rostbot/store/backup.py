"""Copies of the database: a backup beside a running bot, and putting one back.

A backup is made with SQLite's online backup API in one step: the copy is read inside one
read transaction, so it is the database as it was at one moment, while the bot goes on
writing (WAL: readers and the writer do not wait for each other). The copy is written to
a hidden temporary name (mode 0600), checked with `PRAGMA integrity_check`, synced, then
linked to its name, so a file with the backup's name is always a whole, checked copy, and
an existing file is never overwritten.

A restore takes the bot's run lock (no bot may run on the database meanwhile), copies the
backup the same way to a temporary name next to the database, checks it, keeps the
database it replaces (with its write-ahead log) as `<db>.before-restore-<UTC time>`, and
moves the copy into place.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rostbot.store.database import NewerSchema, StoreError, newest_schema_version
from rostbot.store.run_lock import AlreadyRunning, running_alone

# The sidecar files of a SQLite database: its write-ahead log, the log's index and the
# rollback journal. A log left beside another database file would be replayed into it.
SIDECARS = ("-wal", "-shm", "-journal")


class BackupError(StoreError):
    """A backup or restore cannot be made; one line for the operator."""


@dataclass(frozen=True)
class Copied:
    """A checked copy of a database: where it is, its schema version, its size in bytes."""

    path: Path
    schema_version: int
    size: int


@dataclass(frozen=True)
class Restored:
    """A restored database, and where the one it replaced was kept (None if there was none)."""

    database: Path
    schema_version: int
    kept: Path | None


def utc_stamp(now: datetime | None = None) -> str:
    """A UTC time for file names, e.g. 2026-12-03T00-15-07Z (no colons, no long digit runs)."""
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H-%M-%SZ")


def backup_database(source: Path, out: Path) -> Copied:
    """Copy the database at `source` to the new file `out` (mode 0600), checked, atomically."""
    if os.path.lexists(out):
        raise BackupError(f"{out} exists already; a backup never overwrites a file")
    if not out.parent.is_dir():
        raise BackupError(f"cannot write {out}: there is no folder {out.parent}")
    reader = _open_existing(source, "ro")
    try:
        version = _rostbot_schema(reader, source)
        if version > newest_schema_version():
            raise NewerSchema(source, version)
        temporary = _copy_to_temporary(reader, out, source)
    finally:
        reader.close()
    try:
        _link_no_clobber(temporary, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    _sync_folder(out.parent)
    return Copied(out, version, out.stat().st_size)


def restore_database(backup: Path, target: Path, *, now: datetime | None = None) -> Restored:
    """Put the backup file in place of the database at `target`; no bot may be running on it."""
    try:
        with running_alone(target):
            return _restore_alone(backup, target, utc_stamp(now))
    except AlreadyRunning as exc:
        held_by = f" (pid {exc.pid})" if exc.pid is not None else ""
        raise BackupError(
            f"cannot restore: a rostbot is running on {target}{held_by}; stop it first"
        ) from None


def _restore_alone(backup: Path, target: Path, stamp: str) -> Restored:
    if not backup.is_file():
        raise BackupError(f"no backup file at {backup}")
    reader = _open_existing(backup, "ro")
    try:
        temporary = _copy_to_temporary(reader, target, backup)
    finally:
        reader.close()
    try:
        version = _checked_restorable(temporary, backup)
        try:
            kept = _keep_replaced(target, stamp)
        except OSError as exc:
            raise BackupError(f"cannot move {target} aside: {exc.strerror or exc}") from None
        try:
            os.replace(temporary, target)
        except OSError as exc:
            raise BackupError(
                f"cannot put the backup in place of {target} ({exc.strerror or exc}); "
                f"the database that was there is {kept or 'none'}"
            ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    _sync_folder(target.parent)
    return Restored(target, version, kept)


def _checked_restorable(copy: Path, named: Path) -> int:
    """The copy's schema version; BackupError unless this rostbot can run on it."""
    connection = _open_existing(copy, "ro")
    try:
        version = _rostbot_schema(connection, named)
    finally:
        connection.close()
    if version > newest_schema_version():
        raise NewerSchema(named, version)
    return version


def _keep_replaced(target: Path, stamp: str) -> Path | None:
    """Move the database at `target`, with its write-ahead log, to `<db>.before-restore-…`."""
    if not target.exists():
        for suffix in SIDECARS:  # a log without its database must not meet the new one
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        return None
    kept = target.with_name(f"{target.name}.before-restore-{stamp}")
    if os.path.lexists(kept):
        raise BackupError(f"{kept} exists already; try again in a second")
    Path(f"{target}-shm").unlink(missing_ok=True)  # an index SQLite rebuilds from the log
    # The log and the journal move with their database: it is whole only with them.
    for suffix in ("-wal", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.rename(f"{target}{suffix}", f"{kept}{suffix}")
    os.rename(target, kept)
    _fold_log_into(kept)
    for path in (kept, Path(f"{kept}-wal"), Path(f"{kept}-journal")):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(path, 0o600)  # a copy of personal data, like every backup
    return kept


def _fold_log_into(kept: Path) -> None:
    """Write a kept database's log into its file, so that one file holds it all.

    A damaged database (the usual reason to restore) may not take this; it then stays as it
    was, its `-wal` file beside it.
    """
    try:
        connection = sqlite3.connect(f"{kept.resolve().as_uri()}?mode=rw", uri=True, timeout=5)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.execute("PRAGMA journal_mode=DELETE")
        finally:
            connection.close()
    except sqlite3.Error:
        return


def _open_existing(path: Path, mode: str) -> sqlite3.Connection:
    """A connection to the SQLite file at `path`, never creating one."""
    if not path.is_file():
        raise BackupError(f"no database at {path}")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True, timeout=30)
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        raise BackupError(
            f"{path} is not a readable SQLite database ({_first_line(exc)})"
        ) from None
    return connection


def _rostbot_schema(connection: sqlite3.Connection, named: Path) -> int:
    """The newest migration applied to a rostbot database; BackupError for any other file."""
    try:
        row = connection.execute("SELECT max(number) FROM schema_migrations").fetchone()
    except sqlite3.Error:
        raise BackupError(f"{named} is not a rostbot database (no schema_migrations)") from None
    if row is None or row[0] is None:
        raise BackupError(f"{named} is not a rostbot database (no migration applied)")
    return int(row[0])


def _copy_to_temporary(reader: sqlite3.Connection, beside: Path, named: Path) -> Path:
    """Copy the reader's database, in one step, to a new hidden file next to `beside`."""
    temporary = beside.with_name(f".{beside.name}.{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        os.close(fd)
    except OSError as exc:
        raise BackupError(f"cannot write {temporary}: {exc.strerror or exc}") from None
    try:
        writer = sqlite3.connect(temporary, isolation_level=None)
        try:
            # pages=-1: the whole database in one step, inside one read transaction of the
            # source. In steps, a write by the bot between two of them would start it over.
            reader.backup(writer, pages=-1)
            writer.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            problems = [row[0] for row in writer.execute("PRAGMA integrity_check")]
        finally:
            writer.close()
        if problems != ["ok"]:
            raise BackupError(
                f"the copy of {named} fails SQLite's integrity check ({problems[0][:200]})"
            )
        fd = os.open(temporary, os.O_RDONLY | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except sqlite3.Error as exc:
        temporary.unlink(missing_ok=True)
        raise BackupError(f"cannot copy {named}: {_first_line(exc)}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _link_no_clobber(temporary: Path, out: Path) -> None:
    """Give the finished copy its name, failing if a file took that name meanwhile."""
    try:
        os.link(temporary, out)
    except FileExistsError:
        raise BackupError(f"{out} exists already; a backup never overwrites a file") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise BackupError(f"cannot write {out}: {exc.strerror or exc}") from None
        # A file system without hard links (some network shares): check, then rename.
        if os.path.lexists(out):
            raise BackupError(f"{out} exists already; a backup never overwrites a file") from None
        try:
            os.rename(temporary, out)
        except OSError as again:
            raise BackupError(f"cannot write {out}: {again.strerror or again}") from None


def _sync_folder(folder: Path) -> None:
    """Make a file's new name survive a power cut."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0][:200] if text else type(exc).__name__
