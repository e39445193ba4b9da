"""The outbox: messages the bot sends on its own, one row each, claimed, sent, then marked.

A row is claimed ('sending') before the Bot API call and marked 'sent' with
Telegram's message id after it; see docs/architecture.md for the crash window.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rostbot.store.database import Database, Row, Transaction


@dataclass(frozen=True)
class OutboxItem:
    id: int
    dedupe_key: str
    pseudonym: str
    event_id: str | None  # None: a results message (rostbot.results), about no meeting
    kind: str
    payload: dict[str, Any]
    due_at: str
    status: str
    attempts: int
    message_id: int | None


_COLUMNS = (
    "id, dedupe_key, pseudonym, event_id, kind, payload, due_at, status, attempts, message_id"
)


def _item(row: Row) -> OutboxItem:
    data = dict(row)
    data["payload"] = json.loads(data["payload"])
    return OutboxItem(**data)


async def add(
    tx: Transaction,
    *,
    key: str,
    pseudonym: str,
    event_id: str | None,
    kind: str,
    due_at: str,
    payload: dict[str, Any] | None = None,
) -> bool:
    """Queue one message; False when a row with this key exists (it is never queued twice)."""
    changed = await tx.execute(
        "INSERT OR IGNORE INTO outbox (dedupe_key, pseudonym, event_id, kind, payload, due_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (key, pseudonym, event_id, kind, json.dumps(payload or {}, sort_keys=True), due_at),
    )
    return changed == 1


async def exists(db: Database | Transaction, key: str) -> bool:
    row = await db.fetch_one("SELECT 1 FROM outbox WHERE dedupe_key = ?", (key,))
    return row is not None


async def claim_next(db: Database, now: str) -> OutboxItem | None:
    """Take the next due waiting row for sending (status 'sending'), or None."""
    async with db.transaction() as tx:
        row = await tx.fetch_one(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id ="
            " (SELECT id FROM outbox WHERE status = 'waiting' AND due_at <= ?"
            "  ORDER BY due_at, id LIMIT 1)"
            f" RETURNING {_COLUMNS}",
            (now,),
        )
    return _item(row) if row else None


async def mark_sent(db: Database, item_id: int, message_id: int, when: str) -> None:
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE outbox SET status = 'sent', message_id = ?, done_at = ? WHERE id = ?",
            (message_id, when, item_id),
        )


async def mark_dropped(db: Database, item_id: int, when: str) -> None:
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE outbox SET status = 'dropped', done_at = ? WHERE id = ?", (when, item_id)
        )


async def release(db: Database, item_id: int, due_at: str) -> None:
    """Put a claimed row back to be tried again at `due_at`."""
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE outbox SET status = 'waiting', due_at = ? WHERE id = ? AND status = 'sending'",
            (due_at, item_id),
        )


async def reclaim_interrupted(db: Database) -> int:
    """At start-up: rows left 'sending' by a crash go back to 'waiting' (at-least-once)."""
    async with db.transaction() as tx:
        return await tx.execute("UPDATE outbox SET status = 'waiting' WHERE status = 'sending'")


async def drop_waiting(
    tx: Transaction,
    *,
    pseudonym: str | None = None,
    event_ids: list[str] | None = None,
    kinds: tuple[str, ...] | None = None,
) -> int:
    """Delete rows not yet sent, for a person and/or events and/or kinds."""
    where = ["status = 'waiting'"]
    params: list[Any] = []
    if pseudonym is not None:
        where.append("pseudonym = ?")
        params.append(pseudonym)
    if event_ids is not None:
        where.append(f"event_id IN ({','.join('?' * len(event_ids))})")
        params += event_ids
    if kinds is not None:
        where.append(f"kind IN ({','.join('?' * len(kinds))})")
        params += kinds
    return await tx.execute(f"DELETE FROM outbox WHERE {' AND '.join(where)}", params)


async def next_due_times(db: Database, after: str, limit: int = 100) -> list[str]:
    rows = await db.fetch_all(
        "SELECT DISTINCT due_at FROM outbox WHERE status = 'waiting' AND due_at > ?"
        " ORDER BY due_at LIMIT ?",
        (after, limit),
    )
    return [r["due_at"] for r in rows]


async def counts(db: Database, event_id: str | None = None) -> dict[str, int]:
    """Rows by status (and kind), for the CLI and the tests."""
    if event_id is None:
        rows = await db.fetch_all("SELECT status, count(*) AS n FROM outbox GROUP BY status")
    else:
        rows = await db.fetch_all(
            "SELECT status, count(*) AS n FROM outbox WHERE event_id = ? GROUP BY status",
            (event_id,),
        )
    return {r["status"]: int(r["n"]) for r in rows}


async def count_invited(db: Database, offer_id: str) -> int:
    """Invitations queued or sent for an offer (an event, or a whole fixed group)."""
    row = await db.fetch_one(
        "SELECT count(*) AS n FROM outbox WHERE kind = 'invitation' AND dedupe_key LIKE ?",
        (f"invitation:{offer_id}:%",),
    )
    return int(row["n"]) if row else 0


async def for_person(db: Database | Transaction, pseudonym: str) -> list[OutboxItem]:
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM outbox WHERE pseudonym = ? ORDER BY id", (pseudonym,)
    )
    return [_item(r) for r in rows]


async def delete_for_person(tx: Transaction, pseudonym: str) -> int:
    return await tx.execute("DELETE FROM outbox WHERE pseudonym = ?", (pseudonym,))
