"""Reminders and what follows a meeting, through the sandbox Bot API and the real bot.

Time is injected: the bot's clock is moved forward instead of waiting hours. Reminders
are rows in the database: a restart between booking and the due time still delivers
each reminder exactly once, late if the meeting has not begun, never after it began.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import replace
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conftest import RunningBot
from meeting_steps import (
    FakeClock,
    ShiftedClock,
    db_rows,
    invite_and_deliver,
    meeting_bot,
    outbox_settled,
    plan,
    reachable_user,
    tap,
)
from rostbot.config import Settings
from rostbot.core.meeting_model import Event
from rostbot.journey.services import Person
from rostbot.meetings import planning
from rostbot.meetings.office import Office
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import SandboxUser
from rostbot.store.database import Database
from rostbot.telegram import outbox_sender

BOOK = "Boka en plats"


def reminders(user: SandboxUser) -> list[str]:
    return [m.content for m in user.inbox if m.content.startswith("Påminnelse")]


async def book(user: SandboxUser, expect: str = "Du är bokad") -> None:
    await tap(user, BOOK, expect)


async def new_event(bot: RunningBot, clock: FakeClock, **changes: Any) -> Event:
    start = (clock.now + timedelta(days=3)).replace(tzinfo=None, minute=0, second=0)
    [event] = await planning.create(
        Office.of(bot.services), plan(start=start.replace(hour=10), **changes)
    )
    return event


async def test_reminders_24h_and_2h_before_reach_only_those_still_booked(
    api: SandboxBotApi, settings: Settings
) -> None:
    clock = FakeClock()
    async with meeting_bot(api, settings, clock) as bot:
        event = await new_event(bot, clock, capacity=3)
        anna, bert, walter, cecilia, dora, erik = [
            await reachable_user(api, bot, name=n)
            for n in ("Anna", "Bert", "Walter", "Cecilia", "Dora", "Erik")
        ]
        await invite_and_deliver(bot, event.event_id)
        for person in (anna, bert, walter):
            await book(person)
        for person in (cecilia, dora, erik):
            await book(person, expect="alla platser tagna")
            await tap(person, "Ja, sätt upp mig på väntelistan", "väntelistan som nummer")

        # Bert cancels: Cecilia gets his seat. Walter withdraws: Dora gets his.
        await tap(bert, "Avboka", "Vill du lämna din plats")
        await tap(bert, "Ja, avboka", "avbokad")
        mark = walter.mark()
        await walter.send_command("/aterkalla")
        await walter.wait_for_message("Vill du ta tillbaka ditt ja", after=mark)
        await tap(walter, "Ja, återkalla", "Du har tagit tillbaka ditt ja")
        await outbox_settled(bot)
        assert any("Goda nyheter" in m.content for m in cecilia.inbox)
        assert any("Goda nyheter" in m.content for m in dora.inbox)
        assert not any("Goda nyheter" in m.content for m in erik.inbox)  # still waiting

        clock.set(event.starts_at - timedelta(hours=24) + timedelta(minutes=1))
        await outbox_settled(bot)
        clock.set(event.starts_at - timedelta(hours=2) + timedelta(minutes=1))
        await outbox_settled(bot)
        clock.set(event.starts_at + timedelta(minutes=1))
        await outbox_settled(bot)

        for person in (anna, cecilia, dora):
            got = reminders(person)
            assert len(got) == 2, got
            text = got[0]
            assert "Påminnelse: ”Samtal om stödet”" in text
            assert "Var: Storgatan 1, Lund" in text and "Dagordning:" in text
            assert "Du får ta en paus eller gå när du vill." in text
        for person in (bert, walter, erik):
            assert reminders(person) == []


async def test_a_restart_between_booking_and_due_time_sends_each_reminder_once(
    api: SandboxBotApi, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    async with meeting_bot(api, settings, clock) as bot:
        event = await new_event(bot, clock)
        anna = await reachable_user(api, bot, name="Anna")
        await invite_and_deliver(bot, event.event_id)
        await book(anna)
        due = db_rows(
            bot.settings.db_path, "SELECT due_at FROM outbox WHERE kind = 'reminder' ORDER BY 1"
        )
        assert len(due) == 2

        # Down while both come due; back before the start: both are sent late, once.
        await bot.stop()
        clock.set(event.starts_at - timedelta(hours=1))
        await bot.start()
        await outbox_settled(bot)
        assert len(reminders(anna)) == 2
        await bot.restart()
        clock.advance(timedelta(minutes=30))
        await outbox_settled(bot)
        assert len(reminders(anna)) == 2

        # Down again until after a later meeting begins: that reminder is dropped and logged.
        later = await new_event(bot, clock)
        await invite_and_deliver(bot, later.event_id)
        await book(anna)
        await bot.stop()
        clock.set(later.starts_at + timedelta(minutes=5))
        with caplog.at_level(logging.INFO, logger="rostbot.telegram.outbox_sender"):
            await bot.start()
            await outbox_settled(bot)
        assert len(reminders(anna)) == 2
        statuses = db_rows(
            bot.settings.db_path,
            "SELECT status FROM outbox WHERE kind = 'reminder' AND event_id = ?",
            (later.event_id,),
        )
        assert [r["status"] for r in statuses] == ["dropped", "dropped"]
        dropped = [r.getMessage() for r in caplog.records if "too_late" in r.getMessage()]
        assert len(dropped) == 2 and all(later.event_id in line for line in dropped)
        assert str(anna.id) not in caplog.text and "Anna" not in caplog.text


async def test_the_scheduler_is_rebuilt_from_the_database_at_start_up(
    api: SandboxBotApi, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No polling: only a JobQueue job made at start-up can wake the sender in time.
    monkeypatch.setattr(outbox_sender, "POLL_SECONDS", 600.0)
    clock = ShiftedClock()
    async with meeting_bot(api, settings, clock) as bot:
        start = clock() + timedelta(hours=2, seconds=4)
        local = start.astimezone(ZoneInfo("Europe/Stockholm")).replace(tzinfo=None)
        [event] = await planning.create(Office.of(bot.services), plan(start=local))
        anna = await reachable_user(api, bot, name="Anna")
        await invite_and_deliver(bot, event.event_id)
        await book(anna)
        await bot.restart()  # the 2 h reminder is due in about 4 s
        await anna.wait_for_message(lambda m: m.content.startswith("Påminnelse"), timeout=60)
        assert len(reminders(anna)) == 1


async def test_attendees_get_the_meeting_feedback_flow_after_the_meeting(
    api: SandboxBotApi, settings: Settings
) -> None:
    kim = api.user(first_name="Kim", language_code="sv")
    clock = FakeClock()
    async with meeting_bot(api, settings, clock, coordinators=frozenset({kim.id})) as bot:
        event = await new_event(bot, clock)
        anna = await reachable_user(api, bot, name="Anna")
        bert = await reachable_user(api, bot, name="Bert")
        await invite_and_deliver(bot, event.event_id)
        await book(anna)
        await book(bert)

        mark = kim.mark()
        await kim.send_command("/samordnare")
        menu = await kim.wait_for_message(lambda m: "Möten" in m.button_texts(), after=mark)
        listing = await tap(kim, "Möten", "Samtal om stödet", message=menu)
        card = await tap(kim, "Samtal om stödet", "Närvaro", message=listing)
        answered = len(kim.callback_answers)
        await kim.press("Närvaro", message=card)
        early = await kim.wait_for_callback_answer(after=answered)
        assert early["text"] == "Du kan markera närvaro när mötet har börjat."
        clock.set(event.starts_at + timedelta(minutes=30))
        sheet = await tap(kim, "Närvaro", "Tryck på dem som kom", message=card)
        assert len(sheet.buttons()) == 2
        edits = sheet.edit_count
        await kim.press("1.", message=sheet)
        await kim.wait_for_message(lambda m: m is sheet and m.edit_count > edits)
        assert "✅ 1." in " ".join(sheet.button_texts())

        await outbox_settled(bot)  # the feedback waits for the end of the meeting
        assert not any("Tack för att du kom" in m.content for m in anna.inbox + bert.inbox)
        clock.set(event.ends_at + timedelta(minutes=1))
        await outbox_settled(bot)
        assert _number_of(bot, anna) == 1  # the first to book is number 1 on the sheet
        attendee, absent = anna, bert
        offer = await attendee.wait_for_message("Tack för att du kom till ”Samtal om stödet”")
        assert not any("Tack för att du kom" in m.content for m in absent.inbox)
        # They said yes to being contacted after the whole consent: one message does now.
        asked = offer.content
        for words in ("Det är 5 frågor", "frivilligt", "Telegram kan läsa", "Vill du svara?"):
            assert words in asked, words
        first = await tap(attendee, "Ja, jag svarar", "Fråga 1 av", message=offer)
        assert "Visste du innan vad som skulle hända på mötet?" in first.content
        assert offer.content == asked + "\n\n✓ Du sa: Ja, jag svarar"  # kept, with the choice
        assert not any("år eller äldre" in m.content for m in attendee.inbox)


def _number_of(bot: RunningBot, user: SandboxUser) -> int:
    pseudonym = bot.services.pseudonym(Person(user.id, user.id, "sv", 0))
    [row] = db_rows(
        bot.settings.db_path, "SELECT number FROM bookings WHERE pseudonym = ?", (pseudonym,)
    )
    return int(row["number"])


async def test_a_message_being_sent_when_the_bot_died_is_sent_after_the_restart(
    api: SandboxBotApi, settings: Settings
) -> None:
    clock = FakeClock()
    async with meeting_bot(api, settings, clock) as bot:
        event = await new_event(bot, clock)
        anna = await reachable_user(api, bot, name="Anna")
        office = Office.of(bot.services)
        await bot.stop()
        db = await Database.open(bot.settings.db_path)
        try:
            await planning.invite(replace(office, db=db), event.event_id, planning.Audience())
        finally:
            await db.close()
        connection = sqlite3.connect(bot.settings.db_path)
        with connection:  # as a crash between claiming the row and marking it leaves it
            connection.execute("UPDATE outbox SET status = 'sending', attempts = 1")
        connection.close()
        await bot.start()
        invitation = await anna.wait_for_message("Inbjudan till en fokusgrupp")
        await outbox_settled(bot)
        assert anna.inbox == [invitation]
        [row] = db_rows(bot.settings.db_path, "SELECT status, message_id FROM outbox")
        assert (row["status"], row["message_id"]) == ("sent", invitation.message_id)
