"""Builders for the meeting tests: plans, reachable people, a clock the test moves."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from rostbot.core.meeting_model import Details, Place
from rostbot.crypto.server_secret import ServerSecret
from rostbot.meetings.planning import Plan
from rostbot.store import respondents
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
            place=Place("Storgatan 1, Lund", "Buss 3 till Stortorget", "Hiss finns"),
            led_by="Forskare från Lunds universitet",
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
