"""The page's "what is stored" panel: the database as the bot holds it, and opened.

Tables come from a read-only view of the SQLite file (sealed answers stay ciphertext,
people are pseudonyms). "Open with the demo key" then does what the analysts do on their
own computer with their private key, so a visitor sees that only that key reads answers.
In the sandbox the demo private key lies in the data folder; a real bot host never has it.
"""

from __future__ import annotations

import json
from typing import Any

from rostbot.crypto.analyst_keys import KeyFileError, load_private_key
from rostbot.crypto.sealing import SealContext, SealError, open_sealed
from rostbot.sandbox.local_bot import LocalBot
from rostbot.store.inspection import sealed_records, table_views

JSON = dict[str, Any]
OPENED_COLUMNS = (
    "flow_id",
    "question_id",
    "question_type",
    "indicator",
    "status",
    "value",
    "unit",
    "provider",
    "lang",
    "month",
)


async def stored_tables(local: LocalBot) -> JSON:
    views = await table_views(local.settings.db_path)
    return {
        "tables": [
            {
                "name": view.name,
                "columns": list(view.columns),
                "rows": [list(row) for row in view.rows],
                "total": view.total,
            }
            for view in views
        ]
    }


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


async def open_with_demo_key(local: LocalBot) -> JSON:
    """Every sealed answer opened with the demo private key, as one table.

    A record that does not open (sealed to another key, or changed) is counted, not shown.
    """
    try:
        key = load_private_key(local.demo_private_key)
    except KeyFileError as exc:
        return {"columns": [], "rows": [], "failed": 0, "error": str(exc)}
    rows: list[list[str]] = []
    failed = 0
    for record in await sealed_records(local.settings.db_path):
        context = SealContext(
            record.record_id,
            record.response_id,
            record.flow_id,
            record.flow_version,
            record.question_id,
        )
        try:
            payload = json.loads(open_sealed(record.sealed, key, context))
        except SealError:
            failed += 1
            continue
        rows.append([_cell(payload.get(column)) for column in OPENED_COLUMNS])
    return {"columns": list(OPENED_COLUMNS), "rows": rows, "failed": failed, "key_id": key.key_id}
