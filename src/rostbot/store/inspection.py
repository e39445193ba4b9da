"""Read-only views of a database file, for the sandbox page's "what is stored" panel.

Opens the SQLite file in read-only mode (its own short-lived connection, never the bot's),
so showing the data can never change it. Every table is listed, including tables that
later migrations add; blobs are shown as what they are to a reader without keys: bytes.
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from rostbot.store.database import StoreError

HEX_SHOWN = 24  # bytes of a blob shown as hex; the rest is summarised by its length
TEXT_SHOWN = 120
# Bookkeeping tables that say nothing about people.
HIDDEN_TABLES = frozenset({"schema_migrations"})


@dataclass(frozen=True)
class TableView:
    """The newest rows of one table, every value already turned into display text."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: int


def show_value(value: object) -> str:
    """A cell as a reader of the file sees it: bytes as hex, long text shortened."""
    if value is None:
        return "NULL"
    if isinstance(value, bytes):
        shown = value[:HEX_SHOWN].hex()
        more = "…" if len(value) > HEX_SHOWN else ""
        return f"{shown}{more} ({len(value)} bytes)"
    text = str(value)
    return text if len(text) <= TEXT_SHOWN else text[: TEXT_SHOWN - 1] + "…"


def _connect(path: Path) -> sqlite3.Connection:
    if not path.exists():
        raise StoreError(f"no database at {path}")
    try:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open database {path} to read: {exc}") from None


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(path: Path, limit: int) -> list[TableView]:
    connection = _connect(path)
    try:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
            )
            if row[0] not in HIDDEN_TABLES
        ]
        views = []
        for name in names:
            table = _quote(name)
            total = int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            # The newest rows are the interesting ones while someone is trying the bot.
            cursor = connection.execute(
                f"SELECT * FROM (SELECT rowid AS _r, * FROM {table} ORDER BY rowid DESC LIMIT ?)"
                " ORDER BY _r",
                (limit,),
            )
            columns = tuple(d[0] for d in cursor.description[1:])
            rows = tuple(tuple(show_value(v) for v in row[1:]) for row in cursor)
            views.append(TableView(name, columns, rows, total))
        return views
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read database {path}: {exc}") from None
    finally:
        connection.close()


async def table_views(path: Path, *, limit: int = 50) -> list[TableView]:
    """Every table of the file with its newest `limit` rows, read without writing."""
    return await asyncio.to_thread(_tables, path, limit)
