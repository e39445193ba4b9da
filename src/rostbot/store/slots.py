"""Interview offers: their times (events of a 'slots' series, one seat each), which of them
are free, and the list of people waiting to hear of a free time."""

from __future__ import annotations

from rostbot.store.bookings import Booking, _booking
from rostbot.store.database import Database, Transaction

_BOOKING_COLUMNS = (
    "b.event_id, b.pseudonym, b.status, b.number, b.queue, b.revision, b.alias, b.needs, b.attended"
)


async def free(db: Database | Transaction, series_id: str, after: str) -> list[str]:
    """Event ids of the offer's times not yet begun, not cancelled, with nobody booked."""
    rows = await db.fetch_all(
        "SELECT e.event_id FROM events e WHERE e.series_id = ? AND e.status = 'scheduled'"
        " AND e.starts_at > ? AND NOT EXISTS (SELECT 1 FROM bookings b WHERE"
        " b.event_id = e.event_id AND b.status = 'booked') ORDER BY e.starts_at, e.event_id",
        (series_id, after),
    )
    return [str(r["event_id"]) for r in rows]


async def held(db: Database | Transaction, series_id: str, pseudonym: str) -> Booking | None:
    """The person's booked time in this offer, if any (one at most)."""
    row = await db.fetch_one(
        f"SELECT {_BOOKING_COLUMNS} FROM bookings b JOIN events e ON e.event_id = b.event_id"
        " WHERE e.series_id = ? AND b.pseudonym = ? AND b.status = 'booked'"
        " ORDER BY e.starts_at DESC LIMIT 1",
        (series_id, pseudonym),
    )
    return _booking(row) if row else None


async def active_interviews(tx: Transaction, pseudonym: str, now: str) -> list[Booking]:
    """The person's booked interview times that have not begun."""
    rows = await tx.fetch_all(
        f"SELECT {_BOOKING_COLUMNS} FROM bookings b JOIN events e ON e.event_id = b.event_id"
        " WHERE b.pseudonym = ? AND b.status = 'booked' AND e.kind = 'interview'"
        " AND e.status = 'scheduled' AND e.starts_at > ?",
        (pseudonym, now),
    )
    return [_booking(r) for r in rows]


async def interview_event_ids(tx: Transaction) -> list[str]:
    rows = await tx.fetch_all("SELECT event_id FROM events WHERE kind = 'interview'")
    return [str(r["event_id"]) for r in rows]


async def wait(tx: Transaction, series_id: str, pseudonym: str, when: str) -> bool:
    """Put the person last on the offer's list; False when they are on it already."""
    changed = await tx.execute(
        "INSERT OR IGNORE INTO slot_waitlist (series_id, pseudonym, queue, added_at) VALUES"
        " (?, ?, (SELECT coalesce(max(queue), 0) + 1 FROM slot_waitlist WHERE series_id = ?), ?)",
        (series_id, pseudonym, series_id, when),
    )
    return changed == 1


async def is_waiting(db: Database | Transaction, series_id: str, pseudonym: str) -> bool:
    row = await db.fetch_one(
        "SELECT 1 AS x FROM slot_waitlist WHERE series_id = ? AND pseudonym = ?",
        (series_id, pseudonym),
    )
    return row is not None


async def first_waiting(tx: Transaction, series_id: str) -> str | None:
    row = await tx.fetch_one(
        "SELECT pseudonym FROM slot_waitlist WHERE series_id = ? ORDER BY queue LIMIT 1",
        (series_id,),
    )
    return str(row["pseudonym"]) if row else None


async def leave(tx: Transaction, series_id: str, pseudonym: str) -> bool:
    changed = await tx.execute(
        "DELETE FROM slot_waitlist WHERE series_id = ? AND pseudonym = ?", (series_id, pseudonym)
    )
    return changed == 1


async def leave_all(tx: Transaction, pseudonym: str) -> int:
    return await tx.execute("DELETE FROM slot_waitlist WHERE pseudonym = ?", (pseudonym,))


async def forget_past_offers(tx: Transaction, now: str) -> int:
    """Drop waiting places for offers with no time left that has not begun."""
    return await tx.execute(
        "DELETE FROM slot_waitlist WHERE NOT EXISTS (SELECT 1 FROM events e WHERE"
        " e.series_id = slot_waitlist.series_id AND e.status = 'scheduled' AND e.starts_at > ?)",
        (now,),
    )


async def waiting_for(db: Database | Transaction, pseudonym: str) -> list[str]:
    """Series ids of the offers the person waits for."""
    rows = await db.fetch_all(
        "SELECT series_id FROM slot_waitlist WHERE pseudonym = ? ORDER BY added_at",
        (pseudonym,),
    )
    return [str(r["series_id"]) for r in rows]


async def set_reach(
    tx: Transaction, event_id: str, pseudonym: str, reach: bytes | None, when: str
) -> None:
    await tx.execute(
        "UPDATE bookings SET reach = ?, updated_at = ? WHERE event_id = ? AND pseudonym = ?",
        (reach, when, event_id, pseudonym),
    )


async def get_reach(db: Database | Transaction, event_id: str, pseudonym: str) -> bytes | None:
    row = await db.fetch_one(
        "SELECT reach FROM bookings WHERE event_id = ? AND pseudonym = ?", (event_id, pseudonym)
    )
    return row["reach"] if row else None
