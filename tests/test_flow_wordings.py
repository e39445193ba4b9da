"""A flow's wording changed while its `version` stayed: noticed by `flows check` and `run`.

The first time a bot runs with a flow version on a database, the version's wording
fingerprint is kept; a flow file whose texts differ from it under the same version is warned
about (never refused), naming the flow, the version and the question ids, never a text.
Real flow files, real SQLite files, `rostbot` as a real process.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

from rostbot.config import Settings
from rostbot.core.flow_loader import load_flows
from rostbot.core.flow_wording import change_between, wording_of
from rostbot.flow_wordings import note_and_compare
from rostbot.health.doctor import check_flow_wordings
from rostbot.sandbox.bot_process import BotProcess, run_env
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.store.database import Database
from test_cli import rostbot

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 120  # a busy two-core machine starts a Python with all of rostbot slowly
QUESTION = "      sv: Kände du att vi lyssnade på dig?\n"


def flows_copy(folder: Path) -> Path:
    shutil.copytree(REPO / "flows", folder)
    return folder


def edit(folder: Path, old: str, new: str, name: str = "meeting_feedback.yaml") -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def kept_rows(db: Path) -> list[tuple[str, int, str]]:
    with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            "SELECT flow_id, version, fingerprint FROM flow_wordings ORDER BY flow_id, version"
        ).fetchall()
    return [(str(a), int(b), str(c)) for a, b, c in rows]


async def first_use(db_path: Path, flows_dir: Path) -> None:
    """What a bot's start does on the database: keep each new flow version's wording."""
    db = await Database.open(db_path)
    try:
        assert await note_and_compare(db, load_flows(flows_dir), "2026-12-01") == []
    finally:
        await db.close()


# -------------------------------------------------------------------- the fingerprint


def test_the_fingerprint_covers_what_a_person_reads_and_names_what_changed(
    tmp_path: Path,
) -> None:
    folder = flows_copy(tmp_path / "flows")
    first = wording_of(load_flows(folder)["meeting_feedback"])

    def now() -> object:
        return change_between(first, wording_of(load_flows(folder)["meeting_feedback"]))

    # Staff-only names, comments and the YAML's layout are not read by a respondent.
    edit(folder, "  sv: Möten\n", "  sv: Mötesenkäter\n")
    edit(folder, "# Short feedback", "# Feedback, short,")
    edit(folder, "ask_contact: false", "ask_contact:   false")
    assert now() is None
    # The same letters in another Unicode normal form are the same text.
    edit(folder, "Om mötet\n", "Om mo\u0308tet\n")
    assert now() is None

    edit(folder, QUESTION, "      sv: Lyssnade vi på dig?\n")
    edit(folder, "{sv: Lagom, da: Passende}", "{sv: Bra, da: Passende}")  # an option's label
    edit(folder, "  sv: >-\n    Vi vill veta", "  sv: >-\n    Vi vill gärna veta")
    change = now()
    assert change is not None
    assert change.questions == ("listened", "length")  # type: ignore[attr-defined]
    assert change.flow_texts == ("purpose",)  # type: ignore[attr-defined]
    assert change.order is False  # type: ignore[attr-defined]
    english = change.english()  # type: ignore[attr-defined]
    assert english.startswith("flow meeting_feedback version 1: the wording differs")
    assert "questions listened, length" in english and "raise `version`" in english
    assert "Lyssnade" not in english and "Bra" not in english  # ids, never texts


def test_a_new_order_of_the_questions_is_a_change(tmp_path: Path) -> None:
    folder = flows_copy(tmp_path / "flows")
    first = wording_of(load_flows(folder)["meeting_feedback"])
    path = folder / "meeting_feedback.yaml"
    head, questions = path.read_text(encoding="utf-8").split("questions:\n")
    blocks = questions.split("\n\n")
    path.write_text(head + "questions:\n" + "\n\n".join([blocks[1], blocks[0], *blocks[2:]]))
    change = change_between(first, wording_of(load_flows(folder)["meeting_feedback"]))
    assert change is not None
    assert (change.questions, change.flow_texts, change.order) == ((), (), True)
    assert "the order of the questions" in change.english()


# ---------------------------------------------------------------------- flows check


def test_flows_check_warns_on_a_changed_wording_and_is_quiet_after_a_version_bump(
    tmp_path: Path,
) -> None:
    folder = flows_copy(tmp_path / "flows")
    db = tmp_path / "rostbot.sqlite3"
    env = {"ROSTBOT_DB": str(db)}

    # No database: nothing to compare with, and nothing said about it (none is made).
    alone = rostbot("flows", "check", "flows", cwd=tmp_path, env=env)
    assert alone.code == 0, alone
    assert "wording" not in alone.out + alone.err
    assert not db.exists()

    asyncio.run(first_use(db, folder))
    kept = kept_rows(db)
    assert ("meeting_feedback", 1) in [(f, v) for f, v, _ in kept]
    same = rostbot("flows", "check", "flows", cwd=tmp_path, env=env)
    assert same.code == 0, same
    assert f"wording: no flow version has changed its wording since first used on {db}" in (
        same.out
    )

    edit(folder, QUESTION, "      sv: Lyssnade vi på dig?\n")
    changed = rostbot("flows", "check", "flows", cwd=tmp_path, env=env)
    assert changed.code == 0, changed  # a warning, not a refusal
    warnings = [line for line in changed.out.splitlines() if line.startswith("warning: ")]
    assert warnings == [
        "warning: flow meeting_feedback version 1: the wording differs from the one this "
        "database first used for version 1 (questions listened); answers and consents of "
        "both would carry the same version: raise `version` in the flow file"
    ]
    assert "Lyssnade" not in changed.out + changed.err
    # `rostbot doctor` says the same, as a warning.
    here = Settings(db_path=db, flows_dir=folder)
    assert [f.line() for f in check_flow_wordings(here)] == [warnings[0]]

    edit(folder, "version: 1\n", "version: 2\n")
    bumped = rostbot("flows", "check", "flows", cwd=tmp_path, env=env)
    assert bumped.code == 0, bumped
    assert "warning" not in bumped.out + bumped.err
    assert "wording: no flow version has changed" in bumped.out
    assert check_flow_wordings(here) == []
    # The database was only read: version 2 is kept by the bot that first runs it.
    assert kept_rows(db) == kept


def test_flows_check_on_a_database_of_an_older_schema_or_an_unreadable_one(
    tmp_path: Path,
) -> None:
    old = tmp_path / "old.sqlite3"
    with sqlite3.connect(old) as connection:
        connection.execute("CREATE TABLE schema_migrations (number INTEGER PRIMARY KEY, name)")
    result = rostbot("flows", "check", REPO / "flows", cwd=tmp_path, env={"ROSTBOT_DB": str(old)})
    assert result.code == 0, result
    assert "wording: no flow version has changed" in result.out

    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"this is not a database" * 100)
    result = rostbot(
        "flows", "check", REPO / "flows", cwd=tmp_path, env={"ROSTBOT_DB": str(broken)}
    )
    assert result.code == 0, result  # the flows themselves are fine
    assert "warning: wordings not compared with the database: cannot read database" in result.out
    assert "Traceback" not in result.err


# ------------------------------------------------------------------------- rostbot run


async def test_rostbot_run_keeps_the_first_wording_and_logs_a_warning_when_it_changes(
    api: SandboxBotApi, settings: Settings, tmp_path: Path
) -> None:
    folder = flows_copy(tmp_path / "flows")
    settings = replace(settings, flows_dir=folder, send_rate=0)
    env = run_env(settings, api, ROSTBOT_LOG_LEVEL="WARNING")

    first_log = tmp_path / "first.log"
    async with BotProcess(env, log=first_log) as bot:
        await api.wait_until_polling(timeout=TIMEOUT)
        assert await bot.stop(timeout=TIMEOUT) == 0
    assert "wording" not in first_log.read_text()
    assert len(kept_rows(settings.db_path)) == len(list(folder.glob("*.yaml")))

    edit(folder, QUESTION, "      sv: Lyssnade vi på dig?\n")
    second_log = tmp_path / "second.log"
    async with BotProcess(env, log=second_log) as bot:
        # Only a bot that polls answers, and it polls after the start's checks.
        user = api.user(language_code="sv")
        mark = user.mark()
        await user.send_command("/start")
        await user.wait_for_message(after=mark, timeout=TIMEOUT)
        assert await bot.stop(timeout=TIMEOUT) == 0
    lines = [line for line in second_log.read_text().splitlines() if "wording" in line]
    assert len(lines) == 1, second_log.read_text()
    assert " WARNING rostbot.flow_wordings: flow meeting_feedback version 1: " in lines[0]
    assert "(questions listened)" in lines[0] and "raise `version`" in lines[0]
    assert "Lyssnade" not in second_log.read_text()
