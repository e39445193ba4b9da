"""Events and series: focus-group sessions and breakfast meetings, times in UTC."""

from __future__ import annotations

import json

from rostbot.core.meeting_model import Details, Event, iso_utc, parse_iso_utc
from rostbot.store.database import Database, Row, Transaction

_COLUMNS = (
    "e.event_id, e.kind, e.series_id, e.session, e.details, e.languages, e.tz, e.starts_at,"
    " e.ends_at, e.capacity, e.status, e.sequence, s.kind AS series_kind"
)
_FROM = "FROM events e LEFT JOIN series s ON s.series_id = e.series_id"


def _event(row: Row) -> Event:
    starts = parse_iso_utc(row["starts_at"])
    minutes = int((parse_iso_utc(row["ends_at"]) - starts).total_seconds() // 60)
    return Event(
        event_id=row["event_id"],
        kind=row["kind"],
        languages=tuple(row["languages"].split(",")),
        tz=row["tz"],
        starts_at=starts,
        minutes=minutes,
        capacity=int(row["capacity"]),
        details=Details.from_json(json.loads(row["details"])),
        series_id=row["series_id"],
        session=row["session"],
        series_kind=row["series_kind"],
        status=row["status"],
        sequence=int(row["sequence"]),
    )


async def add_series(tx: Transaction, series_id: str, kind: str, rule: str, today: str) -> None:
    await tx.execute(
        "INSERT INTO series (series_id, kind, rule, created_on) VALUES (?, ?, ?, ?)",
        (series_id, kind, rule, today),
    )


async def add(tx: Transaction, event: Event, today: str) -> None:
    await tx.execute(
        "INSERT INTO events (event_id, kind, series_id, session, details, languages, tz,"
        " starts_at, ends_at, capacity, status, sequence, created_on)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            event.event_id,
            event.kind,
            event.series_id,
            event.session,
            json.dumps(event.details.to_json(), ensure_ascii=False, sort_keys=True),
            ",".join(event.languages),
            event.tz,
            iso_utc(event.starts_at),
            iso_utc(event.ends_at),
            event.capacity,
            event.status,
            event.sequence,
            today,
        ),
    )


async def get(db: Database | Transaction, event_id: str) -> Event | None:
    row = await db.fetch_one(f"SELECT {_COLUMNS} {_FROM} WHERE e.event_id = ?", (event_id,))
    return _event(row) if row else None


async def in_series(db: Database | Transaction, series_id: str) -> list[Event]:
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} {_FROM} WHERE e.series_id = ? ORDER BY e.session", (series_id,)
    )
    return [_event(r) for r in rows]


async def listed(db: Database | Transaction, *, ending_after: str | None) -> list[Event]:
    """Events by start time; only those not yet over when `ending_after` is given."""
    if ending_after is None:
        rows = await db.fetch_all(f"SELECT {_COLUMNS} {_FROM} ORDER BY e.starts_at, e.event_id")
    else:
        rows = await db.fetch_all(
            f"SELECT {_COLUMNS} {_FROM} WHERE e.ends_at > ? ORDER BY e.starts_at, e.event_id",
            (ending_after,),
        )
    return [_event(r) for r in rows]


async def move(tx: Transaction, event_id: str, starts_at: str, ends_at: str) -> bool:
    changed = await tx.execute(
        "UPDATE events SET starts_at = ?, ends_at = ?, sequence = sequence + 1"
        " WHERE event_id = ? AND status = 'scheduled'",
        (starts_at, ends_at, event_id),
    )
    return changed == 1


async def cancel(tx: Transaction, event_id: str) -> bool:
    changed = await tx.execute(
        "UPDATE events SET status = 'cancelled', sequence = sequence + 1"
        " WHERE event_id = ? AND status = 'scheduled'",
        (event_id,),
    )
    return changed == 1


async def set_capacity(tx: Transaction, event_id: str, capacity: int) -> None:
    await tx.execute("UPDATE events SET capacity = ? WHERE event_id = ?", (capacity, event_id))


async def ended_before(db: Database | Transaction, moment: str) -> list[str]:
    rows = await db.fetch_all("SELECT event_id FROM events WHERE ends_at <= ?", (moment,))
    return [r["event_id"] for r in rows]
