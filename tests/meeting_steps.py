"""Builders for the meeting tests: plans, reachable people, a clock the test moves."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from icalendar import Calendar

from conftest import RunningBot, running_bot
from rostbot.config import Settings
from rostbot.core.meeting_model import Details, Place, iso_utc
from rostbot.crypto.server_secret import ServerSecret
from rostbot.journey.services import Person
from rostbot.meetings import planning
from rostbot.meetings.office import Office
from rostbot.meetings.planning import Plan
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import BotMessage, SandboxUser
from rostbot.store import outbox, respondents
from rostbot.store.database import Database


class FakeClock:
    """Now, as the bot sees it: starts at the real time and moves only when told."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = (start or datetime.now(UTC)).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta

    def set(self, moment: datetime) -> None:
        self.now = moment


def plan(**changes: Any) -> Plan:
    """A focus group in Swedish next year, 3 hours, 17 seats; override any field."""
    base = Plan(
        kind="focus_group",
        languages=("sv",),
        details=Details(
            title={"sv": "Samtal om stödet", "da": "Samtale om støtten"},
            description={"sv": "Vi pratar om hur stödet kan bli bättre."},
            agenda={"sv": ("Välkomna och fika", "Vad fungerade?", "Vad kan bli bättre?")},
            place=Place(
                "Storgatan 1, Lund",
                {"sv": "Buss 3 till Stortorget", "da": "Bus 3 til Stortorget"},
                {"sv": "Hiss finns", "da": "Der er elevator"},
            ),
            led_by={
                "sv": "Forskare från Lunds universitet",
                "da": "Forskere fra Lunds universitet",
            },
        ),
        start=datetime(datetime.now(UTC).year + 1, 3, 2, 10, 0),
        minutes=180,
        capacity=17,
        tz="Europe/Stockholm",
    )
    return replace(base, **changes)


async def add_reachable(
    db: Database, secret: ServerSecret, pseudonym: str, *, lang: str = "sv", chat_id: int = 1
) -> None:
    """A respondent who agreed to be contacted, with an encrypted chat handle."""
    async with db.transaction() as tx:
        await respondents.ensure(tx, pseudonym, lang, "2026-01-01")
        await respondents.add_consent(
            tx,
            pseudonym,
            kind="contact",
            flow_id=None,
            flow_version=None,
            text_hash="test",
            lang=lang,
            choices={"contact": True},
            given_at="2026-01-01T00:00:00+00:00",
        )
        handle = secret.encrypt(str(chat_id).encode(), f"contact:{pseudonym}")
        await respondents.set_contact_handle(tx, pseudonym, handle)


@contextlib.asynccontextmanager
async def meeting_bot(
    api: SandboxBotApi,
    settings: Settings,
    clock: FakeClock,
    *,
    coordinators: frozenset[int] = frozenset(),
) -> AsyncIterator[RunningBot]:
    """The real bot with `clock` as its time and these Telegram ids as coordinators."""
    async with running_bot(api, replace(settings, coordinators=coordinators), clock) as running:
        yield running


def shows(message: BotMessage, expect: str) -> bool:
    """The message's text, or one of its buttons, contains `expect`."""
    return expect in message.content or any(expect in b for b in message.button_texts())


async def say(user: SandboxUser, text: str, expect: str, *, timeout: float = 60) -> BotMessage:
    """Send a text and wait for a bot message containing `expect` (text or a button)."""
    mark = user.mark()
    await user.send_text(text)
    return await user.wait_for_message(lambda m: shows(m, expect), after=mark, timeout=timeout)


async def tap(
    user: SandboxUser, button: str, expect: str, *, message: BotMessage | None = None
) -> BotMessage:
    """Press a button and wait for a bot message containing `expect` (text or a button)."""
    mark = user.mark()
    await user.press(button, message=message)
    return await user.wait_for_message(lambda m: shows(m, expect), after=mark)


async def tap_in_place(
    user: SandboxUser, button: str, expect: str, message: BotMessage
) -> BotMessage:
    """Press a button on `message` and wait until that same message is edited to show `expect`."""
    await user.press(button, message=message)
    return await user.wait_for_message(
        lambda m: m.message_id == message.message_id and shows(m, expect)
    )


async def open_card(user: SandboxUser, title: str) -> BotMessage:
    """A coordinator's card of a meeting, from a new menu (in Swedish): the live buttons."""
    mark = user.mark()
    await user.send_command("/samordnare")
    menu = await user.wait_for_message(lambda m: "Möten" in m.button_texts(), after=mark)
    listing = await tap(user, "Möten", title, message=menu)
    return await tap(user, title, "Ställ in mötet", message=listing)


def db_rows(db_path: Path, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
    connection = sqlite3.connect(db_path)
    connection.row_factory = sqlite3.Row
    try:
        return list(connection.execute(sql, params))
    finally:
        connection.close()


async def reachable_user(
    api: SandboxBotApi, bot: RunningBot, *, lang: str = "sv", name: str = "Alex"
) -> SandboxUser:
    """A sandbox person who once answered a flow and agreed to be contacted later."""
    user = api.user(first_name=name, language_code=lang)
    user.has_started = True  # they wrote to the bot before
    person = Person(user.id, user.id, lang, 0)
    await add_reachable(
        bot.services.db,
        bot.services.secret,
        bot.services.pseudonym(person),
        lang=lang,
        chat_id=user.id,
    )
    return user


async def outbox_settled(bot: RunningBot, timeout: float = 60) -> dict[str, int]:
    """Wake the sender and wait until nothing due is waiting or being sent; the counts."""
    bot.services.outbox_ready.set()
    async with asyncio.timeout(timeout):
        while True:
            now = iso_utc(bot.clock())
            rows = await bot.services.db.fetch_all(
                "SELECT count(*) AS n FROM outbox WHERE status = 'sending'"
                " OR (status = 'waiting' AND due_at <= ?)",
                (now,),
            )
            if rows[0]["n"] == 0:
                return await outbox.counts(bot.services.db)
            await asyncio.sleep(0.02)


def calendar_of(message: BotMessage) -> Calendar:
    """The .ics file a message carries, parsed back with icalendar."""
    assert message.document is not None, f"no file on {message.content!r}"
    assert str(message.document["file_name"]).endswith(".ics")
    return Calendar.from_ical(message.document["content"])


def vevents(calendar: Calendar) -> list[Any]:
    return list(calendar.walk("VEVENT"))


class ShiftedClock(FakeClock):
    """Real time plus an offset that the test moves: jobs due in seconds fire for real."""

    def __init__(self) -> None:
        super().__init__()
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC).replace(microsecond=0) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta


async def invite_and_deliver(bot: RunningBot, event_id: str) -> None:
    """Invite everyone who may be contacted (as the coordinator's button does) and send."""
    await planning.invite(Office.of(bot.services), event_id, planning.Audience())
    await outbox_settled(bot)
