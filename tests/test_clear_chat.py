"""Clearing the chat: /rensa and /ryd delete the bot's and the person's messages in that chat.

The sandbox Bot API keeps Telegram's rules for deleting: only in that chat, and only
messages less than 48 hours old.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from telegram import Bot
from telegram.error import BadRequest

from conftest import RunningBot, running_bot
from journey_steps import answer_question, start_and_consent, table_count, wait_question
from rostbot.config import Settings
from rostbot.journey import chat_log
from rostbot.journey.services import Person, utc_now
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import SandboxUser
from rostbot.store import respondents, retention
from rostbot.store.retention import RetentionPolicy

CLEARED_SV = "Jag sparar ingen lista över dem"
CLEARED_DA = "Jeg gemmer ingen liste over dem"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The message numbers are written behind; here every 0.1 s, so the tests wait little."""
    return replace(settings, chat_log_flush_seconds=0.1)


def chat_rows(db_path: Path) -> int:
    return table_count(db_path, "chat_messages")


async def until_flushed(bot: RunningBot, condition: Callable[[], bool]) -> None:
    """Wait (10 s at most) for `condition`, checked now and after each flush of the numbers."""
    flushed = bot.services.chat_log_flushed
    async with flushed:
        await asyncio.wait_for(flushed.wait_for(condition), timeout=60)


def stored_numbers(bot: RunningBot, user: SandboxUser) -> set[int]:
    connection = sqlite3.connect(bot.settings.db_path)
    try:
        [(blob,)] = connection.execute("SELECT ids FROM chat_messages").fetchall()
    finally:
        connection.close()
    pseudonym = bot.services.secret.pseudonym("telegram-user", user.id)
    opened = json.loads(bot.services.secret.decrypt(blob, f"chat-messages:{pseudonym}"))
    return {number for number, _ in opened}


async def say(user: SandboxUser, text: str, sent: list[int]) -> None:
    """Send a text (or a command) and note the message id it got in the chat."""
    if text.startswith("/"):
        await user.send_command(text)
    else:
        await user.send_text(text)
    sent.append(user.last_message_id)


def left_in_chat(user: SandboxUser, own: list[int]) -> tuple[list[int], list[int]]:
    """(bot messages, the person's messages) still shown in the chat."""
    bots = [m.message_id for m in user.inbox if not m.deleted]
    mine = [i for i in own if user.message_json(i) is not None]
    return bots, mine


