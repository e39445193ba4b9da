"""Schema 8 rebuilds the tables whose CHECK names the kinds (consents, series, events)
with foreign keys off, as SQLite's documented procedure asks: an existing database keeps
every row and id, its references still hold, and foreign keys are enforced afterwards."""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

import pytest

from rostbot.store.database import Database


def _schema_up_to(path: Path, last: int) -> None:
    folder = resources.files("rostbot.store") / "migrations"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE schema_migrations (number INTEGER PRIMARY KEY, name TEXT)")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        name = entry.name
        if name.endswith(".sql") and int(name[:3]) <= last:
            connection.executescript(entry.read_text(encoding="utf-8"))
            connection.execute("INSERT INTO schema_migrations VALUES (?, ?)", (int(name[:3]), name))
    connection.commit()
    connection.close()


async def test_schema_8_keeps_rows_and_references_of_an_existing_database(tmp_path: Path) -> None:
    path = tmp_path / "rostbot.sqlite3"
    _schema_up_to(path, 7)
    with sqlite3.connect(path) as old:
        old.execute("PRAGMA foreign_keys=ON")
        old.execute("INSERT INTO respondents VALUES ('p1', 'sv', '2026-01-01', NULL, x'01')")
        old.execute(
            "INSERT INTO consents (id, pseudonym, kind, text_hash, lang, choices, given_at)"
            " VALUES (7, 'p1', 'contact', 'h', 'sv', '{}', '2026-01-01T00:00:00Z')"
        )
        old.execute("INSERT INTO series VALUES ('s1', 'fixed', 'weekly:1', '2026-01-01')")
        old.execute(
            "INSERT INTO events (event_id, kind, series_id, session, details, languages, tz,"
            " starts_at, ends_at, capacity, created_on) VALUES ('e1', 'focus_group', 's1', 1,"
            " '{}', 'sv', 'Europe/Stockholm', '2027-01-01T09:00:00Z', '2027-01-01T10:00:00Z',"
            " 5, '2026-01-01')"
        )
        old.execute(
            "INSERT INTO bookings (event_id, pseudonym, status, number, queue, updated_at)"
            " VALUES ('e1', 'p1', 'booked', 1, 1, '2026-01-01')"
        )
        old.execute(
            "INSERT INTO outbox (dedupe_key, pseudonym, event_id, kind, due_at)"
            " VALUES ('k', 'p1', 'e1', 'reminder', '2026-12-31T09:00:00Z')"
        )
    db = await Database.open(path)
    try:
        assert await db.schema_version() >= 8
        consent = await db.fetch_one("SELECT id, kind FROM consents")
        assert consent is not None and (consent["id"], consent["kind"]) == (7, "contact")
        booking = await db.fetch_one("SELECT event_id, status, reach FROM bookings")
        assert booking is not None and tuple(booking) == ("e1", "booked", None)
        assert (await db.fetch_one("SELECT count(*) AS n FROM outbox"))["n"] == 1  # type: ignore[index]
        assert await db.fetch_all("PRAGMA foreign_key_check") == []
        async with db.transaction() as tx:  # the new kinds are allowed
            await tx.execute(
                "INSERT INTO series VALUES ('s2', 'slots', 'slots:list', '2026-01-01')"
            )
            await tx.execute(
                "INSERT INTO consents (pseudonym, kind, text_hash, lang, choices, given_at)"
                " VALUES ('p1', 'quote', 'h', 'sv', '{}', '2026-01-01T00:00:00Z')"
            )
        with pytest.raises(sqlite3.IntegrityError):  # and references are enforced again
            async with db.transaction() as tx:
                await tx.execute(
                    "INSERT INTO bookings (event_id, pseudonym, status, number, queue,"
                    " updated_at) VALUES ('nowhere', 'p1', 'booked', 1, 1, '2026-01-01')"
                )
    finally:
        await db.close()
