"""Keys at export: rotation, tampered records, wrong keys and passphrases, bad options.

Every failure is one line on stderr; records that cannot be opened stay waiting and are
never marked as exported; the others still export.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import age_files
from conftest import REPO
from export_steps import Answer, read_csv, rostbot, seal_answers, waiting_count
from rostbot.crypto.analyst_keys import AnalystPublicKey, generate_keypair

LISTENED = Answer("listened", "scale", "fully")
KNEW = Answer("knew_plan", "scale", "mostly", indicator="information")


def make_key(
    folder: Path, name: str, passphrase: str | None = None
) -> tuple[Path, AnalystPublicKey]:
    path = folder / "keys" / name
    public = generate_keypair(path)
    if passphrase is not None:
        # an age passphrase file at a tiny work factor: these tests are about the export
        path.write_bytes(age_files.armored(path.read_bytes(), passphrase, 10))
    return path, public


def exported_on(db: Path, record_id: str) -> str | None:
    connection = sqlite3.connect(db)
    try:
        row = connection.execute(
            "SELECT exported_on FROM sealed_answers WHERE record_id = ?", (record_id,)
        ).fetchone()
        return row[0] if row else None
    finally:
        connection.close()


def export_args(key: Path, out: Path, db: Path, *more: str) -> list[str]:
    return ["export", "--key", str(key), "--out", str(out), "--db", str(db), *more]


async def test_records_for_another_key_are_reported_by_key_id_and_exported_later(
    tmp_path: Path,
) -> None:
    db, out = tmp_path / "bot.sqlite3", tmp_path / "export"
    old_path, old = make_key(tmp_path, "old.key")
    new_path, new = make_key(tmp_path, "new.key")
    await seal_answers(db, old, [LISTENED, KNEW])
    await seal_answers(db, new, [LISTENED])

    status, stdout, stderr = await rostbot(*export_args(new_path, out, db))

    assert status == 0
    assert "exported 1 new answer(s)" in stdout
    assert stderr.strip() == (
        f"rostbot: 2 record(s) wait for key {old.key_id}; "
        "give its private key with --key to export them"
    )
    assert waiting_count(db) == 2

    status, stdout, stderr = await rostbot(*export_args(old_path, out, db))
    assert status == 0 and "exported 2 new answer(s)" in stdout and stderr == ""
    assert waiting_count(db) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["key_ids"] == sorted([old.key_id, new.key_id])
    assert manifest["counts"]["responses"] == 2


async def test_both_keys_at_once_export_everything(tmp_path: Path) -> None:
    db, out = tmp_path / "bot.sqlite3", tmp_path / "export"
    old_path, old = make_key(tmp_path, "old.key")
    new_path, new = make_key(tmp_path, "new.key")
    await seal_answers(db, old, [LISTENED])
    await seal_answers(db, new, [LISTENED])
    status, stdout, _ = await rostbot(*export_args(old_path, out, db, "--key", str(new_path)))
    assert status == 0 and "exported 2 new answer(s)" in stdout


async def test_a_tampered_record_is_named_stays_waiting_and_the_others_export(
    tmp_path: Path,
) -> None:
    db, out = tmp_path / "bot.sqlite3", tmp_path / "export"
    key_path, key = make_key(tmp_path, "analyst.key")
    [bad, good] = await seal_answers(db, key, [LISTENED, KNEW])
    connection = sqlite3.connect(db)
    blob = bytearray(
        connection.execute(
            "SELECT sealed FROM sealed_answers WHERE record_id = ?", (bad,)
        ).fetchone()[0]
    )
    blob[40] ^= 1
    connection.execute(
        "UPDATE sealed_answers SET sealed = ? WHERE record_id = ?", (bytes(blob), bad)
    )
    connection.commit()
    connection.close()

    status, stdout, stderr = await rostbot(*export_args(key_path, out, db))

    assert status == 0 and "exported 1 new answer(s)" in stdout
    assert stderr.strip() == (
        f"rostbot: record {bad} does not open with key {key.key_id} "
        "(wrong key, or the record was changed); it stays waiting"
    )
    assert exported_on(db, bad) is None
    assert exported_on(db, good) is not None


async def test_a_record_moved_to_another_row_does_not_open(tmp_path: Path) -> None:
    db, out = tmp_path / "bot.sqlite3", tmp_path / "export"
    key_path, key = make_key(tmp_path, "analyst.key")
    [first] = await seal_answers(db, key, [LISTENED])
    [second] = await seal_answers(db, key, [LISTENED])
    connection = sqlite3.connect(db)
    blob = connection.execute(
        "SELECT sealed FROM sealed_answers WHERE record_id = ?", (first,)
    ).fetchone()[0]
    connection.execute("UPDATE sealed_answers SET sealed = ? WHERE record_id = ?", (blob, second))
    connection.commit()
    connection.close()

    status, _, stderr = await rostbot(*export_args(key_path, out, db))
    assert status == 0
    assert f"record {second} does not open" in stderr
    assert exported_on(db, second) is None


async def test_when_nothing_opens_the_export_fails_with_one_line_and_marks_nothing(
    tmp_path: Path,
) -> None:
    db, out = tmp_path / "bot.sqlite3", tmp_path / "export"
    key_path, key = make_key(tmp_path, "analyst.key")
    [record] = await seal_answers(db, key, [LISTENED])
    connection = sqlite3.connect(db)
    connection.execute("UPDATE sealed_answers SET sealed = zeroblob(80)")
    connection.commit()
    connection.close()

    status, _, stderr = await rostbot(*export_args(key_path, out, db))

    assert status == 2
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    assert stderr.startswith(f"rostbot: nothing exported: record {record} does not open")
    assert waiting_count(db) == 1


async def test_a_wrong_key_fails_with_one_line_naming_the_key_ids(tmp_path: Path) -> None:
    db, out = tmp_path / "bot.sqlite3", tmp_path / "export"
    _, right = make_key(tmp_path, "right.key")
    wrong_path, wrong = make_key(tmp_path, "wrong.key")
    await seal_answers(db, right, [LISTENED, KNEW])

    status, _, stderr = await rostbot(*export_args(wrong_path, out, db))

    assert status == 2
    assert stderr == (
        f"rostbot: nothing exported: none of the 2 waiting record(s) is sealed to key "
        f"{wrong.key_id} (they are sealed to {right.key_id})\n"
    )
    assert waiting_count(db) == 2


async def test_a_passphrase_protected_key_opens_with_the_right_passphrase_only(
    tmp_path: Path,
) -> None:
    db, out = tmp_path / "bot.sqlite3", tmp_path / "export"
    key_path, key = make_key(tmp_path, "analyst.key", passphrase="correct horse")
    await seal_answers(db, key, [LISTENED])

    status, _, stderr = await rostbot(
        *export_args(key_path, out, db, "--passphrase-env", "PASS"), env={"PASS": "wrong"}
    )
    assert status == 2
    assert stderr == f"rostbot: {key_path}: wrong passphrase\n"

    status, _, stderr = await rostbot(*export_args(key_path, out, db))  # no TTY to ask on
    assert status == 2
    assert stderr == (
        f"rostbot: {key_path} needs its passphrase: give --passphrase-file or --passphrase-env\n"
    )
    assert waiting_count(db) == 1

    passphrase = tmp_path / "passphrase.txt"
    passphrase.write_text("correct horse\n")
    status, stdout, _ = await rostbot(
        *export_args(key_path, out, db, "--passphrase-file", str(passphrase))
    )
    assert status == 0 and "exported 1 new answer(s)" in stdout


@pytest.mark.parametrize(
    ("more", "message"),
    [
        (["--format", "pdf"], "rostbot: --format takes csv, xlsx or csv,xlsx\n"),
        (["--min-group", "0"], "rostbot: --min-group must be 1 or more\n"),
    ],
)
async def test_bad_options_get_one_line(tmp_path: Path, more: list[str], message: str) -> None:
    db, out = tmp_path / "bot.sqlite3", tmp_path / "export"
    key_path, key = make_key(tmp_path, "analyst.key")
    await seal_answers(db, key, [LISTENED])
    status, _, stderr = await rostbot(*export_args(key_path, out, db, *more))
    assert (status, stderr) == (2, message)


async def test_a_missing_or_foreign_database_gets_one_line(tmp_path: Path) -> None:
    key_path, _ = make_key(tmp_path, "analyst.key")
    out = tmp_path / "export"
    status, _, stderr = await rostbot(*export_args(key_path, out, tmp_path / "none.sqlite3"))
    assert (status, stderr) == (2, f"rostbot: no database at {tmp_path / 'none.sqlite3'}\n")
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    status, _, stderr = await rostbot(*export_args(key_path, out, other))
    assert status == 2
    assert stderr == f"rostbot: {other} is not a rostbot database (no sealed_answers table)\n"


async def test_xlsx_only_leaves_no_stale_csv_and_min_group_is_recorded(tmp_path: Path) -> None:
    db, out = tmp_path / "bot.sqlite3", tmp_path / "export"
    key_path, key = make_key(tmp_path, "analyst.key")
    await seal_answers(db, key, [LISTENED])
    assert (await rostbot(*export_args(key_path, out, db)))[0] == 0
    assert (out / "responses.csv").exists()
    status, _, _ = await rostbot(
        *export_args(key_path, out, db, "--format", "xlsx", "--min-group", "3")
    )
    assert status == 0
    assert not (out / "responses.csv").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["min_group"] == 3
    assert {name: entry["share"] for name, entry in manifest["files"].items()} == {
        "codebook.csv": "publish",
        "counts.csv": "publish",
        "free_text_seminar.csv": "publish",
        "indicators.csv": "publish",
        "free_text.csv": "analysts",
        "responses.xlsx": "analysts",
    }
    codebook = read_csv(out / "codebook.csv")
    assert {r["flow_id"] for r in codebook} == {p.stem for p in (REPO / "flows").glob("*.yaml")}
