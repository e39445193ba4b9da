"""The interviewer's view in the coordinator chat: one day's interviews by time and the
name each person chose, with attendance marked by a press, and days before and after.

Buttons are `o:y:<day>:<time id, prev, next or ->`; the coordinator role is checked by the
coordinator chat before a press reaches this module.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from rostbot.core.meeting_model import ZONES, MeetingError
from rostbot.i18n import N_
from rostbot.journey import callback_data as cb
from rostbot.journey.services import Answer, Button, Reply, Services
from rostbot.meetings import interviewer_view, planning
from rostbot.meetings.office import Office
from rostbot.store import events

MODE_WORDS = {
    "in_person": N_("in person"),
    "phone": N_("by phone"),
    "video": N_("by video"),
}


QUOTE = N_("may be quoted")
NO_QUOTE = N_("do not quote")


def _o(day: date, event_id: str = "-") -> str:
    return cb.make("o", "y", day.strftime("%Y%m%d"), event_id)


def _zone(services: Services) -> str:
    return services.settings.tz if services.settings.tz in ZONES else "Europe/Stockholm"


def today(services: Services) -> date:
    return services.clock().astimezone(ZoneInfo(_zone(services))).date()


def menu_button(services: Services, lang: str) -> tuple[Button, ...]:
    return (Button(services.t(lang, "Interviews today"), _o(today(services))),)


def _day_of(text: str) -> date | None:
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


async def on_press(
    services: Services, day_text: str, event_id: str, lang: str, answer: Answer
) -> None:
    """Show a day (a new message from the menu, in place when moving between days), or
    mark one interview's attendance and show the day again in place."""
    day = _day_of(day_text)
    if day is None:
        answer.toast = services.t(lang, "I do not understand that button.")
        return
    office = Office.of(services)
    in_place = event_id != "-"
    if event_id not in ("-", "prev", "next"):
        await _toggle(services, office, event_id, lang, answer)
    if event_id == "prev":
        day -= timedelta(days=1)
    elif event_id == "next":
        day += timedelta(days=1)
    text, rows = await day_view(services, day, lang)
    answer.replies.append(Reply(text, rows, edit=in_place))


async def _toggle(
    services: Services, office: Office, event_id: str, lang: str, answer: Answer
) -> None:
    event = await events.get(services.db, event_id)
    if event is None or event.kind != "interview":
        answer.toast = services.t(lang, "I do not understand that button.")
        return
    if event.starts_at > office.now():
        answer.toast = services.t(lang, "You can mark attendance when the meeting has begun.")
        return
    found = [
        item
        for item in await interviewer_view.day(office, event.local_start.date(), event.tz)
        if isinstance(item, interviewer_view.Interview) and item.event.event_id == event_id
    ]
    if not found:
        answer.toast = services.t(lang, "That button belongs to an earlier question.")
        return
    came = found[0].attended != 1
    number = found[0].number
    try:
        await planning.mark_attendance(
            office, event_id, [number] if came else [], [] if came else [number]
        )
    except MeetingError:
        answer.toast = services.t(lang, "This meeting has begun, is over or is cancelled.")


async def day_view(
    services: Services, day: date, lang: str
) -> tuple[str, tuple[tuple[Button, ...], ...]]:
    """The day's interviews as lines, with a button per interview that has begun (press
    to mark who came), and the days before and after."""
    office = Office.of(services)
    found = await interviewer_view.day(office, day, _zone(services))
    heading = services.t(lang, "Interviews on {day}", day=format_date(day, "full", locale=lang))
    lines = [heading, ""]
    rows: list[tuple[Button, ...]] = []
    no_name = services.t(lang, "(no name)")
    for item in found:
        start = item.event.local_start
        end = item.event.ends_at.astimezone(start.tzinfo)
        clock = (
            f"{format_time(start, 'short', locale=lang)}–{format_time(end, 'short', locale=lang)}"
        )
        if isinstance(item, interviewer_view.Free):
            lines.append(services.t(lang, "{clock} · free", clock=clock))
            continue
        how = services.t(lang, MODE_WORDS.get(item.event.details.mode, "in person"))
        line = f"{clock} · {item.alias or no_name} · {how}"
        if item.phone:
            line += " · " + services.t(lang, "call {number}", number=item.phone)
        line += " · " + services.t(lang, QUOTE if item.may_quote else NO_QUOTE)
        lines.append(line)
        if item.event.starts_at <= office.now():
            mark = {1: "✅", 0: "✗"}.get(-1 if item.attended is None else item.attended, "▫️")
            words = f"{mark} {format_time(start, 'short', locale=lang)} {item.alias or no_name}"
            rows.append((Button(words[:60], _o(day, item.event.event_id)),))
    if not found:
        lines.append(services.t(lang, "No interviews this day."))
    elif rows:
        lines += ["", services.t(lang, "Press the people who came. Press again to undo.")]
    rows.append(
        (
            Button(services.t(lang, "‹ Day before"), _o(day, "prev")),
            Button(services.t(lang, "Day after ›"), _o(day, "next")),
        )
    )
    return "\n".join(lines), tuple(rows)
