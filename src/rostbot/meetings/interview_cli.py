"""`rostbot events add-interviews` and `rostbot events interviews`: interview offers and
the interviewer's day from the command line (one line per result; bad input is one line
on stderr and exit status 2, as for every `rostbot events` command)."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from rostbot.core.meeting_model import LANGUAGES, MODES, ZONES, Details, MeetingError, Place
from rostbot.core.when_parser import parse_minutes, parse_when
from rostbot.meetings import interview_plan, interviewer_view
from rostbot.meetings.office import Office


def add_parsers(sub: Any) -> None:
    """Add the interview subcommands to `rostbot events` (`sub`: its subparsers)."""
    add = sub.add_parser(
        "add-interviews",
        help="offer interview times (one person each): listed times and/or windows",
    )
    for lang in LANGUAGES:
        add.add_argument(f"--title-{lang}", default="")
        add.add_argument(f"--about-{lang}", default="", help="what the interview is about")
        add.add_argument(f"--interviewer-{lang}", default="", help="who interviews, e.g. by role")
        add.add_argument(f"--directions-{lang}", default="")
        add.add_argument(f"--accessibility-{lang}", default="")
    add.add_argument("--interviewer", default="", help="who interviews, in every language")
    add.add_argument("--lang", choices=["sv", "da", "both"], help="default: from the titles")
    add.add_argument(
        "--time",
        action="append",
        default=[],
        metavar="WHEN",
        help="a start, e.g. '2026-12-08 10:00' (repeat for more)",
    )
    add.add_argument(
        "--window",
        action="append",
        default=[],
        metavar="DAY FROM-TO",
        help="cut into back-to-back times, e.g. '2026-12-08 09:00-12:00'",
    )
    add.add_argument("--duration", required=True, help="each interview, e.g. 60min, 1h")
    add.add_argument("--gap", default="0", help="time between cut times, e.g. 15min")
    add.add_argument("--tz", choices=list(ZONES), help="default: from the language")
    add.add_argument("--mode", required=True, choices=list(MODES))
    add.add_argument("--address", default="", help="for an interview in person")
    add.add_argument("--link", default="", help="the video meeting's https:// link")
    recorded = add.add_mutually_exclusive_group(required=True)
    recorded.add_argument("--recorded", action="store_true", help="the talk is recorded")
    recorded.add_argument("--not-recorded", action="store_true")

    day = sub.add_parser("interviews", help="the interviewer's view of one day")
    day.add_argument("--day", help="e.g. 2026-12-08 (default: today)")
    day.add_argument("--tz", choices=list(ZONES), help="default: the service's zone")


def _minutes(text: str, what: str) -> int:
    if text.strip() == "0":
        return 0
    minutes = parse_minutes(text)
    if minutes is None:
        raise MeetingError(f"{text!r} is not a length for {what} (try 60min, 1h or 1:30)")
    return minutes


def _moment(text: str, tz: str) -> datetime:
    parsed = parse_when(text, datetime.now(ZoneInfo(tz)).date())
    if parsed is None:
        raise MeetingError(f"{text!r} is not a date and time (try '2026-12-08 10:00')")
    return parsed


def _window(text: str, tz: str) -> interview_plan.Window:
    head, _, until = text.rpartition("-")
    start = _moment(head.strip(), tz) if head else None
    if start is None or not until.strip():
        raise MeetingError(f"{text!r} is not a window (try '2026-12-08 09:00-12:00')")
    end = parse_when(f"{start:%Y-%m-%d} {until.strip()}", start.date())
    if end is None:
        raise MeetingError(f"{until!r} is not a time of day (try 12:00)")
    return interview_plan.Window(start, end)


def _languages(args: argparse.Namespace) -> tuple[str, ...]:
    if args.lang:
        return ("sv", "da") if args.lang == "both" else (args.lang,)
    given = tuple(lang for lang in LANGUAGES if getattr(args, f"title_{lang}"))
    if not given:
        raise MeetingError("give a title with --title-sv and/or --title-da")
    return given


def plan_of(args: argparse.Namespace, service_tz: str) -> interview_plan.InterviewPlan:
    languages = _languages(args)
    tz = args.tz or (
        "Europe/Copenhagen"
        if languages == ("da",)
        else service_tz
        if service_tz in ZONES and len(languages) > 1
        else "Europe/Stockholm"
    )

    def per_lang(name: str, common: str = "") -> dict[str, str]:
        return {lang: getattr(args, f"{name}_{lang}") or common for lang in languages}

    details = Details(
        title=per_lang("title"),
        description=per_lang("about"),
        place=Place(args.address, per_lang("directions"), per_lang("accessibility")),
        led_by=per_lang("interviewer", args.interviewer),
        mode=args.mode,
        recorded=bool(args.recorded),
        link=args.link,
    )
    return interview_plan.InterviewPlan(
        languages=languages,
        details=details,
        minutes=_minutes(args.duration, "--duration"),
        tz=tz,
        times=tuple(_moment(text, tz) for text in args.time),
        windows=tuple(_window(text, tz) for text in args.window),
        gap=_minutes(args.gap, "--gap"),
    )


def _local(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


async def _add(office: Office, args: argparse.Namespace) -> None:
    made = await interview_plan.create(office, plan_of(args, office.settings.tz))
    first = made[0]
    print(
        f"interview offer {first.series_id}: {len(made)} time(s), {first.minutes} minutes, "
        f"{first.details.mode}  {first.title(first.languages[0])}"
    )
    for event in made:
        print(f"{event.event_id}  {_local(event.starts_at, event.tz)} {event.tz}")
    print(f"invite with: rostbot events invite {first.series_id}")


async def _day(office: Office, args: argparse.Namespace) -> None:
    tz = args.tz or (office.settings.tz if office.settings.tz in ZONES else "Europe/Stockholm")
    if args.day:
        try:
            on = date.fromisoformat(args.day)
        except ValueError:
            raise MeetingError(f"{args.day!r} is not a day (try 2026-12-08)") from None
    else:
        on = office.now().astimezone(ZoneInfo(tz)).date()
    found = await interviewer_view.day(office, on, tz)
    if not found:
        print(f"no interviews on {on.isoformat()}")
    for item in found:
        when = f"{_local(item.event.starts_at, tz)}-{_local(item.event.ends_at, tz)[11:]}"
        if isinstance(item, interviewer_view.Free):
            print(f"{item.event.event_id}  {when}  free")
            continue
        came = {None: "not marked", 1: "came", 0: "did not come"}[item.attended]
        phone = f"  call {item.phone}" if item.phone else ""
        quote = "may quote" if item.may_quote else "do not quote"
        print(
            f"{item.event.event_id}  {when}  #{item.number}  {item.alias or '(no name given)'}"
            f"  {item.event.details.mode}{phone}  {came}  {quote}"
        )


HANDLERS: dict[str, Callable[[Office, argparse.Namespace], Awaitable[None]]] = {
    "add-interviews": _add,
    "interviews": _day,
}
