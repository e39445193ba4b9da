"""Builders for the interview tests: an offer of times, people who agreed to hear about
interviews, and the words of a time's button."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from conftest import RunningBot
from meeting_steps import FakeClock
from rostbot.core.meeting_model import Details, Event, Place
from rostbot.journey.services import Person
from rostbot.meetings import interview_plan, interview_wording
from rostbot.meetings.office import Office
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import SandboxUser
from rostbot.store import respondents

ROLE = {"sv": "En forskare från Lunds universitet", "da": "En forsker fra Lunds Universitet"}


def offer(clock: FakeClock, **changes: Any) -> interview_plan.InterviewPlan:
    """Three 45-minute talks in person in three days: 09:00, 10:00 and 11:00 (a window)."""
    day = (clock.now.astimezone(ZoneInfo("Europe/Stockholm")) + timedelta(days=3)).replace(
        tzinfo=None, second=0, microsecond=0
    )
    base = interview_plan.InterviewPlan(
        languages=("sv",),
        details=Details(
            title={"sv": "Hur var stödet?", "da": "Hvordan var støtten?"},
            description={"sv": "Vi vill höra hur du upplevde kontakten med oss."},
            place=Place("Storgatan 1, Lund", {"sv": "Ingång B"}),
            led_by=ROLE,
            mode="in_person",
            recorded=True,
        ),
        minutes=45,
        tz="Europe/Stockholm",
        windows=(
            interview_plan.Window(day.replace(hour=9, minute=0), day.replace(hour=11, minute=45)),
        ),
        gap=15,
    )
    return replace(base, **changes)


async def create_offer(bot: RunningBot, plan: interview_plan.InterviewPlan) -> list[Event]:
    return await interview_plan.create(Office.of(bot.services), plan)


async def interview_user(
    api: SandboxBotApi, bot: RunningBot, *, name: str, lang: str = "sv", kind: str = "interview"
) -> SandboxUser:
    """A sandbox person who answered a flow and agreed to hear about interviews (`kind`)."""
    user = api.user(first_name=name, language_code=lang)
    user.has_started = True
    pseudonym = bot.services.pseudonym(Person(user.id, user.id, lang, 0))
    async with bot.services.db.transaction() as tx:
        await respondents.ensure(tx, pseudonym, lang, "2026-01-01")
        await respondents.add_consent(
            tx,
            pseudonym,
            kind=kind,
            flow_id=None,
            flow_version=None,
            text_hash="test",
            lang=lang,
            choices={kind: True},
            given_at="2026-01-01T00:00:00+00:00",
        )
        handle = bot.services.secret.encrypt(str(user.id).encode(), f"contact:{pseudonym}")
        await respondents.set_contact_handle(tx, pseudonym, handle)
    return user


def label(event: Event, lang: str = "sv") -> str:
    """The words on the button of this time."""
    return interview_wording.time_label(event, lang)


def pseudonym_of(bot: RunningBot, user: SandboxUser) -> str:
    return bot.services.pseudonym(Person(user.id, user.id, "sv", 0))


def in_days(clock: FakeClock, days: int, hour: int) -> datetime:
    local = clock.now.astimezone(ZoneInfo("Europe/Stockholm")) + timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0, tzinfo=None)
