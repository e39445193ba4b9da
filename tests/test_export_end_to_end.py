"""End to end: people answer through the real bot, analysts export with the private key.

The export yields exactly the answers given (no more, no fewer, none twice), anonymised;
a crash between writing and acknowledging loses and doubles nothing on the rerun.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from conftest import RunningBot
from export_steps import (
    answer_flow,
    coded,
    export_killed_at,
    no_process_left,
    read_csv,
    rostbot,
    waiting_count,
)
from journey_steps import database_bytes, sealed_rows
from rostbot.crypto.analyst_keys import AnalystPrivateKey
from rostbot.sandbox.botapi import SandboxBotApi

FLOW = "income_support_followup"
SECRET_TEXT = "Ring Anna Svensson på 070-123 45 67 eller anna@kommun.se, tack"


def question_values(row: dict[str, str]) -> list[str]:
    """The row's answers to FLOW's questions, in the flow's order, leaving out empty ones."""
    return [v for k, v in row.items() if k.startswith(FLOW + ".") and v]


def private_key_path(analyst_key: tuple[Path, AnalystPrivateKey]) -> Path:
    return Path(str(analyst_key[0]).removesuffix(".pub"))


async def test_export_yields_exactly_the_answers_people_gave_anonymised(
    api: SandboxBotApi,
    bot: RunningBot,
    analyst_key: tuple[Path, AnalystPrivateKey],
    tmp_path: Path,
) -> None:
    given = {
        "sv-nord": await answer_flow(api, bot, FLOW, unit="sv-nord", lang="sv", text=SECRET_TEXT),
        "dk-syd": await answer_flow(api, bot, FLOW, unit="dk-syd", lang="da", pick=1),
        "sv-paus": await answer_flow(api, bot, FLOW, unit="sv-paus", lang="sv", stop_after=3),
    }
    db = bot.settings.db_path
    internal_ids = {r["record_id"] for r in sealed_rows(db)} | {
        r["response_id"] for r in sealed_rows(db)
    }
    out = tmp_path / "export"

    status, stdout, stderr = await rostbot(
        "export", "--key", str(private_key_path(analyst_key)), "--out", str(out), "--db", str(db)
    )

    assert status == 0, stderr
    assert "exported 21 new answer(s)" in stdout  # 9 + 9 + 3
    rows = read_csv(out / "responses.csv")
    assert sorted(r["unit"] for r in rows) == ["dk-syd", "sv-nord", "sv-paus"]
    for row in rows:
        assert question_values(row) == [
            "(text)" if isinstance(v, str) and " " in v else coded(v) for v in given[row["unit"]]
        ]
    by_unit = {r["unit"]: r for r in rows}
    assert by_unit["sv-nord"]["status"] == "complete"
    assert by_unit["sv-paus"]["status"] == "partial"
    assert by_unit["dk-syd"]["lang"] == "da"
    assert all(len(r["month"]) == 7 for r in rows)  # YYYY-MM, nothing finer
    assert len({r["response"] for r in rows}) == 3

    [free] = [t for t in read_csv(out / "free_text.csv") if t["text"] != "Det var bra."][:1]
    assert free["text"] == "Ring [name] [name] på [phone] eller [email], tack"

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["responses"] == 3
    assert manifest["counts"]["answers"] == 21
    assert manifest["scrubbed"]["name"] == 2 and manifest["scrubbed"]["phone"] == 1
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == entry["sha256"]
    book = openpyxl.load_workbook(out / "responses.xlsx", read_only=True)
    assert len(list(book["responses"].iter_rows())) == 4  # header + 3 responses

    published = b"".join(
        (out / name).read_bytes() for name in manifest["files"] if name != "responses.xlsx"
    )
    for secret in [*internal_ids, "Anna", "Svensson", "070-123", "Zlatan", "Ekström"]:
        assert secret.encode() not in published, f"{secret!r} reached the export folder"
    assert waiting_count(db) == 0

    # a second run finds nothing new and changes nothing
    status, stdout, _ = await rostbot(
        "export", "--key", str(private_key_path(analyst_key)), "--out", str(out), "--db", str(db)
    )
    assert status == 0 and "exported 0 new answer(s)" in stdout
    assert read_csv(out / "responses.csv") == rows


