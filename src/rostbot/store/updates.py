"""Update ids already acted on: a re-delivered update never stores twice."""

from __future__ import annotations

from rostbot.store.database import Database, Transaction


async def claim(tx: Transaction, update_id: int, today: str) -> bool:
    """Mark the update handled in this transaction; False if it was handled before."""
    changed = await tx.execute(
        "INSERT OR IGNORE INTO handled_updates (update_id, handled_on) VALUES (?, ?)",
        (update_id, today),
    )
    return changed == 1


async def was_handled(db: Database, update_id: int) -> bool:
    row = await db.fetch_one("SELECT 1 FROM handled_updates WHERE update_id = ?", (update_id,))
    return row is not None


async def prune(db: Database, before: str) -> int:
    async with db.transaction() as tx:
        return await tx.execute("DELETE FROM handled_updates WHERE handled_on < ?", (before,))
