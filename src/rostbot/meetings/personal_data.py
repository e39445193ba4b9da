"""A person's meetings for their rights in the chat: what /mydata lists, what withdrawing
and erasing do to bookings, waitlist places and messages not yet sent."""

from __future__ import annotations

from datetime import datetime

from rostbot.i18n import N_
from rostbot.journey.services import Services
from rostbot.meetings import booking, interview_booking, wording
from rostbot.meetings.office import Office
from rostbot.store import bookings, events, outbox, slots
from rostbot.store.database import Transaction

BOOKED = N_("• Booked: “{title}”, {when}")
WAITING = N_("• On the waitlist: “{title}”, {when}")


async def lines(services: Services, pseudonym: str, lang: str) -> list[str]:
    """One line per booking or waitlist place, earliest meeting first, with what else is
    stored for it."""
    found: list[tuple[datetime, str]] = []
    for held in await bookings.for_person(services.db, pseudonym):
        if held.status == "cancelled":
            continue
        event = await events.get(services.db, held.event_id)
        if event is None:
            continue
        msgid = BOOKED if held.status == "booked" else WAITING
        line = services.t(
            lang, msgid, title=event.title(lang), when=wording.short_when(event, lang)
        )
        extras = []
        if held.alias is not None:
            extras.append(services.t(lang, "a name to call you"))
        if held.needs is not None:
            extras.append(services.t(lang, "a line on needs"))
        if await slots.get_reach(services.db, held.event_id, pseudonym) is not None:
            extras.append(services.t(lang, "a phone number to call"))
        if extras:
            line += " " + services.t(lang, "(with {things}, locked)", things=", ".join(extras))
        if event.status == "cancelled":
            line += " " + services.t(lang, "(the meeting is cancelled)")
        found.append((event.starts_at, line))
    for series_id in await slots.waiting_for(services.db, pseudonym):
        times = await events.in_series(services.db, series_id)
        if times:
            line = services.t(
                lang,
                "• Waiting to hear of a free time for the interview “{title}”",
                title=times[0].title(lang),
            )
            found.append((times[0].starts_at, line))
    if not found:
        return [services.t(lang, "• Bookings: none")]
    found.sort(key=lambda item: item[0])
    return [line for _, line in found]


async def upcoming(services: Services, pseudonym: str, lang: str) -> list[str]:
    """One line per place in a meeting that has not started, soonest first."""
    now = services.clock()
    held = []
    for booking_row in await bookings.for_person(services.db, pseudonym):
        if booking_row.status not in ("booked", "waitlisted"):
            continue
        event = await events.get(services.db, booking_row.event_id)
        if event is None or event.status != "scheduled" or event.starts_at <= now:
            continue
        msgid = BOOKED if booking_row.status == "booked" else WAITING
        held.append((event.starts_at, msgid, event))
    held.sort(key=lambda item: item[0])
    return [
        services.t(lang, msgid, title=event.title(lang), when=wording.short_when(event, lang))
        for _, msgid, event in held
    ]


async def withdraw(tx: Transaction, services: Services, pseudonym: str) -> None:
    """Withdrawing cancels future bookings (seats go to the waitlist, interview times to
    whoever waits for one) and stops all messages."""
    office = Office.of(services)
    freed = await interview_booking.release_interviews(tx, office, pseudonym)
    if await booking.release_all(tx, office, pseudonym) or freed:
        services.outbox_ready.set()


async def erase(tx: Transaction, services: Services, pseudonym: str) -> None:
    """Erasing frees the seats first, then deletes every booking and message row."""
    await withdraw(tx, services, pseudonym)
    await bookings.delete_for_person(tx, pseudonym)
    await outbox.delete_for_person(tx, pseudonym)
