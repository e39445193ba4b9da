"""`rostbot events ...` and `rostbot coordinators ...`: meetings from the command line.

Scriptable: flags only, one line per result, and on bad input one line on stderr
with exit status 2 (MeetingError and ConfigError are known to `rostbot.cli`).
The running bot sends what these commands queue (invitations, notices).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from rostbot.config import ConfigError, Settings, settings_from_env
from rostbot.core.meeting_model import ZONES, Details, MeetingError, Place, check_end
from rostbot.core.when_parser import parse_minutes, parse_when
from rostbot.crypto.server_secret import ServerSecret
from rostbot.meetings import interview_cli, planning, roles
from rostbot.meetings.office import Office, event_or_error
from rostbot.store import bookings, coordinators
from rostbot.store.database import Database


def _ids(text: str) -> list[int]:
    try:
        return [int(p) for p in text.split(",") if p.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of numbers like 1,2,5") from None


def add_parsers(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add `events` and `coordinators` to the `rostbot` command (`commands`: its subparsers)."""
    events = commands.add_parser("events", help="focus groups, breakfast meetings and interviews")
    sub = events.add_subparsers(dest="events_command", required=True, parser_class=parser_class)

    add = sub.add_parser("add", help="create a meeting, a fixed group or a monthly meeting")
    add.add_argument("--kind", required=True, choices=["focus_group", "breakfast"])
    for lang in ("sv", "da"):
        add.add_argument(f"--title-{lang}", default="")
        add.add_argument(f"--description-{lang}", default="")
        add.add_argument(f"--agenda-{lang}", action="append", default=[], metavar="ITEM")
    add.add_argument("--lang", choices=["sv", "da", "both"], help="default: from the titles")
    add.add_argument("--start", required=True, help="e.g. '2026-12-03 09:00' or '3 dec 9.00'")
    length = add.add_mutually_exclusive_group(required=True)
    length.add_argument("--duration", help="e.g. 3h, 90min, 1:30")
    length.add_argument("--end", help="e.g. 12:00 or '2026-12-03 12:00'")
    add.add_argument("--tz", choices=list(ZONES), help="default: from the language")
    add.add_argument("--address", required=True)
    add.add_argument("--directions", default="", help="how to get there, in every language")
    add.add_argument("--accessibility", default="", help="in every language")
    add.add_argument("--capacity", type=int, required=True)
    add.add_argument("--led-by", default="", help="who leads it, in every language")
    for lang in ("sv", "da"):
        add.add_argument(f"--directions-{lang}", default="", help=f"in {lang}, not --directions")
        add.add_argument(f"--accessibility-{lang}", default="", help=f"in {lang}")
        add.add_argument(f"--led-by-{lang}", default="", help=f"in {lang}, not --led-by")
    series = add.add_mutually_exclusive_group()
    series.add_argument("--sessions", type=int, help="a fixed group meeting N times")
    series.add_argument("--monthly", type=int, metavar="N", help="N meetings, same weekday")
    add.add_argument("--every-weeks", type=int, default=1, help="weeks between sessions")

    listing = sub.add_parser("list", help="meetings not yet over (--all: every meeting)")
    listing.add_argument("--all", action="store_true")

    show = sub.add_parser("show", help="one meeting with its participants")
    show.add_argument("event")

    cancel = sub.add_parser("cancel", help="cancel a meeting; everyone concerned is told")
    cancel.add_argument("event")
    cancel.add_argument("--series", action="store_true", help="every future session")

    move = sub.add_parser("move", help="give a meeting a new time; everyone booked is told")
    move.add_argument("event")
    move.add_argument("--start", required=True)
    moved_length = move.add_mutually_exclusive_group()
    moved_length.add_argument("--duration")
    moved_length.add_argument("--end")

    capacity = sub.add_parser("capacity", help="change the number of seats")
    capacity.add_argument("event")
    capacity.add_argument("seats", type=int)

    invite = sub.add_parser("invite", help="invite people who agreed to be contacted")
    invite.add_argument("event")
    invite.add_argument("--flow", help="only people who answered this flow")
    invite.add_argument("--unit", help="only people invited through this unit")
    invite.add_argument("--provider", help="only people invited through this provider")
    invite.add_argument("--lang", choices=["sv", "da", "both"], help="default: the meeting's")

    attendance = sub.add_parser("attendance", help="mark who came, by their number")
    attendance.add_argument("event")
    attendance.add_argument("--came", type=_ids, default=[], metavar="1,2,...")
    attendance.add_argument("--absent", type=_ids, default=[], metavar="3,...")

    interview_cli.add_parsers(sub)

    coord = commands.add_parser("coordinators", help="one-time codes for coordinators")
    coord_sub = coord.add_subparsers(
        dest="coordinators_command", required=True, parser_class=parser_class
    )
    coord_add = coord_sub.add_parser("add", help="print one-time codes (redeem: /start CODE)")
    coord_add.add_argument("--count", type=int, default=1)
    coord_add.add_argument("--bot", help="print links for this bot username")
    coord_sub.add_parser("list", help="how many coordinators and open codes there are")


