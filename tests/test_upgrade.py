"""Upgrades: a database of the first release runs and exports under today's code.

`tests/fixtures/first_release.sqlite3` was made by the first release's own code (see
tests/fixtures/README.md): people answered through its bot, their answers sealed to the
test key beside it. Today's `rostbot run` keeps a copy of it before migrating, and the
analysts' export opens the same answers as that release did. A database a newer rostbot
has migrated is refused by every command, one line and status 2, and left as it was.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import shutil
import sqlite3
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from conftest import FLOWS
from export_steps import Answer, coded, read_csv, rostbot, seal_answers
from journey_steps import open_all
from rostbot.config import Settings
from rostbot.crypto.analyst_keys import load_private_key, load_public_keys
from rostbot.sandbox.bot_process import BotProcess, run_env
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.store import answers
from rostbot.store.answers import SealedAnswer
from rostbot.store.database import Database, newest_schema_version

FIXTURES = Path(__file__).parent / "fixtures"
KEY = FIXTURES / "test-analyst-key-DO-NOT-USE"
SECRET = FIXTURES / "test-server-secret-DO-NOT-USE"
TIMEOUT = 120  # a busy two-core machine starts a Python with all of rostbot slowly


def first_release_copy(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "rostbot.sqlite3"
    shutil.copyfile(FIXTURES / "first_release.sqlite3", database)
    return database


def as_set(opened: list[dict[str, Any]]) -> set[str]:
    return {json.dumps(record, sort_keys=True, ensure_ascii=False) for record in opened}


def first_release_answers() -> list[dict[str, Any]]:
    """What the first release's own code opened from the fixture."""
    loaded: list[dict[str, Any]] = json.loads(
        (FIXTURES / "first_release_answers.json").read_text(encoding="utf-8")
    )
    return loaded


def schema_of(path: Path) -> dict[str, Any]:
    """Every table's columns and every index's columns, uniqueness and condition."""
    connection = sqlite3.connect(path)
    try:
        found: dict[str, Any] = {}
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        for table in sorted(tables):
            columns = list(connection.execute(f"PRAGMA table_xinfo('{table}')"))
            indexes = {}
            for _, name, unique, origin, partial in connection.execute(
                f"PRAGMA index_list('{table}')"
            ):
                sql = connection.execute(
                    "SELECT sql FROM sqlite_master WHERE name = ?", (name,)
                ).fetchone()[0]
                where = " ".join(sql.split("WHERE", 1)[1].split()) if partial and sql else ""
                key = name if origin == "c" else f"{origin}:{table}"
                indexes[key] = (
                    unique,
                    where,
                    [r[2] for r in connection.execute(f"PRAGMA index_info('{name}')")],
                )
            found[table] = (columns, indexes)
        return found
    finally:
        connection.close()


def mode_of(path: Path) -> int:
    return path.stat().st_mode & 0o777


