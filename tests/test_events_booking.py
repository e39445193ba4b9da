"""Participants and coordinators end to end, through the sandbox Bot API and the real bot:
invitations only to the right people, booking with a calendar file, the last seat raced,
the waitlist promoting, an alias and a needs line, a move and a cancellation. Every
message each participant receives is checked, calendar files parsed back with icalendar."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from conftest import RunningBot
from meeting_steps import (
    FakeClock,
    calendar_of,
    db_rows,
    meeting_bot,
    open_card,
    outbox_settled,
    plan,
    reachable_user,
    say,
    tap,
    tap_in_place,
    vevents,
)
from rostbot.config import Settings
from rostbot.journey.services import Person
from rostbot.meetings import planning
from rostbot.meetings.office import Office
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import BotMessage, SandboxUser
from rostbot.store import respondents

BOOK = "Boka en plats"


def in_three_days(clock: FakeClock, hour: int = 10) -> datetime:
    local = clock.now.astimezone(ZoneInfo("Europe/Stockholm")) + timedelta(days=3)
    return local.replace(hour=hour, minute=0, second=0, tzinfo=None)


LABELS = [
    ("Inbjudan till", "invitation"),
    ("Du är bokad", "booked"),
    ("Om du vill kan du också", "more"),
    ("Skriv det namn", "alias?"),
    ("Tack. Vi kallar dig", "alias"),
    ("Skriv en rad", "needs?"),
    ("Skriv högst", "too long"),
    ("Samordnarna får se det", "needs"),
    ("Du svarade:", "you said"),
    ("Du är avbokad", "cancelled by me"),
    ("alla platser tagna", "full"),
    ("väntelistan som nummer", "waitlisted"),
    ("Goda nyheter", "promoted"),
    ("Ny tid för", "moved"),
    ("är inställt", "cancelled"),
    ("Påminnelse", "reminder"),
]


def received(user: SandboxUser) -> list[str]:
    """A short name for each message the person got, in order (edits show their last text)."""
    return [
        next((label for needle, label in LABELS if needle in m.content), m.content)
        for m in user.inbox
    ]


def documents(user: SandboxUser) -> list[BotMessage]:
    return [m for m in user.inbox if m.document is not None]


async def test_invite_book_race_waitlist_move_and_cancel(
    api: SandboxBotApi, settings: Settings
) -> None:
    kim = api.user(first_name="Kim", language_code="sv")
    clock = FakeClock()
    async with meeting_bot(api, settings, clock, coordinators=frozenset({kim.id})) as bot:
        office = Office.of(bot.services)
        [event] = await planning.create(office, plan(capacity=2, start=in_three_days(clock)))
        anna, bert, cecilia = [
            await reachable_user(api, bot, name=n) for n in ("Anna", "Bert", "Cecilia")
        ]
        dorte = await reachable_user(api, bot, lang="da", name="Dorte")  # a Swedish meeting
        walter = await reachable_user(api, bot, name="Walter")
        async with bot.services.db.transaction() as tx:
            pseudonym = bot.services.pseudonym(Person(walter.id, walter.id, "sv", 0))
            await respondents.withdraw(tx, pseudonym, "2026-01-01T00:00:00+00:00", "2026-01-01")

        # The coordinator invites from the chat; the sender delivers.
        mark = kim.mark()
        await kim.send_command("/samordnare")
        menu = await kim.wait_for_message(lambda m: "Möten" in m.button_texts(), after=mark)
        listing = await tap(kim, "Möten", "Samtal om stödet", message=menu)
        card = await tap(kim, "Samtal om stödet", "Bjud in", message=listing)
        choice = await tap(kim, "Bjud in", "Skicka inbjudningar: 3", message=card)
        assert "Passar in: 3. Inte inbjudna än: 3." in choice.content
        assert outbox_rows_now(bot) == 0  # nothing is sent before Send is pressed
        report = await tap_in_place(
            kim, "Skicka inbjudningar: 3", "Inbjudningar på väg: 3.", choice
        )
        assert "Personer som får kontaktas: 4." in report.content
        assert (await outbox_settled(bot))["sent"] == 3
        assert dorte.inbox == [] and walter.inbox == []
        # invited twice: never; with nobody new there is nothing to send
        card = await open_card(kim, "Samtal om stödet")  # the first card's buttons are old
        again = await tap(kim, "Bjud in", "Inte inbjudna än: 0.", message=card)
        assert not any(text.startswith("Skicka") for text in again.button_texts())
        assert (await outbox_settled(bot))["sent"] == 3

        for person in (anna, bert, cecilia):
            [invitation] = person.inbox
            text = invitation.content
            assert text.startswith("Inbjudan till en fokusgrupp: Samtal om stödet")
            assert "När: " in text and "10:00–13:00" in text
            assert "Hur länge: 3 timmar" in text
            assert "Var: Storgatan 1, Lund" in text and "Så hittar du dit: Buss 3" in text
            assert "Tillgänglighet: Hiss finns" in text
            assert "Leds av: Forskare från Lunds universitet" in text
            assert "Dagordning:\n• Välkomna och fika\n• Vad fungerade?" in text
            assert "Du får ta en paus eller gå när du vill." in text
            assert "påverkar aldrig ditt ärende" in text
            assert invitation.button_texts() == [BOOK, "Inte den här gången"]

        # Anna books: a calendar file, then what else she may do.
        mark = anna.mark()
        await anna.press(BOOK)
        booked = await anna.wait_for_message(lambda m: m.document is not None, after=mark)
        assert booked.content.startswith("Du är bokad: ”Samtal om stödet”")
        calendar = calendar_of(booked)
        [entry] = vevents(calendar)
        assert str(calendar["METHOD"]) == "PUBLISH"
        assert str(entry["UID"]) == f"{event.event_id}@rostbot.invalid"
        assert int(entry["SEQUENCE"]) == 0 and str(entry["STATUS"]) == "CONFIRMED"
        organizer = entry["ORGANIZER"]  # RFC 5546: PUBLISH needs one; the organisation's name
        assert (str(organizer), organizer.params["CN"]) == (
            "mailto:noreply@rostbot.invalid",
            "Testkommunen",
        )
        start = entry.decoded("DTSTART")
        assert str(start.tzinfo) == "Europe/Stockholm" and (start.hour, start.minute) == (10, 0)
        assert entry.decoded("DTEND") - start == timedelta(hours=3)
        assert "Du får ta en paus eller gå när du vill." in str(entry["DESCRIPTION"])
        more = await anna.wait_for_message(lambda m: "Avboka" in m.button_texts(), after=mark)
        await tap(anna, "Vad ni ska kalla mig", "Skriv det namn", message=more)
        await say(anna, "Nina", "Tack. Vi kallar dig Nina.")
        await tap(anna, "Det här behöver jag", "Skriv en rad", message=more)
        await say(anna, "x" * 300, "Skriv högst 200 tecken")  # too long: asked again
        await say(anna, "Rullstol, glutenfri mat", "Samordnarna får se det")

        # Bert and Cecilia race for the last seat at the same moment: one gets it.
        marks = {bert.id: bert.mark(), cecilia.id: cecilia.mark()}
        await asyncio.gather(bert.press(BOOK), cecilia.press(BOOK))
        outcomes = {}
        for person in (bert, cecilia):
            reply = await person.wait_for_message(
                lambda m: m.document is not None or "alla platser" in m.content,
                after=marks[person.id],
            )
            outcomes[person.first_name] = "seat" if reply.document else "full"
        assert sorted(outcomes.values()) == ["full", "seat"]
        winner = bert if outcomes["Bert"] == "seat" else cecilia
        waiting = cecilia if winner is bert else bert
        await tap(waiting, "Ja, sätt upp mig på väntelistan", "väntelistan som nummer 1")
        assert [
            r["n"]
            for r in db_rows(
                bot.settings.db_path, "SELECT count(*) AS n FROM bookings WHERE status = 'booked'"
            )
        ] == [2]

        # The coordinator sees who is coming, by alias, with the needs line.
        card = await tap(kim, "Tillbaka", "Vilka kommer", message=again)
        people = await tap(kim, "Vilka kommer", "Bokade: 2 av 2. Inbjudna: 3.", message=card)
        assert "1. Nina — Rullstol, glutenfri mat" in people.content
        assert "(inget namn)" in people.content and "Väntelista:" in people.content

        # Anna cancels: a cancelling file; the one waiting is promoted and told.
        mark = anna.mark()
        sure = await tap(anna, "Avboka", "Vill du lämna din plats", message=more)
        await tap(anna, "Ja, avboka", "avbokad", message=sure)
        cancelled = await anna.wait_for_message(lambda m: m.document is not None, after=mark)
        gone = calendar_of(cancelled)
        [gone_entry] = vevents(gone)
        assert str(gone["METHOD"]) == "CANCEL" and str(gone_entry["STATUS"]) == "CANCELLED"
        assert str(gone_entry["UID"]) == str(entry["UID"])
        assert str(gone_entry["ORGANIZER"]) == str(organizer)  # CANCEL needs the same one
        assert int(gone_entry["SEQUENCE"]) > int(entry["SEQUENCE"])
        assert "Boka igen" in cancelled.button_texts()
        await outbox_settled(bot)
        promoted = documents(waiting)[-1]
        assert promoted.content.startswith("Goda nyheter: du har fått en plats")
        assert str(calendar_of(promoted)["METHOD"]) == "PUBLISH"

        # The coordinator moves it two hours later: everyone booked gets an updated file.
        mark = kim.mark()
        await kim.press("Flytta", message=card)
        await kim.wait_for_message("Skriv nytt datum", after=mark)
        new_start = in_three_days(clock, hour=12)
        await say(kim, new_start.strftime("%Y-%m-%d %H:%M"), "2 bokade personer får veta det")
        card = await kim.wait_for_message(
            lambda m: "Ställ in mötet" in m.button_texts(), after=mark
        )
        await outbox_settled(bot)
        for person in (winner, waiting):
            moved = documents(person)[-1]
            assert moved.content.startswith("Ny tid för ”Samtal om stödet”")
            [moved_entry] = vevents(calendar_of(moved))
            assert str(moved_entry["UID"]) == str(entry["UID"])
            assert moved_entry.decoded("DTSTART").hour == 12
            assert int(moved_entry["SEQUENCE"]) >= 1
        assert not [m for m in anna.inbox[anna.inbox.index(cancelled) + 1 :]]  # she cancelled

        # And cancels it: everyone booked gets a cancelling file.
        sure = await tap(kim, "Ställ in mötet", "Vill du ställa in", message=card)
        await kim.press("Ja, ställ in mötet", message=sure)
        await kim.wait_for_message(  # the question becomes the answer
            lambda m: m is sure and "möten: 1. Personer som får veta det: 2." in m.content,
            after=kim.inbox.index(sure),
        )
        await outbox_settled(bot)
        for person in (winner, waiting):
            last = documents(person)[-1]
            assert "är inställt" in last.content
            [last_entry] = vevents(calendar_of(last))
            assert str(last_entry["STATUS"]) == "CANCELLED"
            earlier = [int(vevents(calendar_of(d))[0]["SEQUENCE"]) for d in documents(person)]
            assert earlier == sorted(earlier) and len(set(earlier)) == len(earlier)

        # What each person received, in order; nothing else.
        assert received(winner) == ["invitation", "booked", "more", "moved", "cancelled"]
        assert received(waiting) == [
            "invitation", "full", "waitlisted", "promoted", "moved", "cancelled"
        ]  # fmt: skip
        assert received(anna) == [
            "invitation", "booked", "more", "alias?", "alias", "needs?", "too long", "needs",
            "you said", "cancelled by me",
        ]  # fmt: skip
        assert dorte.inbox == [] and walter.inbox == []


async def test_someone_not_invited_cannot_book_with_forged_buttons(
    api: SandboxBotApi, settings: Settings
) -> None:
    clock = FakeClock()
    async with meeting_bot(api, settings, clock) as bot:
        office = Office.of(bot.services)
        [event] = await planning.create(office, plan(capacity=5, start=in_three_days(clock)))
        [other] = await planning.create(office, plan(capacity=5, start=in_three_days(clock, 14)))
        invited = await reachable_user(api, bot, name="Anna")
        await planning.invite(office, other.event_id, planning.Audience())
        await outbox_settled(bot)
        stranger = api.user(first_name="Eve", language_code="sv")  # never agreed to contact
        mark = stranger.mark()
        await stranger.send_command("/start")
        message = (await stranger.wait_for_messages(2, after=mark))[-1]  # what the bot is
        for person, target in ((stranger, other), (invited, event)):
            for act in ("b", "w", "a", "d", "x"):
                answered = len(person.callback_answers)
                before = person.mark()
                await person.press_data(
                    message.message_id if person is stranger else person.inbox[0].message_id,
                    f"v:{act}:{target.event_id}:-",
                )
                answer = await person.wait_for_callback_answer(after=answered)
                assert answer.get("text") == "Jag förstår inte den knappen."
                assert person.mark() == before
        assert db_rows(bot.settings.db_path, "SELECT * FROM bookings") == []


async def test_not_this_time_then_book_cancel_and_book_again(
    api: SandboxBotApi, settings: Settings
) -> None:
    clock = FakeClock()
    async with meeting_bot(api, settings, clock) as bot:
        office = Office.of(bot.services)
        [event] = await planning.create(office, plan(capacity=2, start=in_three_days(clock)))
        anna = await reachable_user(api, bot, name="Anna")
        await planning.invite(office, event.event_id, planning.Audience())
        await outbox_settled(bot)
        [invitation] = anna.inbox
        await tap(anna, "Inte den här gången", "Tack för att du sa till", message=invitation)
        assert invitation.content.startswith("Inbjudan till en fokusgrupp")
        assert invitation.content.endswith("Du svarade: Inte den här gången")
        assert invitation.button_texts() == [BOOK]
        assert db_rows(bot.settings.db_path, "SELECT * FROM bookings") == []

        # changing her mind later: the invitation keeps its Book button
        mark = anna.mark()
        await anna.press(BOOK, message=invitation)
        first = await anna.wait_for_message(lambda m: m.document is not None, after=mark)
        more = await anna.wait_for_message(lambda m: "Avboka" in m.button_texts(), after=mark)
        sure = await tap(anna, "Avboka", "Vill du lämna din plats", message=more)
        mark = anna.mark()
        await anna.press("Ja, avboka", message=sure)
        cancelled = await anna.wait_for_message(lambda m: m.document is not None, after=mark)
        again = await tap(anna, "Boka igen", "Du är bokad", message=cancelled)
        sequences = [int(vevents(calendar_of(m))[0]["SEQUENCE"]) for m in (first, cancelled, again)]
        assert sequences == sorted(sequences) and len(set(sequences)) == 3
        assert str(calendar_of(again)["METHOD"]) == "PUBLISH"
        [row] = db_rows(bot.settings.db_path, "SELECT status FROM bookings")
        assert row["status"] == "booked"


def outbox_rows_now(bot: RunningBot) -> int:
    rows = db_rows(bot.settings.db_path, "SELECT count(*) AS n FROM outbox")
    return int(rows[0]["n"])
