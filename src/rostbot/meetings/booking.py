"""Booking a seat, the waitlist and its promotions, and the reminders that follow a seat.

Every change happens in one transaction together with the outbox rows it causes
(a promotion notice, reminders), so a crash never leaves a seat without its
reminders or a promotion without its notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from rostbot.core.meeting_model import Event, iso_utc, reminder_times
from rostbot.meetings.office import Office, group_of
from rostbot.store import bookings, events, outbox, slots
from rostbot.store.database import Transaction

ALIAS_MAX = 40
NEEDS_MAX = 200


@dataclass(frozen=True)
class Outcome:
    """What a booking press did: 'booked', 'already', 'full', 'waitlisted', 'cancelled'..."""

    result: str
    group: list[Event]
    promoted: int = 0


def invitation_key(event: Event, pseudonym: str) -> str:
    return f"invitation:{event.offer_id}:{pseudonym}"


async def add_reminders(
    tx: Transaction, office: Office, sessions: list[Event], pseudonym: str, now: datetime
) -> None:
    for event in sessions:
        for offset in reminder_times(event, office.settings.reminder_offsets, now):
            await outbox.add(
                tx,
                key=f"reminder:{event.event_id}:{pseudonym}:{offset}:{event.sequence}",
                pseudonym=pseudonym,
                event_id=event.event_id,
                kind="reminder",
                due_at=iso_utc(event.starts_at - timedelta(minutes=offset)),
                payload={"offset": offset},
            )


async def stop_reminders(tx: Transaction, sessions: list[Event], pseudonym: str) -> None:
    await outbox.drop_waiting(
        tx,
        pseudonym=pseudonym,
        event_ids=[s.event_id for s in sessions],
        kinds=("reminder", "promoted", "moved"),
    )


async def promote(tx: Transaction, office: Office, group: list[Event], now: datetime) -> int:
    """Give free seats to the first people on the waitlist, and queue a notice to each."""
    promoted = 0
    ids = [e.event_id for e in group]
    while True:
        first = await bookings.first_waiting(tx, ids[0])
        if first is None:
            return promoted
        if await bookings.reserve(tx, ids, first, office.now_iso()) != "booked":
            return promoted
        promoted += 1
        booking = await bookings.get(tx, ids[0], first)
        revision = booking.revision if booking else 0
        await outbox.add(
            tx,
            key=f"promoted:{ids[0]}:{first}:{revision}",
            pseudonym=first,
            event_id=ids[0],
            kind="promoted",
            due_at=office.now_iso(),
        )
        await add_reminders(tx, office, group, first, now)


async def book(office: Office, event: Event, pseudonym: str) -> Outcome:
    """Take a seat in the event (every remaining session of a fixed group), or say it is full."""
    now = office.now()
    async with office.db.transaction() as tx:
        group = await group_of(tx, event, now)
        result = await bookings.reserve(tx, [e.event_id for e in group], pseudonym, iso_utc(now))
        if result == "booked":
            await add_reminders(tx, office, group, pseudonym, now)
    return Outcome(result, group)


async def wait(office: Office, event: Event, pseudonym: str) -> Outcome:
    """Join the waitlist; a seat freed meanwhile is taken at once instead."""
    now = office.now()
    async with office.db.transaction() as tx:
        group = await group_of(tx, event, now)
        ids = [e.event_id for e in group]
        if await bookings.reserve(tx, ids, pseudonym, iso_utc(now)) == "booked":
            await add_reminders(tx, office, group, pseudonym, now)
            return Outcome("booked", group)
        joined = await bookings.join_waitlist(tx, ids, pseudonym, iso_utc(now))
    return Outcome("waitlisted" if joined else "already", group)


async def cancel(office: Office, event: Event, pseudonym: str) -> Outcome:
    """Give up the seat (or the waitlist place); the next person waiting gets the seat."""
    now = office.now()
    async with office.db.transaction() as tx:
        group = await group_of(tx, event, now)
        was = await bookings.cancel(tx, [e.event_id for e in group], pseudonym, iso_utc(now))
        if was is None:
            return Outcome("nothing", group)
        await stop_reminders(tx, group, pseudonym)
        promoted = await promote(tx, office, group, now) if was == "booked" else 0
    return Outcome("cancelled" if was == "booked" else "left_waitlist", group, promoted)


async def place_on_waitlist(office: Office, event: Event, pseudonym: str) -> int:
    """1 for the first person waiting, 2 for the next..."""
    people = await bookings.for_event(office.db, event.event_id)
    waiting = sorted((b.queue, b.pseudonym) for b in people if b.status == "waitlisted")
    for place, (_, who) in enumerate(waiting, start=1):
        if who == pseudonym:
            return place
    return 0


def seal_detail(office: Office, what: str, event_id: str, pseudonym: str, text: str) -> bytes:
    """A booking's typed detail encrypted: `what` is 'alias', 'needs' or 'reach' (the
    number to call), bound with the event and the person as associated data."""
    return office.secret.encrypt(text.encode(), f"{what}:{event_id}:{pseudonym}")


def open_detail(
    office: Office, what: str, event_id: str, pseudonym: str, blob: bytes | None
) -> str:
    if blob is None:
        return ""
    return office.secret.decrypt(blob, f"{what}:{event_id}:{pseudonym}").decode()


async def set_alias(office: Office, group: list[Event], pseudonym: str, alias: str) -> None:
    async with office.db.transaction() as tx:
        for event in group:
            blob = seal_detail(office, "alias", event.event_id, pseudonym, alias)
            await bookings.set_alias(tx, event.event_id, pseudonym, blob, office.now_iso())


async def set_needs(office: Office, group: list[Event], pseudonym: str, needs: str) -> None:
    async with office.db.transaction() as tx:
        for event in group:
            blob = seal_detail(office, "needs", event.event_id, pseudonym, needs)
            await bookings.set_needs(tx, event.event_id, pseudonym, blob, office.now_iso())


async def forget_needs(office: Office) -> int:
    """Delete the needs lines and numbers to call of meetings that are over, and the
    waiting places for interview offers with no time left (run now and then by the sender)."""
    async with office.db.transaction() as tx:
        forgotten = await bookings.forget_needs_of_ended(tx, office.now_iso())
        return forgotten + await slots.forget_past_offers(tx, office.now_iso())


async def release_all(tx: Transaction, office: Office, pseudonym: str) -> int:
    """Give up every seat and waitlist place the person holds in meetings not yet begun.

    Used when someone withdraws or erases: their seats go to the waitlist at once, and
    no reminder, notice or invitation waiting in the outbox reaches them.
    """
    promoted = await release_seats(tx, office, pseudonym, interviews=True)
    await outbox.drop_waiting(tx, pseudonym=pseudonym)
    return promoted


async def release_seats(
    tx: Transaction, office: Office, pseudonym: str, *, interviews: bool
) -> int:
    """Give up the person's seats and waitlist places in meetings not yet begun (interview
    times too when `interviews`); a seat goes to the first person waiting. Returns how
    many people moved up."""
    now = office.now()
    promoted = 0
    handled: set[str] = set()
    for held in await bookings.active_for_person(tx, pseudonym, iso_utc(now)):
        if held.event_id in handled:
            continue
        event = await events.get(tx, held.event_id)
        if event is None or (event.kind == "interview" and not interviews):
            continue
        group = await group_of(tx, event, now)
        handled.update(e.event_id for e in group)
        was = await bookings.cancel(tx, [e.event_id for e in group], pseudonym, iso_utc(now))
        if was == "booked":
            promoted += await promote(tx, office, group, now)
    return promoted
