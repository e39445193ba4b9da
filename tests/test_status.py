"""`rostbot status` and `rostbot status --check`: the operator's look at a bot, from its database.

Read-only (nothing created, nothing migrated), no Bot API call, no lock kept: it runs beside
the real `rostbot run`, and `--check` exits 0 (healthy), 1 (one line per problem) or 2 (bad
usage) for monitoring.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from export_steps import rostbot
from rostbot.config import Settings
from rostbot.health.reading import known_schema
from rostbot.sandbox.bot_process import BotProcess, run_env
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.store import database
from rostbot.store.database import Database
from rostbot.store.run_lock import holder, running_alone

TIMEOUT = 120


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


async def prepared(path: Path) -> Path:
    """A database as `rostbot run` leaves it, with no bot on it."""
    db = await Database.open(path)
    await db.close()
    return path


def queue_message(path: Path, due: datetime, status: str = "waiting") -> None:
    """One outbox row (foreign keys are off on this plain connection: no person needed)."""
    connection = sqlite3.connect(path)
    with connection:
        number = connection.execute("SELECT count(*) FROM outbox").fetchone()[0]
        connection.execute(
            "INSERT INTO outbox (dedupe_key, pseudonym, event_id, kind, due_at, status)"
            " VALUES (?, 'p', 'e', 'reminder', ?, ?)",
            (f"k{number}", stamp(due), status),
        )
    connection.close()


def schema_rows(path: Path) -> list[int]:
    connection = sqlite3.connect(path)
    try:
        return [row[0] for row in connection.execute("SELECT number FROM schema_migrations")]
    finally:
        connection.close()


def test_holder_sees_the_lock_of_a_running_bot_and_nothing_after_it(tmp_path: Path) -> None:
    database = tmp_path / "rostbot.sqlite3"
    assert holder(database) is None  # no lock file at all
    with running_alone(database):
        found = holder(database)
        assert found is not None and found.pid is not None
        assert holder(database) == found  # asking never takes the lock from the bot
    assert holder(database) is None  # a clean stop empties the file


async def test_status_check_is_ok_beside_a_running_bot_and_fails_when_it_stops(
    api: SandboxBotApi, settings: Settings, tmp_path: Path
) -> None:
    env = run_env(replace(settings, send_rate=0), api, ROSTBOT_LOG_LEVEL="WARNING")
    async with BotProcess(env, log=tmp_path / "bot.log") as bot:
        await api.wait_until_polling(timeout=TIMEOUT)
        calls = sum(api.method_counts.values())

        code, out, err = await rostbot("status", "--check", env=env)
        assert (code, err) == (0, ""), out
        assert out.startswith(f"ok: bot running (pid {bot.pid}), schema ")
        assert "0 message(s) due in the outbox, 0 sealed answer(s) waiting for export" in out

        code, out, err = await rostbot("status", env=env)
        assert code == 0, err
        lines = out.splitlines()
        assert lines[0] == (
            f"database: {settings.db_path} (schema {known_schema()}; this rostbot's)"
        )
        assert lines[1] == f"bot: running (pid {bot.pid})"
        assert "outbox: 0 message(s) due now, 0 due later" in lines
        assert "last answer stored: none yet (the database keeps the day only)" in lines
        assert "sealed answers waiting for export: 0" in lines  # the retention part follows
        assert sum(api.method_counts.values()) == calls  # status never calls the Bot API
        assert await bot.stop(timeout=TIMEOUT) == 0

    code, out, err = await rostbot("status", "--check", env=env)
    assert (code, err) == (1, "")
    assert out == f"problem: no bot is running on {settings.db_path}\n"


async def test_an_outbox_backlog_older_than_the_limit_is_a_problem(tmp_path: Path) -> None:
    db = await prepared(tmp_path / "rostbot.sqlite3")
    now = datetime.now(UTC)
    queue_message(db, now - timedelta(minutes=40))
    queue_message(db, now - timedelta(minutes=5))
    queue_message(db, now + timedelta(hours=20))  # a reminder, not due yet
    queue_message(db, now - timedelta(hours=3), status="sent")

    with running_alone(db):  # as if a bot ran: only the backlog is wrong
        code, out, _ = await rostbot("status", "--check", "--db", str(db))
        assert code == 1
        lines = out.splitlines()
        assert len(lines) == 1
        assert lines[0].startswith("problem: outbox backlog: 2 message(s) due, the oldest 4")
        assert lines[0].endswith(" min ago (more than 15)")

        code, out, _ = await rostbot(
            "status", "--check", "--max-outbox-minutes", "60", "--db", str(db)
        )
        assert code == 0 and out.startswith("ok: bot running"), out

        code, out, _ = await rostbot("status", "--db", str(db))
        assert code == 0
        assert "outbox: 2 message(s) due now (the oldest due " in out
        assert ", 1 due later" in out


async def test_status_reads_without_creating_or_upgrading_anything(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"  # as the first rostbot left it
    number, name, sql = database._migrations()[0]
    connection = sqlite3.connect(old)
    connection.executescript(
        "CREATE TABLE schema_migrations (number INTEGER PRIMARY KEY, name TEXT);"
        f"{sql}\nINSERT INTO schema_migrations VALUES ({number}, '{name}');"
    )
    connection.close()

    code, out, err = await rostbot("status", "--check", "--db", str(old))
    assert (code, err) == (1, "")
    assert out == f"problem: no bot is running on {old}\n"  # older, but no bot to upgrade it
    code, out, err = await rostbot("status", "--db", str(old))
    assert code == 0, err
    assert out.startswith(
        f"database: {old} (schema 1; this rostbot's is {known_schema()}; "
        "the bot upgrades it when it starts)\n"
    )
    assert "outbox: 0 message(s) due now, 0 due later" in out  # no outbox table yet
    assert schema_rows(old) == [1]  # not migrated
    assert not (tmp_path / "old.sqlite3.lock").exists()  # no lock file made either

    missing = tmp_path / "none.sqlite3"
    code, out, err = await rostbot("status", "--check", "--db", str(missing))
    assert (code, out, err) == (1, f"problem: no database at {missing}\n", "")
    assert not missing.exists()


async def test_an_unreadable_or_newer_database_is_a_problem(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database, " * 100)
    code, out, err = await rostbot("status", "--check", "--db", str(garbage))
    assert (code, err) == (1, "")
    assert out.startswith(f"problem: cannot read database {garbage}: ")
    assert out.count("\n") == 1

    newer = await prepared(tmp_path / "newer.sqlite3")
    connection = sqlite3.connect(newer)
    with connection:
        connection.execute("INSERT INTO schema_migrations VALUES (999, '999_future.sql')")
    connection.close()
    with running_alone(newer):
        code, out, _ = await rostbot("status", "--check", "--db", str(newer))
    assert code == 1
    assert out == (
        f"problem: the database's schema 999 is newer than this rostbot's "
        f"{known_schema()}: run the rostbot that wrote it\n"
    )


async def test_bad_options_are_one_line_and_status_2(tmp_path: Path) -> None:
    code, out, err = await rostbot("status", "--check", "--max-outbox-minutes", "soon")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "'soon' is not a whole number of minutes" in err
    code, _, err = await rostbot(
        "status", "--check", "--db", str(tmp_path / "x"), env={"ROSTBOT_TZ": "Mars/Olympus"}
    )
    assert (code, err) == (2, "rostbot: ROSTBOT_TZ='Mars/Olympus' is not a known time zone\n")
