"""Respondents (by pseudonym), their consents and declines."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rostbot.store.database import Database, Transaction


@dataclass(frozen=True)
class Respondent:
    pseudonym: str
    lang: str
    created_on: str
    withdrawn_on: str | None
    has_contact_handle: bool


@dataclass(frozen=True)
class ConsentRecord:
    kind: str
    flow_id: str | None
    flow_version: int | None
    text_hash: str
    lang: str
    choices: dict[str, Any]
    given_at: str
    withdrawn_at: str | None


async def get(db: Database | Transaction, pseudonym: str) -> Respondent | None:
    row = await db.fetch_one(
        "SELECT pseudonym, lang, created_on, withdrawn_on, contact_handle IS NOT NULL AS h"
        " FROM respondents WHERE pseudonym = ?",
        (pseudonym,),
    )
    if row is None:
        return None
    return Respondent(
        row["pseudonym"], row["lang"], row["created_on"], row["withdrawn_on"], bool(row["h"])
    )


async def ensure(tx: Transaction, pseudonym: str, lang: str, today: str) -> None:
    """Create the respondent, or bring back one who had withdrawn."""
    await tx.execute(
        "INSERT INTO respondents (pseudonym, lang, created_on) VALUES (?, ?, ?)"
        " ON CONFLICT (pseudonym) DO UPDATE SET lang = excluded.lang, withdrawn_on = NULL",
        (pseudonym, lang, today),
    )


async def set_language(db: Database, pseudonym: str, lang: str) -> None:
    async with db.transaction() as tx:
        await tx.execute("UPDATE respondents SET lang = ? WHERE pseudonym = ?", (lang, pseudonym))


async def set_contact_handle(tx: Transaction, pseudonym: str, handle: bytes | None) -> None:
    await tx.execute(
        "UPDATE respondents SET contact_handle = ? WHERE pseudonym = ?", (handle, pseudonym)
    )


async def add_consent(
    tx: Transaction,
    pseudonym: str,
    *,
    kind: str,
    flow_id: str | None,
    flow_version: int | None,
    text_hash: str,
    lang: str,
    choices: dict[str, Any],
    given_at: str,
) -> None:
    await tx.execute(
        "INSERT INTO consents (pseudonym, kind, flow_id, flow_version, text_hash, lang, choices,"
        " given_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            pseudonym,
            kind,
            flow_id,
            flow_version,
            text_hash,
            lang,
            json.dumps(choices, sort_keys=True),
            given_at,
        ),
    )


async def consents(db: Database | Transaction, pseudonym: str) -> list[ConsentRecord]:
    rows = await db.fetch_all(
        "SELECT kind, flow_id, flow_version, text_hash, lang, choices, given_at, withdrawn_at"
        " FROM consents WHERE pseudonym = ? ORDER BY id",
        (pseudonym,),
    )
    return [
        ConsentRecord(
            r["kind"],
            r["flow_id"],
            r["flow_version"],
            r["text_hash"],
            r["lang"],
            json.loads(r["choices"]),
            r["given_at"],
            r["withdrawn_at"],
        )
        for r in rows
    ]


async def has_active_consent(db: Database | Transaction, pseudonym: str, kind: str) -> bool:
    row = await db.fetch_one(
        "SELECT 1 FROM consents WHERE pseudonym = ? AND kind = ? AND withdrawn_at IS NULL",
        (pseudonym, kind),
    )
    return row is not None


async def withdraw_consent(tx: Transaction, pseudonym: str, kind: str, when: str) -> int:
    """Withdraw the person's active consents of one kind, leaving the others; how many."""
    return await tx.execute(
        "UPDATE consents SET withdrawn_at = ?"
        " WHERE pseudonym = ? AND kind = ? AND withdrawn_at IS NULL",
        (when, pseudonym, kind),
    )


async def withdraw(tx: Transaction, pseudonym: str, when: str, today: str) -> None:
    """Stop all contact: every consent withdrawn, the contact handle gone."""
    await tx.execute(
        "UPDATE consents SET withdrawn_at = ? WHERE pseudonym = ? AND withdrawn_at IS NULL",
        (when, pseudonym),
    )
    await tx.execute(
        "UPDATE respondents SET withdrawn_on = ?, contact_handle = NULL WHERE pseudonym = ?",
        (today, pseudonym),
    )


async def add_decline(db: Database, pseudonym: str, flow_id: str) -> None:
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT OR IGNORE INTO declines (pseudonym, flow_id) VALUES (?, ?)",
            (pseudonym, flow_id),
        )


async def has_declined(db: Database | Transaction, pseudonym: str, flow_id: str) -> bool:
    row = await db.fetch_one(
        "SELECT 1 FROM declines WHERE pseudonym = ? AND flow_id = ?", (pseudonym, flow_id)
    )
    return row is not None


async def clear_decline(tx: Transaction, pseudonym: str, flow_id: str) -> None:
    await tx.execute(
        "DELETE FROM declines WHERE pseudonym = ? AND flow_id = ?", (pseudonym, flow_id)
    )


async def erase(tx: Transaction, pseudonym: str) -> None:
    """Delete the person, their consents, runs, declines and used invitations.

    The used invitation goes too: whoever sent the letter could otherwise see that
    its code was taken. Sealed answers are deleted first, by the caller.
    """
    await tx.execute(
        "DELETE FROM invitations WHERE code_hash IN"
        " (SELECT invitation_hash FROM runs WHERE pseudonym = ?)",
        (pseudonym,),
    )
    await tx.execute("DELETE FROM runs WHERE pseudonym = ?", (pseudonym,))
    await tx.execute("DELETE FROM consents WHERE pseudonym = ?", (pseudonym,))
    await tx.execute("DELETE FROM declines WHERE pseudonym = ?", (pseudonym,))
    await tx.execute("DELETE FROM respondents WHERE pseudonym = ?", (pseudonym,))
