"""Noticing a flow version whose wording changed while its `version` stayed the same.

The first time a bot runs with a flow version on a database (`rostbot run`, the sandbox at
its start and on each reload of its flows), the version's wording fingerprint is kept in
`flow_wordings` (core/flow_wording.py says what it covers). From then on the flow files are
compared with it: `rostbot run` logs a warning at its start, `rostbot flows check` prints
one (reading the database read-only), and the sandbox page shows it after a reload. A
changed wording is only warned about, never refused: the bot runs the flow file as it is.
The warning names the flow, the version and the questions or flow texts that differ, by id.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path

from rostbot.core.flow_model import Flow
from rostbot.core.flow_wording import FlowWording, WordingChange, change_between, wording_of
from rostbot.health.reading import open_read_only, tables
from rostbot.store import flow_wordings as kept
from rostbot.store.database import Database, StoreError

log = logging.getLogger(__name__)


def changes_from(
    first: Mapping[tuple[str, int], FlowWording], flows: Iterable[Flow]
) -> list[WordingChange]:
    """The flows whose wording is not the one first used for their version, by flow id."""
    found = []
    for flow in sorted(flows, key=lambda f: f.id):
        before = first.get((flow.id, flow.version))
        change = None if before is None else change_between(before, wording_of(flow))
        if change is not None:
            found.append(change)
    return found


async def note_and_compare(
    db: Database, flows: Mapping[str, Flow], today: str
) -> list[WordingChange]:
    """Keep the wording of each flow version used here for the first time; return how the
    others differ from their first wording."""
    first = await kept.first_used(db)
    new = [f for f in flows.values() if (f.id, f.version) not in first]
    if new:
        async with db.transaction() as tx:
            for flow in sorted(new, key=lambda f: f.id):
                await kept.note_first_use(tx, wording_of(flow), today)
    return changes_from(first, flows.values())


async def compare_read_only(path: Path, flows: Mapping[str, Flow]) -> list[WordingChange] | None:
    """How the flows differ from the wordings kept in the database at `path`, which is only
    read; None when there is no database there. StoreError when it cannot be read."""
    if not path.is_file():  # noqa: ASYNC240 (one stat before any thread is started)
        return None
    db = await open_read_only(path)
    try:
        if kept.TABLE not in await tables(db):
            return []  # made by an older rostbot: no wording kept yet
        first = await kept.first_used(db)
    finally:
        await db.close()
    return changes_from(first, flows.values())


def log_changes(changes: Iterable[WordingChange]) -> None:
    """One WARNING line per changed flow version: ids and versions only, never a text."""
    for change in changes:
        log.warning("%s", change.english())


def check_lines(db_path: Path, flows: Mapping[str, Flow]) -> list[str]:
    """What `rostbot flows check` says about wordings: nothing without a database, one line
    when none changed, a warning per flow version that did."""
    try:
        changes = asyncio.run(compare_read_only(db_path, flows))
    except StoreError as exc:
        return [f"warning: wordings not compared with the database: {exc}"]
    if changes is None:
        return []
    if not changes:
        return [f"wording: no flow version has changed its wording since first used on {db_path}"]
    return [f"warning: {change.english()}" for change in changes]
