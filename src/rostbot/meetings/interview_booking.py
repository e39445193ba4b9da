"""Booking an interview time: one person per time, one time per person and offer.

A person takes a free time, moves to another (the old one is freed in the same
transaction, so a failed move keeps the old time), or gives it up. A freed time is
offered again: it shows among the free times at once, and the first person who asked
to hear of a free time is told (an outbox row), then leaves that list. Reminders follow
the time as they follow a seat (rostbot.meetings.booking).
"""

from __future__ import annotations

from dataclasses import dataclass

from rostbot.core.meeting_model import Event, iso_utc
from rostbot.meetings import booking
from rostbot.meetings.office import Office
from rostbot.store import bookings, events, outbox, slots
from rostbot.store.database import Transaction

PHONE_MAX = 30


@dataclass(frozen=True)
class Taken:
    """What a press on a time did: 'booked', 'moved', 'already' or 'taken' (someone was first)."""

    result: str
    event: Event
    was: Event | None = None  # the time given up by a move


async def _free_again(tx: Transaction, office: Office, freed: Event) -> None:
    """Tell the first person waiting for this offer that a time is free."""
    if freed.series_id is None or freed.status != "scheduled" or freed.starts_at <= office.now():
        return
    first = await slots.first_waiting(tx, freed.series_id)
    if first is None:
        return
    await slots.leave(tx, freed.series_id, first)
    await outbox.add(
        tx,
        key=f"slot_free:{freed.event_id}:{first}:{office.now_iso()}",
        pseudonym=first,
        event_id=freed.event_id,
        kind="slot_free",
        due_at=office.now_iso(),
    )


async def _give_up(tx: Transaction, office: Office, event: Event, pseudonym: str) -> bool:
    was = await bookings.cancel(tx, [event.event_id], pseudonym, office.now_iso())
    if was is None:
        return False
    await booking.stop_reminders(tx, [event], pseudonym)
    await slots.set_reach(tx, event.event_id, pseudonym, None, office.now_iso())
    await _free_again(tx, office, event)
    return True


async def take(office: Office, event: Event, pseudonym: str) -> Taken:
    """Book this time; a time the person held in the same offer is given up in the same step."""
    now = office.now()
    assert event.series_id is not None
    async with office.db.transaction() as tx:
        current = await slots.held(tx, event.series_id, pseudonym)
        if current is not None and current.event_id == event.event_id:
            return Taken("already", event)
        result = await bookings.reserve(tx, [event.event_id], pseudonym, iso_utc(now))
        if result != "booked":
            return Taken("taken", event)
        await booking.add_reminders(tx, office, [event], pseudonym, now)
        await slots.leave(tx, event.series_id, pseudonym)
        old: Event | None = None
        if current is not None:
            old = await events.get(tx, current.event_id)
            if old is not None:
                await _give_up(tx, office, old, pseudonym)
    if old is not None:
        return Taken("moved", event, old)
    return Taken("booked", event)


async def give_up(office: Office, event: Event, pseudonym: str) -> bool:
    """Cancel the person's time; False when they did not hold it."""
    async with office.db.transaction() as tx:
        return await _give_up(tx, office, event, pseudonym)


async def wait_for_time(office: Office, series_id: str, pseudonym: str) -> bool:
    """Ask to hear of a free time; False when on the list already."""
    async with office.db.transaction() as tx:
        return await slots.wait(tx, series_id, pseudonym, office.now_iso())


async def release_interviews(tx: Transaction, office: Office, pseudonym: str) -> int:
    """The person may no longer be contacted about interviews: every time not yet begun is
    given up (and offered again), every message about an interview not yet sent is
    deleted, and the person leaves every list of people waiting for a time.

    Returns how many times were freed. Runs in the caller's transaction (withdrawing the
    interview consent, or withdrawing altogether)."""
    freed = 0
    for held in await slots.active_interviews(tx, pseudonym, office.now_iso()):
        event = await events.get(tx, held.event_id)
        if event is not None and await _give_up(tx, office, event, pseudonym):
            freed += 1
    interview_ids = await slots.interview_event_ids(tx)
    if interview_ids:
        await outbox.drop_waiting(tx, pseudonym=pseudonym, event_ids=interview_ids)
    await slots.leave_all(tx, pseudonym)
    return freed


async def set_reach(office: Office, event: Event, pseudonym: str, number: str) -> bool:
    """Keep the number to call for a phone interview; False when the time is not theirs."""
    async with office.db.transaction() as tx:
        mine = await bookings.get(tx, event.event_id, pseudonym)
        if mine is None or mine.status != "booked":
            return False
        blob = booking.seal_detail(office, "reach", event.event_id, pseudonym, number)
        await slots.set_reach(tx, event.event_id, pseudonym, blob, office.now_iso())
    return True
