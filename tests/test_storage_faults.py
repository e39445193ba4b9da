"""When the storage fails: a locked database, a full disk, corrupt files at start-up.

The person is told plainly that their answer was not saved and to try again; nothing is
acknowledged that was not stored; when the storage is back, the same press saves the answer
once. At start-up, a corrupt flow file or database stops the bot with one line before it
takes a single update, so updates wait at Telegram instead of being lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import FLOWS, RunningBot
from journey_steps import answer_question, open_all, start_and_consent, wait_question
from reliability_steps import ErrorLog
from rostbot.config import Settings
from rostbot.crypto.analyst_keys import AnalystPrivateKey
from rostbot.journey.services import utc_now
from rostbot.sandbox.bot_process import BotProcess, run_env
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import BotMessage, SandboxUser

NOT_SAVED = "jag kunde inte spara det just nu"  # sv: "Sorry, I could not save that just now"


async def at_first_question(bot: RunningBot, api: SandboxBotApi) -> tuple[SandboxUser, BotMessage]:
    [code] = await bot.invite("meeting_feedback")
    user = api.user(language_code="sv")
    question = await start_and_consent(user, code, yes_text="Ja, jag vill vara med", age_yes="Ja")
    return user, question


async def press_and_be_told_not_saved(user: SandboxUser, question: BotMessage) -> None:
    mark, answers = user.mark(), len(user.callback_answers)
    await answer_question(user, question)
    told = await user.wait_for_message(lambda m: NOT_SAVED in m.content, after=mark, timeout=60)
    assert "försök igen" in told.content.lower()
    toast = await user.wait_for_callback_answer(after=answers)
    assert "Inte sparat" in str(toast["text"])
    assert question.buttons(), "the question keeps its buttons: nothing was acknowledged"
    assert "✓" not in question.content


async def press_again_and_go_on(user: SandboxUser, question: BotMessage) -> BotMessage:
    mark = user.mark()
    await answer_question(user, question)
    following = await wait_question(user, mark)
    assert (following.text or "").startswith("Fråga 2 av")
    return following


# ---------------------------------------------------------------------- locked


@contextlib.contextmanager
def write_locked(db_path: Path) -> Iterator[None]:
    """Another program holds the database's write lock."""
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


async def test_a_locked_database_means_not_saved_try_again_and_the_retry_saves_once(
    api: SandboxBotApi, fast_bot: RunningBot, analyst_key: tuple[Path, AnalystPrivateKey]
) -> None:
    user, question = await at_first_question(fast_bot, api)
    with ErrorLog() as errors, write_locked(fast_bot.settings.db_path):
        await press_and_be_told_not_saved(user, question)
        assert open_all(fast_bot.settings.db_path, analyst_key[1]) == []
    assert errors.errors == []  # a known trouble, answered by the handler itself
    await press_again_and_go_on(user, question)
    assert len(open_all(fast_bot.settings.db_path, analyst_key[1])) == 1


# ---------------------------------------------------------------------- disk full


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB file system of our own (tmpfs), so that filling it troubles nobody else."""
    where = tmp_path / "small-disk"
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root): no full disk to test with")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(folder: Path) -> Path:
    """Write until the file system is full; returns the filler file."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as handle:  # unbuffered: every write meets the disk
        for size in (65536, 4096, 1):
            with contextlib.suppress(OSError):
                while True:
                    handle.write(b"\0" * size)
    return filler


async def test_a_full_disk_means_not_saved_try_again_and_the_bot_goes_on_when_there_is_room(
    api: SandboxBotApi,
    settings: Settings,
    small_disk: Path,
    analyst_key: tuple[Path, AnalystPrivateKey],
) -> None:
    on_small_disk = replace(settings, db_path=small_disk / "rostbot.sqlite3", send_rate=0)
    bot = RunningBot(api, on_small_disk, utc_now)
    await bot.start()
    try:
        user, question = await at_first_question(bot, api)
        filler = fill(small_disk)
        with ErrorLog() as errors:
            await press_and_be_told_not_saved(user, question)
            await press_and_be_told_not_saved(user, question)  # still full: same answer
        assert errors.errors == []
        filler.unlink()
        await press_again_and_go_on(user, question)
        assert bot._task is not None and not bot._task.done()
    finally:
        await bot.stop()
    assert len(open_all(on_small_disk.db_path, analyst_key[1])) == 1


# ---------------------------------------------------------------------- corrupt files at start-up


async def rostbot_run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`rostbot run` to its end, in a thread: the sandbox it might call runs in this loop."""
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "rostbot", "run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_a_corrupt_flow_file_stops_the_restart_before_any_update_is_taken(
    api: SandboxBotApi,
    settings: Settings,
    tmp_path: Path,
    analyst_key: tuple[Path, AnalystPrivateKey],
) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    original = (FLOWS / "meeting_feedback.yaml").read_bytes()
    (flows / "meeting_feedback.yaml").write_bytes(original)
    settings = replace(settings, flows_dir=flows, send_rate=0)
    env = run_env(settings, api)
    [code] = await RunningBot(api, settings, utc_now).invite("meeting_feedback")
    user = api.user(language_code="sv")
    async with BotProcess(env):
        question = await start_and_consent(
            user, code, yes_text="Ja, jag vill vara med", age_yes="Ja"
        )
    # A bad deploy cuts the file short; the person presses an answer meanwhile.
    (flows / "meeting_feedback.yaml").write_bytes(original[: len(original) // 2] + b"\x00\xff{[")
    polls = api.method_counts["getUpdates"]
    mark = user.mark()
    await answer_question(user, question)
    refused = await rostbot_run(env)
    assert refused.returncode == 2
    assert refused.stdout == ""
    [line] = refused.stderr.strip().splitlines()  # one line, no traceback
    assert "meeting_feedback.yaml" in line and line.startswith("rostbot: cannot start")
    assert api.method_counts["getUpdates"] == polls  # it took nothing from Telegram
    assert api.pending_update_count() == 1  # the press waits there
    assert open_all(settings.db_path, analyst_key[1]) == []

    (flows / "meeting_feedback.yaml").write_bytes(original)  # the file is put right
    async with BotProcess(env):
        following = await wait_question(user, mark)
    assert (following.text or "").startswith("Fråga 2 av")
    assert len(open_all(settings.db_path, analyst_key[1])) == 1


async def test_a_corrupt_database_file_stops_the_start_with_one_line(
    api: SandboxBotApi, settings: Settings
) -> None:
    settings.db_path.write_bytes(b"this is not a database, it was overwritten " * 200)
    user = api.user(language_code="da")
    await user.send_command("/start")
    refused = await rostbot_run(run_env(settings, api))
    assert refused.returncode == 2
    [line] = refused.stderr.strip().splitlines()
    assert "database" in line and "not a database" in line
    assert api.method_counts["getUpdates"] == 0
    assert api.pending_update_count() == 1
