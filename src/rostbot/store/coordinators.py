"""Coordinators who redeemed a one-time code (by pseudonym), and the codes, as hashes."""

from __future__ import annotations

from rostbot.store.database import Database, Transaction


async def add_codes(db: Database, code_hashes: list[str], today: str) -> None:
    async with db.transaction() as tx:
        for code_hash in code_hashes:
            await tx.execute(
                "INSERT INTO coordinator_codes (code_hash, created_on) VALUES (?, ?)",
                (code_hash, today),
            )


async def redeem(tx: Transaction, code_hash: str, pseudonym: str, today: str) -> bool:
    """Use the code for this person; False when it is unknown or used."""
    changed = await tx.execute(
        "UPDATE coordinator_codes SET redeemed_on = ? WHERE code_hash = ? AND redeemed_on IS NULL",
        (today, code_hash),
    )
    if changed != 1:
        return False
    await tx.execute(
        "INSERT OR IGNORE INTO coordinators (pseudonym, added_on) VALUES (?, ?)",
        (pseudonym, today),
    )
    return True


async def is_code(db: Database | Transaction, code_hash: str) -> bool:
    row = await db.fetch_one("SELECT 1 FROM coordinator_codes WHERE code_hash = ?", (code_hash,))
    return row is not None


async def is_coordinator(db: Database | Transaction, pseudonym: str) -> bool:
    row = await db.fetch_one("SELECT 1 FROM coordinators WHERE pseudonym = ?", (pseudonym,))
    return row is not None


async def counts(db: Database) -> tuple[int, int]:
    """(coordinators by code, codes not yet redeemed)."""
    people = await db.fetch_one("SELECT count(*) AS n FROM coordinators")
    codes = await db.fetch_one(
        "SELECT count(*) AS n FROM coordinator_codes WHERE redeemed_on IS NULL"
    )
    return (int(people["n"]) if people else 0, int(codes["n"]) if codes else 0)


async def remove_all_codes(db: Database) -> int:
    async with db.transaction() as tx:
        return await tx.execute("DELETE FROM coordinator_codes WHERE redeemed_on IS NULL")
