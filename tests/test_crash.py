"""A host that dies mid-load: SIGKILL the bot process while hundreds of people answer.

Every answer the bot acknowledged (by showing what comes next) is in the database at the
moment of the crash; after a restart everyone goes on from where they were, and at the end
each person's answers are stored exactly once, as they gave them.
"""

from __future__ import annotations

import asyncio
import collections
import inspect
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import RunningBot
from journey_steps import open_all
from meeting_steps import add_reachable, plan
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
from rostbot.meetings import planning
from rostbot.meetings.office import Office
from rostbot.sandbox.bot_process import BotProcess, run_env
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import BotMessage, SandboxUser
from rostbot.store.database import Database
from rostbot.telegram.outbox_sender import OutboxSender

PEOPLE = 240
INVITED = 300
SENDER_CONCURRENCY = inspect.signature(OutboxSender).parameters["concurrency"].default
# Waits end as soon as their condition holds; the limits are for a machine busy with other
# work (two test runs on 2 cores), where everything here takes several times as long.
WAIT = 600
# How long a simulated person waits for a reply before starting again with the link: long
# enough that a slow reply is not taken for a lost one, short enough that those cut off by
# the crash come back soon after the restart.
REPLY_TIMEOUT = 15.0
pytestmark = pytest.mark.timeout(2 * WAIT + 120)


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

    people = respondents(api, flow, PEOPLE, reply_timeout=REPLY_TIMEOUT)
    for person in people:
        person.on_acknowledged = count
    env = run_env(settings, api, ROSTBOT_LOG_LEVEL="WARNING")
    bot = BotProcess(env, log=tmp_path / "bot.log")
    await bot.start()
    walking = asyncio.gather(*(p.run(c) for p, c in zip(people, codes, strict=True)))
    try:
        await asyncio.wait_for(enough.wait(), timeout=WAIT)
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
        walks = await asyncio.wait_for(walking, timeout=WAIT)
    finally:
        walking.cancel()
        status = await bot.stop(timeout=WAIT)

    assert status == 0, (tmp_path / "bot.log").read_text()[-2000:]
    assert all(walk.finished for walk in walks)
    assert sum(walk.recoveries for walk in walks) > 0  # people really were cut off
    assert_each_walk_stored_once(walks, stored_answers(settings.db_path, analyst_key[1]))


# ---------------------------------------------------------------------- the bot's own sending


async def queue_invitations(settings: Settings, users: list[SandboxUser]) -> None:
    """People who agreed to be contacted, and a meeting invitation for each."""
    assert settings.secret_file is not None
    secret = ServerSecret.load(settings.secret_file)
    db = await Database.open(settings.db_path)
    try:
        for user in users:
            pseudonym = secret.pseudonym("telegram-user", user.id)
            await add_reachable(db, secret, pseudonym, chat_id=user.id)
        office = Office(db, secret, settings, lambda: datetime.now(UTC))
        [event] = await planning.create(office, plan(capacity=len(users)))
        report = await planning.invite(office, event.event_id, planning.Audience())
        assert report.queued == len(users)
    finally:
        await db.close()


def outbox_rows(db_path: Path) -> collections.Counter[str]:
    connection = sqlite3.connect(db_path)
    try:
        return collections.Counter(
            dict(connection.execute("SELECT status, count(*) FROM outbox GROUP BY status"))
        )
    finally:
        connection.close()


async def test_sigkill_mid_send_loses_no_invitation_and_repeats_only_those_in_flight(
    api: SandboxBotApi, settings: Settings, tmp_path: Path
) -> None:
    """At-least-once: a crash can repeat only the sends that were in flight, never lose one.

    Telegram's sendMessage has no idempotency key, so a send that reached Telegram just
    before the crash, but was not yet marked, cannot be told from one that did not: the
    outbox sends it again. The test bounds that window by the sender's concurrency.
    """
    settings = replace(settings, send_rate=0)
    users = [api.user(first_name=f"P{i}") for i in range(INVITED)]
    for user in users:
        user.has_started = True  # they wrote to the bot before, when they answered a flow
    await queue_invitations(settings, users)
    arrived: collections.Counter[int] = collections.Counter()
    half = asyncio.Event()

    def on_sent(event: str, message: BotMessage) -> None:
        if event == "sent":
            arrived[message.chat_id] += 1
            if sum(arrived.values()) >= INVITED // 2:
                half.set()

    api.add_listener(on_sent)
    env = run_env(settings, api, ROSTBOT_LOG_LEVEL="WARNING")
    bot = BotProcess(env, log=tmp_path / "bot.log")
    await bot.start()
    try:
        await asyncio.wait_for(half.wait(), timeout=WAIT)
        await bot.kill()
        in_flight = outbox_rows(settings.db_path)["sending"]
        bot = BotProcess(env, log=tmp_path / "bot.log")
        await bot.start()
        everyone = asyncio.Event()
        api.add_listener(lambda e, m: everyone.set() if len(arrived) == INVITED else None)
        await asyncio.wait_for(everyone.wait(), timeout=WAIT)
    finally:
        status = await bot.stop(timeout=WAIT)  # a clean stop marks every send in flight
    assert status == 0
    rows = outbox_rows(settings.db_path)
    assert rows == {"sent": INVITED}, rows
    assert all(arrived[u.id] >= 1 for u in users), "an invitation was lost"
    repeated = sum(n - 1 for n in arrived.values())
    assert repeated <= in_flight <= SENDER_CONCURRENCY
