"""A host that dies mid-load: SIGKILL the bot process while hundreds of people answer.

Every answer the bot acknowledged (by showing what comes next) is in the database at the
moment of the crash; after a restart everyone goes on from where they were, and at the end
each person's answers are stored exactly once, as they gave them.
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import RunningBot
from journey_steps import open_all
from reliability_steps import (
    FLOW_FILES,
    answers_of,
    assert_each_walk_stored_once,
    respondents,
    stored_answers,
)
from rostbot.config import Settings
from rostbot.crypto.analyst_keys import AnalystPrivateKey
from rostbot.crypto.server_secret import ServerSecret
from rostbot.journey.services import utc_now
from rostbot.sandbox.bot_process import BotProcess, run_env
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import SandboxUser

PEOPLE = 240


def stored_by_person(
    users: list[SandboxUser], settings: Settings, key: AnalystPrivateKey
) -> list[frozenset[tuple[str, object]]]:
    """What the database holds for each person's run (found through their pseudonym)."""
    assert settings.secret_file is not None
    secret = ServerSecret.load(settings.secret_file)
    connection = sqlite3.connect(settings.db_path)
    try:
        response_of = dict(connection.execute("SELECT pseudonym, response_id FROM runs"))
    finally:
        connection.close()
    by_response: dict[str, set[tuple[str, object]]] = {}
    for a in open_all(settings.db_path, key):
        value = tuple(a["value"]) if isinstance(a["value"], list) else a["value"]
        by_response.setdefault(a["response_id"], set()).add((a["question_id"], value))
    return [
        frozenset(
            by_response.get(response_of.get(secret.pseudonym("telegram-user", u.id), ""), set())
        )
        for u in users
    ]


async def test_sigkill_mid_load_loses_no_acknowledged_answer_and_everyone_finishes(
    api: SandboxBotApi,
    settings: Settings,
    analyst_key: tuple[Path, AnalystPrivateKey],
    tmp_path: Path,
) -> None:
    settings = replace(settings, send_rate=0)
    flow = FLOW_FILES["meeting_feedback"]
    codes = await RunningBot(api, settings, utc_now).invite(flow.id, count=PEOPLE)
    # Crash once about a third of all answers have been acknowledged.
    crash_at = PEOPLE * len(flow.questions) // 3
    acknowledged = 0
    enough = asyncio.Event()

    def count() -> None:
        nonlocal acknowledged
        acknowledged += 1
        if acknowledged >= crash_at:
            enough.set()

    people = respondents(api, flow, PEOPLE, reply_timeout=4.0)
    for person in people:
        person.on_acknowledged = count
    env = run_env(settings, api, ROSTBOT_LOG_LEVEL="WARNING")
    bot = BotProcess(env, log=tmp_path / "bot.log")
    await bot.start()
    walking = asyncio.gather(*(p.run(c) for p, c in zip(people, codes, strict=True)))
    try:
        await asyncio.wait_for(enough.wait(), timeout=60)
        await bot.kill()
        # The moment of the crash: what each person had seen acknowledged is stored.
        seen = [answers_of(p.walk, "acknowledged") for p in people]
        mid_flow = sum(0 < len(s) < len(flow.questions) for s in seen)
        assert mid_flow > 0, "the crash came when nobody was in the middle of a flow"
        stored = stored_by_person([p.user for p in people], settings, analyst_key[1])
        for acknowledged_before, stored_then in zip(seen, stored, strict=True):
            assert acknowledged_before <= stored_then

        bot = BotProcess(env, log=tmp_path / "bot.log")
        await bot.start()
        walks = await asyncio.wait_for(walking, timeout=120)
    finally:
        walking.cancel()
        status = await bot.stop()

    assert status == 0, (tmp_path / "bot.log").read_text()[-2000:]
    assert all(walk.finished for walk in walks)
    assert sum(walk.recoveries for walk in walks) > 0  # people really were cut off
    assert_each_walk_stored_once(walks, stored_answers(settings.db_path, analyst_key[1]))


@pytest.mark.skip(
    reason="reminders and invitations sent by the bot (the outbox) are not in main yet; "
    "when they are, a crash mid-send must neither lose nor repeat one"
)
async def test_sigkill_mid_send_neither_loses_nor_repeats_a_reminder_or_invitation() -> None:
    raise AssertionError("write this test when the outbox lands")
