"""Bookings and the waitlist: one row per person per event, seats taken in one transaction.

A fixed group's sessions are always changed together (`event_ids` holds every
remaining session), so everyone in the group has the same place in each session.
"""

from __future__ import annotations

from dataclasses import dataclass

from rostbot.store.database import Database, Row, Transaction


@dataclass(frozen=True)
class Booking:
    event_id: str
    pseudonym: str
    status: str  # booked, waitlisted, cancelled
    number: int
    queue: int
    revision: int
    alias: bytes | None
    needs: bytes | None
    attended: int | None


_COLUMNS = "event_id, pseudonym, status, number, queue, revision, alias, needs, attended"


def _booking(row: Row) -> Booking:
    return Booking(**dict(row))


def _marks(values: list[str]) -> str:
    return ",".join("?" * len(values))


async def get(db: Database | Transaction, event_id: str, pseudonym: str) -> Booking | None:
    row = await db.fetch_one(
        f"SELECT {_COLUMNS} FROM bookings WHERE event_id = ? AND pseudonym = ?",
        (event_id, pseudonym),
    )
    return _booking(row) if row else None


async def booked_count(db: Database | Transaction, event_id: str) -> int:
    row = await db.fetch_one(
        "SELECT count(*) AS n FROM bookings WHERE event_id = ? AND status = 'booked'", (event_id,)
    )
    return int(row["n"]) if row else 0


async def counts(db: Database | Transaction, event_id: str) -> dict[str, int]:
    rows = await db.fetch_all(
        "SELECT status, count(*) AS n FROM bookings WHERE event_id = ? GROUP BY status",
        (event_id,),
    )
    found = {"booked": 0, "waitlisted": 0, "cancelled": 0}
    found.update({r["status"]: int(r["n"]) for r in rows})
    return found


async def _upsert(tx: Transaction, event_id: str, pseudonym: str, status: str, when: str) -> None:
    await tx.execute(
        "INSERT INTO bookings (event_id, pseudonym, status, number, queue, updated_at)"
        " VALUES (?, ?, ?,"
        " (SELECT coalesce(max(number), 0) + 1 FROM bookings WHERE event_id = ?),"
        " (SELECT coalesce(max(queue), 0) + 1 FROM bookings WHERE event_id = ?), ?)"
        " ON CONFLICT (event_id, pseudonym) DO UPDATE SET status = excluded.status,"
        " queue = excluded.queue, revision = revision + 1, updated_at = excluded.updated_at",
        (event_id, pseudonym, status, event_id, event_id, when),
    )


async def reserve(tx: Transaction, event_ids: list[str], pseudonym: str, when: str) -> str:
    """A seat in every one of the events, or in none: 'booked', 'already' or 'full'.

    Runs inside the caller's BEGIN IMMEDIATE transaction, so the count and the insert
    cannot be split by another booking: two presses for the last seat give one seat.
    """
    marks = _marks(event_ids)
    mine = await tx.fetch_all(
        f"SELECT status FROM bookings WHERE pseudonym = ? AND event_id IN ({marks})",
        (pseudonym, *event_ids),
    )
    if len(mine) == len(event_ids) and all(r["status"] == "booked" for r in mine):
        return "already"
    rows = await tx.fetch_all(
        "SELECT e.event_id, e.capacity, (SELECT count(*) FROM bookings b WHERE"
        " b.event_id = e.event_id AND b.status = 'booked' AND b.pseudonym != ?) AS taken"
        f" FROM events e WHERE e.event_id IN ({marks}) AND e.status = 'scheduled'",
        (pseudonym, *event_ids),
    )
    if len(rows) != len(event_ids) or any(r["taken"] >= r["capacity"] for r in rows):
        return "full"
    for event_id in event_ids:
        await _upsert(tx, event_id, pseudonym, "booked", when)
    return "booked"


async def join_waitlist(tx: Transaction, event_ids: list[str], pseudonym: str, when: str) -> bool:
    """Put the person last on the waitlist; False when they hold a seat or wait already."""
    existing = await tx.fetch_all(
        f"SELECT status FROM bookings WHERE pseudonym = ? AND event_id IN ({_marks(event_ids)})",
        (pseudonym, *event_ids),
    )
    if any(r["status"] in ("booked", "waitlisted") for r in existing):
        return False
    for event_id in event_ids:
        await _upsert(tx, event_id, pseudonym, "waitlisted", when)
    return True


