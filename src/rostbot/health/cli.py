"""`rostbot status` and `rostbot doctor`: the operator's look at a deployment.

Exit statuses, for monitoring (Nagios, systemd, cron):

* `status`: 0 (printed), 2 (a bad setting or option, or no readable database).
* `status --check`: 0 healthy (one `ok:` line), 1 not healthy (one `problem:` line each:
  no bot running, the database missing or unreadable, a schema newer than this rostbot's,
  an outbox backlog), 2 a bad setting or option.
* `doctor`: 0 all checks passed, 1 something must be fixed (one line each), 2 bad usage.
* `doctor --processing-record`: 0 (the record written), 2 bad usage or settings.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rostbot.config import settings_from_env
from rostbot.health import status as health_status
from rostbot.health.processing_record import RecordError
from rostbot.health.processing_words import LANGUAGES
from rostbot.health.reading import open_read_only
from rostbot.retention import policy_for
from rostbot.store.database import StoreError

EXIT_UNHEALTHY = 1
COMMANDS = ("status", "doctor")


class HealthUsageError(Exception):
    """Options of status or doctor that do not go together; one line."""


KNOWN_ERRORS: tuple[type[Exception], ...] = (HealthUsageError, RecordError)


def _minutes(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of minutes, 1 or more")
    return int(text)


def _bytes(text: str) -> int:
    units = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
    raw = text.strip().lower().removesuffix("ib").removesuffix("b")
    number, unit = (raw[:-1], raw[-1]) if raw and raw[-1] in units else (raw, "")
    if not number.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 1G, 500M or 1073741824")
    return int(number) * units[unit]


def add_parsers(commands: Any) -> None:
    """Add `status` and `doctor` to `rostbot`'s sub-commands."""
    status = commands.add_parser(
        "status",
        help="the bot, its outbox, the export queue and retention, read from the database",
        description="Read the database (read-only; no Bot API call, no lock kept) and print "
        "how the bot is doing. With --check: one line per problem and exit status 1, or "
        "one `ok:` line and 0; 2 for a bad option or setting.",
    )
    status.add_argument("--db", type=Path, help="bot database file (default ROSTBOT_DB)")
    status.add_argument(
        "--check",
        action="store_true",
        help="for monitoring: exit 0 when healthy, 1 with one line per problem",
    )
    status.add_argument(
        "--max-outbox-minutes",
        type=_minutes,
        default=health_status.DEFAULT_MAX_OUTBOX_MINUTES,
        metavar="N",
        help="a message due more than N minutes ago and not sent is a backlog "
        f"(default {health_status.DEFAULT_MAX_OUTBOX_MINUTES})",
    )

    doctor = commands.add_parser(
        "doctor",
        help="check a deployment's settings, files and Bot API; or write the record of processing",
        description="Check everything `rostbot run` needs, from the ROSTBOT_* settings, and "
        "print what to fix, one line each. Exit status 0: all good; 1: something to fix; "
        "2: bad usage.",
    )
    doctor.add_argument("--offline", action="store_true", help="do not call the Bot API (getMe)")
    doctor.add_argument(
        "--min-free",
        type=_bytes,
        default=None,
        metavar="SIZE",
        help="warn when the database's disk has less free space (default 1G)",
    )
    doctor.add_argument(
        "--processing-record",
        action="store_true",
        help="write the record of processing (GDPR art. 30) as Markdown instead of checking",
    )
    doctor.add_argument(
        "--lang",
        choices=list(LANGUAGES),
        default="en",
        help="language of the record of processing: en, sv or da (default en)",
    )
    doctor.add_argument("--out", type=Path, help="write the record to this file, not stdout")


def run(args: argparse.Namespace) -> int:
    """Run `status` or `doctor`."""
    if args.command == "status":
        return asyncio.run(_status(args))
    if args.processing_record:
        from rostbot.health.processing_record import write_record

        return write_record(settings_from_env(), lang=args.lang, out=args.out)
    if args.out is not None or args.lang != "en":
        raise HealthUsageError("--out and --lang go with --processing-record")
    from rostbot.health.doctor import run_doctor

    return run_doctor(offline=args.offline, min_free=args.min_free)


async def _status(args: argparse.Namespace) -> int:
    settings = settings_from_env()
    policy = policy_for(settings)
    path: Path = args.db or settings.db_path
    now = datetime.now(UTC)
    if args.check:
        try:
            found = await health_status.read_status(path, now)
        except StoreError as exc:
            print(f"problem: {exc}")
            return EXIT_UNHEALTHY
        problems = health_status.problems(found, now, max_outbox_minutes=args.max_outbox_minutes)
        for problem in problems:
            print(f"problem: {problem}")
        if problems:
            return EXIT_UNHEALTHY
        print(health_status.healthy_line(found))
        return 0
    found = await health_status.read_status(path, now)
    lines = health_status.describe(found, now)
    db = await open_read_only(path)
    try:
        lines += await health_status.retention_lines(db, policy, now.date())
    finally:
        await db.close()
    sys.stdout.write("".join(f"{line}\n" for line in lines))
    return 0
