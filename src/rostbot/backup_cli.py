"""The operators' `rostbot backup` and `rostbot restore` commands.

`rostbot.cli` owns the parser and the one-line error handling; this module adds these
sub-commands to it and runs them (the work itself is in `rostbot.store.backup`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rostbot.config import settings_from_env
from rostbot.store.backup import backup_database, restore_database
from rostbot.store.database import newest_schema_version


def add_parsers(commands: Any) -> None:
    """Add backup and restore to `rostbot`'s sub-commands."""
    backup = commands.add_parser(
        "backup",
        help="copy the database to a new file (mode 0600), also while the bot runs",
        description="Copy the database, consistent at one moment, to a new file (mode 0600), "
        "checked with SQLite's integrity check; the bot may go on running. Never overwrites a "
        "file. Back up the server secret file too (once): without it the copy's pseudonyms "
        "and contact handles cannot be read.",
    )
    backup.add_argument("--out", type=Path, required=True, help="the new backup file")
    backup.add_argument("--db", type=Path, help="bot database file (default ROSTBOT_DB)")

    restore = commands.add_parser(
        "restore",
        help="put a backup in place of the database (the bot must be stopped)",
        description="Check a backup file and put it in place of the database. The bot must "
        "be stopped. The database it replaces is kept next to it as "
        "<db>.before-restore-<UTC time>. An older backup is upgraded when the bot starts.",
    )
    restore.add_argument("file", type=Path, help="the backup file to restore")
    restore.add_argument("--db", type=Path, help="bot database file (default ROSTBOT_DB)")


def dispatch(args: argparse.Namespace) -> int | None:
    """Run the command if it is one of ours; None otherwise."""
    if args.command == "backup":
        return _backup(args)
    if args.command == "restore":
        return _restore(args)
    return None


def _backup(args: argparse.Namespace) -> int:
    database = args.db or settings_from_env().db_path
    copy = backup_database(database, args.out)
    print(
        f"backup: {copy.path} (database {database}, schema {copy.schema_version}, "
        f"{_size(copy.size)}, integrity ok)"
    )
    return 0


def _restore(args: argparse.Namespace) -> int:
    database = args.db or settings_from_env().db_path
    done = restore_database(args.file, database)
    kept = (
        f"the database it replaced is kept as {done.kept}"
        if done.kept is not None
        else "there was no database before"
    )
    upgrade = (
        f"; the bot upgrades it to schema {newest} when it starts, keeping a copy first"
        if done.schema_version < (newest := newest_schema_version())
        else ""
    )
    print(
        f"restored {database} from {args.file} (schema {done.schema_version}, integrity ok); "
        f"{kept}{upgrade}"
    )
    return 0


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / (1024 * 1024):.1f} MiB"