async def cancel(tx: Transaction, event_ids: list[str], pseudonym: str, when: str) -> str | None:
    """Give up the seat or the waitlist place; returns what it was ('booked'/'waitlisted')."""
    marks = _marks(event_ids)
    rows = await tx.fetch_all(
        f"SELECT status FROM bookings WHERE pseudonym = ? AND event_id IN ({marks})"
        " AND status != 'cancelled'",
        (pseudonym, *event_ids),
    )
    if not rows:
        return None
    was = "booked" if any(r["status"] == "booked" for r in rows) else "waitlisted"
    await tx.execute(
        "UPDATE bookings SET status = 'cancelled', revision = revision + 1, updated_at = ?"
        f" WHERE pseudonym = ? AND event_id IN ({marks}) AND status != 'cancelled'",
        (when, pseudonym, *event_ids),
    )
    return was


async def first_waiting(tx: Transaction, event_id: str) -> str | None:
    row = await tx.fetch_one(
        "SELECT pseudonym FROM bookings WHERE event_id = ? AND status = 'waitlisted'"
        " ORDER BY queue LIMIT 1",
        (event_id,),
    )
    return str(row["pseudonym"]) if row else None


async def for_event(db: Database | Transaction, event_id: str) -> list[Booking]:
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM bookings WHERE event_id = ? ORDER BY status, queue",
        (event_id,),
    )
    return [_booking(r) for r in rows]


async def for_person(db: Database | Transaction, pseudonym: str) -> list[Booking]:
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM bookings WHERE pseudonym = ? ORDER BY event_id", (pseudonym,)
    )
    return [_booking(r) for r in rows]


async def set_alias(
    tx: Transaction, event_id: str, pseudonym: str, alias: bytes | None, when: str
) -> None:
    await tx.execute(
        "UPDATE bookings SET alias = ?, updated_at = ? WHERE event_id = ? AND pseudonym = ?",
        (alias, when, event_id, pseudonym),
    )


async def set_needs(
    tx: Transaction, event_id: str, pseudonym: str, needs: bytes | None, when: str
) -> None:
    await tx.execute(
        "UPDATE bookings SET needs = ?, updated_at = ? WHERE event_id = ? AND pseudonym = ?",
        (needs, when, event_id, pseudonym),
    )


async def mark_attendance(tx: Transaction, event_id: str, number: int, came: bool) -> bool:
    changed = await tx.execute(
        "UPDATE bookings SET attended = ? WHERE event_id = ? AND number = ? AND status = 'booked'",
        (1 if came else 0, event_id, number),
    )
    return changed == 1


async def forget_needs_of_ended(tx: Transaction, now: str) -> int:
    """Delete every needs line and phone number of a meeting that is over or cancelled,
    and the phone number of a booking that was cancelled."""
    changed = await tx.execute(
        "UPDATE bookings SET needs = NULL, reach = NULL"
        " WHERE (needs IS NOT NULL OR reach IS NOT NULL) AND event_id IN"
        " (SELECT event_id FROM events WHERE ends_at <= ? OR status = 'cancelled')",
        (now,),
    )
    return changed + await tx.execute(
        "UPDATE bookings SET reach = NULL WHERE reach IS NOT NULL AND status = 'cancelled'"
    )


async def active_for_person(tx: Transaction, pseudonym: str, now: str) -> list[Booking]:
    """The person's seats and waitlist places in meetings that have not started."""
    rows = await tx.fetch_all(
        f"SELECT {', '.join('b.' + c.strip() for c in _COLUMNS.split(','))}"
        " FROM bookings b JOIN events e ON e.event_id = b.event_id"
        " WHERE b.pseudonym = ? AND b.status IN ('booked', 'waitlisted') AND e.starts_at > ?"
        " AND e.status = 'scheduled'",
        (pseudonym, now),
    )
    return [_booking(r) for r in rows]


async def delete_for_person(tx: Transaction, pseudonym: str) -> int:
    return await tx.execute("DELETE FROM bookings WHERE pseudonym = ?", (pseudonym,))
