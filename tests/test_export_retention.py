"""Retention: exported answers after the grace period, old unfinished runs, unused invitations.

Run by hand (`rostbot retention`), shown by `rostbot status`, and run by the bot itself
at start-up and then daily.
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import RunningBot
from export_steps import Answer, rostbot, seal_answers
from journey_steps import table_count
from rostbot.config import Settings
from rostbot.crypto.analyst_keys import AnalystPrivateKey, load_public_key
from rostbot.journey.services import utc_now
from rostbot.sandbox.botapi import SandboxBotApi

LISTENED = Answer("listened", "scale", "fully")


def days_ago(days: int) -> str:
    return (datetime.now(UTC).date() - timedelta(days=days)).isoformat()


async def seed(db: Path, key_pub: Path) -> dict[str, list[str]]:
    """Answers exported long ago and lately, waiting ones, runs and invitations of all ages."""
    key = load_public_key(key_pub)
    old = await seal_answers(db, key, [LISTENED])
    recent = await seal_answers(db, key, [LISTENED])
    waiting = await seal_answers(db, key, [LISTENED], response_id="still-waiting")
    connection = sqlite3.connect(db)
    with connection:
        connection.execute(
            "UPDATE sealed_answers SET exported_on = ? WHERE record_id = ?", (days_ago(31), old[0])
        )
        connection.execute(
            "UPDATE sealed_answers SET exported_on = ? WHERE record_id = ?",
            (days_ago(29), recent[0]),
        )
        connection.execute(
            "INSERT INTO respondents (pseudonym, lang, created_on) VALUES ('p', 'sv', ?)",
            (days_ago(500),),
        )
        for run_id, status, updated in [
            ("old-open", "open", days_ago(366)),
            ("old-stopped", "stopped", days_ago(400)),
            ("old-finished", "finished", days_ago(400)),
            ("new-open", "open", days_ago(10)),
        ]:
            connection.execute(
                "INSERT INTO runs (run_id, response_id, pseudonym, flow_id, flow_version, status,"
                " state, started_on, updated_on) VALUES (?, ?, 'p', 'f', 1, ?, x'00', ?, ?)",
                (run_id, "r-" + run_id, status, updated, updated),
            )
        for code, created, used in [
            ("old-unused", days_ago(366), None),
            ("old-used", days_ago(400), days_ago(399)),
            ("new-unused", days_ago(3), None),
        ]:
            connection.execute(
                "INSERT INTO invitations (code_hash, flow_id, unit, batch_id, created_on, used_on)"
                " VALUES (?, 'f', 'u', 'b', ?, ?)",
                (code, created, used),
            )
    connection.close()
    return {"old": old, "recent": recent, "waiting": waiting}


def ids(db: Path, sql: str) -> set[str]:
    connection = sqlite3.connect(db)
    try:
        return {row[0] for row in connection.execute(sql)}
    finally:
        connection.close()


async def test_retention_deletes_only_what_is_due_and_status_shows_it_first(
    tmp_path: Path, analyst_key: tuple[Path, AnalystPrivateKey]
) -> None:
    db = tmp_path / "bot.sqlite3"
    records = await seed(db, analyst_key[0])
    key_id = analyst_key[1].key_id

    status, stdout, stderr = await rostbot("status", "--db", str(db))
    assert status == 0, stderr
    # seal_answers dates its records in March 2026
    assert "sealed answers waiting for export: 1 (oldest from 2026-03)" in stdout
    assert f"key {key_id}: 1 waiting, 2 exported" in stdout
    assert "unfinished flow runs: 3" in stdout
    assert "unused invitations: 2" in stdout
    assert (
        "retention would delete now: 1 exported answers, 2 unfinished runs, 1 unused invitations"
    ) in stdout

    status, stdout, _ = await rostbot("retention", "--db", str(db))
    assert status == 0
    assert stdout.startswith("deleted 1 exported answers (older than 30 days), 2 unfinished runs")

    left = ids(db, "SELECT record_id FROM sealed_answers")
    assert left == {*records["recent"], *records["waiting"]}
    assert ids(db, "SELECT run_id FROM runs") == {"old-finished", "new-open"}
    assert ids(db, "SELECT code_hash FROM invitations") == {"old-used", "new-unused"}

    status, stdout, _ = await rostbot("status", "--db", str(db))
    assert "retention would delete now: 0 exported answers, 0 unfinished runs" in stdout
    assert f"next due: exported answers from {days_ago(29 - 31)}" in stdout


async def test_the_grace_period_is_a_setting(
    tmp_path: Path, analyst_key: tuple[Path, AnalystPrivateKey]
) -> None:
    db = tmp_path / "bot.sqlite3"
    await seed(db, analyst_key[0])
    status, stdout, _ = await rostbot(
        "retention", "--db", str(db), env={"ROSTBOT_EXPORT_GRACE_DAYS": "7"}
    )
    assert status == 0 and stdout.startswith("deleted 2 exported answers (older than 7 days)")
    status, _, stderr = await rostbot(
        "status", "--db", str(db), env={"ROSTBOT_EXPORT_GRACE_DAYS": "a week"}
    )
    assert status == 2
    assert stderr == (
        "rostbot: ROSTBOT_EXPORT_GRACE_DAYS must be a whole number of days, 0 or more\n"
    )


async def test_status_of_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    status, _, stderr = await rostbot("status", "--db", str(tmp_path / "none.sqlite3"))
    assert (status, stderr) == (2, f"rostbot: no database at {tmp_path / 'none.sqlite3'}\n")
    assert not (tmp_path / "none.sqlite3").exists()


async def test_the_bot_runs_the_retention_job_when_it_starts(
    api: SandboxBotApi,
    settings: Settings,
    analyst_key: tuple[Path, AnalystPrivateKey],
) -> None:
    records = await seed(settings.db_path, analyst_key[0])
    bot = RunningBot(api, settings, utc_now)
    await bot.start()
    try:
        async with asyncio.timeout(10):
            while records["old"][0] in ids(  # noqa: ASYNC110 (written by the bot: no event)
                settings.db_path, "SELECT record_id FROM sealed_answers"
            ):
                await asyncio.sleep(0.05)  # the job runs on the bot's own JobQueue
        assert table_count(settings.db_path, "runs") == 2
        assert table_count(settings.db_path, "invitations") == 2
    finally:
        await bot.stop()
