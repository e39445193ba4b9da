"""How to get there, accessibility and who leads a meeting are written in each language of
the meeting: the coordinator's dialogue asks for each, and a Danish invitee of a meeting in
Swedish and Danish reads them in Danish in the invitation, the calendar file and the
reminder. Meetings stored when these were one text still load and show it to everyone.
Through the sandbox Bot API and the real bot."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

from meeting_steps import (
    FakeClock,
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
from rostbot.config import Settings
from rostbot.core.meeting_model import Details
from rostbot.meetings import planning
from rostbot.meetings.office import Office
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import BotMessage, SandboxUser
from rostbot.store import events

SWEDISH = ("Så hittar du dit: Buss 3 till Stortorget", "Tillgänglighet: Hiss finns")
SWEDISH_LEADER = "Leds av: Forskare från universitetet"
DANISH = ("Sådan finder du derhen: Bus 3 til Stortorget", "Tilgængelighed: Der er elevator")
DANISH_LEADER = "Ledes af: Forskere fra universitetet"


def reads(text: str, *expected: str) -> None:
    for line in expected:
        assert line in text, (line, text)


def reads_no_swedish(text: str) -> None:
    for word in ("Buss 3", "Hiss finns", "Forskare"):
        assert word not in text, (word, text)


async def plan_bilingual_meeting_in_the_chat(kim: SandboxUser, year: int) -> BotMessage:
    """The coordinator's dialogue for a focus group in Swedish and Danish; the preview."""
    menu = await say(kim, "/samordnare", "Nytt möte")
    await tap(kim, "Nytt möte", "Fokusgrupp", message=menu)
    await tap(kim, "Fokusgrupp", "Vilket språk")
    await tap(kim, "Båda", "Skriv rubriken (på svenska)")
    await say(kim, "Samtal om stödet", "Skriv rubriken (på danska)")
    await say(kim, "Samtale om støtten", "kort beskrivning (på svenska)")
    await tap(kim, "Hoppa över", "kort beskrivning (på danska)")
    await tap(kim, "Hoppa över", "dagordningen (på svenska)")
    await tap(kim, "Hoppa över", "dagordningen (på danska)")
    await tap(kim, "Hoppa över", "När börjar")
    await say(kim, f"{year}-03-02 10:00", "Hur länge")
    await tap(kim, "3 h", "Skriv adressen")
    await say(kim, "Storgatan 1, Lund", "Hur tar man sig dit (på svenska)?")
    await say(kim, "Buss 3 till Stortorget", "Hur tar man sig dit (på danska)?")
    await say(kim, "Bus 3 til Stortorget", "Tillgänglighet (på svenska)")
    await say(kim, "Hiss finns", "Tillgänglighet (på danska)")
    await say(kim, "Der er elevator", "Hur många platser")
    await say(kim, "10", "Vem leder mötet? Skriv det på svenska.")
    await say(kim, "Forskare från universitetet", "Vem leder mötet? Skriv det på danska.")
    await say(kim, "Forskere fra universitetet", "Ett möte")
    return await tap(kim, "Ett möte", "Spara")


async def test_a_danish_invitee_of_a_bilingual_meeting_reads_its_place_and_leader_in_danish(
    api: SandboxBotApi, settings: Settings
) -> None:
    kim = api.user(first_name="Kim", language_code="sv")
    clock = FakeClock()
    async with meeting_bot(api, settings, clock, coordinators=frozenset({kim.id})) as bot:
        mark = kim.mark()
        preview = await plan_bilingual_meeting_in_the_chat(kim, clock.now.year + 1)
        [swedish_preview] = [
            m.content for m in kim.inbox[mark:] if m.content.startswith("Inbjudan till")
        ]
        danish_preview = preview.content
        reads(swedish_preview, *SWEDISH, SWEDISH_LEADER)
        reads(danish_preview, *DANISH, DANISH_LEADER)
        reads_no_swedish(danish_preview)
        await tap(kim, "Spara", "Sparat: 1 möte.", message=preview)

        [row] = db_rows(bot.settings.db_path, "SELECT event_id FROM events")
        event = await events.get(bot.services.db, row["event_id"])
        assert event is not None and event.languages == ("sv", "da")
        assert event.details.place.directions == {
            "sv": "Buss 3 till Stortorget",
            "da": "Bus 3 til Stortorget",
        }
        assert event.details.led_by == {
            "sv": "Forskare från universitetet",
            "da": "Forskere fra universitetet",
        }

        dorte = await reachable_user(api, bot, lang="da", name="Dorte")
        anna = await reachable_user(api, bot, lang="sv", name="Anna")
        await invite_and_deliver(bot, event.event_id)
        [invitation] = dorte.inbox
        assert invitation.content.startswith("Invitation til en fokusgruppe: Samtale om støtten")
        reads(invitation.content, *DANISH, DANISH_LEADER)
        reads_no_swedish(invitation.content)
        [swedish_invitation] = anna.inbox
        reads(swedish_invitation.content, *SWEDISH, SWEDISH_LEADER)

        mark = dorte.mark()
        await dorte.press("Tilmeld dig")
        booked = await dorte.wait_for_message(lambda m: m.document is not None, after=mark)
        [entry] = vevents(calendar_of(booked))
        description = str(entry["DESCRIPTION"])
        reads(description, *DANISH, DANISH_LEADER)
        reads_no_swedish(description)
        assert str(entry["LOCATION"]) == "Storgatan 1, Lund"

        clock.set(event.starts_at - timedelta(hours=24) + timedelta(minutes=1))
        await outbox_settled(bot)
        [reminder] = [m.content for m in dorte.inbox if m.content.startswith("Påmindelse")]
        reads(reminder, *DANISH, DANISH_LEADER)
        reads_no_swedish(reminder)


def as_stored_before(details: Details) -> str:
    """The details column as it was written when these texts were one string each."""
    return json.dumps(
        {
            "title": details.title,
            "description": details.description,
            "agenda": {lang: list(items) for lang, items in details.agenda.items()},
            "place": {
                "address": details.place.address,
                "directions": "Buss 3 till Stortorget",
                "accessibility": "Hiss finns",
            },
            "led_by": "Forskare från universitetet",
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def store_as_before(db_path: Path, event_id: str, details: Details) -> None:
    connection = sqlite3.connect(db_path)
    try:
        with connection:
            connection.execute(
                "UPDATE events SET details = ? WHERE event_id = ?",
                (as_stored_before(details), event_id),
            )
    finally:
        connection.close()


async def test_a_meeting_stored_with_one_text_for_all_languages_still_loads_and_shows_it(
    api: SandboxBotApi, settings: Settings
) -> None:
    clock = FakeClock()
    async with meeting_bot(api, settings, clock) as bot:
        [event] = await planning.create(Office.of(bot.services), plan(languages=("sv", "da")))
        store_as_before(bot.settings.db_path, event.event_id, event.details)
        loaded = await events.get(bot.services.db, event.event_id)
        assert loaded is not None
        for lang in ("sv", "da"):
            assert loaded.directions(lang) == "Buss 3 till Stortorget"
            assert loaded.accessibility(lang) == "Hiss finns"
            assert loaded.leader(lang) == "Forskare från universitetet"

        dorte = await reachable_user(api, bot, lang="da", name="Dorte")
        await invite_and_deliver(bot, event.event_id)
        [invitation] = dorte.inbox
        reads(
            invitation.content,
            "Sådan finder du derhen: Buss 3 till Stortorget",
            "Tilgængelighed: Hiss finns",
            "Ledes af: Forskare från universitetet",
        )