async def test_clearing_deletes_exactly_that_chats_messages_and_keeps_no_list(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    anna, bo = api.user(language_code="sv"), api.user(language_code="sv")
    anna_sent: list[int] = []
    bo_sent: list[int] = []
    for user, sent in ((anna, anna_sent), (bo, bo_sent)):
        [code] = await bot.invite("meeting_feedback")
        question = await start_and_consent(
            user, code, yes_text="Ja, jag vill vara med", age_yes="Ja"
        )
        mark = user.mark()
        await answer_question(user, question)
        await wait_question(user, mark)
        mark = user.mark()
        await say(user, "hej", sent)
        await user.wait_for_message(lambda m: "Fråga" in (m.text or ""), after=mark)
    await until_flushed(bot, lambda: chat_rows(bot.settings.db_path) == 2)
    bo_before = [m.message_id for m in bo.inbox if not m.deleted]

    mark = anna.mark()
    await say(anna, "/rensa", anna_sent)
    done = await anna.wait_for_message(lambda m: CLEARED_SV in (m.text or ""), after=mark)

    bots, mine = left_in_chat(anna, anna_sent)
    assert bots == [done.message_id]
    assert mine == []
    assert "48 timmar" in (done.text or "")
    assert "/radera" in (done.text or "")  # clearing the chat did not erase the answers
    assert [m.message_id for m in bo.inbox if not m.deleted] == bo_before
    assert all(bo.message_json(i) is not None for i in bo_sent)
    assert chat_rows(bot.settings.db_path) == 1  # Bo's; nothing at all for Anna
    assert bot.services.secret.pseudonym("telegram-user", anna.id) not in bot.services.chat_messages


async def test_a_stranger_can_clear_too_in_danish_and_nothing_is_stored(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    user = api.user(language_code="da")
    sent: list[int] = []
    mark = user.mark()
    await say(user, "hej", sent)
    await user.wait_for_message(lambda m: "brev" in (m.text or ""), after=mark)
    assert chat_rows(bot.settings.db_path) == 0  # a stranger's numbers stay in memory
    mark = user.mark()
    await say(user, "/ryd", sent)
    done = await user.wait_for_message(lambda m: CLEARED_DA in (m.text or ""), after=mark)
    bots, mine = left_in_chat(user, sent)
    assert bots == [done.message_id]
    assert mine == []
    assert "/slet" not in (done.text or "")  # nothing stored, so nothing to erase
    assert not bot.services.chat_messages
    assert table_count(bot.settings.db_path, "respondents") == 0


async def test_the_message_numbers_are_stored_locked(api: SandboxBotApi, bot: RunningBot) -> None:
    user = api.user(language_code="sv")
    [code] = await bot.invite("meeting_feedback")
    await start_and_consent(user, code, yes_text="Ja, jag vill vara med", age_yes="Ja")
    before = {m.message_id for m in user.inbox}
    mark = user.mark()
    await user.send_command("/hjalp")  # handled after the yes is noted: updates keep their order
    await user.wait_for_message(lambda m: "/rensa" in (m.text or ""), after=mark)
    await until_flushed(bot, lambda: chat_rows(bot.settings.db_path) == 1)
    connection = sqlite3.connect(bot.settings.db_path)
    try:
        [(blob,)] = connection.execute("SELECT ids FROM chat_messages").fetchall()
    finally:
        connection.close()
    assert not blob.startswith(b"[")
    pseudonym = bot.services.secret.pseudonym("telegram-user", user.id)
    opened = json.loads(bot.services.secret.decrypt(blob, f"chat-messages:{pseudonym}"))
    # the numbers from before the yes (kept in memory until then) are in the store too
    assert before <= {number for number, _ in opened}


class Clock:
    """The bot's clock, moved forward together with the sandbox's."""

    def __init__(self) -> None:
        self.shift = timedelta()

    def __call__(self) -> datetime:
        return utc_now() + self.shift


@pytest.fixture
async def clocked(
    api: SandboxBotApi, settings: Settings
) -> AsyncIterator[tuple[RunningBot, Clock]]:
    clock = Clock()
    running = RunningBot(api, settings, clock)
    await running.start()
    try:
        yield running, clock
    finally:
        with contextlib.suppress(Exception):
            await running.stop()


async def test_messages_older_than_48_hours_stay_and_the_person_is_told(
    api: SandboxBotApi, clocked: tuple[RunningBot, Clock]
) -> None:
    bot, clock = clocked
    user = api.user(language_code="sv")
    [code] = await bot.invite("meeting_feedback")
    await start_and_consent(user, code, yes_text="Ja, jag vill vara med", age_yes="Ja")
    old = [m.message_id for m in user.inbox]
    api.clock_offset += 49 * 3600
    clock.shift += timedelta(hours=49)
    sent: list[int] = []
    mark = user.mark()
    await say(user, "/hjalp", sent)
    await user.wait_for_message(lambda m: "/rensa" in (m.text or ""), after=mark)
    mark = user.mark()
    await say(user, "/rensa", sent)
    done = await user.wait_for_message(lambda m: CLEARED_SV in (m.text or ""), after=mark)
    bots, mine = left_in_chat(user, sent)
    assert bots == [*old, done.message_id]  # too old for Telegram: still there
    assert mine == []
    assert "Äldre meddelanden får jag inte ta bort" in (done.text or "")


async def test_the_sandbox_keeps_telegrams_rules_for_deleting(api: SandboxBotApi) -> None:
    anna, bo = api.user(), api.user()
    for user in (anna, bo):
        await user.send_command("/start")
    async with Bot(api.token, base_url=api.base_url) as raw:
        to_anna = await raw.send_message(anna.id, "a")
        to_bo = await raw.send_message(bo.id, "b")
        with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
            await raw.delete_message(anna.id, to_bo.message_id + 100)
        assert await raw.delete_messages(anna.id, [to_anna.message_id, 999])
        assert anna.inbox[0].deleted and not bo.inbox[0].deleted
        with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
            await raw.delete_message(anna.id, to_bo.message_id)  # Bo's chat, not Anna's
        api.clock_offset += 48 * 3600 + 1
        with pytest.raises(BadRequest, match=r"(?i)message can't be deleted"):
            await raw.delete_message(bo.id, to_bo.message_id)
        assert await raw.delete_messages(bo.id, [to_bo.message_id])  # skipped, as Telegram does
        assert not bo.inbox[0].deleted


async def test_the_daily_sweep_drops_numbers_too_old_to_delete(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    user = api.user(language_code="sv")
    [code] = await bot.invite("meeting_feedback")
    await start_and_consent(user, code, yes_text="Ja, jag vill vara med", age_yes="Ja")
    mark = user.mark()
    await user.send_command("/hjalp")
    await user.wait_for_message(lambda m: "/rensa" in (m.text or ""), after=mark)
    await until_flushed(bot, lambda: chat_rows(bot.settings.db_path) == 1)
    policy = RetentionPolicy(grace_days=30, keep_days=365)
    today = bot.services.clock().date()
    await retention.apply(bot.services.db, policy, today + timedelta(days=1))
    assert chat_rows(bot.settings.db_path) == 1
    await retention.apply(bot.services.db, policy, today + timedelta(days=3))
    assert chat_rows(bot.settings.db_path) == 0


# --------------------------------------------------------------------------- written behind


@pytest.fixture
async def unflushed(api: SandboxBotApi, settings: Settings) -> AsyncIterator[RunningBot]:
    """The real bot whose timer never flushes during a test: only a stop or `flush` writes."""
    async with running_bot(api, replace(settings, chat_log_flush_seconds=3600)) as running:
        yield running


def pseudonym_of(bot: RunningBot, user: SandboxUser) -> str:
    return bot.services.pseudonym(Person(user.id, user.id, None, 0))


async def consent_and_answer(bot: RunningBot, user: SandboxUser, sent: list[int]) -> None:
    """Take part, answer the first question, then type an answer; `sent` gets its number."""
    [code] = await bot.invite("meeting_feedback")
    question = await start_and_consent(user, code, yes_text="Ja, jag vill vara med", age_yes="Ja")
    mark = user.mark()
    await answer_question(user, question)
    await wait_question(user, mark)
    mark = user.mark()
    await say(user, "hej", sent)
    await user.wait_for_message(lambda m: "Fråga" in (m.text or ""), after=mark)


async def test_after_answering_the_numbers_are_stored_once_the_flusher_ran(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    user = api.user(language_code="sv")
    sent: list[int] = []
    await consent_and_answer(bot, user, sent)
    await until_flushed(bot, lambda: chat_rows(bot.settings.db_path) == 1)
    shown = {m.message_id for m in user.inbox}
    # the flusher wrote what the last update noted, too (it may take one more round)
    await until_flushed(bot, lambda: shown | set(sent) <= stored_numbers(bot, user))
    assert pseudonym_of(bot, user) not in bot.services.chat_pending
    assert pseudonym_of(bot, user) not in bot.services.chat_messages  # stored, not in memory


async def test_clearing_before_the_flush_deletes_everything_and_no_row_comes_back(
    api: SandboxBotApi, unflushed: RunningBot
) -> None:
    bot = unflushed
    user = api.user(language_code="sv")
    sent: list[int] = []
    await consent_and_answer(bot, user, sent)
    pseudonym = pseudonym_of(bot, user)
    assert chat_rows(bot.settings.db_path) == 0  # nothing written yet: all of it is pending
    assert pseudonym in bot.services.chat_pending

    mark = user.mark()
    await say(user, "/rensa", sent)
    done = await user.wait_for_message(lambda m: CLEARED_SV in (m.text or ""), after=mark)
    bots, mine = left_in_chat(user, sent)
    assert bots == [done.message_id]
    assert mine == []
    assert pseudonym not in bot.services.chat_pending
    assert pseudonym not in bot.services.chat_messages

    assert await chat_log.flush(bot.services) == 0
    assert chat_rows(bot.settings.db_path) == 0
    await bot.stop()  # the flush at the stop writes nothing for them either
    assert chat_rows(bot.settings.db_path) == 0


async def test_a_flush_racing_with_clearing_leaves_no_row(
    api: SandboxBotApi, unflushed: RunningBot
) -> None:
    services = unflushed.services
    user = api.user(language_code="sv")
    await consent_and_answer(unflushed, user, [])
    pseudonym = pseudonym_of(unflushed, user)
    noted = list(services.chat_pending[pseudonym])
    # The flush takes the lock first and writes the row; clearing waits, then takes it all.
    flushing = asyncio.create_task(chat_log.flush(services))
    await asyncio.sleep(0)
    chat_log.remember(services, pseudonym, [90_001])  # noted while the flush writes
    taken = await chat_log.take_all(services, pseudonym)
    assert await flushing == 1
    assert {m for m, _ in noted} | {90_001} <= set(taken)
    assert chat_rows(unflushed.settings.db_path) == 0
    await chat_log.flush(services)
    assert chat_rows(unflushed.settings.db_path) == 0


async def test_after_erasing_no_flush_writes_a_row_and_clearing_still_works(
    api: SandboxBotApi, unflushed: RunningBot
) -> None:
    bot = unflushed
    user = api.user(language_code="sv")
    sent: list[int] = []
    await consent_and_answer(bot, user, sent)
    await chat_log.flush(bot.services)
    assert chat_rows(bot.settings.db_path) == 1
    mark = user.mark()
    await say(user, "hej igen", sent)  # noted, not yet written
    await user.wait_for_message(lambda m: "Fråga" in (m.text or ""), after=mark)
    pseudonym = pseudonym_of(bot, user)
    assert pseudonym in bot.services.chat_pending

    mark = user.mark()
    await say(user, "/radera", sent)
    ask = await user.wait_for_message(lambda m: "Ja, radera" in m.button_texts(), after=mark)
    mark = user.mark()
    await user.press("Ja, radera", message=ask)
    await user.wait_for_message(lambda m: (m.text or "").startswith("Klart."), after=mark)
    assert table_count(bot.settings.db_path, "respondents") == 0
    assert chat_rows(bot.settings.db_path) == 0

    await chat_log.flush(bot.services)  # the erase exchange's numbers: memory only
    assert chat_rows(bot.settings.db_path) == 0
    assert pseudonym in bot.services.chat_messages

    mark = user.mark()
    await say(user, "/rensa", sent)
    done = await user.wait_for_message(lambda m: CLEARED_SV in (m.text or ""), after=mark)
    bots, mine = left_in_chat(user, sent)
    assert bots == [done.message_id]
    assert mine == []
    await bot.stop()
    assert chat_rows(bot.settings.db_path) == 0


async def test_a_flush_during_erasing_waits_and_then_keeps_the_numbers_in_memory(
    api: SandboxBotApi, unflushed: RunningBot
) -> None:
    services = unflushed.services
    user = api.user(language_code="sv")
    await consent_and_answer(unflushed, user, [])
    pseudonym = pseudonym_of(unflushed, user)
    async with chat_log.erasing(services, pseudonym):
        chat_log.remember(services, pseudonym, [90_002])  # say, a reminder sent just now
        flushing = asyncio.create_task(chat_log.flush(services))
        await asyncio.sleep(0)
        async with services.db.transaction() as tx:
            await respondents.erase(tx, pseudonym)
        assert not flushing.done()  # held back until the erasing is over
    assert await flushing == 0
    assert chat_rows(unflushed.settings.db_path) == 0
    assert 90_002 in {m for m, _ in services.chat_messages[pseudonym]}
