"""Sealed answers waiting in the export queue."""

from __future__ import annotations

from dataclasses import dataclass

from rostbot.store.database import Database, Transaction


@dataclass(frozen=True)
class SealedAnswer:
    record_id: str
    response_id: str
    question_id: str
    flow_id: str
    flow_version: int
    key_id: str
    sealed: bytes
    sealed_on: str


async def put(tx: Transaction, answer: SealedAnswer) -> None:
    """Store the answer; a newer answer to the same question replaces an unexported one."""
    await tx.execute(
        "DELETE FROM sealed_answers WHERE response_id = ? AND question_id = ?"
        " AND exported_on IS NULL",
        (answer.response_id, answer.question_id),
    )
    await tx.execute(
        "INSERT INTO sealed_answers (record_id, response_id, question_id, flow_id, flow_version,"
        " key_id, sealed, sealed_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            answer.record_id,
            answer.response_id,
            answer.question_id,
            answer.flow_id,
            answer.flow_version,
            answer.key_id,
            answer.sealed,
            answer.sealed_on,
        ),
    )


async def forget(tx: Transaction, response_id: str, question_id: str) -> None:
    """Drop an unexported answer the person went back to change."""
    await tx.execute(
        "DELETE FROM sealed_answers WHERE response_id = ? AND question_id = ?"
        " AND exported_on IS NULL",
        (response_id, question_id),
    )


async def counts(db: Database | Transaction, response_ids: list[str]) -> tuple[int, int]:
    """(waiting, exported) answers for these responses."""
    if not response_ids:
        return (0, 0)
    marks = ",".join("?" * len(response_ids))
    row = await db.fetch_one(
        "SELECT sum(exported_on IS NULL) AS waiting, sum(exported_on IS NOT NULL) AS done"
        f" FROM sealed_answers WHERE response_id IN ({marks})",
        response_ids,
    )
    if row is None:
        return (0, 0)
    return (int(row["waiting"] or 0), int(row["done"] or 0))


async def delete_unexported(tx: Transaction, response_ids: list[str]) -> int:
    if not response_ids:
        return 0
    marks = ",".join("?" * len(response_ids))
    return await tx.execute(
        f"DELETE FROM sealed_answers WHERE exported_on IS NULL AND response_id IN ({marks})",
        response_ids,
    )


async def all_for_response(db: Database | Transaction, response_id: str) -> list[SealedAnswer]:
    rows = await db.fetch_all(
        "SELECT record_id, response_id, question_id, flow_id, flow_version, key_id, sealed,"
        " sealed_on FROM sealed_answers WHERE response_id = ? ORDER BY rowid",
        (response_id,),
    )
    return [SealedAnswer(**dict(r)) for r in rows]
