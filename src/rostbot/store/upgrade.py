"""Upgrading an existing database: refuse a newer one, keep a copy before migrating.

`Database.open` asks this module before it applies any migration to a database that has
some already. A database a newer rostbot has migrated is refused (one line) before anything
is written to it: this release would not know its tables. A database with migrations
pending is not migrated while another process runs a bot on it (an older bot would go on
beside tables it does not know); `rostbot run` upgrades at its own start, holding the lock.
It is first copied, checked, next to itself as
`<db>.pre-upgrade-<from>-to-<to>-<UTC time>.sqlite3` (mode 0600), and one log line says
where; if the copy cannot be made, nothing is migrated.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Collection
from pathlib import Path

from rostbot.store.backup import backup_database, utc_stamp
from rostbot.store.database import NewerSchema, StoreError
from rostbot.store.run_lock import AlreadyRunning, running_alone

log = logging.getLogger(__name__)


def pre_upgrade_path(database: Path, done: int, to: int, stamp: str) -> Path:
    """Where the copy made before upgrading `database` from schema `done` to `to` goes."""
    return database.with_name(f"{database.name}.pre-upgrade-{done}-to-{to}-{stamp}.sqlite3")


async def before_upgrade(database: Path, done: Collection[int], shipped: Collection[int]) -> None:
    """Refuse a newer database; copy one with migrations pending before they are applied."""
    found, newest = max(done), max(shipped)
    if found > newest:
        raise NewerSchema(database, found)
    if not set(shipped) - set(done):
        return
    copy = await asyncio.to_thread(_keep_a_copy, database, found, newest)
    log.info(
        "upgrading the database from schema %d to %d; the database as it was is kept in %s",
        found,
        newest,
        copy,
    )


def _keep_a_copy(database: Path, found: int, newest: int) -> Path:
    _no_other_bot(database, found, newest)
    copy = pre_upgrade_path(database, found, newest, utc_stamp())
    try:
        backup_database(database, copy)
    except StoreError as exc:
        raise StoreError(f"cannot upgrade {database}: no copy could be kept first: {exc}") from None
    return copy


def _no_other_bot(database: Path, found: int, newest: int) -> None:
    """StoreError if a bot in another process runs on the database."""
    try:
        with running_alone(database):
            return
    except AlreadyRunning as exc:
        if exc.pid == os.getpid():
            return  # this process is the bot: `rostbot run` upgrades at its start
        held_by = f" (pid {exc.pid})" if exc.pid is not None else ""
        raise StoreError(
            f"cannot upgrade {database} from schema {found} to {newest} while a rostbot is "
            f"running on it{held_by}; stop it, then start this version"
        ) from None
