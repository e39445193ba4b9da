"""Interview offers: the times a coordinator offers (a list, or a window cut into slots),
checked and stored as one series of kind 'slots' whose events hold one person each.

An interview is held at a place, by phone or by video; who interviews is named the way
the organisation prefers (often by role: "a researcher from Lund University"); the
invitation says whether the talk is recorded, so that is always decided here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from urllib.parse import urlsplit

from rostbot.core.meeting_model import (
    MODES,
    ZONES,
    Details,
    Event,
    MeetingError,
    check_details,
    check_timing,
    local_to_utc,
)
from rostbot.meetings.office import Office
from rostbot.meetings.planning import new_id
from rostbot.store import events, slots

MAX_SLOTS = 200
MAX_MINUTES = 4 * 60


@dataclass(frozen=True)
class Window:
    """From `start` to `end` (local wall-clock times, naive), cut into back-to-back slots."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class InterviewPlan:
    languages: tuple[str, ...]
    details: Details  # title, description (what it is about), place, led_by, mode, recorded, link
    minutes: int
    tz: str
    times: tuple[datetime, ...] = ()  # local wall-clock starts, naive
    windows: tuple[Window, ...] = ()
    gap: int = 0  # minutes between slots cut from a window


def slot_starts(plan: InterviewPlan) -> list[datetime]:
    """Every local start: the listed times and the slots cut from each window, in order."""
    if plan.minutes < 1 or plan.gap < 0:
        raise MeetingError("the length must be at least 1 minute and the gap not negative")
    starts = list(plan.times)
    for window in plan.windows:
        if window.end <= window.start:
            raise MeetingError(f"the window {window.start:%Y-%m-%d %H:%M} ends before it starts")
        moment = window.start
        cut = 0
        while moment + timedelta(minutes=plan.minutes) <= window.end:
            starts.append(moment)
            cut += 1
            moment += timedelta(minutes=plan.minutes + plan.gap)
            if len(starts) > MAX_SLOTS:
                break
        if cut == 0:
            raise MeetingError(
                f"the window from {window.start:%Y-%m-%d %H:%M} is shorter than one interview"
            )
    return sorted(starts)


def is_https_link(link: str) -> bool:
    """An https:// address with a host and no spaces: what a video interview's link must be."""
    parts = urlsplit(link)
    return parts.scheme == "https" and bool(parts.netloc) and not any(c.isspace() for c in link)


def _check_link(link: str) -> None:
    if not is_https_link(link):
        raise MeetingError("a video interview needs the meeting's https:// link")


def check(plan: InterviewPlan, now: datetime) -> tuple[Details, list[datetime]]:
    """The checked details and the UTC start of every slot; MeetingError on any bad part."""
    if plan.tz not in ZONES:
        raise MeetingError(f"the time zone must be one of {', '.join(ZONES)}")
    if plan.details.mode not in MODES:
        raise MeetingError(f"the way of meeting must be one of {', '.join(MODES)}")
    if not 1 <= plan.minutes <= MAX_MINUTES:
        raise MeetingError(f"an interview lasts 1 to {MAX_MINUTES} minutes, not {plan.minutes}")
    details = check_details(
        plan.details, plan.languages, need_address=plan.details.mode == "in_person"
    )
    if details.mode == "video":
        _check_link(details.link)
    elif details.link:
        raise MeetingError("only a video interview has a link")
    local = slot_starts(plan)
    if not local:
        raise MeetingError("give at least one time or window")
    if len(local) > MAX_SLOTS:
        raise MeetingError(f"at most {MAX_SLOTS} times in one offer")
    for earlier, later in pairwise(local):
        if later < earlier + timedelta(minutes=plan.minutes):
            raise MeetingError(
                f"the times {earlier:%Y-%m-%d %H:%M} and {later:%H:%M} overlap "
                "(one interviewer, one person at a time)"
            )
    starts = [local_to_utc(moment, plan.tz) for moment in local]
    check_timing(starts, plan.minutes, now, plan.tz)
    return details, starts


def rule_of(plan: InterviewPlan) -> str:
    if plan.windows:
        return f"slots:window:{plan.minutes}+{plan.gap}"
    return "slots:list"


def slot_events(
    plan: InterviewPlan,
    details: Details,
    starts: list[datetime],
    series_id: str,
    event_id: Callable[[], str],
) -> list[Event]:
    """The offer's times as events of one seat each, in the series `series_id`."""
    return [
        Event(
            event_id=event_id(),
            kind="interview",
            languages=plan.languages,
            tz=plan.tz,
            starts_at=start,
            minutes=plan.minutes,
            capacity=1,
            details=details,
            series_id=series_id,
            session=number,
            series_kind="slots",
        )
        for number, start in enumerate(starts, start=1)
    ]


async def create(office: Office, plan: InterviewPlan) -> list[Event]:
    """Store the offer: one series, one event (capacity 1) per time."""
    details, starts = check(plan, office.now())
    series_id = new_id()
    made = slot_events(plan, details, starts, series_id, new_id)
    async with office.db.transaction() as tx:
        await events.add_series(tx, series_id, "slots", rule_of(plan), office.today())
        for event in made:
            await events.add(tx, event, office.today())
    return made


async def offer_times(office: Office, series_id: str) -> list[Event]:
    return [e for e in await events.in_series(office.db, series_id) if e.is_slot]


async def free_times(office: Office, series_id: str) -> list[Event]:
    """The offer's times nobody holds, not begun, soonest first."""
    free = set(await slots.free(office.db, series_id, office.now_iso()))
    times = await events.in_series(office.db, series_id)
    return sorted((e for e in times if e.event_id in free), key=lambda e: (e.starts_at, e.event_id))


async def resolve(office: Office, given: str) -> Event:
    """A time of an offer from either the offer's id or one of its times' ids: the given
    time, else the offer's first time not begun (what an invitation is sent about)."""
    event = await events.get(office.db, given)
    if event is not None:
        return event
    times = await events.in_series(office.db, given)
    if not times or not times[0].is_slot:
        raise MeetingError(f"there is no meeting or interview offer {given!r}")
    ahead = [e for e in times if e.status == "scheduled" and e.starts_at > office.now()]
    return ahead[0] if ahead else times[-1]
