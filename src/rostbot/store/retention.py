"""Retention: what is deleted when, and what the export queue holds (for `rostbot status`).

* Sealed answers marked as exported are deleted `grace_days` after the export.
* Unfinished runs (open or stopped) untouched for `keep_days` are deleted; their sealed
  answers stay in the export queue as partial responses.
* Invitations never used are deleted `keep_days` after they were made.

All dates in the database are ISO dates (`YYYY-MM-DD`), so cut-offs compare as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from rostbot.store.database import Database, Transaction

# Message numbers for /clear not written for this long are all past Telegram's 48 hours for
# deleting: of no use any more.
CHAT_MESSAGES_KEPT = timedelta(days=2)


@dataclass(frozen=True)
class RetentionPolicy:
    grace_days: int = 30
    keep_days: int = 365

    def export_cutoff(self, today: date) -> str:
        """Answers exported before this day are deleted."""
        return (today - timedelta(days=self.grace_days)).isoformat()

    def keep_cutoff(self, today: date) -> str:
        """Unfinished runs and unused invitations from before this day are deleted."""
        return (today - timedelta(days=self.keep_days)).isoformat()


@dataclass(frozen=True)
class Deletions:
    exported_answers: int
    unfinished_runs: int
    unused_invitations: int


_EXPORTED = "FROM sealed_answers WHERE exported_on IS NOT NULL AND exported_on < ?"
_UNFINISHED = "FROM runs WHERE status != 'finished' AND updated_on < ?"
_UNUSED = "FROM invitations WHERE used_on IS NULL AND created_on < ?"


async def _count(db: Database | Transaction, where: str, cutoff: str) -> int:
    row = await db.fetch_one(f"SELECT count(*) AS n {where}", (cutoff,))
    return int(row["n"]) if row else 0


async def due(db: Database, policy: RetentionPolicy, today: date) -> Deletions:
    """What `apply` would delete today."""
    return Deletions(
        await _count(db, _EXPORTED, policy.export_cutoff(today)),
        await _count(db, _UNFINISHED, policy.keep_cutoff(today)),
        await _count(db, _UNUSED, policy.keep_cutoff(today)),
    )


async def apply(db: Database, policy: RetentionPolicy, today: date) -> Deletions:
    """Delete what is due, in one transaction, then flush the deleted pages out of the log."""
    async with db.transaction() as tx:
        done = Deletions(
            await tx.execute(f"DELETE {_EXPORTED}", (policy.export_cutoff(today),)),
            await tx.execute(f"DELETE {_UNFINISHED}", (policy.keep_cutoff(today),)),
            await tx.execute(f"DELETE {_UNUSED}", (policy.keep_cutoff(today),)),
        )
        await tx.execute(
            "DELETE FROM chat_messages WHERE updated_at < ?",
            ((today - CHAT_MESSAGES_KEPT).isoformat(),),
        )
    if done != Deletions(0, 0, 0):
        await db.drop_old_copies()
    return done


@dataclass(frozen=True)
class NextDeletion:
    """The first day on which something more becomes due, and what."""

    day: str
    what: str


async def next_deletions(db: Database, policy: RetentionPolicy) -> list[NextDeletion]:
    """When the oldest of each kind will be due (nothing listed for an empty kind)."""
    found: list[NextDeletion] = []
    queries = (
        ("exported answers", "SELECT min(exported_on) AS d FROM sealed_answers", policy.grace_days),
        (
            "unfinished runs",
            "SELECT min(updated_on) AS d FROM runs WHERE status != 'finished'",
            policy.keep_days,
        ),
        (
            "unused invitations",
            "SELECT min(created_on) AS d FROM invitations WHERE used_on IS NULL",
            policy.keep_days,
        ),
    )
    for what, sql, days in queries:
        row = await db.fetch_one(sql)
        if row is None or row["d"] is None:
            continue
        oldest = date.fromisoformat(str(row["d"])[:10])
        found.append(NextDeletion((oldest + timedelta(days=days + 1)).isoformat(), what))
    return found


@dataclass(frozen=True)
class QueueByKey:
    key_id: str
    waiting: int
    exported: int
    oldest_waiting: str | None  # month, YYYY-MM


async def queue_by_key(db: Database) -> list[QueueByKey]:
    rows = await db.fetch_all(
        "SELECT key_id, sum(exported_on IS NULL) AS waiting,"
        " sum(exported_on IS NOT NULL) AS exported,"
        " min(CASE WHEN exported_on IS NULL THEN sealed_on END) AS oldest"
        " FROM sealed_answers GROUP BY key_id ORDER BY key_id"
    )
    return [
        QueueByKey(
            r["key_id"],
            int(r["waiting"] or 0),
            int(r["exported"] or 0),
            str(r["oldest"])[:7] if r["oldest"] else None,
        )
        for r in rows
    ]


async def unfinished_runs(db: Database) -> int:
    row = await db.fetch_one("SELECT count(*) AS n FROM runs WHERE status != 'finished'")
    return int(row["n"]) if row else 0


async def unused_invitations(db: Database) -> int:
    row = await db.fetch_one("SELECT count(*) AS n FROM invitations WHERE used_on IS NULL")
    return int(row["n"]) if row else 0
