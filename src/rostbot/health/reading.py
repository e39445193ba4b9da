"""Reading a bot's database beside the running bot, without ever writing to it.

`Database.open` creates a missing file and applies migrations; a look at the database must do
neither. This opens the file read-only (SQLite's `mode=ro`), with its own short-lived
connection, and gives the same `Database` the store's queries take.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite

from rostbot.store import database
from rostbot.store.database import Database, StoreError


def known_schema() -> int:
    """The newest migration this rostbot has: the schema `rostbot run` brings a database to."""
    return database.newest_schema_version()


async def open_read_only(path: Path) -> Database:
    """The existing database at `path`, read-only; StoreError (one line) if it cannot be read."""
    if not path.is_file():  # noqa: ASYNC240 (one stat, before any thread is started)
        raise StoreError(f"no database at {path}")
    connection = aiosqlite.connect(
        f"{path.resolve().as_uri()}?mode=ro",  # noqa: ASYNC240 (no I/O worth a thread)
        uri=True,
        isolation_level=None,
    )
    try:
        await connection
    except (OSError, sqlite3.Error) as exc:
        await database._worker_stopped(connection)  # no thread left to print after the line
        raise StoreError(f"cannot open database {path} to read: {exc}") from None
    connection.row_factory = sqlite3.Row
    db = Database(connection, path)
    try:
        await connection.execute("PRAGMA busy_timeout=5000")
        await db.fetch_one("SELECT count(*) FROM sqlite_master")  # "not a database" shows here
    except (sqlite3.Error, StoreError) as exc:
        await db.close()
        reason = exc if isinstance(exc, StoreError) else str(exc).splitlines()[0]
        raise StoreError(f"cannot read database {path}: {reason}") from None
    return db


async def tables(db: Database) -> set[str]:
    rows = await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {str(row["name"]) for row in rows}


async def schema_version(db: Database) -> int:
    """The newest migration applied to the file (0 for a file rostbot never prepared)."""
    if "schema_migrations" not in await tables(db):
        return 0
    return await db.schema_version()