def pre_upgrade_copies(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".pre-upgrade-" in p.name)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_the_first_release_database_is_kept_before_upgrading_and_exports_the_same_answers(
    api: SandboxBotApi, settings: Settings, tmp_path: Path
) -> None:
    database = first_release_copy(tmp_path / "data")
    before = as_set(open_all(database, load_private_key(KEY)))
    assert before == as_set(first_release_answers())  # today's code opens what that release did
    assert len(before) == 20

    settings = replace(
        settings,
        db_path=database,
        analyst_key_paths=(Path(f"{KEY}.pub"),),
        secret_file=SECRET,
        send_rate=0,
    )
    log = tmp_path / "bot.log"
    async with BotProcess(run_env(settings, api, ROSTBOT_LOG_LEVEL="INFO"), log=log) as bot:
        await api.wait_until_polling(timeout=TIMEOUT)
        assert await bot.stop(timeout=TIMEOUT) == 0, log.read_text()[-2000:]

    newest = newest_schema_version()
    lines = [line for line in log.read_text().splitlines() if "upgrading the database" in line]
    assert len(lines) == 1, log.read_text()[-2000:]
    said = re.search(
        rf"upgrading the database from schema 1 to {newest}; "
        r"the database as it was is kept in (\S+)$",
        lines[0],
    )
    assert said is not None, lines[0]
    kept = Path(said[1])
    assert kept.parent == database.parent
    assert re.fullmatch(
        rf"rostbot\.sqlite3\.pre-upgrade-1-to-{newest}-\d{{4}}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.sqlite3",
        kept.name,
    )
    assert mode_of(kept) == 0o600
    assert as_set(open_all(kept, load_private_key(KEY))) == before
    with sqlite3.connect(kept) as copy:
        assert copy.execute("SELECT max(number) FROM schema_migrations").fetchone() == (1,)
    with sqlite3.connect(database) as upgraded:
        assert upgraded.execute("SELECT max(number) FROM schema_migrations").fetchone() == (newest,)
    assert as_set(open_all(database, load_private_key(KEY))) == before

    out = tmp_path / "export"
    status, stdout, stderr = await rostbot(
        "export", "--key", str(KEY), "--out", str(out), "--db", str(database), "--flows", str(FLOWS)
    )
    assert status == 0, stderr
    assert "exported 20 new answer(s)" in stdout
    rows = {row["unit"]: row for row in read_csv(out / "responses.csv")}
    assert set(rows) == {"sv-nord", "dk-syd", "sv-paus"}
    for record in first_release_answers():
        row = rows[record["unit"]]
        column = f"{record['flow_id']}.{record['question_id']}"
        expected = "(text)" if record["question_type"] == "text" else coded(record["value"])
        assert row[column] == expected, column
        assert (row["flow_id"], row["lang"], row["provider"]) == (
            record["flow_id"],
            record["lang"],
            record["provider"],
        )
    exported_text = {t["text"] for t in read_csv(out / "free_text.csv")}
    assert exported_text == {
        r["value"] for r in first_release_answers() if r["question_type"] == "text"
    }
    filled = sum(1 for row in rows.values() for k, v in row.items() if "." in k and v)
    assert filled == len(before)

    # A second start finds nothing to upgrade and keeps no second copy.
    async with (
        SandboxBotApi() as again,
        BotProcess(run_env(settings, again), log=tmp_path / "again.log") as bot,
    ):
        await again.wait_until_polling(timeout=TIMEOUT)
        assert await bot.stop(timeout=TIMEOUT) == 0
    assert pre_upgrade_copies(database.parent) == [kept.name]


async def test_an_upgraded_first_release_database_has_the_schema_of_a_new_one(
    tmp_path: Path,
) -> None:
    database = first_release_copy(tmp_path / "old")
    upgraded = await Database.open(database)
    fresh = await Database.open(tmp_path / "new" / "rostbot.sqlite3")
    await upgraded.close()
    await fresh.close()

    assert schema_of(database) == schema_of(tmp_path / "new" / "rostbot.sqlite3")
    assert pre_upgrade_copies(tmp_path / "new") == []  # nothing to keep


async def test_a_changed_answer_after_an_export_is_stored_in_an_upgraded_first_release_database(
    tmp_path: Path,
) -> None:
    # The first release held one row per question even after export: a person going back
    # after the analysts had exported could not have their new answer stored.
    database = first_release_copy(tmp_path)
    db = await Database.open(database)
    try:
        row = await db.fetch_one(
            "SELECT * FROM sealed_answers WHERE question_id = 'info_clear' LIMIT 1"
        )
        assert row is not None
        async with db.transaction() as tx:
            await tx.execute(
                "UPDATE sealed_answers SET exported_on = '2026-12-01' WHERE record_id = ?",
                (row["record_id"],),
            )
            await answers.put(
                tx,
                SealedAnswer(
                    "a-changed-record",
                    row["response_id"],
                    row["question_id"],
                    row["flow_id"],
                    row["flow_version"],
                    row["key_id"],
                    b"sealed",
                    "2026-12-02",
                ),
            )
        stored = await db.fetch_all(
            "SELECT record_id FROM sealed_answers WHERE response_id = ? AND question_id = ?",
            (row["response_id"], row["question_id"]),
        )
    finally:
        await db.close()
    assert {r["record_id"] for r in stored} == {row["record_id"], "a-changed-record"}


