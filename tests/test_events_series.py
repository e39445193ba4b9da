"""Series and the CLI next to the running bot: a fixed group booked whole (one calendar file
with every session, right across the October clock change), a monthly meeting booked one
occurrence at a time, meetings made and invited by `rostbot events`, and bookings in the
person's rights (/minadata, /radera)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

import pytest

from journey_steps import database_bytes
from meeting_steps import (
    FakeClock,
    ShiftedClock,
    calendar_of,
    db_rows,
    invite_and_deliver,
    meeting_bot,
    outbox_settled,
    plan,
    reachable_user,
    say,
    tap,
    vevents,
)
from rostbot.cli import main as rostbot_main
from rostbot.config import Settings
from rostbot.meetings import planning
from rostbot.meetings.office import Office
from rostbot.sandbox.botapi import SandboxBotApi

BOOK = "Boka en plats"


def last_sunday_of_october(year: int) -> date:
    day = date(year, 10, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


async def test_a_fixed_group_is_booked_whole_with_one_file_across_the_clock_change(
    api: SandboxBotApi, settings: Settings
) -> None:
    clock = FakeClock()
    change = last_sunday_of_october(clock.now.year + 1)
    first = datetime.combine(change - timedelta(days=5), datetime.min.time()).replace(hour=10)
    async with meeting_bot(api, settings, clock) as bot:
        made = await planning.create(
            Office.of(bot.services), plan(start=first, series="fixed", sessions=3)
        )
        anna = await reachable_user(api, bot, name="Anna")
        await invite_and_deliver(bot, made[0].event_id)
        [invitation] = anna.inbox
        assert "Vi träffas 3 gånger. Det är samma grupp varje gång." in invitation.content
        assert invitation.content.count("10:00–13:00") == 3
        booked = await tap(anna, BOOK, "Du är bokad på alla 3 träffar")
        sessions = vevents(calendar_of(booked))
        assert [s.decoded("DTSTART").strftime("%H:%M") for s in sessions] == ["10:00"] * 3
        assert [s.decoded("DTSTART").utcoffset() for s in sessions] == [
            timedelta(hours=2),
            timedelta(hours=1),
            timedelta(hours=1),
        ]
        assert len({str(s["UID"]) for s in sessions}) == 3
        seats = db_rows(bot.settings.db_path, "SELECT status FROM bookings ORDER BY event_id")
        assert [r["status"] for r in seats] == ["booked"] * 3
        reminders = db_rows(bot.settings.db_path, "SELECT * FROM outbox WHERE kind = 'reminder'")
        assert len(reminders) == 6  # 24 h and 2 h before each session


async def test_a_monthly_meeting_is_booked_one_occurrence_at_a_time(
    api: SandboxBotApi, settings: Settings
) -> None:
    clock = FakeClock()
    async with meeting_bot(api, settings, clock) as bot:
        start = (clock.now + timedelta(days=10)).replace(tzinfo=None, hour=8, minute=30, second=0)
        made = await planning.create(
            Office.of(bot.services),
            plan(kind="breakfast", start=start, series="monthly", sessions=3, minutes=90),
        )
        anna = await reachable_user(api, bot, name="Anna")
        await invite_and_deliver(bot, made[1].event_id)
        [invitation] = anna.inbox
        assert invitation.content.startswith("Inbjudan till en frukostträff")
        assert "Mötet hålls en gång i månaden. Du bokar ett möte i taget." in invitation.content
        assert "Hur länge: 1 timme och 30 minuter" in invitation.content
        await tap(anna, BOOK, "Du är bokad: ”Samtal om stödet”")
        booked = db_rows(bot.settings.db_path, "SELECT event_id FROM bookings")
        assert [r["event_id"] for r in booked] == [made[1].event_id]


async def test_meetings_made_and_invited_by_the_cli_reach_people_through_the_running_bot(
    api: SandboxBotApi,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clock = ShiftedClock()  # the CLI runs on real time, so the bot does too
    async with meeting_bot(api, settings, clock) as bot:
        anna = await reachable_user(api, bot, name="Anna")
        dorte = await reachable_user(api, bot, name="Dorte", lang="da")
        monkeypatch.setenv("ROSTBOT_DB", str(bot.settings.db_path))
        monkeypatch.setenv("ROSTBOT_SECRET_FILE", str(bot.settings.secret_file))
        day = (clock() + timedelta(days=20)).strftime("%Y-%m-%d")
        add = [
            *("events", "add", "--kind", "breakfast", "--lang", "both"),
            *("--title-sv", "Frukost med samtal", "--title-da", "Morgenmad med snak"),
            *("--agenda-sv", "Kaffe", "--agenda-da", "Kaffe"),
            *("--start", f"{day} 8.30", "--end", "10:00", "--address", "Torget 1"),
            *("--capacity", "10", "--led-by", "Brukarrådet", "--tz", "Europe/Copenhagen"),
        ]
        assert await asyncio.to_thread(rostbot_main, add) == 0
        event_id = capsys.readouterr().out.split()[0]
        assert await asyncio.to_thread(rostbot_main, ["events", "invite", event_id]) == 0
        assert "queued 2 invitations" in capsys.readouterr().out
        await outbox_settled(bot)  # the bot also finds them on its own within seconds
        assert anna.inbox[0].content.startswith("Inbjudan till en frukostträff: Frukost med")
        assert dorte.inbox[0].content.startswith("Invitation til et morgenmadsmøde: Morgenmad")
        assert "08.30–10.00" in dorte.inbox[0].content  # Copenhagen time, Danish style
        assert await asyncio.to_thread(rostbot_main, ["events", "invite", event_id]) == 0
        assert "queued 0 invitations; 2 invited or booked before" in capsys.readouterr().out


async def test_my_data_lists_bookings_and_erasing_frees_the_seat(
    api: SandboxBotApi, settings: Settings
) -> None:
    clock = FakeClock()
    async with meeting_bot(api, settings, clock) as bot:
        start = (clock.now + timedelta(days=3)).replace(tzinfo=None, hour=10, minute=0, second=0)
        [event] = await planning.create(Office.of(bot.services), plan(start=start, capacity=1))
        anna = await reachable_user(api, bot, name="Anna")
        bert = await reachable_user(api, bot, name="Bert")
        await invite_and_deliver(bot, event.event_id)
        more = await tap(anna, BOOK, "Om du vill kan du också")
        await tap(anna, "Vad ni ska kalla mig", "Skriv det namn", message=more)
        await say(anna, "Nina", "Tack. Vi kallar dig Nina.")
        await tap(bert, BOOK, "alla platser tagna")
        await tap(bert, "Ja, sätt upp mig på väntelistan", "nummer 1")

        mark = anna.mark()
        await anna.send_command("/minadata")
        mine = await anna.wait_for_message("Det här sparar jag om dig", after=mark)
        assert "• Bokad: ”Samtal om stödet”" in mine.content
        assert "(med ett namn vi kallar dig, låst)" in mine.content
        mark = bert.mark()
        await bert.send_command("/minadata")
        theirs = await bert.wait_for_message("Det här sparar jag om dig", after=mark)
        assert "• På väntelistan: ”Samtal om stödet”" in theirs.content

        mark = anna.mark()
        await anna.send_command("/radera")
        await anna.wait_for_message("Vill du radera", after=mark)
        await tap(anna, "Ja, radera", "Klart")
        await outbox_settled(bot)
        assert any("Goda nyheter" in m.content for m in bert.inbox)
        left = db_rows(
            bot.settings.db_path, "SELECT count(*) AS n FROM bookings WHERE status != 'cancelled'"
        )
        assert left[0]["n"] == 1
        assert db_rows(bot.settings.db_path, "SELECT count(*) AS n FROM respondents")[0]["n"] == 1
        assert b"Nina" not in database_bytes(bot.settings.db_path)
