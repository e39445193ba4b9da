"""Results messages ("you said, we did"): the texts, who they may go to, who got them.

Who may get a message about a flow is computed when sending, never stored as a list:
a reachable person (contacts.py: an active contact consent, a chat handle, not
withdrawn) whose contact consent was given to a wording that names results messages
(choices.results), and who finished that flow. Who a message was queued for is its
outbox rows (dedupe key 'results:<message id>:<pseudonym>'), pseudonyms only.
"""

from __future__ import annotations

from dataclasses import dataclass

from rostbot.store.contacts import REACHABLE, Contact
from rostbot.store.database import Database, Transaction

KIND = "results"

_AUDIENCE = (
    "SELECT r.pseudonym, r.lang, r.contact_handle FROM respondents r"
    f" WHERE {REACHABLE}"
    " AND EXISTS (SELECT 1 FROM consents c WHERE c.pseudonym = r.pseudonym"
    "  AND c.kind = 'contact' AND c.withdrawn_at IS NULL"
    "  AND json_extract(c.choices, '$.results') = 1)"
    " AND EXISTS (SELECT 1 FROM runs u WHERE u.pseudonym = r.pseudonym AND u.flow_id = ?"
    "  AND u.status = 'finished')"
)


@dataclass(frozen=True)
class ResultsMessage:
    message_id: str
    flow_id: str
    texts: dict[str, str]  # language -> the coordinator's text
    created_at: str


def dedupe_key(message_id: str, pseudonym: str) -> str:
    return f"{KIND}:{message_id}:{pseudonym}"


async def audience(db: Database | Transaction, flow_id: str) -> list[Contact]:
    """People a message about this flow may go to now, by pseudonym."""
    rows = await db.fetch_all(f"{_AUDIENCE} ORDER BY r.pseudonym", (flow_id,))
    return [Contact(r["pseudonym"], r["lang"], r["contact_handle"]) for r in rows]


async def may_receive(db: Database | Transaction, flow_id: str, pseudonym: str) -> Contact | None:
    """The person, if a message about this flow may still go to them (checked at send time)."""
    row = await db.fetch_one(f"{_AUDIENCE} AND r.pseudonym = ?", (flow_id, pseudonym))
    return Contact(row["pseudonym"], row["lang"], row["contact_handle"]) if row else None


async def save(tx: Transaction, message: ResultsMessage) -> None:
    """Keep the texts once; the same texts for the same flow are the same message."""
    await tx.execute(
        "INSERT OR IGNORE INTO results_messages (message_id, flow_id, text_sv, text_da,"
        " created_at) VALUES (?, ?, ?, ?, ?)",
        (
            message.message_id,
            message.flow_id,
            message.texts.get("sv"),
            message.texts.get("da"),
            message.created_at,
        ),
    )


async def get(db: Database | Transaction, message_id: str) -> ResultsMessage | None:
    row = await db.fetch_one(
        "SELECT message_id, flow_id, text_sv, text_da, created_at FROM results_messages"
        " WHERE message_id = ?",
        (message_id,),
    )
    if row is None:
        return None
    texts = {lang: row[f"text_{lang}"] for lang in ("sv", "da") if row[f"text_{lang}"]}
    return ResultsMessage(row["message_id"], row["flow_id"], texts, row["created_at"])


async def already_for(db: Database | Transaction, message_id: str) -> set[str]:
    """Pseudonyms this message was queued for (waiting, sent or dropped): never again."""
    rows = await db.fetch_all(
        "SELECT pseudonym FROM outbox WHERE kind = ? AND dedupe_key LIKE ?",
        (KIND, f"{KIND}:{message_id}:%"),
    )
    return {r["pseudonym"] for r in rows}


async def received_by(db: Database | Transaction, pseudonym: str) -> int:
    """How many results messages reached this person (for /mydata)."""
    row = await db.fetch_one(
        "SELECT count(*) AS n FROM outbox WHERE pseudonym = ? AND kind = ? AND status = 'sent'",
        (pseudonym, KIND),
    )
    return int(row["n"]) if row else 0