def _settings() -> tuple[Settings, ServerSecret]:
    settings = settings_from_env()
    if settings.secret_file is None:
        raise ConfigError("ROSTBOT_SECRET_FILE is not set (make one with `rostbot secret --out`)")
    return settings, ServerSecret.load(settings.secret_file)


def _now() -> datetime:
    return datetime.now(UTC)


def _when(text: str, tz: str) -> datetime:
    parsed = parse_when(text, datetime.now(ZoneInfo(tz)).date())
    if parsed is None:
        raise MeetingError(f"{text!r} is not a date and time (try '2026-12-03 09:00')")
    return parsed


def _minutes(start: datetime, duration: str | None, end: str | None) -> int | None:
    if duration is not None:
        minutes = parse_minutes(duration)
        if minutes is None:
            raise MeetingError(f"{duration!r} is not a length (try 3h, 90min or 1:30)")
        return minutes
    if end is None:
        return None
    clock = parse_when(f"{start:%Y-%m-%d} {end}", start.date())
    finish = clock if clock is not None else parse_when(end, start.date())
    if finish is None:
        raise MeetingError(f"{end!r} is not a time (try 12:00 or '2026-12-03 12:00')")
    return check_end(start, finish)


def _languages(args: argparse.Namespace) -> tuple[str, ...]:
    if args.lang:
        return ("sv", "da") if args.lang == "both" else (args.lang,)
    given = tuple(lang for lang in ("sv", "da") if getattr(args, f"title_{lang}"))
    if not given:
        raise MeetingError("give a title with --title-sv and/or --title-da")
    return given


def _each_language(
    args: argparse.Namespace, name: str, languages: tuple[str, ...]
) -> dict[str, str]:
    """--NAME-sv and --NAME-da, or --NAME for a language without its own."""
    every = str(getattr(args, name))
    return {lang: str(getattr(args, f"{name}_{lang}")) or every for lang in languages}


def _plan(args: argparse.Namespace, settings: Settings) -> planning.Plan:
    languages = _languages(args)
    tz = args.tz or (
        "Europe/Copenhagen"
        if languages == ("da",)
        else settings.tz
        if settings.tz in ZONES and len(languages) > 1
        else "Europe/Stockholm"
    )
    start = _when(args.start, tz)
    minutes = _minutes(start, args.duration, args.end)
    assert minutes is not None
    details = Details(
        title={lang: getattr(args, f"title_{lang}") for lang in languages},
        description={lang: getattr(args, f"description_{lang}") for lang in languages},
        agenda={lang: tuple(getattr(args, f"agenda_{lang}")) for lang in languages},
        place=Place(
            args.address,
            _each_language(args, "directions", languages),
            _each_language(args, "accessibility", languages),
        ),
        led_by=_each_language(args, "led_by", languages),
    )
    series, sessions = "single", 1
    if args.sessions is not None:
        series, sessions = "fixed", args.sessions
    elif args.monthly is not None:
        series, sessions = "monthly", args.monthly
    return planning.Plan(
        kind=args.kind,
        languages=languages,
        details=details,
        start=start,
        minutes=minutes,
        capacity=args.capacity,
        tz=tz,
        series=series,
        sessions=sessions,
        every_weeks=args.every_weeks,
    )


