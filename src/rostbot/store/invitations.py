"""Invitation codes: stored only as hashes, used once."""

from __future__ import annotations

from dataclasses import dataclass

from rostbot.store.database import Database, Transaction


@dataclass(frozen=True)
class Invitation:
    code_hash: str
    flow_id: str
    unit: str
    provider: str | None
    used_on: str | None
    cohort: str | None = None
    wave: str | None = None


async def add_batch(
    db: Database,
    code_hashes: list[str],
    *,
    flow_id: str,
    unit: str,
    provider: str | None,
    batch_id: str,
    today: str,
    cohort: str | None = None,
    wave: str | None = None,
) -> None:
    async with db.transaction() as tx:
        for code_hash in code_hashes:
            await tx.execute(
                "INSERT INTO invitations (code_hash, flow_id, unit, provider, cohort, wave,"
                " batch_id, created_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (code_hash, flow_id, unit, provider, cohort, wave, batch_id, today),
            )


async def find(db: Database | Transaction, code_hash: str) -> Invitation | None:
    row = await db.fetch_one(
        "SELECT code_hash, flow_id, unit, provider, used_on, cohort, wave FROM invitations"
        " WHERE code_hash = ?",
        (code_hash,),
    )
    return Invitation(**dict(row)) if row else None


async def mark_used(tx: Transaction, code_hash: str, today: str) -> bool:
    """Use the code; False when someone else used it first."""
    changed = await tx.execute(
        "UPDATE invitations SET used_on = ? WHERE code_hash = ? AND used_on IS NULL",
        (today, code_hash),
    )
    return changed == 1


async def count_unused(db: Database) -> int:
    row = await db.fetch_one("SELECT count(*) AS n FROM invitations WHERE used_on IS NULL")
    return int(row["n"]) if row else 0


async def remove_unused(db: Database, code_hashes: list[str]) -> int:
    """Delete these invitations where no one has used them yet; return how many went."""
    removed = 0
    async with db.transaction() as tx:
        for code_hash in code_hashes:
            removed += await tx.execute(
                "DELETE FROM invitations WHERE code_hash = ? AND used_on IS NULL", (code_hash,)
            )
    return removed