@pytest.mark.parametrize("crash_at", ["taken_in", "written"])
async def test_a_crash_before_acknowledging_loses_and_doubles_nothing(
    api: SandboxBotApi,
    bot: RunningBot,
    analyst_key: tuple[Path, AnalystPrivateKey],
    tmp_path: Path,
    crash_at: str,
) -> None:
    first = await answer_flow(api, bot, FLOW, unit="unit-1", lang="sv")
    db = bot.settings.db_path
    key = private_key_path(analyst_key)
    out = tmp_path / "export"

    assert await export_killed_at(crash_at, key, db, out) == -9
    assert waiting_count(db) == len(first)  # nothing was acknowledged
    await no_process_left(str(out))  # its worker processes end with it

    # meanwhile someone else answers; then the analyst simply runs the export again
    second = await answer_flow(api, bot, FLOW, unit="unit-2", lang="sv", stop_after=4)
    status, stdout, stderr = await rostbot(
        "export", "--key", str(key), "--out", str(out), "--db", str(db)
    )

    assert status == 0, stderr
    assert f"exported {len(second)} new answer(s)" in stdout
    assert waiting_count(db) == 0
    rows = read_csv(out / "responses.csv")
    assert sorted(r["unit"] for r in rows) == ["unit-1", "unit-2"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["answers"] == len(first) + len(second)
    assert manifest["last_run"]["already_in_folder"] == len(first)


async def test_a_copy_of_the_database_exports_and_a_later_copy_adds_only_what_is_new(
    api: SandboxBotApi,
    bot: RunningBot,
    analyst_key: tuple[Path, AnalystPrivateKey],
    tmp_path: Path,
) -> None:
    db = bot.settings.db_path
    key = private_key_path(analyst_key)
    out = tmp_path / "export"
    first = await answer_flow(api, bot, FLOW, unit="unit-1", lang="sv")
    copy = tmp_path / "handed-over.sqlite3"
    _backup(db, copy)

    status, stdout, _ = await rostbot(
        "export", "--key", str(key), "--out", str(out), "--db", str(copy)
    )
    assert status == 0 and f"exported {len(first)} new answer(s)" in stdout
    assert waiting_count(copy) == 0
    assert waiting_count(db) == len(first)  # the host's own file is not touched

    second = await answer_flow(api, bot, FLOW, unit="unit-2", lang="sv")
    _backup(db, copy)
    status, stdout, _ = await rostbot(
        "export", "--key", str(key), "--out", str(out), "--db", str(copy)
    )
    assert status == 0 and f"exported {len(second)} new answer(s)" in stdout
    assert sorted(r["unit"] for r in read_csv(out / "responses.csv")) == ["unit-1", "unit-2"]


def _backup(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite file, as an operator would hand it over."""
    target.unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


async def test_the_bot_host_never_holds_anything_the_export_folder_knows(
    api: SandboxBotApi,
    bot: RunningBot,
    analyst_key: tuple[Path, AnalystPrivateKey],
    tmp_path: Path,
) -> None:
    await answer_flow(api, bot, FLOW, unit="unit-1", lang="sv", text=SECRET_TEXT)
    out = tmp_path / "export"
    status, _, _ = await rostbot(
        "export",
        "--key",
        str(private_key_path(analyst_key)),
        "--out",
        str(out),
        "--db",
        str(bot.settings.db_path),
    )
    assert status == 0
    response = read_csv(out / "responses.csv")[0]["response"]
    # the keyed response id can only be made with the private key: the bot's file lacks it
    assert response.encode() not in database_bytes(bot.settings.db_path)
    state_bytes = database_bytes(out / ".rostbot-export" / "state.sqlite3")
    for row in sealed_rows(bot.settings.db_path):
        assert row["record_id"].encode() not in state_bytes
        assert row["response_id"].encode() not in state_bytes


async def test_a_receipt_from_a_copy_marks_the_records_exported_on_the_host(
    api: SandboxBotApi,
    bot: RunningBot,
    analyst_key: tuple[Path, AnalystPrivateKey],
    tmp_path: Path,
) -> None:
    db = bot.settings.db_path
    key = private_key_path(analyst_key)
    given = await answer_flow(api, bot, FLOW, unit="unit-1", lang="sv")
    copy = tmp_path / "handed-over.sqlite3"
    _backup(db, copy)
    receipt = tmp_path / "receipt.txt"

    status, stdout, _ = await rostbot(
        "export", "--key", str(key), "--out", str(tmp_path / "export"), "--db", str(copy),
        "--receipt", str(receipt),
    )  # fmt: skip
    assert status == 0 and f"receipt: {receipt} ({len(given)} record(s))" in stdout
    lines = receipt.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "rostbot-export-receipt 1" and lines[-1].startswith(f"end {len(given)} ")
    assert set(lines[2:-1]) == {r["record_id"] for r in sealed_rows(db)}
    assert waiting_count(db) == len(given)  # nothing changes on the host until acknowledged

    # Damaged, cut off or wrong files change nothing, with one line each.
    damaged = tmp_path / "damaged.txt"
    changed_id = ("B" if lines[2][0] == "A" else "A") + lines[2][1:]
    damaged.write_text("\n".join([*lines[:2], changed_id, *lines[3:]]) + "\n")
    cut = tmp_path / "cut.txt"
    cut.write_text("\n".join(lines[:-1]) + "\n")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("hello\n")
    for bad, reason in (
        (damaged, "was changed or damaged"),
        (cut, "is cut off"),
        (wrong, "is not an export receipt"),
        (tmp_path / "missing.txt", "cannot read"),
    ):
        status, _, stderr = await rostbot("acknowledge", str(bad), "--db", str(db))
        assert status == 2 and stderr.count("\n") == 1 and reason in stderr, stderr
    assert waiting_count(db) == len(given)

    status, stdout, _ = await rostbot("acknowledge", str(receipt), "--db", str(db))
    assert status == 0 and stdout.startswith(f"marked {len(given)} record(s) as exported")
    assert waiting_count(db) == 0
    status, stdout, _ = await rostbot("acknowledge", str(receipt), "--db", str(db))
    assert status == 0 and stdout.startswith("marked 0 record(s)")
    assert f"{len(given)} marked before or gone" in stdout
