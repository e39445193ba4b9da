"""Steps a respondent takes, written once for the end-to-end tests."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from rostbot.crypto.analyst_keys import AnalystPrivateKey
from rostbot.crypto.sealing import SealContext, open_sealed
from rostbot.sandbox.people import BotMessage, SandboxUser

NAV_OPS = {"s", "r", "b", "p"}


def ops(message: BotMessage) -> list[tuple[str, str, str]]:
    """(op, arg, text) of every answer button on a question message."""
    found = []
    for row in message.buttons():
        for button in row:
            data = button.get("callback_data", "")
            parts = data.split(":")
            if parts[0] == "a" and len(parts) == 5:
                found.append((parts[3], parts[4], button["text"]))
    return found


def is_question(message: BotMessage) -> bool:
    return any(op == "p" for op, _, _ in ops(message))


async def wait_question(user: SandboxUser, after: int) -> BotMessage:
    return await user.wait_for_message(is_question, after=after)


async def decline(user: SandboxUser, code: str) -> None:
    """Open a Swedish letter link and press "Nej tack"; wait for the bot's kind reply."""
    await user.send_command("/start", code)
    await user.wait_for_message(lambda m: "Nej tack" in m.button_texts())
    mark = user.mark()
    await user.press("Nej tack")
    await user.wait_for_message(lambda m: "Inga svar sparas" in (m.text or ""), after=mark)


async def start_and_consent(
    user: SandboxUser, code: str, *, yes_text: str, age_yes: str | None
) -> BotMessage:
    """Open the link, say yes (and confirm the age); return the first question."""
    mark = user.mark()
    await user.send_command("/start", code)
    await user.wait_for_message(lambda m: yes_text in m.button_texts(), after=mark)
    mark = user.mark()
    await user.press(yes_text)
    if age_yes is not None:
        age = await user.wait_for_message(lambda m: age_yes in m.button_texts(), after=mark)
        mark = user.mark()
        await user.press(age_yes, message=age)
    return await wait_question(user, mark)


async def answer_question(
    user: SandboxUser, question: BotMessage, *, text: str = "Det var bra.", pick: int = 0
) -> tuple[str, Any]:
    """Answer whatever the question is; return (kind, value given) and wait for what follows."""
    buttons = ops(question)
    choices = [(arg, label) for op, arg, label in buttons if op == "c"]
    toggles = [(arg, label) for op, arg, label in buttons if op == "t"]
    if toggles:
        edits = question.edit_count
        await user.press(toggles[pick % len(toggles)][1], message=question)
        # the bot edits the question to show the tick; its buttons then carry the new step
        await user.wait_for_message(
            lambda m: m is question and m.edit_count > edits, after=user.inbox.index(question)
        )
        done = next(label for op, _, label in buttons if op == "d")
        await user.press(done, message=question)
        return ("multi", [toggles[pick % len(toggles)][0]])
    if choices:
        arg, label = choices[pick % len(choices)]
        await user.press(label, message=question)
        return ("choice", arg)
    await user.send_text(text)
    return ("text", text)


def sealed_rows(db_path: Path) -> list[sqlite3.Row]:
    connection = sqlite3.connect(db_path)
    connection.row_factory = sqlite3.Row
    try:
        return list(connection.execute("SELECT * FROM sealed_answers ORDER BY rowid"))
    finally:
        connection.close()


def open_all(db_path: Path, key: AnalystPrivateKey) -> list[dict[str, Any]]:
    """Every sealed answer in the database, opened with the analyst's private key."""
    opened = []
    for row in sealed_rows(db_path):
        context = SealContext(
            row["record_id"],
            row["response_id"],
            row["flow_id"],
            row["flow_version"],
            row["question_id"],
        )
        opened.append(json.loads(open_sealed(row["sealed"], key, context)))
    return opened


def table_count(db_path: Path, table: str) -> int:
    connection = sqlite3.connect(db_path)
    try:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        connection.close()


def database_bytes(db_path: Path) -> bytes:
    """The database file with its WAL and journal, as a thief would copy them."""
    data = b""
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = Path(str(db_path) + suffix)
        if path.exists():
            data += path.read_bytes()
    return data