def _local(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


async def _add(office: Office, args: argparse.Namespace) -> None:
    made = await planning.create(office, _plan(args, office.settings))
    for event in made:
        series = f"  series {event.series_id} #{event.session}" if event.series_id else ""
        print(
            f"{event.event_id}  {_local(event.starts_at, event.tz)} {event.tz}  "
            f"{event.kind}  {event.title(event.languages[0])}{series}"
        )


async def _list(office: Office, args: argparse.Namespace) -> None:
    from rostbot.store import events

    listed = await events.listed(office.db, ending_after=None if args.all else office.now_iso())
    if not listed:
        print("no meetings")
    for event in listed:
        counts = await bookings.counts(office.db, event.event_id)
        series = f" #{event.session}" if event.session else ""
        print(
            f"{event.event_id}  {_local(event.starts_at, event.tz)}  {event.status:<9}  "
            f"{counts['booked']}/{event.capacity} booked  {counts['waitlisted']} waiting  "
            f"{event.kind}{series}  {event.title(event.languages[0])}"
        )


async def _show(office: Office, args: argparse.Namespace) -> None:
    view = await planning.overview(office, args.event)
    event = view.event
    print(f"{event.event_id}  {event.kind}  {event.status}  sequence {event.sequence}")
    for title_lang in event.languages:
        print(f"title ({title_lang}): {event.title(title_lang)}")
    print(f"when: {_local(event.starts_at, event.tz)} {event.tz}, {event.minutes} minutes")
    print(f"where: {event.details.place.address}")
    for lang in event.languages:
        if event.directions(lang):
            print(f"how to get there ({lang}): {event.directions(lang)}")
        if event.accessibility(lang):
            print(f"accessibility ({lang}): {event.accessibility(lang)}")
    for lang in event.languages:
        print(f"led by ({lang}): {event.leader(lang)}")
    if event.series_id:
        print(f"series: {event.series_id} ({event.series_kind}), session {event.session}")
    print(
        f"seats: {len(view.booked)}/{event.capacity} booked, {len(view.waiting)} waiting, "
        f"{view.cancelled} cancelled, {view.invited} invited"
    )
    for person in view.booked:
        came = {None: "", 1: "  came", 0: "  did not come"}[person.attended]
        needs = f"  needs: {person.needs}" if person.needs else ""
        print(f"  {person.number:>3}  booked   {person.alias or '-'}{needs}{came}")
    for person in view.waiting:
        print(f"  {person.number:>3}  waiting  {person.alias or '-'}  (place {person.place})")


async def _cancel(office: Office, args: argparse.Namespace) -> None:
    for event in await planning.cancel(office, args.event, whole_series=args.series):
        print(f"cancelled {event.event_id} ({_local(event.starts_at, event.tz)})")


async def _move(office: Office, args: argparse.Namespace) -> None:
    event = await event_or_error(office.db, args.event)
    start = _when(args.start, event.tz)
    minutes = _minutes(start, args.duration, args.end)
    moved = await planning.move(office, args.event, start, minutes)
    print(f"moved {moved.event_id} to {_local(moved.starts_at, moved.tz)} {moved.tz}")


async def _capacity(office: Office, args: argparse.Namespace) -> None:
    promoted = await planning.set_capacity(office, args.event, args.seats)
    print(f"{args.event} has {args.seats} seats; {promoted} moved up from the waitlist")


async def _invite(office: Office, args: argparse.Namespace) -> None:
    langs: tuple[str, ...] = ()
    if args.lang:
        langs = ("sv", "da") if args.lang == "both" else (args.lang,)
    report = await planning.invite(
        office,
        args.event,
        planning.Audience(args.flow, args.unit, args.provider, langs),
    )
    print(
        f"queued {report.queued} invitations; {report.already} invited or booked before; "
        f"{report.matching} of {report.reachable} people who may be contacted match"
    )


async def _attendance(office: Office, args: argparse.Namespace) -> None:
    if not args.came and not args.absent:
        raise MeetingError("give --came and/or --absent with numbers from `rostbot events show`")
    came = await planning.mark_attendance(office, args.event, args.came, args.absent)
    print(f"marked {came} present and {len(args.absent)} absent in {args.event}")


async def _coordinators(office: Office, args: argparse.Namespace) -> None:
    if args.coordinators_command == "add":
        if not 1 <= args.count <= 100:
            raise MeetingError("--count must be between 1 and 100")
        for code in await roles.make_codes(office.db, args.count, office.today()):
            print(f"https://t.me/{args.bot.removeprefix('@')}?start={code}" if args.bot else code)
        return
    people, codes = await coordinators.counts(office.db)
    configured = len(office.settings.coordinators)
    print(f"{configured} configured, {people} by code, {codes} code(s) not yet used")


_EVENTS: dict[str, Callable[[Office, argparse.Namespace], Awaitable[None]]] = {
    "add": _add,
    "list": _list,
    "show": _show,
    "cancel": _cancel,
    "move": _move,
    "capacity": _capacity,
    "invite": _invite,
    "attendance": _attendance,
    **interview_cli.HANDLERS,
}


def run(args: argparse.Namespace) -> int:
    """Run `rostbot events ...` or `rostbot coordinators ...`."""
    settings, secret = _settings()

    async def main() -> None:
        db = await Database.open(settings.db_path)
        try:
            office = Office(db, secret, settings, _now)
            if args.command == "coordinators":
                await _coordinators(office, args)
            else:
                await _EVENTS[args.events_command](office, args)
        finally:
            await db.close()

    asyncio.run(main())
    sys.stdout.flush()
    return 0
