"""People who may be contacted about meetings: active contact consent, a handle, not withdrawn."""

from __future__ import annotations

from dataclasses import dataclass

from rostbot.store.database import Database, Transaction

# What a person may be contacted about: 'contact' (focus groups, breakfast meetings and
# results messages) or 'interview'; each is a consent of its own.
PURPOSES = ("contact", "interview")


def _reachable(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown contact purpose {purpose!r}")
    return (
        "r.withdrawn_on IS NULL AND r.contact_handle IS NOT NULL AND EXISTS"
        " (SELECT 1 FROM consents c WHERE c.pseudonym = r.pseudonym"
        f" AND c.kind = '{purpose}' AND c.withdrawn_at IS NULL)"
    )


REACHABLE = _reachable("contact")


@dataclass(frozen=True)
class Contact:
    pseudonym: str
    lang: str
    handle: bytes  # encrypted chat id


@dataclass(frozen=True)
class RunTrace:
    """Which flow a reachable person answered, with the run's encrypted state (unit, provider)."""

    pseudonym: str
    run_id: str
    flow_id: str
    state: bytes


async def reachable(db: Database | Transaction, purpose: str = "contact") -> list[Contact]:
    rows = await db.fetch_all(
        "SELECT r.pseudonym, r.lang, r.contact_handle FROM respondents r"
        f" WHERE {_reachable(purpose)} ORDER BY r.pseudonym"
    )
    return [Contact(r["pseudonym"], r["lang"], r["contact_handle"]) for r in rows]


async def find(
    db: Database | Transaction, pseudonym: str, purpose: str = "contact"
) -> Contact | None:
    row = await db.fetch_one(
        "SELECT r.pseudonym, r.lang, r.contact_handle FROM respondents r"
        f" WHERE r.pseudonym = ? AND {_reachable(purpose)}",
        (pseudonym,),
    )
    return Contact(row["pseudonym"], row["lang"], row["contact_handle"]) if row else None


async def runs_of_reachable(db: Database | Transaction, purpose: str = "contact") -> list[RunTrace]:
    rows = await db.fetch_all(
        "SELECT u.pseudonym, u.run_id, u.flow_id, u.state FROM runs u"
        f" JOIN respondents r ON r.pseudonym = u.pseudonym WHERE {_reachable(purpose)}"
    )
    return [RunTrace(r["pseudonym"], r["run_id"], r["flow_id"], r["state"]) for r in rows]
