"""The interviewer's view: one day's interviews by time and the name each person chose,
with attendance, and nothing else about the person beyond what the talk needs (the
number to call for a phone interview, and whether they agreed to be quoted).

The same view serves the coordinator chat and `rostbot events interviews`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rostbot.core.meeting_model import Event, iso_utc
from rostbot.meetings import booking
from rostbot.meetings.office import Office
from rostbot.store import bookings, events, respondents, slots


@dataclass(frozen=True)
class Interview:
    event: Event
    number: int  # the person's number in this time's list (for attendance)
    alias: str
    phone: str  # only for a phone interview, until it is over
    attended: int | None
    may_quote: bool


@dataclass(frozen=True)
class Free:
    event: Event  # a time nobody holds


async def day(office: Office, on: date, tz: str) -> list[Interview | Free]:
    """Every interview time on `on` (local day in `tz`), in order: booked or free."""
    zone = ZoneInfo(tz)
    start = datetime.combine(on, time(0), zone).astimezone(UTC)
    end = datetime.combine(on + timedelta(days=1), time(0), zone).astimezone(UTC)
    found: list[Interview | Free] = []
    for event in await events.listed(office.db, ending_after=iso_utc(start)):
        if event.kind != "interview" or event.starts_at >= end or event.status != "scheduled":
            continue
        held = await bookings.for_event(office.db, event.event_id)
        booked = [b for b in held if b.status == "booked"]
        if not booked:
            found.append(Free(event))
            continue
        row = booked[0]
        phone = ""
        if event.details.mode == "phone":
            blob = await slots.get_reach(office.db, event.event_id, row.pseudonym)
            phone = booking.open_detail(office, "reach", event.event_id, row.pseudonym, blob)
        found.append(
            Interview(
                event=event,
                number=row.number,
                alias=booking.open_detail(
                    office, "alias", event.event_id, row.pseudonym, row.alias
                ),
                phone=phone,
                attended=row.attended,
                may_quote=await respondents.has_active_consent(office.db, row.pseudonym, "quote"),
            )
        )
    return found
