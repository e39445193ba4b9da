"""Flow runs: one person's way through one flow, with the engine state encrypted."""

from __future__ import annotations

from dataclasses import dataclass

from rostbot.store.database import Database, Transaction


@dataclass(frozen=True)
class FlowRun:
    run_id: str
    response_id: str
    pseudonym: str
    flow_id: str
    flow_version: int
    status: str
    state: bytes
    step: int
    started_on: str
    updated_on: str


_COLUMNS = (
    "run_id, response_id, pseudonym, flow_id, flow_version, status, state, step,"
    " started_on, updated_on"
)


def _run(row: object) -> FlowRun:
    return FlowRun(**dict(row))  # type: ignore[call-overload]


async def create(
    tx: Transaction,
    run: FlowRun,
    invitation_hash: str | None,
) -> None:
    await tx.execute(
        f"INSERT INTO runs ({_COLUMNS}, invitation_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            run.run_id,
            run.response_id,
            run.pseudonym,
            run.flow_id,
            run.flow_version,
            run.status,
            run.state,
            run.step,
            run.started_on,
            run.updated_on,
            invitation_hash,
        ),
    )


async def get(db: Database | Transaction, run_id: str) -> FlowRun | None:
    row = await db.fetch_one(f"SELECT {_COLUMNS} FROM runs WHERE run_id = ?", (run_id,))
    return _run(row) if row else None


async def find_by_prefix(db: Database | Transaction, pseudonym: str, prefix: str) -> FlowRun | None:
    """The person's run whose id starts with `prefix` (buttons carry a short handle)."""
    row = await db.fetch_one(
        f"SELECT {_COLUMNS} FROM runs WHERE pseudonym = ? AND substr(run_id, 1, ?) = ?",
        (pseudonym, len(prefix), prefix),
    )
    return _run(row) if row else None


async def latest_open(db: Database | Transaction, pseudonym: str) -> FlowRun | None:
    row = await db.fetch_one(
        f"SELECT {_COLUMNS} FROM runs WHERE pseudonym = ? AND status = 'open'"
        " ORDER BY updated_on DESC, rowid DESC LIMIT 1",
        (pseudonym,),
    )
    return _run(row) if row else None


async def for_person(db: Database | Transaction, pseudonym: str) -> list[FlowRun]:
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM runs WHERE pseudonym = ? ORDER BY rowid", (pseudonym,)
    )
    return [_run(r) for r in rows]


async def for_invitation(db: Database | Transaction, invitation_hash: str) -> FlowRun | None:
    row = await db.fetch_one(
        f"SELECT {_COLUMNS} FROM runs WHERE invitation_hash = ?", (invitation_hash,)
    )
    return _run(row) if row else None


async def save_state(
    tx: Transaction, run: FlowRun, *, state: bytes, status: str, today: str
) -> bool:
    """Store the next state; False when the run moved on meanwhile (a double tap)."""
    changed = await tx.execute(
        "UPDATE runs SET state = ?, status = ?, step = step + 1, updated_on = ?"
        " WHERE run_id = ? AND step = ?",
        (state, status, today, run.run_id, run.step),
    )
    return changed == 1


async def claim_finished_step(tx: Transaction, run: FlowRun, today: str) -> bool:
    """Move a finished run one step on (its contact question answered); False if it moved."""
    changed = await tx.execute(
        "UPDATE runs SET step = step + 1, updated_on = ?"
        " WHERE run_id = ? AND step = ? AND status = 'finished'",
        (today, run.run_id, run.step),
    )
    return changed == 1


async def stop_open(tx: Transaction, pseudonym: str, today: str) -> int:
    return await tx.execute(
        "UPDATE runs SET status = 'stopped', step = step + 1, updated_on = ?"
        " WHERE pseudonym = ? AND status = 'open'",
        (today, pseudonym),
    )
