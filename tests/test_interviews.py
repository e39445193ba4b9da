"""Interviews end to end, through the sandbox Bot API and the real bot: the invitation
says what an interview is; two people racing for one time get one booking; moving to
another time frees the old one, which goes to the first person waiting; cancelling
frees a time again; withdrawing in the middle of booking books nothing; reminders
reach only people still booked. Calendar files are parsed back with icalendar."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from interview_steps import (
    create_offer,
    in_days,
    interview_user,
    label,
    offer,
    pseudonym_of,
)
from meeting_steps import (
    FakeClock,
    calendar_of,
    db_rows,
    meeting_bot,
    outbox_settled,
    reachable_user,
    shows,
    tap,
    tap_in_place,
)
from rostbot.config import Settings
from rostbot.core.meeting_model import Details
from rostbot.meetings import booking, interview_plan, planning
from rostbot.meetings.office import Office
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import BotMessage, SandboxUser

CHOOSE = "Välj en tid"
BOOKED = "Avboka intervjun"  # the button under what a booked person may do, last to come


def booked_in(bot_db: Path, event_id: str) -> list[str]:
    rows = db_rows(
        bot_db,
        "SELECT pseudonym FROM bookings WHERE event_id = ? AND status = 'booked'",
        (event_id,),
    )
    return [r["pseudonym"] for r in rows]


async def choose_page(user: SandboxUser) -> BotMessage:
    """Press Choose a time on the invitation; the page of free times."""
    return await tap(user, CHOOSE, "Välj en tid som passar dig")


async def test_invite_race_move_waitlist_and_cancel(api: SandboxBotApi, settings: Settings) -> None:
    clock = FakeClock()
    async with meeting_bot(api, settings, clock) as bot:
        first, second, third = await create_offer(bot, offer(clock))
        assert [e.local_start.hour for e in (first, second, third)] == [9, 10, 11]
        anna, bert, cecilia = [
            await interview_user(api, bot, name=n) for n in ("Anna", "Bert", "Cecilia")
        ]
        only_meetings = await reachable_user(api, bot, name="Dora")  # said yes to meetings only
        report = await planning.invite(Office.of(bot.services), first.event_id, planning.Audience())
        assert (report.queued, report.reachable) == (3, 3)
        await outbox_settled(bot)
        assert only_meetings.inbox == []
        for person in (anna, bert, cecilia):
            [invitation] = person.inbox
            text = invitation.content
            assert text.startswith("Inbjudan till en intervju: Hur var stödet?")
            assert "Vi vill höra hur du upplevde kontakten med oss." in text
            assert "Hur länge: ungefär 45 minuter" in text
            assert "Var: Storgatan 1, Lund" in text and "Så hittar du dit: Ingång B" in text
            assert "Vem du pratar med: En forskare från Lunds universitet" in text
            assert "Vi spelar in ljudet av samtalet" in text
            assert "påverkar aldrig ditt ärende" in text
            assert "Du får avbryta intervjun när du vill." in text
            assert "3 tider är lediga." in text
            assert invitation.button_texts() == [CHOOSE, "Inte den här gången"]

        # Anna and Bert press the same time at the same moment: one gets it.
        pages = {p.first_name: await choose_page(p) for p in (anna, bert)}
        assert pages["Anna"].button_texts()[:3] == [label(first), label(second), label(third)]
        marks = {p.id: p.mark() for p in (anna, bert)}
        await asyncio.gather(
            *(p.press(label(first), message=pages[p.first_name]) for p in (anna, bert))
        )
        outcome = {}
        for person in (anna, bert):
            reply = await person.wait_for_message(
                lambda m: m.document is not None or "någon annan tog" in m.content,
                after=marks[person.id],
            )
            outcome[person.first_name] = "time" if reply.document else "taken"
        assert sorted(outcome.values()) == ["taken", "time"]
        assert len(booked_in(bot.settings.db_path, first.event_id)) == 1
        winner, loser = (anna, bert) if outcome["Anna"] == "time" else (bert, anna)
        # The one who lost sees the times still free, and takes the next.
        fresh = await loser.wait_for_message(
            lambda m: shows(m, "Välj en tid som passar dig"), after=marks[loser.id]
        )
        assert label(first) not in fresh.button_texts()
        await tap(loser, label(second), BOOKED, message=fresh)

        # The winner's file: one talk, in Stockholm time, at the place.
        won = next(m for m in winner.inbox if m.document is not None)
        [entry] = list(calendar_of(won).walk("VEVENT"))
        start = entry.decoded("DTSTART")
        assert (str(start.tzinfo), start.hour) == ("Europe/Stockholm", 9)
        assert entry.decoded("DTEND") - start == timedelta(minutes=45)
        assert str(entry["LOCATION"]) == "Storgatan 1, Lund"
        assert "Du får avbryta intervjun när du vill." in str(entry["DESCRIPTION"])

        # Cecilia finds only 11:00 free; it does not suit her: she asks to hear of a time.
        page = await choose_page(cecilia)
        assert [b for b in page.button_texts() if "kl." in b] == [label(third)]
        await tap(cecilia, "Ingen av dem passar mig", "Jag skriver till dig när en tid")

        # The winner moves to 11:00: 09:00 is freed in the same step and Cecilia is told.
        mark = winner.mark()
        moving = await tap(winner, "Byt tid", "Din tid nu:")
        await tap(winner, label(third), BOOKED, message=moving)
        files = [m for m in winner.inbox[mark:] if m.document is not None]
        gone, new = calendar_of(files[0]), calendar_of(files[1])
        assert str(gone["METHOD"]) == "CANCEL" and str(new["METHOD"]) == "PUBLISH"
        [gone_entry] = list(gone.walk("VEVENT"))
        assert str(gone_entry["UID"]) == str(entry["UID"])
        assert booked_in(bot.settings.db_path, first.event_id) == []
        assert booked_in(bot.settings.db_path, third.event_id) == [pseudonym_of(bot, winner)]
        reminders = db_rows(
            bot.settings.db_path,
            "SELECT event_id FROM outbox WHERE kind = 'reminder' AND status = 'waiting'"
            " AND pseudonym = ?",
            (pseudonym_of(bot, winner),),
        )
        assert {r["event_id"] for r in reminders} == {third.event_id}  # none for the old time
        await outbox_settled(bot)
        notice = cecilia.last()
        assert notice.content.startswith("En tid för intervjun ”Hur var stödet?” är ledig")
        await tap(cecilia, "Ja, boka den här tiden", BOOKED, message=notice)
        assert booked_in(bot.settings.db_path, first.event_id) == [pseudonym_of(bot, cecilia)]
        assert db_rows(bot.settings.db_path, "SELECT * FROM slot_waitlist") == []

        # The loser cancels: the file removes it, and 10:00 is offered again.
        sure = await tap(loser, "Avboka intervjun", "Vill du avboka din intervju")
        mark = loser.mark()
        await tap(loser, "Ja, avboka", "Din intervju är avbokad", message=sure)
        cancelled = next(m for m in loser.inbox[mark:] if m.document is not None)
        assert str(calendar_of(cancelled)["METHOD"]) == "CANCEL"
        assert "Välj en annan tid" in cancelled.button_texts()
        again = await tap(winner, "Byt tid", "Din tid nu:")
        assert label(second) in again.button_texts()
        # One time per person and offer, at every moment.
        rows = db_rows(
            bot.settings.db_path,
            "SELECT pseudonym, count(*) AS n FROM bookings WHERE status = 'booked'"
            " GROUP BY pseudonym",
        )
        assert sorted(r["n"] for r in rows) == [1, 1]


async def test_pages_of_times_move_in_place(api: SandboxBotApi, settings: Settings) -> None:
    clock = FakeClock()
    async with meeting_bot(api, settings, clock) as bot:
        times = tuple(in_days(clock, 4, 8) + timedelta(hours=h) for h in range(8))
        made = await create_offer(bot, offer(clock, windows=(), times=times, minutes=50))
        erik = await interview_user(api, bot, name="Erik")
        await planning.invite(Office.of(bot.services), made[0].event_id, planning.Audience())
        await outbox_settled(bot)
        assert "8 tider är lediga." in erik.last().content
        page = await choose_page(erik)
        assert "Sida 1 av 2." in page.content
        assert [b for b in page.button_texts() if "kl." in b] == [label(e) for e in made[:6]]
        assert "Senare tider ›" in page.button_texts()
        await erik.press("Senare tider ›", message=page)
        turned = await erik.wait_for_message(
            lambda m: m.message_id == page.message_id and "Sida 2 av 2." in m.content
        )
        assert [b for b in turned.button_texts() if "kl." in b] == [label(e) for e in made[6:]]
        assert "‹ Tidigare tider" in turned.button_texts()
        await tap(erik, label(made[7]), BOOKED, message=turned)
        # The coordinator calls that time off: Erik is told, with the other free times.
        await planning.cancel(Office.of(bot.services), made[7].event_id)
        await outbox_settled(bot)
        called_off = erik.last()
        assert "är inställt" in called_off.content and called_off.document is not None
        others = await tap(erik, "Välj en annan tid", "Välj en tid som passar dig")
        assert label(made[7]) not in others.button_texts()
        assert label(made[6]) in others.button_texts() or "Senare tider ›" in others.button_texts()
        # A forged press on a time of an offer he was not invited to books nothing.
        [other] = await create_offer(bot, offer(clock, windows=(), times=(in_days(clock, 5, 9),)))
        mark, answered = erik.mark(), len(erik.callback_answers)
        await erik.press_data(erik.last().message_id, f"v:i:{other.event_id}:-")
        answer = await erik.wait_for_callback_answer(after=answered)
        assert answer.get("text") == "Jag förstår inte den knappen."
        assert booked_in(bot.settings.db_path, other.event_id) == []
        assert erik.mark() == mark


async def test_withdrawal_mid_booking_and_reminders_only_for_those_booked(
    api: SandboxBotApi, settings: Settings
) -> None:
    clock = FakeClock()
    async with meeting_bot(api, settings, clock) as bot:
        first, second, third = await create_offer(bot, offer(clock))
        anna, bert, cecilia, dora = [
            await interview_user(api, bot, name=n) for n in ("Anna", "Bert", "Cecilia", "Dora")
        ]
        await planning.invite(Office.of(bot.services), first.event_id, planning.Audience())
        await outbox_settled(bot)
        await tap(anna, CHOOSE, "Välj en tid som passar dig")
        await tap(anna, label(first), BOOKED)
        await tap(bert, CHOOSE, "Välj en tid som passar dig")
        await tap(bert, label(second), BOOKED)
        await tap(cecilia, CHOOSE, "Välj en tid som passar dig")
        await tap(cecilia, label(third), BOOKED)
        # Cecilia cancels; Bert withdraws altogether.
        await tap(cecilia, "Avboka intervjun", "Vill du avboka din intervju")
        await tap(cecilia, "Ja, avboka", "Din intervju är avbokad")
        mark = bert.mark()
        await bert.send_command("/aterkalla")
        await bert.wait_for_message("Vill du ta tillbaka ditt ja", after=mark)
        await tap(bert, "Ja, återkalla", "Du har tagit tillbaka ditt ja")
        assert booked_in(bot.settings.db_path, second.event_id) == []
        # Dora has the page of times open, withdraws, then presses a time: nothing is booked.
        page = await choose_page(dora)
        mark = dora.mark()
        await dora.send_command("/aterkalla")
        await dora.wait_for_message("Vill du ta tillbaka ditt ja", after=mark)
        await tap(dora, "Ja, återkalla", "Du har tagit tillbaka ditt ja")
        await dora.press(label(second), message=page)
        await outbox_settled(bot)
        for event in (second, third):
            assert booked_in(bot.settings.db_path, event.event_id) == []
        waiting = db_rows(
            bot.settings.db_path,
            "SELECT pseudonym FROM outbox WHERE status = 'waiting' AND kind = 'reminder'",
        )
        assert {r["pseudonym"] for r in waiting} == {pseudonym_of(bot, anna)}

        # Time passes: the day before, two hours before, the start.
        for moment in (
            first.starts_at - timedelta(hours=24) + timedelta(minutes=1),
            first.starts_at - timedelta(hours=2) + timedelta(minutes=1),
            third.starts_at + timedelta(minutes=1),
        ):
            clock.set(moment)
            await outbox_settled(bot)

        def reminders(user: SandboxUser) -> list[BotMessage]:
            return [m for m in user.inbox if m.content.startswith("Påminnelse: din intervju")]

        got = reminders(anna)
        assert len(got) == 2
        assert "Var: Storgatan 1, Lund" in got[0].content
        assert "Du får avbryta intervjun när du vill." in got[0].content
        assert got[0].button_texts() == ["Byt tid", "Avboka intervjun"]
        for person in (bert, cecilia, dora):
            assert reminders(person) == []


def test_an_offer_is_checked_before_it_is_stored() -> None:
    clock = FakeClock()
    plan = offer(clock)
    details, starts = interview_plan.check(plan, clock.now)
    assert len(starts) == 3 and details.mode == "in_person"
    bad = {
        "overlap": offer(clock, windows=(), times=(in_days(clock, 3, 9), in_days(clock, 3, 9))),
        "no address": offer(clock, details=Details(title={"sv": "x"}, led_by={"sv": "y"})),
        "video without link": offer(
            clock,
            details=Details(title={"sv": "x"}, led_by={"sv": "y"}, mode="video"),
        ),
        "plain http link": offer(
            clock,
            details=Details(
                title={"sv": "x"}, led_by={"sv": "y"}, mode="video", link="http://x.example/a"
            ),
        ),
        "past": offer(clock, windows=(), times=(in_days(clock, -1, 9),)),
        "window too short": offer(
            clock,
            windows=(
                interview_plan.Window(
                    in_days(clock, 3, 9), in_days(clock, 3, 9) + timedelta(minutes=30)
                ),
            ),
        ),
    }
    for name, wrong in bad.items():
        try:
            interview_plan.check(wrong, clock.now)
        except interview_plan.MeetingError as problem:
            assert str(problem) and "\n" not in str(problem), name
        else:
            raise AssertionError(f"{name} was accepted")
    phone = offer(clock, details=Details(title={"sv": "x"}, led_by={"sv": "y"}, mode="phone"))
    assert interview_plan.check(phone, clock.now)[0].mode == "phone"


async def test_the_interviewer_sees_the_day_by_name_and_time_and_marks_who_came(
    api: SandboxBotApi, settings: Settings
) -> None:
    kim = api.user(first_name="Kim", language_code="sv")
    clock = FakeClock()
    async with meeting_bot(api, settings, clock, coordinators=frozenset({kim.id})) as bot:
        phone = Details(
            title={"sv": "Hur var stödet?"},
            led_by={"sv": "En forskare från Lunds universitet"},
            mode="phone",
            recorded=False,
        )
        nine, ten = await create_offer(
            bot,
            offer(
                clock,
                details=phone,
                windows=(),
                times=(in_days(clock, 1, 9), in_days(clock, 1, 10)),
            ),
        )
        anna = await interview_user(api, bot, name="Anna Andersson")
        bo = await interview_user(api, bot, name="Bo")
        await planning.invite(Office.of(bot.services), nine.event_id, planning.Audience())
        await outbox_settled(bot)
        await tap(bo, CHOOSE, "Välj en tid som passar dig")
        await tap(bo, "Ingen av dem passar mig", "Jag skriver till dig när en tid")
        assert "Hur: på telefon. Intervjuaren ringer dig." in anna.last().content
        assert "Vi spelar inte in samtalet." in anna.last().content
        await tap(anna, CHOOSE, "Välj en tid som passar dig")
        await tap(anna, label(nine), BOOKED)
        await tap(anna, "Ge numret vi ska ringa", "Skriv numret som vi ska ringa")
        await tap(anna, "Vad ni ska kalla mig", "Skriv det namn")
        # Asked for a number, then for a name: the text that follows is the name.
        mark = anna.mark()
        await anna.send_text("Nina")
        await anna.wait_for_message("Tack. Vi kallar dig Nina.", after=mark)
        await tap(anna, "Ge numret vi ska ringa", "Skriv numret som vi ska ringa")
        mark = anna.mark()
        await anna.send_text("inget nummer")
        await anna.wait_for_message("Det ser inte ut som ett telefonnummer", after=mark)
        mark = anna.mark()
        await anna.send_text("070-123 45 67")
        await anna.wait_for_message("Intervjuaren ringer +46701234567", after=mark)
        stored = db_rows(bot.settings.db_path, "SELECT reach FROM bookings WHERE reach IS NOT NULL")
        assert len(stored) == 1 and b"701234567" not in stored[0]["reach"]  # encrypted
        await anna.press("Ja, ni får citera mig")  # the question under the booking
        await anna.wait_for_message(lambda m: "Du sa ja: vi får citera dig" in m.content)

        # The day of the talk, five minutes in: the coordinator opens the day's interviews.
        clock.set(nine.starts_at + timedelta(minutes=5))
        mark = kim.mark()
        await kim.send_command("/samordnare")
        menu = await kim.wait_for_message(
            lambda m: "Dagens intervjuer" in m.button_texts(), after=mark
        )
        day = await tap(kim, "Dagens intervjuer", "Intervjuer ", message=menu)
        text = day.content
        assert "09:00–09:45 · Nina · på telefon · ring +46701234567 · får citeras" in text
        assert "10:00–10:45 · ledig" in text
        assert "Anna" not in text and str(anna.id) not in text
        await kim.press("▫️ 09:00 Nina", message=day)
        marked = await kim.wait_for_message(
            lambda m: m.message_id == day.message_id and "✅ 09:00 Nina" in m.button_texts()
        )
        assert marked.content.startswith("Intervjuer ")
        rows = db_rows(
            bot.settings.db_path, "SELECT attended FROM bookings WHERE status = 'booked'"
        )
        assert [r["attended"] for r in rows] == [1]
        # The days around it are a press away.
        before = await tap_in_place(kim, "‹ Dagen före", "Inga intervjuer den här dagen.", marked)
        assert before.message_id == day.message_id

        # Once the offer's last time has begun, the number to call and the waiting place go.
        clock.set(ten.starts_at + timedelta(minutes=1))
        await booking.forget_needs(Office.of(bot.services))
        assert db_rows(bot.settings.db_path, "SELECT 1 FROM bookings WHERE reach IS NOT NULL") == []
        assert db_rows(bot.settings.db_path, "SELECT 1 FROM slot_waitlist") == []


async def test_a_bilingual_offer_reads_in_danish_for_a_danish_invitee(
    api: SandboxBotApi, settings: Settings
) -> None:
    clock = FakeClock()
    async with meeting_bot(api, settings, clock) as bot:
        video = Details(
            title={"sv": "Hur var stödet?", "da": "Hvordan var støtten?"},
            description={"sv": "Om kontakten med oss.", "da": "Om kontakten med os."},
            led_by={"sv": "En forskare", "da": "En forsker"},
            mode="video",
            recorded=False,
            link="https://meet.example.dk/abc",
        )
        [only] = await create_offer(
            bot,
            offer(
                clock,
                languages=("sv", "da"),
                details=video,
                windows=(),
                times=(in_days(clock, 2, 13),),
            ),
        )
        mette = await interview_user(api, bot, name="Mette", lang="da")
        await planning.invite(Office.of(bot.services), only.event_id, planning.Audience())
        await outbox_settled(bot)
        text = mette.last().content
        assert text.startswith("Invitation til et interview: Hvordan var støtten?")
        assert "Hvordan: over video. Du får linket, når du har booket en tid." in text
        assert "Hvem du taler med: En forsker" in text
        assert "https://" not in text  # the link only after booking
        await tap(mette, "Vælg en tid", "Vælg en tid, der passer dig")
        await tap(mette, label(only, "da"), "Aflys interviewet")
        booked = next(m for m in mette.inbox if m.document is not None)
        [entry] = list(calendar_of(booked).walk("VEVENT"))
        assert str(entry["LOCATION"]) == "https://meet.example.dk/abc"
        assert str(entry["URL"]) == "https://meet.example.dk/abc"
        assert any(
            "Linket til videoopkaldet: https://meet.example.dk/abc" in m.content
            for m in mette.inbox
        )
