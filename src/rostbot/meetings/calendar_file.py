"""Calendar files (.ics, RFC 5545) made with icalendar: one per booking, move and cancel.

Every session keeps one UID for its whole life. SEQUENCE is the event's own count
of changes plus the person's booking revisions, so each file a person receives
outranks the one before it, as calendar programs require.

Each file carries its meeting zone as a VTIMEZONE with yearly rules (calendar_zones.py),
which every major calendar program reads right, and an ORGANIZER (RFC 5546 requires one
for PUBLISH and CANCEL): the organisation's name with ROSTBOT_ORGANIZER_EMAIL, or with
DEFAULT_ORGANIZER_EMAIL, an address under the reserved .invalid domain that calendar
programs accept and that no mail can ever reach.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, vCalAddress
from icalendar import Event as CalendarEvent

from rostbot.core.meeting_model import Event
from rostbot.meetings.calendar_zones import vtimezone

PRODID = "-//rostbot//meetings//EN"
UID_DOMAIN = "rostbot.invalid"
DEFAULT_ORGANIZER_EMAIL = f"noreply@{UID_DOMAIN}"


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
    organizer_name: str,
    organizer_email: str = "",
) -> bytes:
    """One calendar file holding every session in `events` (a fixed group has several).

    The organiser is `organizer_name` at `organizer_email` ('' for DEFAULT_ORGANIZER_EMAIL).
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    organizer = organizer_address(organizer_name, organizer_email)
    years: dict[str, set[int]] = {}
    for event in events:
        years.setdefault(event.tz, set()).add(event.local_start.year)
    for tzid, spanned in sorted(years.items()):  # each zone holds to the year after its last
        calendar.add_component(vtimezone(tzid, min(spanned), max(spanned)))
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", uid(event))
        entry.add("sequence", event.sequence + sequence_offset)
        entry.add("dtstamp", now)
        entry.add("organizer", organizer)
        entry.add("dtstart", _on_clock(event, event.starts_at))
        # DTEND, not DURATION: ical.js adds a duration to the wall time, an hour off
        # for a meeting across a clock change.
        entry.add("dtend", _on_clock(event, event.ends_at))
        entry.add("summary", event.title(lang))
        entry.add("description", description)
        if event.details.mode == "video" and event.details.link:
            # A video interview's place is its link; URL lets calendars open it.
            entry.add("location", event.details.link)
            entry.add("url", event.details.link)
        elif event.details.place.address:
            entry.add("location", event.details.place.address)
        entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        entry.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
        calendar.add_component(entry)
    return bytes(calendar.to_ical())


def _on_clock(event: Event, moment: datetime) -> datetime:
    """`moment` on the meeting's own clock, or in UTC when that clock shows it twice.

    RFC 5545 takes a local time in the hour the clocks go back as its first occurrence,
    but ical.js takes the second, so any time in that hour is written in UTC.
    """
    local = moment.astimezone(ZoneInfo(event.tz))
    if local.replace(fold=0).astimezone(UTC) != local.replace(fold=1).astimezone(UTC):
        return moment.astimezone(UTC)
    return local


def organizer_address(name: str, email: str = "") -> vCalAddress:
    """mailto:`email` (or DEFAULT_ORGANIZER_EMAIL) with the organisation's name as CN.

    A parameter value cannot hold a double quote (RFC 5545), and not every reader undoes
    RFC 6868's escapes, so the name's double quotes become single ones and its line
    breaks spaces.
    """
    address = vCalAddress(f"mailto:{email or DEFAULT_ORGANIZER_EMAIL}")
    address.params["CN"] = " ".join(name.replace('"', "'").split())
    return address
