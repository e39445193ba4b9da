"""What people read about a meeting: invitation, booking, notices and reminders, in sv or da.

Dates and times are shown with babel in the person's language and in the event's
own time zone (Europe/Stockholm or Europe/Copenhagen), so they are right on both
sides of a daylight-saving change. Handlers hold no wording; this module only
assembles catalog strings.
"""

from __future__ import annotations

from babel.dates import format_date, format_time
from babel.lists import format_list
from babel.units import format_unit

from rostbot.core.meeting_model import Event
from rostbot.i18n import N_
from rostbot.journey.services import Services

KIND_INVITATION = {
    "focus_group": N_("Invitation to a focus group"),
    "breakfast": N_("Invitation to a breakfast meeting"),
    "interview": N_("Invitation to an interview"),
}
KIND_NAME = {
    "focus_group": N_("Focus group"),
    "breakfast": N_("Breakfast meeting"),
    "interview": N_("Interview"),
}
MAY_LEAVE = N_("You may take a break or leave at any time.")
NEVER_AFFECTS = N_("Taking part is voluntary. It never affects your case or the help you get.")


def duration(minutes: int, lang: str) -> str:
    """'3 timmar', '1 time og 30 minutter'."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(str(format_unit(hours, "duration-hour", length="long", locale=lang)))
    if rest:
        parts.append(str(format_unit(rest, "duration-minute", length="long", locale=lang)))
    return str(format_list(parts, locale=lang))


# Both languages write "kl." before a clock time (Språkrådet, Dansk Sprognævn); it tells
# a second-language reader that the number is a time.
CLOCK = "kl."


def when(event: Event, lang: str) -> str:
    """'torsdag 3 december 2026 kl. 09:00–12:00' in the event's zone."""
    start = event.local_start
    end = event.ends_at.astimezone(start.tzinfo)
    day = format_date(start, "full", locale=lang)
    return (
        f"{day} {CLOCK} {format_time(start, 'short', locale=lang)}"
        f"–{format_time(end, 'short', locale=lang)}"
    )


def short_when(event: Event, lang: str) -> str:
    """'3 dec. kl. 09:00', for buttons and lists."""
    start = event.local_start
    day = format_date(start, "d MMM", locale=lang)
    return f"{day} {CLOCK} {format_time(start, 'short', locale=lang)}"


def place_notes(services: Services, event: Event, lang: str) -> list[str]:
    """How to get there and accessibility, in the reader's language, when the meeting has them."""
    lines: list[str] = []
    if event.directions(lang):
        lines.append(
            services.t(lang, "How to get there: {directions}", directions=event.directions(lang))
        )
    if event.accessibility(lang):
        lines.append(services.t(lang, "Accessibility: {note}", note=event.accessibility(lang)))
    return lines


def facts(services: Services, event: Event, lang: str, sessions: list[Event]) -> list[str]:
    """When, how long, where, who leads, the agenda and the right to leave."""
    t = services.t
    lines: list[str] = []
    if event.is_fixed_group and len(sessions) > 1:
        lines.append(
            t(
                lang,
                "We meet {count} times. It is the same group each time. "
                "When you book, you book all {count} times:",
                count=len(sessions),
            )
        )
        lines += [f"• {when(s, lang)}" for s in sessions]
    else:
        lines.append(t(lang, "When: {when}", when=when(event, lang)))
    lines.append(t(lang, "How long: {duration}", duration=duration(event.minutes, lang)))
    lines.append(t(lang, "Where: {address}", address=event.details.place.address))
    lines += place_notes(services, event, lang)
    lines.append(t(lang, "Led by: {leader}", leader=event.leader(lang)))
    agenda = event.agenda(lang)
    if agenda:
        lines += ["", t(lang, "Agenda:"), *(f"• {item}" for item in agenda)]
    lines += ["", t(lang, MAY_LEAVE)]
    return lines


def invitation(services: Services, event: Event, lang: str, sessions: list[Event]) -> str:
    lines = [f"{services.t(lang, KIND_INVITATION[event.kind])}: {event.title(lang)}"]
    if event.description(lang):
        lines += ["", event.description(lang)]
    lines.append("")
    lines += facts(services, event, lang, sessions)
    if event.series_kind == "recurring":
        lines.append(
            services.t(lang, "This meeting is held once a month. You book one meeting at a time.")
        )
    lines.append(services.t(lang, NEVER_AFFECTS))
    return "\n".join(lines)


def calendar_description(services: Services, event: Event, lang: str) -> str:
    """The text inside the calendar file: description, how to get there, accessibility,
    who leads it, agenda, the right to leave (the address is the file's location)."""
    lines = [event.description(lang)] if event.description(lang) else []
    lines += place_notes(services, event, lang)
    lines.append(services.t(lang, "Led by: {leader}", leader=event.leader(lang)))
    agenda = event.agenda(lang)
    if agenda:
        lines += [services.t(lang, "Agenda:"), *(f"- {item}" for item in agenda)]
    lines.append(services.t(lang, MAY_LEAVE))
    return "\n".join(lines)


def reminder(services: Services, event: Event, lang: str) -> str:
    lines = [services.t(lang, "Reminder: “{title}”", title=event.title(lang)), ""]
    lines += facts(services, event, lang, [event])
    lines.append(services.t(lang, "If you cannot come, please press Cancel my booking."))
    return "\n".join(lines)


def summary_line(services: Services, event: Event, lang: str, booked: int, waiting: int) -> str:
    """One line per event for coordinators: date, kind, title, seats. A cancelled meeting
    says so first, so a button too narrow for the whole line still shows it."""
    session = f" ({event.session})" if event.session else ""
    line = services.t(
        lang,
        "{when}{session} · {title} · {booked}/{capacity} booked, {waiting} waiting",
        when=short_when(event, lang),
        session=session,
        title=event.title(lang),
        booked=booked,
        capacity=event.capacity,
        waiting=waiting,
    )
    if event.status == "scheduled":
        return line
    return services.t(lang, "✗ CANCELLED · {meeting}", meeting=line)
