"""Calendar files (.ics, RFC 5545) made with icalendar: one per booking, move and cancel.

Every session keeps one UID for its whole life. SEQUENCE is the event's own count
of changes plus the person's booking revisions, so each file a person receives
outranks the one before it, as calendar programs require.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from rostbot.core.meeting_model import Event

PRODID = "-//rostbot//meetings//EN"
UID_DOMAIN = "rostbot.invalid"


def uid(event: Event) -> str:
    return f"{event.event_id}@{UID_DOMAIN}"


def filename(event: Event, *, cancelled: bool = False) -> str:
    return f"{'cancelled-' if cancelled else ''}meeting-{event.event_id}.ics"


def make(
    events: list[Event],
    lang: str,
    *,
    sequence_offset: int,
    cancelled: bool,
    description: str,
    now: datetime,
) -> bytes:
    """One calendar file holding every session in `events` (a fixed group has several)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", uid(event))
        entry.add("sequence", event.sequence + sequence_offset)
        entry.add("dtstamp", now)
        entry.add("dtstart", event.local_start)
        entry.add("duration", timedelta(minutes=event.minutes))
        entry.add("summary", event.title(lang))
        entry.add("description", description)
        entry.add("location", event.details.place.address)
        entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        entry.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
