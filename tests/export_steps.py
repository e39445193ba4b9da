"""Steps for the export tests: answer through the real bot, seal records directly, run export."""

from __future__ import annotations

import asyncio
import csv
import json
import os
import secrets
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conftest import FLOWS, REPO, RunningBot
from journey_steps import answer_question, is_question, start_and_consent
from rostbot.crypto.analyst_keys import AnalystPublicKey
from rostbot.crypto.sealing import SealContext, seal
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.store import answers
from rostbot.store.answers import SealedAnswer
from rostbot.store.database import Database

CONSENT = {"sv": "Ja, jag vill vara med", "da": "Ja, jeg vil være med"}
THANKS = {"sv": "Tack för dina svar", "da": "Tak for dine svar"}


async def answer_flow(
    api: SandboxBotApi,
    bot: RunningBot,
    flow_id: str,
    *,
    unit: str,
    lang: str,
    text: str = "Det var bra.",
    pick: int = 0,
    stop_after: int | None = None,
    provider: str | None = None,
) -> list[Any]:
    """One person opens a letter link and answers; returns the values given, in order."""
    [code] = await bot.invite(flow_id, unit=unit, provider=provider)
    user = api.user(first_name="Zlatan", last_name="Ekström", language_code=lang)
    question = await start_and_consent(user, code, yes_text=CONSENT[lang], age_yes="Ja")
    given: list[Any] = []
    while stop_after is None or len(given) < stop_after:
        mark = user.mark()
        _, value = await answer_question(user, question, text=text, pick=pick)
        given.append(value)
        nxt = await user.wait_for_message(
            lambda m: is_question(m) or THANKS[lang] in (m.text or ""), after=mark
        )
        if not is_question(nxt):
            break
        question = nxt
    return given


def coded(value: Any) -> str:
    return "|".join(value) if isinstance(value, list) else str(value)


async def rostbot(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run `rostbot ...` as its own process: (exit status, stdout, stderr)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "rostbot",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.DEVNULL,
        env={**os.environ, "ROSTBOT_LOG_LEVEL": "WARNING", **(env or {})},
        cwd=REPO,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


# Runs one export and kills itself (SIGKILL, no clean-up at all) at a named checkpoint.
_KILLED_EXPORT = """
import os, signal, sys
from pathlib import Path
from rostbot.core.flow_loader import load_flows
from rostbot.crypto.analyst_keys import load_private_key
from rostbot.export.pipeline import ExportOptions, run_export

key, db, out, flows, point = sys.argv[1:]

def checkpoint(name):
    if name == point:
        os.kill(os.getpid(), signal.SIGKILL)

options = ExportOptions(db=Path(db), out=Path(out), flows=load_flows(Path(flows)))
run_export([load_private_key(Path(key))], options, report=print, checkpoint=checkpoint)
"""


async def export_killed_at(point: str, key: Path, db: Path, out: Path) -> int:
    """Run an export that is killed at `point`; returns its exit status (-9)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _KILLED_EXPORT, str(key), str(db), str(out), str(FLOWS), point
    )
    return await asyncio.wait_for(process.wait(), timeout=120)


def processes_mentioning(text: str) -> list[int]:
    """Ids of running processes whose command line holds `text` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if text.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue  # ended meanwhile
    return found


async def no_process_left(text: str, timeout: float = 60) -> None:
    """Wait until no process mentions `text`: a killed export leaves no worker behind."""
    async with asyncio.timeout(timeout):
        while processes_mentioning(text):  # noqa: ASYNC110 (other processes: no event)
            await asyncio.sleep(0.1)


def read_csv(path: Path) -> list[dict[str, str]]:
    """An export CSV file's rows, as its header names them (with or without a BOM)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def waiting_count(db_path: Path) -> int:
    connection = sqlite3.connect(db_path)
    try:
        row = connection.execute(
            "SELECT count(*) FROM sealed_answers WHERE exported_on IS NULL"
        ).fetchone()
        return int(row[0])
    finally:
        connection.close()


@dataclass(frozen=True)
class Answer:
    """An answer to seal directly, as the bot would (for tests that need no chat)."""

    question_id: str
    question_type: str
    value: Any
    indicator: str = "treatment"
    status: str = "answered"
    unit: str = "unit-a"
    month: str = "2026-03"
    flow_id: str = "meeting_feedback"
    provider: str | None = None
    lang: str = "sv"
    flow_version: int = 1
    cohort: str | None = None  # neither is in the record when both are None, as in
    wave: str | None = None  # records sealed before cohorts and waves


async def seal_answers(
    db_path: Path, key: AnalystPublicKey, given: list[Answer], response_id: str | None = None
) -> list[str]:
    """Seal answers of one response straight into the bot's database; returns record ids."""
    response_id = response_id or secrets.token_urlsafe(18)
    db = await Database.open(db_path)
    record_ids = []
    try:
        async with db.transaction() as tx:
            for a in given:
                record_id = secrets.token_urlsafe(18)
                payload = {
                    "v": 1,
                    "record_id": record_id,
                    "response_id": response_id,
                    "flow_id": a.flow_id,
                    "flow_version": a.flow_version,
                    "question_id": a.question_id,
                    "question_type": a.question_type,
                    "indicator": a.indicator,
                    "status": a.status,
                    "value": a.value,
                    "unit": a.unit,
                    "provider": a.provider,
                    "lang": a.lang,
                    "month": a.month,
                }
                if a.cohort is not None or a.wave is not None:
                    payload |= {"cohort": a.cohort, "wave": a.wave}
                context = SealContext(
                    record_id, response_id, a.flow_id, a.flow_version, a.question_id
                )
                blob = seal(json.dumps(payload).encode(), key, context)
                await answers.put(
                    tx,
                    SealedAnswer(
                        record_id,
                        response_id,
                        a.question_id,
                        a.flow_id,
                        a.flow_version,
                        key.key_id,
                        blob,
                        a.month + "-15",
                    ),
                )
                record_ids.append(record_id)
    finally:
        await db.close()
    return record_ids
