"""What coordinators do with meetings, from the chat or the CLI: create, move, cancel,
change the seats, invite, mark attendance, and look at who is coming.

Each operation checks its input (MeetingError, one line) and writes the change together
with the messages it causes into the outbox, in one transaction; the bot's sender
delivers them.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rostbot.core import recurrence
from rostbot.core.meeting_model import (
    KINDS,
    ZONES,
    Details,
    Event,
    MeetingError,
    check_capacity,
    check_details,
    check_timing,
    iso_utc,
    local_to_utc,
)
from rostbot.crypto.server_secret import AtRestError
from rostbot.meetings import booking
from rostbot.meetings.office import Office, event_or_error, group_of
from rostbot.store import bookings, contacts, events, outbox, slots


@dataclass(frozen=True)
class Plan:
    """A new meeting, or a series of them, as a coordinator describes it."""

    kind: str
    languages: tuple[str, ...]
    details: Details
    start: datetime  # local wall-clock time in `tz`, naive
    minutes: int
    capacity: int
    tz: str
    series: str = "single"  # single | fixed | monthly
    sessions: int = 1
    every_weeks: int = 1


def new_id() -> str:
    return secrets.token_hex(4)


def _dates(plan: Plan) -> tuple[recurrence.Rule | None, list[datetime]]:
    if plan.series == "single":
        return None, [plan.start]
    if plan.series == "fixed":
        return recurrence.every_weeks(plan.start, plan.sessions, plan.every_weeks)
    if plan.series == "monthly":
        return recurrence.monthly_same_weekday(plan.start, plan.sessions)
    raise MeetingError(f"unknown series {plan.series!r} (single, fixed or monthly)")


def check_plan(plan: Plan, now: datetime) -> tuple[recurrence.Rule | None, list[datetime]]:
    """The rule and the UTC start of every session; MeetingError on any bad part."""
    if plan.kind not in KINDS:
        raise MeetingError(f"the kind must be one of {', '.join(KINDS)}")
    if plan.tz not in ZONES:
        raise MeetingError(f"the time zone must be one of {', '.join(ZONES)}")
    check_details(plan.details, plan.languages)
    check_capacity(plan.capacity)
    rule, local_dates = _dates(plan)
    starts = [local_to_utc(d, plan.tz) for d in local_dates]
    check_timing(starts, plan.minutes, now, plan.tz)
    return rule, starts


async def create(office: Office, plan: Plan) -> list[Event]:
    """Store the meeting (each session of a series) and return it."""
    now = office.now()
    rule, starts = check_plan(plan, now)
    details = check_details(plan.details, plan.languages)
    series_id = new_id() if rule else None
    made = [
        Event(
            event_id=new_id(),
            kind=plan.kind,
            languages=plan.languages,
            tz=plan.tz,
            starts_at=start,
            minutes=plan.minutes,
            capacity=plan.capacity,
            details=details,
            series_id=series_id,
            session=number if rule else None,
            series_kind=rule.series_kind if rule else None,
        )
        for number, start in enumerate(starts, start=1)
    ]
    async with office.db.transaction() as tx:
        if rule is not None and series_id is not None:
            await events.add_series(tx, series_id, rule.series_kind, rule.text, office.today())
        for event in made:
            await events.add(tx, event, office.today())
    return made


def _future(event: Event, now: datetime) -> None:
    if event.status != "scheduled":
        raise MeetingError(f"event {event.event_id} is cancelled")
    if event.starts_at <= now:
        raise MeetingError(f"event {event.event_id} has begun or is over")


async def move(office: Office, event_id: str, start: datetime, minutes: int | None) -> Event:
    """Give one event (one session) a new time; everyone booked is told, with a new file."""
    now = office.now()
    event = await event_or_error(office.db, event_id)
    _future(event, now)
    length = minutes if minutes is not None else event.minutes
    starts_at = start if start.tzinfo else local_to_utc(start, event.tz)
    check_timing([starts_at], length, now, event.tz)
    async with office.db.transaction() as tx:
        await events.move(
            tx, event_id, iso_utc(starts_at), iso_utc(starts_at + timedelta(minutes=length))
        )
        moved = await event_or_error(tx, event_id)
        await outbox.drop_waiting(tx, event_ids=[event_id], kinds=("reminder", "moved"))
        for person in await bookings.for_event(tx, event_id):
            if person.status != "booked":
                continue
            await outbox.add(
                tx,
                key=f"moved:{event_id}:{person.pseudonym}:{moved.sequence}",
                pseudonym=person.pseudonym,
                event_id=event_id,
                kind="moved",
                due_at=office.now_iso(),
            )
            await booking.add_reminders(tx, office, [moved], person.pseudonym, now)
    return moved


async def cancel(office: Office, event_id: str, *, whole_series: bool = False) -> list[Event]:
    """Cancel the event (or every future session of its series); tell everyone concerned."""
    now = office.now()
    event = await event_or_error(office.db, event_id)
    _future(event, now)
    targets = [event]
    if whole_series and event.series_id:
        targets = [
            e
            for e in await events.in_series(office.db, event.series_id)
            if e.status == "scheduled" and e.starts_at > now
        ]
    async with office.db.transaction() as tx:
        for target in targets:
            await events.cancel(tx, target.event_id)
            await outbox.drop_waiting(
                tx,
                event_ids=[target.event_id],
                kinds=("invitation", "reminder", "promoted", "moved"),
            )
            for person in await bookings.for_event(tx, target.event_id):
                if person.status == "cancelled":
                    continue
                await outbox.add(
                    tx,
                    key=f"cancelled:{target.event_id}:{person.pseudonym}",
                    pseudonym=person.pseudonym,
                    event_id=target.event_id,
                    kind="cancelled",
                    due_at=office.now_iso(),
                    payload={"was": person.status},
                )
    return targets


async def set_capacity(office: Office, event_id: str, capacity: int) -> int:
    """Change the seats of an event (of every remaining session of a fixed group).

    Fewer seats than people booked is refused; more seats go to the waitlist at once.
    Returns how many people were promoted.
    """
    now = office.now()
    event = await event_or_error(office.db, event_id)
    _future(event, now)
    async with office.db.transaction() as tx:
        group = await group_of(tx, event, now)
        for session in group:
            check_capacity(capacity, await bookings.booked_count(tx, session.event_id))
        for session in group:
            await events.set_capacity(tx, session.event_id, capacity)
        refreshed = await group_of(tx, await event_or_error(tx, event_id), now)
        return await booking.promote(tx, office, refreshed, now)


@dataclass(frozen=True)
class Audience:
    """Who an invitation is for, besides having agreed to be contacted."""

    flow: str | None = None
    unit: str | None = None
    provider: str | None = None
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class InviteReport:
    queued: int
    already: int  # invited before, or booked already: never invited twice
    reachable: int  # people who may be contacted at all
    matching: int  # of those, the ones the audience picks


def _run_place(office: Office, trace: contacts.RunTrace) -> tuple[str | None, str | None]:
    """Unit and provider of a run, from its encrypted state."""
    try:
        data = json.loads(office.secret.decrypt(trace.state, f"run-state:{trace.run_id}"))
    except (AtRestError, ValueError):
        return None, None
    return data.get("unit"), data.get("provider")


async def _matching(
    office: Office, audience: Audience, langs: tuple[str, ...], purpose: str = "contact"
) -> list[str]:
    people = await contacts.reachable(office.db, purpose)
    chosen = {p.pseudonym for p in people if p.lang in langs}
    if audience.flow or audience.unit or audience.provider:
        fits: set[str] = set()
        for trace in await contacts.runs_of_reachable(office.db, purpose):
            if audience.flow and trace.flow_id != audience.flow:
                continue
            if audience.unit or audience.provider:
                unit, provider = _run_place(office, trace)
                if audience.unit and unit != audience.unit:
                    continue
                if audience.provider and provider != audience.provider:
                    continue
            fits.add(trace.pseudonym)
        chosen &= fits
    return sorted(chosen)


async def invite(
    office: Office, event_id: str, audience: Audience, *, dry_run: bool = False
) -> InviteReport:
    """Queue one invitation per matching person; nobody is invited twice to the same offer.

    With `dry_run`, count what would be queued and queue nothing (the chat shows it first).
    """
    now = office.now()
    offer = await events.in_series(office.db, event_id)  # an interview offer's own id
    if offer and offer[0].is_slot and await events.get(office.db, event_id) is None:
        event_id = offer[0].event_id
    event = await event_or_error(office.db, event_id)
    purpose = "contact"
    if event.is_slot and event.series_id is not None:
        # An interview offer: sent about its first time not begun, to people who agreed
        # to hear about interviews; whoever holds one of its times is not invited again.
        purpose = "interview"
        ahead = [
            e
            for e in await events.in_series(office.db, event.series_id)
            if e.status == "scheduled" and e.starts_at > now
        ]
        if not ahead:
            raise MeetingError(f"every time of interview offer {event.series_id} has begun")
        event = ahead[0]
    _future(event, now)
    langs = audience.languages or event.languages
    reachable = len(await contacts.reachable(office.db, purpose))
    chosen = await _matching(office, audience, langs, purpose)
    queued = already = 0
    async with office.db.transaction() as tx:
        group = await group_of(tx, event, now)
        first = group[0]
        for pseudonym in chosen:
            if event.is_slot and event.series_id is not None:
                current = await slots.held(tx, event.series_id, pseudonym)
            else:
                current = await bookings.get(tx, first.event_id, pseudonym)
            if current is not None and current.status != "cancelled":
                already += 1
                continue
            key = booking.invitation_key(first, pseudonym)
            if dry_run:
                added = not await outbox.exists(tx, key)
            else:
                added = await outbox.add(
                    tx,
                    key=key,
                    pseudonym=pseudonym,
                    event_id=first.event_id,
                    kind="invitation",
                    due_at=office.now_iso(),
                )
            queued += added
            already += not added
    return InviteReport(queued, already, reachable, len(chosen))


@dataclass(frozen=True)
class AudienceOptions:
    """What an audience can be narrowed to: values found among people who may be contacted."""

    flows: tuple[str, ...]
    units: tuple[str, ...]
    providers: tuple[str, ...]


async def audience_options(office: Office, purpose: str = "contact") -> AudienceOptions:
    flows: set[str] = set()
    units: set[str] = set()
    providers: set[str] = set()
    for trace in await contacts.runs_of_reachable(office.db, purpose):
        flows.add(trace.flow_id)
        unit, provider = _run_place(office, trace)
        if unit:
            units.add(unit)
        if provider:
            providers.add(provider)
    return AudienceOptions(tuple(sorted(flows)), tuple(sorted(units)), tuple(sorted(providers)))


async def mark_attendance(office: Office, event_id: str, came: list[int], absent: list[int]) -> int:
    """Record who came (by their number in the list); those who came get the feedback flow."""
    now = office.now()
    event = await event_or_error(office.db, event_id)
    if event.status != "scheduled":
        raise MeetingError(f"event {event_id} is cancelled")
    if event.starts_at > now:
        raise MeetingError("attendance can be marked when the meeting has begun")
    overlap = set(came) & set(absent)
    if overlap:
        raise MeetingError(f"number {min(overlap)} is both present and absent")
    async with office.db.transaction() as tx:
        people = {b.number: b for b in await bookings.for_event(tx, event_id)}
        for number in [*came, *absent]:
            if number not in people or people[number].status != "booked":
                raise MeetingError(f"nobody is booked as number {number} in event {event_id}")
        for number in came:
            await bookings.mark_attendance(tx, event_id, number, True)
            if event.kind == "interview":
                continue  # the meeting feedback flow asks about a group, not a talk
            await outbox.add(
                tx,
                key=f"feedback:{event_id}:{people[number].pseudonym}",
                pseudonym=people[number].pseudonym,
                event_id=event_id,
                kind="feedback",
                due_at=iso_utc(max(now, event.ends_at)),
            )
        for number in absent:
            await bookings.mark_attendance(tx, event_id, number, False)
            await outbox.drop_waiting(
                tx,
                pseudonym=people[number].pseudonym,
                event_ids=[event_id],
                kinds=("feedback",),
            )
    return len(came)


@dataclass(frozen=True)
class Participant:
    number: int
    status: str
    alias: str
    needs: str
    attended: int | None
    place: int  # on the waitlist, 0 otherwise


@dataclass(frozen=True)
class Overview:
    event: Event
    booked: list[Participant] = field(default_factory=list)
    waiting: list[Participant] = field(default_factory=list)
    cancelled: int = 0
    invited: int = 0


async def overview(office: Office, event_id: str) -> Overview:
    """The event with its booked and waiting people, by the alias each chose."""
    event = await event_or_error(office.db, event_id)
    rows = await bookings.for_event(office.db, event_id)
    booked: list[Participant] = []
    waiting: list[Participant] = []
    cancelled = 0
    for row in sorted(rows, key=lambda b: (b.queue, b.number)):
        alias = booking.open_detail(office, "alias", event_id, row.pseudonym, row.alias)
        needs = booking.open_detail(office, "needs", event_id, row.pseudonym, row.needs)
        if row.status == "booked":
            booked.append(Participant(row.number, row.status, alias, needs, row.attended, 0))
        elif row.status == "waitlisted":
            waiting.append(
                Participant(row.number, row.status, alias, needs, None, len(waiting) + 1)
            )
        else:
            cancelled += 1
    booked.sort(key=lambda p: p.number)
    invited = await outbox.count_invited(office.db, event.offer_id)
    return Overview(event, booked, waiting, cancelled, invited)
