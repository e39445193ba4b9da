"""Backups and restores: `rostbot backup` beside a running bot, `rostbot restore` when stopped.

A backup is the database as it was at one moment while people go on answering, readable
by its owner only, checked, never written over another file. A restore puts one back when
no bot runs on the database, keeps the database it replaces, and refuses anything this
rostbot could not run on. Every refusal is one line and status 2.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from export_steps import Answer, rostbot, seal_answers
from journey_steps import answer_question, is_question, open_all, sealed_rows, start_and_consent
from rostbot.config import Settings
from rostbot.crypto.analyst_keys import AnalystPrivateKey, load_public_keys
from rostbot.invitations import make_invitations
from rostbot.sandbox.bot_process import BotProcess, run_env
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.store.backup import restore_database
from rostbot.store.database import Database, newest_schema_version

TIMEOUT = 120  # a busy two-core machine starts a Python with all of rostbot slowly
FLOW = "income_support_followup"
BACKUP_LINE = re.compile(
    r"backup: (?P<path>\S+) \(database (?P<db>\S+), schema (?P<schema>\d+), "
    r"[\d.]+ (KiB|MiB), integrity ok\)"
)


def private_key_path(settings: Settings) -> Path:
    return Path(str(settings.analyst_key_paths[0]).removesuffix(".pub"))


def mode_of(path: Path) -> int:
    return path.stat().st_mode & 0o777


def names_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def integrity(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        found = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    connection.close()
    return found


def records(path: Path) -> dict[int, tuple[str, bytes]]:
    """rowid -> (record id, sealed bytes) of every sealed answer in the file."""
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT rowid, record_id, sealed FROM sealed_answers").fetchall()
    connection.close()
    return {rowid: (record_id, bytes(sealed)) for rowid, record_id, sealed in rows}


def as_set(opened: list[dict[str, Any]]) -> set[str]:
    return {json.dumps(record, sort_keys=True, ensure_ascii=False) for record in opened}


async def some_answers(settings: Settings, count: int = 3) -> Path:
    """A bot database holding `count` sealed answers of one response."""
    [key] = load_public_keys(list(settings.analyst_key_paths))
    given = [Answer(f"q{n}", "scale", "yes") for n in range(count)]
    await seal_answers(settings.db_path, key, given)
    return settings.db_path


# ---------------------------------------------------------------------------------- backup


async def test_a_backup_is_a_checked_copy_only_its_owner_can_read(
    settings: Settings, analyst_key: tuple[Path, AnalystPrivateKey], tmp_path: Path
) -> None:
    database = await some_answers(settings)
    out = tmp_path / "backups" / "monday.sqlite3"
    out.parent.mkdir()

    status, stdout, stderr = await rostbot("backup", "--out", str(out), "--db", str(database))

    assert (status, stderr) == (0, "")
    [line] = stdout.splitlines()
    said = BACKUP_LINE.fullmatch(line)
    assert said is not None, line
    assert (said["path"], said["db"]) == (str(out), str(database))
    assert int(said["schema"]) == newest_schema_version()
    assert mode_of(out) == 0o600
    assert names_in(out.parent) == ["monday.sqlite3"]  # no temporary file left behind
    assert integrity(out) == ["ok"]
    assert as_set(open_all(out, analyst_key[1])) == as_set(open_all(database, analyst_key[1]))


async def test_a_backup_never_overwrites_a_file(settings: Settings, tmp_path: Path) -> None:
    database = await some_answers(settings)
    out = tmp_path / "taken.sqlite3"
    out.write_text("someone's file")

    status, stdout, stderr = await rostbot("backup", "--out", str(out), "--db", str(database))

    assert (status, stdout) == (2, "")
    assert stderr.splitlines() == [
        f"rostbot: {out} exists already; a backup never overwrites a file"
    ]
    assert out.read_text() == "someone's file"


async def test_a_backup_of_no_database_is_one_line_and_creates_none(tmp_path: Path) -> None:
    missing = tmp_path / "nothing-here.sqlite3"
    out = tmp_path / "copy.sqlite3"

    status, stdout, stderr = await rostbot("backup", "--out", str(out), "--db", str(missing))

    assert (status, stdout, stderr.splitlines()) == (2, "", [f"rostbot: no database at {missing}"])
    assert names_in(tmp_path) == []


async def test_a_backup_into_a_missing_folder_is_one_line(
    settings: Settings, tmp_path: Path
) -> None:
    database = await some_answers(settings)
    out = tmp_path / "no-such-folder" / "copy.sqlite3"

    status, stdout, stderr = await rostbot("backup", "--out", str(out), "--db", str(database))

    assert (status, stdout) == (2, "")
    assert stderr.splitlines() == [f"rostbot: cannot write {out}: there is no folder {out.parent}"]


async def answer_until(
    api: SandboxBotApi, codes: list[str], stop: asyncio.Event, answered: list[int]
) -> None:
    """People open letter links one after another and answer the whole flow, until `stop`."""
    while not stop.is_set() and codes:
        code = codes.pop()
        user = api.user(language_code="sv")
        question = await start_and_consent(
            user, code, yes_text="Ja, jag vill vara med", age_yes="Ja"
        )
        while True:
            mark = user.mark()
            await answer_question(user, question, pick=len(answered))
            answered.append(1)
            following = await user.wait_for_message(
                lambda m: is_question(m) or "Tack för dina svar" in (m.text or ""),
                after=mark,
                timeout=TIMEOUT,
            )
            if not is_question(following):
                break
            question = following


async def more_answers_than(database: Path, count: int) -> int:
    """Wait until the bot has committed more than `count` sealed answers; how many it has."""
    async with asyncio.timeout(TIMEOUT):
        while (now := len(records(database))) <= count:  # noqa: ASYNC110 (another process)
            await asyncio.sleep(0.05)
    return now


async def test_backups_taken_while_people_answer_restore_to_databases_that_export_what_they_held(
    api: SandboxBotApi,
    settings: Settings,
    analyst_key: tuple[Path, AnalystPrivateKey],
    tmp_path: Path,
) -> None:
    settings = replace(settings, send_rate=0)
    database = settings.db_path
    links = await make_invitations(
        settings, bot=api.bot_username, flow_id=FLOW, unit="unit-a", provider=None, count=400
    )
    codes = [link.split("?start=")[1] for link in links]
    backups: list[Path] = []
    log = tmp_path / "bot.log"
    async with BotProcess(run_env(settings, api, ROSTBOT_LOG_LEVEL="WARNING"), log=log) as bot:
        await api.wait_until_polling(timeout=TIMEOUT)
        stop = asyncio.Event()
        answered: list[int] = []
        people = [asyncio.create_task(answer_until(api, codes, stop, answered)) for _ in range(3)]
        try:
            seen = 0
            for n in range(4):  # each backup after more answers were committed, people going on
                seen = await more_answers_than(database, seen)
                out = tmp_path / "backups" / f"{n}.sqlite3"
                out.parent.mkdir(exist_ok=True)
                status, stdout, stderr = await rostbot(
                    "backup", "--out", str(out), "--db", str(database)
                )
                assert status == 0, stderr
                assert BACKUP_LINE.fullmatch(stdout.strip()), stdout
                backups.append(out)
            assert not all(person.done() for person in people)  # the load went on throughout
        finally:
            stop.set()
        await asyncio.wait_for(asyncio.gather(*people), TIMEOUT)
        assert bot.returncode is None  # backups never stopped nor blocked the bot
        assert await bot.stop(timeout=TIMEOUT) == 0, log.read_text()[-2000:]

    live = records(database)
    opened_live = {
        json.loads(record)["record_id"]: record
        for record in as_set(open_all(database, analyst_key[1]))
    }
    sizes = []
    for n, backup in enumerate(backups):
        assert mode_of(backup) == 0o600
        held = records(backup)
        sizes.append(len(held))
        # One moment of the database: exactly the answers committed up to its last one.
        assert held == {rowid: live[rowid] for rowid in live if rowid <= max(held)}

        restored = tmp_path / f"restored-{n}" / "rostbot.sqlite3"
        done = restore_database(backup, restored)
        assert (done.kept, done.schema_version) == (None, newest_schema_version())
        assert integrity(restored) == ["ok"]
        await (await Database.open(restored)).close()  # opens; nothing to upgrade
        assert names_in(restored.parent) == ["rostbot.sqlite3", "rostbot.sqlite3.lock"]
        opened = as_set(open_all(restored, analyst_key[1]))  # every answer in it opens
        assert opened == {opened_live[record_id] for record_id, _ in held.values()}
    assert sizes == sorted(sizes) and sizes[0] > 0

    out = tmp_path / "export"
    restored = tmp_path / f"restored-{len(backups) - 1}" / "rostbot.sqlite3"
    status, stdout, stderr = await rostbot(
        "export", "--key", str(private_key_path(settings)), "--out", str(out), "--db", str(restored)
    )
    assert status == 0, stderr
    assert f"exported {sizes[-1]} new answer(s)" in stdout


# --------------------------------------------------------------------------------- restore


async def test_a_restore_is_refused_while_a_bot_runs_on_the_database(
    api: SandboxBotApi, settings: Settings, tmp_path: Path
) -> None:
    database = await some_answers(settings)
    backup = tmp_path / "backup.sqlite3"
    assert (await rostbot("backup", "--out", str(backup), "--db", str(database)))[0] == 0
    env = run_env(replace(settings, send_rate=0), api, ROSTBOT_LOG_LEVEL="WARNING")
    async with BotProcess(env, log=tmp_path / "bot.log") as bot:
        await api.wait_until_polling(timeout=TIMEOUT)
        before = digest(database)

        status, stdout, stderr = await rostbot("restore", str(backup), env=env)

        assert (status, stdout) == (2, "")
        assert stderr.splitlines() == [
            f"rostbot: cannot restore: a rostbot is running on {database} (pid {bot.pid}); "
            "stop it first"
        ]
        assert bot.returncode is None
        assert digest(database) == before
        assert not [name for name in names_in(database.parent) if "before-restore" in name]
        assert await bot.stop(timeout=TIMEOUT) == 0


def last_answers_only_in_the_log(database: Path, folder: Path) -> Path:
    """A copy of the database as a stopped host holds it: its last answer only in its -wal."""
    writer = sqlite3.connect(database, isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint=0")
        writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        writer.execute("UPDATE sealed_answers SET exported_on = 'in-the-log'")
        folder.mkdir()
        for suffix in ("", "-wal"):
            shutil.copyfile(f"{database}{suffix}", folder / f"rostbot.sqlite3{suffix}")
    finally:
        writer.execute("UPDATE sealed_answers SET exported_on = NULL")
        writer.close()
    assert (folder / "rostbot.sqlite3-wal").stat().st_size > 0
    return folder / "rostbot.sqlite3"


async def test_a_restore_keeps_the_database_it_replaces_with_what_its_log_held(
    settings: Settings, analyst_key: tuple[Path, AnalystPrivateKey], tmp_path: Path
) -> None:
    backup = tmp_path / "backup.sqlite3"
    other = replace(settings, db_path=tmp_path / "other" / "rostbot.sqlite3")
    await some_answers(other, count=5)
    assert (await rostbot("backup", "--out", str(backup), "--db", str(other.db_path)))[0] == 0
    await some_answers(settings, count=2)
    target = last_answers_only_in_the_log(settings.db_path, tmp_path / "host")

    status, stdout, stderr = await rostbot("restore", str(backup), "--db", str(target))

    assert (status, stderr) == (0, "")
    [line] = stdout.splitlines()
    said = re.fullmatch(
        rf"restored {re.escape(str(target))} from {re.escape(str(backup))} "
        rf"\(schema {newest_schema_version()}, integrity ok\); "
        r"the database it replaced is kept as (\S+)",
        line,
    )
    assert said is not None, line
    kept = Path(said[1])
    assert re.fullmatch(
        r"rostbot\.sqlite3\.before-restore-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ", kept.name
    )
    assert names_in(target.parent) == sorted(["rostbot.sqlite3", "rostbot.sqlite3.lock", kept.name])
    assert mode_of(kept) == 0o600 and mode_of(target) == 0o600
    with sqlite3.connect(kept) as old:  # one file, with what only its log held
        assert old.execute("SELECT DISTINCT exported_on FROM sealed_answers").fetchall() == [
            ("in-the-log",)
        ]
    old.close()
    assert len(sealed_rows(kept)) == 2
    assert as_set(open_all(target, analyst_key[1])) == as_set(open_all(backup, analyst_key[1]))
    assert len(sealed_rows(target)) == 5


def newer(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO schema_migrations VALUES (?, 'from_the_future.sql')",
            (newest_schema_version() + 1,),
        )
    connection.close()


def damaged(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    data = bytearray(path.read_bytes())
    for page in range(2, pages):  # every page but the first: SQLite still opens the file
        data[page * size - size + 8 : page * size - size + 40] = b"\xa5" * 32
    path.write_bytes(bytes(data))


def not_rostbot(path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    connection.close()


def not_sqlite(path: Path) -> None:
    path.write_text("name,answer\nAnna,yes\n")


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (not_sqlite, r"is not a readable SQLite database \(file is not a database\)"),
        (not_rostbot, r"is not a rostbot database \(no schema_migrations\)"),
        (newer, r"has database schema \d+, newer than this rostbot knows"),
        (damaged, r"(fails SQLite's integrity check|cannot copy|is not a readable SQLite)"),
    ],
)
async def test_a_restore_refuses_a_file_this_rostbot_cannot_run_on(
    settings: Settings, tmp_path: Path, spoil: Any, reason: str
) -> None:
    database = settings.db_path
    await some_answers(settings)
    backup = tmp_path / "backup.sqlite3"
    assert (await rostbot("backup", "--out", str(backup), "--db", str(database)))[0] == 0
    spoil(backup)
    before = digest(database)
    files = names_in(database.parent)

    status, stdout, stderr = await rostbot("restore", str(backup), "--db", str(database))

    assert (status, stdout) == (2, "")
    [line] = stderr.splitlines()
    assert line.startswith("rostbot: ") and str(backup) in line, line
    assert re.search(reason, line), line
    assert digest(database) == before
    assert names_in(database.parent) == sorted({*files, "rostbot.sqlite3.lock"})
