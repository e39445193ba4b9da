"""What `rostbot status` tells an operator, and what `rostbot status --check` finds wrong.

Everything comes from the database file, opened read-only, and from the run lock next to it
(tested without being kept): no Bot API call, nothing written, so it runs beside the bot, as
the bot's user, from cron, a systemd timer or a monitoring agent. No line names a person: the
figures are counts and times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from rostbot.core.meeting_model import parse_iso_utc
from rostbot.health.reading import known_schema, open_read_only, schema_version, tables
from rostbot.store import retention
from rostbot.store.database import Database
from rostbot.store.retention import RetentionPolicy
from rostbot.store.run_lock import Holder, holder

# `--check` finds a backlog when a message due this long ago is still not sent.
DEFAULT_MAX_OUTBOX_MINUTES = 15


@dataclass(frozen=True)
class Status:
    """One look at a bot's database."""

    database: Path
    schema: int
    known_schema: int  # the schema of this rostbot's code
    bot: Holder | None  # the bot running on the database, if any
    outbox_due: int  # messages the bot should have sent by now
    outbox_oldest_due: datetime | None
    outbox_later: int  # messages due later (reminders)
    export_waiting: int  # sealed answers waiting for the analysts' export
    last_handled_on: str | None  # the day of the last answer the bot stored (day only)


async def read_status(path: Path, now: datetime) -> Status:
    """Read the status of the database at `path` (StoreError if it cannot be read)."""
    bot = holder(path)
    db = await open_read_only(path)
    try:
        found = await tables(db)
        due, oldest, later = await outbox_backlog(db, now) if "outbox" in found else (0, None, 0)
        return Status(
            database=path,
            schema=await schema_version(db),
            known_schema=known_schema(),
            bot=bot,
            outbox_due=due,
            outbox_oldest_due=oldest,
            outbox_later=later,
            export_waiting=await export_waiting(db) if "sealed_answers" in found else 0,
            last_handled_on=await _last_handled(db) if "handled_updates" in found else None,
        )
    finally:
        await db.close()


async def outbox_backlog(db: Database, now: datetime) -> tuple[int, datetime | None, int]:
    """Outbox messages due by `now` and not sent, the oldest one's due time, and those due
    later (reminders)."""
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    row = await db.fetch_one(
        "SELECT sum(due_at <= ?) AS due, sum(due_at > ?) AS later,"
        " min(CASE WHEN due_at <= ? THEN due_at END) AS oldest"
        " FROM outbox WHERE status IN ('waiting', 'sending')",
        (stamp, stamp, stamp),
    )
    if row is None:
        return 0, None, 0
    oldest = parse_iso_utc(str(row["oldest"])) if row["oldest"] else None
    return int(row["due"] or 0), oldest, int(row["later"] or 0)


async def export_waiting(db: Database) -> int:
    """Sealed answers not yet exported."""
    row = await db.fetch_one("SELECT count(*) AS n FROM sealed_answers WHERE exported_on IS NULL")
    return int(row["n"]) if row else 0


async def _last_handled(db: Database) -> str | None:
    row = await db.fetch_one("SELECT max(handled_on) AS day FROM handled_updates")
    return str(row["day"]) if row and row["day"] else None


def _minutes(since: datetime, now: datetime) -> int:
    return max(0, int((now - since).total_seconds() // 60))


def describe(status: Status, now: datetime) -> list[str]:
    """The lines `rostbot status` prints about the running bot."""
    lines = [f"database: {status.database} (schema {status.schema}; {_schema_note(status)})"]
    if status.bot is None:
        lines.append("bot: not running on this database (no process holds its lock)")
    else:
        pid = f" (pid {status.bot.pid})" if status.bot.pid is not None else ""
        lines.append(f"bot: running{pid}")
    outbox = f"outbox: {status.outbox_due} message(s) due now"
    if status.outbox_oldest_due is not None:
        outbox += (
            f" (the oldest due {status.outbox_oldest_due:%Y-%m-%d %H:%M} UTC, "
            f"{_minutes(status.outbox_oldest_due, now)} min ago)"
        )
    lines.append(f"{outbox}, {status.outbox_later} due later")
    lines.append(
        f"last answer stored: {status.last_handled_on or 'none yet'}"
        " (the database keeps the day only)"
    )
    lines.append(
        "updates skipped as unreadable: not kept in the database; the running bot counts "
        "them in its log and at /metrics (ROSTBOT_HEALTH_LISTEN)"
    )
    return lines


def _schema_note(status: Status) -> str:
    if status.schema == status.known_schema:
        return "this rostbot's"
    if status.schema > status.known_schema:
        return f"newer than this rostbot's {status.known_schema}"
    return f"this rostbot's is {status.known_schema}; the bot upgrades it when it starts"


def problems(status: Status, now: datetime, *, max_outbox_minutes: int) -> list[str]:
    """What `--check` reports, one line each; empty when healthy."""
    found = []
    if status.bot is None:
        found.append(f"no bot is running on {status.database}")
    if status.schema > status.known_schema:
        found.append(
            f"the database's schema {status.schema} is newer than this rostbot's "
            f"{status.known_schema}: run the rostbot that wrote it"
        )
    elif status.schema < status.known_schema and status.bot is not None:
        found.append(
            f"the database's schema {status.schema} is older than this rostbot's "
            f"{status.known_schema}: restart the bot, which upgrades it"
        )
    oldest = status.outbox_oldest_due
    if oldest is not None and _minutes(oldest, now) > max_outbox_minutes:
        found.append(
            f"outbox backlog: {status.outbox_due} message(s) due, the oldest "
            f"{_minutes(oldest, now)} min ago (more than {max_outbox_minutes})"
        )
    return found


def healthy_line(status: Status) -> str:
    """The one line `--check` prints when nothing is wrong."""
    pid = f" (pid {status.bot.pid})" if status.bot and status.bot.pid is not None else ""
    return (
        f"ok: bot running{pid}, schema {status.schema}, {status.outbox_due} message(s) due "
        f"in the outbox, {status.export_waiting} sealed answer(s) waiting for export"
    )


async def retention_lines(db: Database, policy: RetentionPolicy, today: date) -> list[str]:
    """The export queue and what the retention job deletes, and when."""
    by_key = await retention.queue_by_key(db)
    waiting = sum(k.waiting for k in by_key)
    exported = sum(k.exported for k in by_key)
    oldest = min((k.oldest_waiting for k in by_key if k.oldest_waiting), default=None)
    since = f" (oldest from {oldest})" if oldest else ""
    lines = [f"sealed answers waiting for export: {waiting}{since}"]
    lines += [f"  key {k.key_id}: {k.waiting} waiting, {k.exported} exported" for k in by_key]
    lines.append(f"exported, kept for {policy.grace_days} days before deletion: {exported}")
    lines.append(f"unfinished flow runs: {await retention.unfinished_runs(db)}")
    lines.append(f"unused invitations: {await retention.unused_invitations(db)}")
    due = await retention.due(db, policy, today)
    lines.append(
        "retention would delete now: "
        f"{due.exported_answers} exported answers, {due.unfinished_runs} unfinished runs, "
        f"{due.unused_invitations} unused invitations"
    )
    lines += [
        f"next due: {upcoming.what} from {upcoming.day}"
        for upcoming in await retention.next_deletions(db, policy)
    ]
    return lines
