"""Coordinators in the chat, through the sandbox Bot API and the real bot: who may
coordinate, the guided dialogue for a fixed group and a monthly meeting in Swedish
and Danish, and that nobody else can reach any coordinator action, not even with
made-up button data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from meeting_steps import FakeClock, db_rows, meeting_bot, plan, say, tap
from rostbot.config import Settings
from rostbot.core.meeting_model import parse_iso_utc
from rostbot.meetings import planning, roles
from rostbot.meetings.office import Office
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import BotMessage, SandboxUser
from rostbot.store import coordinators


def events_in(db: Path) -> list[dict[str, object]]:
    rows = db_rows(db, "SELECT * FROM events ORDER BY starts_at")
    return [dict(r) for r in rows]


def local_times(db: Path, tz: str) -> list[str]:
    return [
        parse_iso_utc(str(e["starts_at"])).astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")
        for e in events_in(db)
    ]


async def test_a_coordinator_makes_a_fixed_group_in_swedish_across_the_clock_change(
    api: SandboxBotApi, settings: Settings
) -> None:
    kim = api.user(first_name="Kim", language_code="sv")
    clock = FakeClock()
    year = clock.now.year + 1
    async with meeting_bot(api, settings, clock, coordinators=frozenset({kim.id})) as bot:
        mark = kim.mark()
        await kim.send_command("/samordnare")
        await kim.wait_for_message(lambda m: "Nytt möte" in m.button_texts(), after=mark)
        await tap(kim, "Nytt möte", "Fokusgrupp")
        await tap(kim, "Fokusgrupp", "Vilket språk")
        await tap(kim, "Svenska", "Skriv rubriken (på svenska)")
        await say(kim, "Samtal om stödet", "kort beskrivning")
        await say(kim, "Vi pratar om hur stödet kan bli bättre.", "dagordningen")
        await say(kim, "• Välkomna och fika\n• Vad fungerade?\n• Vad kan bli bättre?", "När börjar")
        # bad input is explained and the same question comes back
        await say(kim, "imorgon typ", "Jag kan inte läsa det som datum och tid")
        await say(kim, f"20/10-{year} 10.00", "Hur länge")
        await tap(kim, "3 h", "Skriv adressen")
        await say(kim, "Storgatan 1, Lund", "Hur tar man sig dit")
        await tap(kim, "Hoppa över", "Tillgänglighet")
        await say(kim, "Hiss finns", "Hur många platser")
        await say(kim, "noll", "Skriv ett heltal")
        await say(kim, "2", "Vem leder mötet")
        await say(kim, "Forskare från universitetet", "Ett möte")
        await tap(kim, "Fast grupp", "Hur många gånger")
        await tap(kim, "3", "Varje vecka")
        preview = await tap(kim, "Varje vecka", "Spara")
        text = preview.content
        assert "Inbjudan till en fokusgrupp: Samtal om stödet" in text
        assert "Vi träffas 3 gånger" in text
        assert text.count("10:00–13:00") == 3  # the same wall-clock time each week
        assert "Du får ta en paus eller gå när du vill." in text
        assert "Dagordning:" in text and "• Vad fungerade?" in text
        await tap(kim, "Spara", "Sparat: 3 möten.", message=preview)

        made = events_in(bot.settings.db_path)
        assert len(made) == 3 and len({e["series_id"] for e in made}) == 1
        assert [t[-5:] for t in local_times(bot.settings.db_path, "Europe/Stockholm")] == [
            "10:00"
        ] * 3
        utc_hours = [parse_iso_utc(str(e["starts_at"])).hour for e in made]
        assert utc_hours == [8, 8, 9]  # summer time ends on the last Sunday of October


def first_weekday(year: int, month: int, weekday: int) -> date:
    day = date(year, month, 1)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


async def test_a_code_makes_a_coordinator_who_plans_a_monthly_breakfast_in_danish(
    api: SandboxBotApi, settings: Settings
) -> None:
    clock = FakeClock()
    async with meeting_bot(api, settings, clock) as bot:
        [code] = await roles.make_codes(bot.services.db, 1, "2026-01-01")
        mette = api.user(first_name="Mette", language_code="da")
        mark = mette.mark()
        await mette.send_command("/start", code)
        await mette.wait_for_message("Velkommen! Nu er du koordinator.", after=mark)
        assert await coordinators.counts(bot.services.db) == (1, 0)

        # the code works once: someone else gets what any unknown link gets
        other = api.user(language_code="da")
        mark = other.mark()
        await other.send_command("/start", code)
        await other.wait_for_message("Jeg kender ikke det link", after=mark)

        first_tuesday = first_weekday(clock.now.year + 1, 2, 1)
        await tap(mette, "Nyt møde", "Morgenmadsmøde")
        await tap(mette, "Morgenmadsmøde", "Hvilket sprog")
        await tap(mette, "Dansk", "Skriv titlen (på dansk)")
        await say(mette, "Morgenmad med snak", "kort beskrivelse")
        await tap(mette, "Spring over", "dagsordenen")
        await say(mette, "Velkommen\nKaffe og snak", "Hvornår begynder")
        await say(mette, f"tirsdag den {first_tuesday:%d.%m.%Y} kl. 8.30", "Hvor længe")
        await say(mette, "1,5 t", "Skriv adressen")
        await say(mette, "Vestergade 2, Odense", "Hvordan kommer man")
        await say(mette, "Bus 5 til Rådhuset", "Tilgængelighed")
        await tap(mette, "Spring over", "Hvor mange pladser")
        await say(mette, "12", "Hvem leder")
        await say(mette, "Brugerrådet", "Hver måned")
        await tap(mette, "Hver måned", "Hvor mange gange")
        preview = await say(mette, "4", "Gem")
        assert "Invitation til et morgenmadsmøde: Morgenmad med snak" in preview.content
        assert "Mødet holdes en gang om måneden" in preview.content
        assert "08.30–10.00" in preview.content  # Danish times, Copenhagen time
        await tap(mette, "Gem", "Gemt: 4 møder.", message=preview)

        made = events_in(bot.settings.db_path)
        assert len(made) == 4
        assert {e["tz"] for e in made} == {"Europe/Copenhagen"}
        days = [
            date.fromisoformat(t[:10])
            for t in local_times(bot.settings.db_path, "Europe/Copenhagen")
        ]
        assert all(d.weekday() == 1 and d.day <= 7 for d in days)  # the first Tuesday
        assert {t[-5:] for t in local_times(bot.settings.db_path, "Europe/Copenhagen")} == {"08:30"}
        rule = db_rows(bot.settings.db_path, "SELECT rule FROM series")[0]["rule"]
        assert rule == "monthly:+1TU"


async def reply_to(user: SandboxUser, command: str) -> list[str]:
    mark = user.mark()
    await user.send_command(command)
    await user.wait_for_message(after=mark)
    await user.wait_for_messages(1, after=mark)
    return [m.content for m in user.inbox[mark:]]


async def answer_to_press(user: SandboxUser, message: BotMessage, data: str) -> dict[str, object]:
    answered = len(user.callback_answers)
    await user.press_data(message.message_id, data)
    return await user.wait_for_callback_answer(after=answered)


async def test_nobody_else_can_reach_any_coordinator_action_even_with_forged_buttons(
    api: SandboxBotApi, settings: Settings
) -> None:
    kim = api.user(first_name="Kim", language_code="sv")
    clock = FakeClock()
    async with meeting_bot(api, settings, clock, coordinators=frozenset({kim.id})) as bot:
        # the coordinator has a real meeting with a real card
        [event] = await planning.create(Office.of(bot.services), plan())
        eve = api.user(first_name="Eve", language_code="sv")
        unknown = await reply_to(eve, "/finnsinte")
        assert unknown == await reply_to(eve, "/samordnare")
        assert unknown == await reply_to(eve, "/coordinator")
        assert unknown == await reply_to(eve, "/koordinator coord-made-up-code-000")

        mark = eve.mark()
        await eve.send_command("/start")
        any_message = await eve.wait_for_message(after=mark)
        garbage = await answer_to_press(eve, any_message, "zz:9")
        for data in (
            "o:n:-:-",
            "o:l:-:-",
            "o:m:-:-",
            f"o:e:{event.event_id}:-",
            f"o:p:{event.event_id}:-",
            f"o:i:{event.event_id}:-",
            f"o:c:{event.event_id}:y",
            f"o:v:{event.event_id}:-",
            "o:d:kind:focus_group",
        ):
            mark = eve.mark()
            answer = await answer_to_press(eve, any_message, data)
            assert answer.get("text") == garbage.get("text") == "Jag förstår inte den knappen."
            assert eve.mark() == mark  # and no message comes with it
        assert bot.services.dialogues == {}
        [row] = db_rows(bot.settings.db_path, "SELECT status FROM events")
        assert row["status"] == "scheduled"
        assert db_rows(bot.settings.db_path, "SELECT * FROM outbox") == []
        assert db_rows(bot.settings.db_path, "SELECT * FROM coordinators") == []

        # the same presses work for the coordinator
        mark = kim.mark()
        await kim.send_command("/samordnare")
        menu = await kim.wait_for_message(lambda m: "Möten" in m.button_texts(), after=mark)
        listing = await tap(kim, "Möten", "Samtal om stödet", message=menu)
        await tap(kim, "Samtal om stödet", "Ställ in mötet", message=listing)


async def test_a_start_that_passed_earlier_today_is_asked_for_again_and_the_rest_is_kept(
    api: SandboxBotApi, settings: Settings
) -> None:
    kim = api.user(first_name="Kim", language_code="sv")
    clock = FakeClock(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))  # 13:00 in Stockholm
    async with meeting_bot(api, settings, clock, coordinators=frozenset({kim.id})):
        mark = kim.mark()
        await kim.send_command("/samordnare")
        await kim.wait_for_message(lambda m: "Nytt möte" in m.button_texts(), after=mark)
        await tap(kim, "Nytt möte", "Frukostträff")
        await tap(kim, "Frukostträff", "Vilket språk")
        await tap(kim, "Svenska", "Skriv rubriken")
        await say(kim, "Frukost", "kort beskrivning")
        await tap(kim, "Hoppa över", "dagordningen")
        await tap(kim, "Hoppa över", "När börjar")
        await say(kim, "23/11 9.00", "Hur länge")  # today, but four hours ago
        await tap(kim, "1 h", "Skriv adressen")
        await say(kim, "Torget 1", "Hur tar man sig dit")
        await tap(kim, "Hoppa över", "Tillgänglighet")
        await tap(kim, "Hoppa över", "Hur många platser")
        await say(kim, "10", "Vem leder")
        await say(kim, "Brukarrådet", "Ett möte")
        mark = kim.mark()
        await kim.press("Ett möte")
        await kim.wait_for_message("Den tiden går inte", after=mark)
        await kim.wait_for_message("När börjar", after=mark)
        preview = await say(kim, "24/11 9.00", "Spara")
        assert "tisdag 24 november 2026 kl. 09:00–10:00" in preview.content
        assert "Var: Torget 1" in preview.content
