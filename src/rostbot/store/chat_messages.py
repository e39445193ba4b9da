"""Message numbers in a respondent's chat (encrypted by the caller), one row per person."""

from __future__ import annotations

from rostbot.store.database import Database, Transaction


async def get(db: Database | Transaction, pseudonym: str) -> bytes | None:
    row = await db.fetch_one("SELECT ids FROM chat_messages WHERE pseudonym = ?", (pseudonym,))
    return bytes(row["ids"]) if row else None


async def put(tx: Transaction, pseudonym: str, ids: bytes, when: str) -> None:
    await tx.execute(
        "INSERT INTO chat_messages (pseudonym, ids, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (pseudonym)"
        " DO UPDATE SET ids = excluded.ids, updated_at = excluded.updated_at",
        (pseudonym, ids, when),
    )


async def delete(tx: Transaction, pseudonym: str) -> int:
    return await tx.execute("DELETE FROM chat_messages WHERE pseudonym = ?", (pseudonym,))


async def delete_older_than(tx: Transaction, cutoff: str) -> int:
    """Rows not written since `cutoff`: every number in them is too old to delete."""
    return await tx.execute("DELETE FROM chat_messages WHERE updated_at < ?", (cutoff,))