async def newer_database(tmp_path: Path, settings: Settings) -> Path:
    """A database as a newer rostbot would leave it: one migration more than we ship."""
    database = tmp_path / "data" / "rostbot.sqlite3"
    [key] = load_public_keys(list(settings.analyst_key_paths))
    await seal_answers(database, key, [Answer("knew_plan", "scale", "yes")])
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE from_the_future (x TEXT)")
        connection.execute(
            "INSERT INTO schema_migrations VALUES (?, 'from_the_future.sql')",
            (newest_schema_version() + 1,),
        )
    connection.close()
    return database


async def test_a_database_from_a_newer_rostbot_is_refused_by_every_command_and_left_as_it_is(
    api: SandboxBotApi, settings: Settings, tmp_path: Path
) -> None:
    database = await newer_database(tmp_path, settings)
    settings = replace(settings, db_path=database, send_rate=0)
    digest = file_digest(database)
    newer = newest_schema_version() + 1
    line = (
        f"rostbot: {database} has database schema {newer}, newer than this rostbot knows "
        f"({newer - 1}): it was made or upgraded by a newer rostbot; run that version, or "
        "restore a backup made before the upgrade"
    )
    private_key = Path(str(settings.analyst_key_paths[0]).removesuffix(".pub"))
    backup = tmp_path / "newer-backup.sqlite3"
    shutil.copyfile(database, backup)
    env = run_env(settings, api, ROSTBOT_BOT_USERNAME="rostbot_test_bot")
    commands: list[tuple[str, ...]] = [
        ("run",),
        ("invite", "--flow", "meeting_feedback", "--unit", "unit-a"),
        ("retention",),
        ("events", "list"),
        ("backup", "--out", str(tmp_path / "copy.sqlite3")),
        ("export", "--key", str(private_key), "--out", str(tmp_path / "export")),
        ("restore", str(backup), "--db", str(tmp_path / "other" / "rostbot.sqlite3")),
    ]
    for command in commands:
        status, stdout, stderr = await rostbot(*command, env=env)
        expected = line.replace(str(database), str(backup)) if command[0] == "restore" else line
        assert (status, stdout, stderr.splitlines()) == (2, "", [expected]), command
    assert api.method_counts["getMe"] == 0  # `run` stopped before it called the Bot API
    assert file_digest(database) == digest
    assert pre_upgrade_copies(database.parent) == []
    assert not (tmp_path / "copy.sqlite3").exists()
    assert not (tmp_path / "other" / "rostbot.sqlite3").exists()


HOLD_THE_LOCK = """
import sys
from pathlib import Path
from rostbot.store.run_lock import running_alone
with running_alone(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()
"""


def migrations_and_answers(database: Path) -> tuple[list[Any], list[Any]]:
    with sqlite3.connect(database) as connection:
        done = connection.execute("SELECT * FROM schema_migrations ORDER BY number").fetchall()
        held = connection.execute("SELECT * FROM sealed_answers ORDER BY rowid").fetchall()
    connection.close()
    return done, held


async def test_a_database_is_not_upgraded_while_a_bot_of_another_version_runs_on_it(
    tmp_path: Path,
) -> None:
    database = first_release_copy(tmp_path)
    before = migrations_and_answers(database)
    bot = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        HOLD_THE_LOCK,
        str(database),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert bot.stdin is not None and bot.stdout is not None
    try:
        assert await asyncio.wait_for(bot.stdout.readline(), TIMEOUT) == b"held\n"

        status, stdout, stderr = await rostbot("retention", "--db", str(database))

        assert (status, stdout) == (2, "")
        assert stderr.splitlines() == [
            f"rostbot: cannot upgrade {database} from schema 1 to {newest_schema_version()} "
            f"while a rostbot is running on it (pid {bot.pid}); stop it, then start this version"
        ]
    finally:
        bot.stdin.close()
        await asyncio.wait_for(bot.wait(), TIMEOUT)
    assert migrations_and_answers(database) == before
    assert pre_upgrade_copies(tmp_path) == []


@pytest.mark.parametrize("fresh", [True, False])
async def test_no_copy_is_kept_when_nothing_is_upgraded(tmp_path: Path, fresh: bool) -> None:
    database = tmp_path / "rostbot.sqlite3"
    if not fresh:
        await (await Database.open(database)).close()
    await (await Database.open(database)).close()
    assert pre_upgrade_copies(tmp_path) == []
