"""The one aiosqlite connection: opening, WAL, numbered migrations, transactions.

Every statement runs under one asyncio lock, so a coroutine never sees another
coroutine's half-done transaction on the shared connection.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

Row = sqlite3.Row


class StoreError(Exception):
    """The database cannot be opened, migrated or written; one line for the operator."""


def _describe(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "disk" in text or "full" in text:
        return "the disk is full"
    if "locked" in text or "busy" in text:
        return "the database is locked by another program"
    if "readonly" in text:
        return "the database file is read-only"
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _migrations() -> list[tuple[int, str, str]]:
    found = []
    folder = resources.files("rostbot.store") / "migrations"
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:3].isdigit():
            found.append((int(name[:3]), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def newest_schema_version() -> int:
    """The newest migration this rostbot ships: the schema it brings a database to."""
    return max((number for number, _, _ in _migrations()), default=0)


class NewerSchema(StoreError):
    """The database was made or upgraded by a newer rostbot; it is neither read nor written."""

    def __init__(self, path: Path, found: int) -> None:
        super().__init__(
            f"{path} has database schema {found}, newer than this rostbot knows "
            f"({newest_schema_version()}): it was made or upgraded by a newer rostbot; run "
            "that version, or restore a backup made before the upgrade"
        )


class Database:
    """An open rostbot database."""

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: Path) -> Database:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot open database {path}: {exc}") from None
        connection = aiosqlite.connect(path, isolation_level=None)
        try:
            await connection
        except BaseException as exc:
            await _worker_stopped(connection)
            if isinstance(exc, OSError | sqlite3.Error):
                raise StoreError(f"cannot open database {path}: {exc}") from None
            raise
        connection.row_factory = sqlite3.Row
        database = cls(connection, path)
        try:
            await connection.execute("PRAGMA journal_mode=WAL")
            await connection.execute("PRAGMA synchronous=FULL")
            await connection.execute("PRAGMA foreign_keys=ON")
            await connection.execute("PRAGMA busy_timeout=5000")
            await connection.execute("PRAGMA secure_delete=ON")
            await database._migrate()
        except sqlite3.Error as exc:
            await connection.close()
            await _worker_stopped(connection)
            raise StoreError(f"cannot prepare database {path}: {_describe(exc)}") from None
        except BaseException:
            await connection.close()
            await _worker_stopped(connection)
            raise
        return database

    async def close(self) -> None:
        await self._connection.close()

    async def _migrate(self) -> None:
        await self._connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (number INTEGER PRIMARY KEY, name TEXT)"
        )
        async with self._connection.execute("SELECT number FROM schema_migrations") as cursor:
            done = {row[0] for row in await cursor.fetchall()}
        if done:  # an existing database: never touch a newer one, keep a copy before upgrading
            from rostbot.store.upgrade import before_upgrade  # it imports this module

            await before_upgrade(self.path, done, [number for number, _, _ in _migrations()])
        for number, name, sql in _migrations():
            if number in done:
                continue
            # Foreign keys off while a migration rebuilds a table (SQLite's documented
            # way: a DROP of a table others refer to would delete through them), then
            # checked before the commit; the pragma cannot change inside a transaction.
            await self._connection.execute("PRAGMA foreign_keys=OFF")
            try:
                await self._connection.executescript(f"BEGIN IMMEDIATE;\n{sql}\n")
                async with self._connection.execute("PRAGMA foreign_key_check") as cursor:
                    broken = list(await cursor.fetchall())
                if broken:
                    await self._connection.execute("ROLLBACK")
                    raise StoreError(
                        f"migration {name} would leave {len(broken)} broken references"
                    )
                await self._connection.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?)", (number, name)
                )
                await self._connection.execute("COMMIT")
            finally:
                await self._connection.execute("PRAGMA foreign_keys=ON")

    async def schema_version(self) -> int:
        row = await self.fetch_one("SELECT max(number) AS n FROM schema_migrations")
        return int(row["n"]) if row and row["n"] is not None else 0

    async def drop_old_copies(self) -> bool:
        """Empty the write-ahead log into the database file; False if a reader held it back.

        Deleted rows are zeroed in the file (secure_delete), but the log still holds earlier
        copies of their pages until it is checkpointed and truncated.
        """
        async with self._lock:
            try:
                async with self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cursor:
                    row = await cursor.fetchone()
            except sqlite3.Error as exc:
                raise StoreError(_describe(exc)) from None
        return row is not None and row[0] == 0

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """Run statements atomically; commit on success, roll back on any error."""
        async with self._lock:
            try:
                await self._connection.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(_describe(exc)) from None
            try:
                yield Transaction(self._connection)
            except BaseException:
                await self._rollback()
                raise
            try:
                await self._connection.execute("COMMIT")
            except sqlite3.Error as exc:
                await self._rollback()
                raise StoreError(_describe(exc)) from None

    async def _rollback(self) -> None:
        # SQLite itself rolls back on some errors (a full disk, an I/O error): a second
        # ROLLBACK would fail and hide the error that tells the person what happened.
        if self._connection.in_transaction:
            await self._connection.execute("ROLLBACK")

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        """The first row; the statement's rows are all read, so ask for one (key, LIMIT 1)."""
        async with self._lock:
            return await _fetch_one(self._connection, sql, params)

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        async with self._lock:
            return await _fetch_all(self._connection, sql, params)


async def _worker_stopped(connection: aiosqlite.Connection) -> None:
    """Wait for the thread of a connection that failed to open (or was closed) to end.

    aiosqlite queues the thread's stop when connecting fails but does not wait for it; the
    thread then answers on the event loop, and if the failed start has closed the loop by
    then, it dies with "Event loop is closed" and prints its traceback after the one line.
    """
    # aiosqlite keeps its worker in `_thread`; in older versions the connection was the thread.
    worker = getattr(connection, "_thread", connection)
    if isinstance(worker, threading.Thread) and worker.is_alive():
        await asyncio.to_thread(worker.join)


class Transaction:
    """Statements inside one open transaction."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one statement; returns the number of rows changed."""
        try:
            cursor = await self._connection.execute(sql, tuple(params))
        except sqlite3.IntegrityError:
            raise
        except sqlite3.Error as exc:
            raise StoreError(_describe(exc)) from None
        return int(cursor.rowcount)

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        return await _fetch_one(self._connection, sql, params)

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        return await _fetch_all(self._connection, sql, params)


async def _fetch_one(
    connection: aiosqlite.Connection, sql: str, params: Iterable[Any]
) -> Row | None:
    rows = await _fetch_all(connection, sql, params)
    return rows[0] if rows else None


async def _fetch_all(
    connection: aiosqlite.Connection, sql: str, params: Iterable[Any]
) -> list[Row]:
    # One trip to aiosqlite's thread, not three (execute, fetch, close the cursor): each
    # trip is a thread hand-off, and they were most of the store's cost per update.
    try:
        return list(await connection.execute_fetchall(sql, tuple(params)))
    except sqlite3.Error as exc:
        raise StoreError(_describe(exc)) from None
