"""The wording each flow version was first used with (fingerprints only, no text)."""

from __future__ import annotations

import json

from rostbot.core.flow_wording import FlowWording
from rostbot.store.database import Database, Transaction

TABLE = "flow_wordings"


async def first_used(db: Database | Transaction) -> dict[tuple[str, int], FlowWording]:
    """Every flow version's first wording, by (flow id, version)."""
    rows = await db.fetch_all(f"SELECT flow_id, version, fingerprint, parts FROM {TABLE}")
    return {
        (row["flow_id"], int(row["version"])): FlowWording(
            row["flow_id"], int(row["version"]), row["fingerprint"], json.loads(row["parts"])
        )
        for row in rows
    }


async def note_first_use(tx: Transaction, wording: FlowWording, today: str) -> bool:
    """Keep this wording for its flow version unless one is kept already; True if kept now."""
    changed = await tx.execute(
        f"INSERT OR IGNORE INTO {TABLE} (flow_id, version, fingerprint, parts, first_used_on)"
        " VALUES (?, ?, ?, ?, ?)",
        (
            wording.flow_id,
            wording.version,
            wording.fingerprint,
            json.dumps(dict(wording.parts)),  # in the flow's order: changes are named in it
            today,
        ),
    )
    return changed == 1
