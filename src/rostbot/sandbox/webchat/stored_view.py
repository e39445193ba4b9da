"""The page's "what is stored" panel: the database as the bot holds it, and exported.

Tables come from a read-only view of the SQLite file (sealed answers stay ciphertext,
people are pseudonyms). "Export with the demo key" then runs the real `rostbot export`
pipeline as the analysts do on their own computer with their private key: answers are
opened, made anonymous, small groups hidden, and marked as exported in the database.
In the sandbox the demo private key lies in the data folder; a real bot host never has it.
"""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path
from typing import Any

from rostbot.core.spreadsheet_cells import original
from rostbot.crypto.analyst_keys import KeyFileError, load_private_key
from rostbot.export.pipeline import ExportError, ExportOptions, run_export
from rostbot.sandbox.local_bot import LocalBot
from rostbot.sandbox.webchat.stored_explained import explain
from rostbot.store.inspection import table_views

JSON = dict[str, Any]
EXPORT_FOLDER = "export"
# The files an analyst works from; codebook.csv and manifest.json stay in the folder.
SHOWN_FILES = ("responses.csv", "free_text.csv", "indicators.csv")


async def stored_tables(local: LocalBot) -> JSON:
    views = await table_views(local.settings.db_path)
    return {
        "tables": [
            {
                "name": view.name,
                "columns": list(view.columns),
                "rows": [list(row) for row in view.rows],
                "total": view.total,
                **explain(view.name, list(view.columns), local.settings),
            }
            for view in views
        ]
    }


def _read_csv(path: Path, limit: int) -> JSON:
    """A file as the analyst means it: without the byte-order mark or the added quotes."""
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = [[original(cell) for cell in row] for row in csv.reader(file)]
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    return {"name": path.name, "columns": header, "rows": body[:limit], "total": len(body)}


async def export_with_demo_key(local: LocalBot, *, limit: int = 50) -> JSON:
    """Run `rostbot export` with the demo private key into the data folder; show its files."""
    try:
        key = load_private_key(local.demo_private_key)
    except KeyFileError as exc:
        return {"error": str(exc)}
    folder = local.data / EXPORT_FOLDER
    options = ExportOptions(
        db=local.settings.db_path,
        out=folder,
        flows=dict(local.services.flows),
        formats=frozenset({"csv"}),
    )
    notes: list[str] = []
    try:
        result = await asyncio.to_thread(run_export, [key], options, report=notes.append)
    except ExportError as exc:
        return {"error": str(exc)}
    files = [
        await asyncio.to_thread(_read_csv, folder / name, limit)
        for name in SHOWN_FILES
        if (folder / name).exists()
    ]
    return {
        "key_id": key.key_id,
        "folder": str(folder),
        "opened": result.opened,
        "acknowledged": result.acknowledged,
        "responses": result.responses,
        "notes": notes,
        "files": files,
    }
