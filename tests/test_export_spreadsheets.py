"""The export's files open in a spreadsheet as plain text: no formula, no link, å ä ö æ ø.

A real export of sealed answers whose free texts are hostile (a formula, signs, leading
blanks, the full-width `＝`) is written with the byte-order mark (the default) and
without it (`--no-bom`). Its files are read as a spreadsheet would read them: by
LibreOffice, headless, converting every CSV file and `responses.xlsx` to XLSX, and then
by openpyxl, cell by cell. A control file written without neutralising shows that
LibreOffice does make such text a live formula, so the test can tell.

What LibreOffice 7.4 does, measured here:

* a CSV cell beginning with `=` becomes a formula when converted without filter options
  (`=HYPERLINK(...)` in the control file); `+`, `-`, `@` and leading blanks do not;
* a cell beginning with a quote is text, and the quote is part of it: LibreOffice shows
  `'=1+1`, not `=1+1` (so the export's rule, "a leading quote was added", is what the
  reader sees);
* with the character set UTF-8 (`--infilter` options `44,34,76,1`: what its import
  dialog preselects when the file has a byte-order mark), the mark is read as the mark,
  not as text in the first header cell, and å ä ö æ ø come through; without the mark too.

LibreOffice is the Debian package libreoffice-calc-nogui (see .ci/run). Outside CI a
test that needs it skips with the reason; in CI (CI set) it fails instead.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import shutil
import signal
import sqlite3
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from export_steps import Answer, rostbot, seal_answers
from rostbot.core.spreadsheet_cells import formula_like, neutralised, original
from rostbot.crypto.analyst_keys import generate_keypair
from rostbot.export.scrub import scrub
from rostbot.export.writer import write_csv, write_xlsx
from rostbot.report.export_folder import read_export_folder
from system_tools import need

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "  =1+1",
    "\t=1+1",
    "＝1+1",  # full-width equals sign
    "'=1+1",  # a person who wrote a quote themselves
]
PLAIN = [
    "Bra möte, tack. Vi åt äpplen på gården.",
    "Det var godt, tak. Æbler og øl på bordet.",
    "-3",  # a plain number stays as it is
]
TEXTS = HOSTILE + PLAIN
CSV_FILES = (
    "responses.csv",
    "free_text.csv",
    "free_text_seminar.csv",
    "codebook.csv",
    "indicators.csv",
    "counts.csv",
)
BOM = b"\xef\xbb\xbf"
UTF8_IMPORT = "Text - txt - csv (StarCalc):44,34,76,1"  # comma, double quote, UTF-8, line 1
SOFFICE_TIMEOUT = 180  # seconds for one conversion run; starting soffice takes a few


def written(text: str) -> str:
    """What the export writes for a free text: scrubbed, then neutralised."""
    return neutralised(scrub(text).text)


# --------------------------------------------------------------------- the rule itself


@given(st.text())
def test_a_neutralised_cell_is_never_formula_like_and_gives_the_text_back(text: str) -> None:
    cell = neutralised(text)
    assert not formula_like(cell)
    assert original(cell) == text
    assert cell in (text, "'" + text)


@pytest.mark.parametrize("text", HOSTILE)
def test_every_hostile_text_gets_exactly_one_quote(text: str) -> None:
    assert neutralised(text) == "'" + text
    assert original("'" + text) == text


@pytest.mark.parametrize("text", ["-3", "0.25", "Bra", "'plain", "a=b", "", "åäö æø"])
def test_plain_text_and_plain_numbers_are_left_alone(text: str) -> None:
    assert neutralised(text) == text == original(text)


# ------------------------------------------------------------------ a real export


@dataclass(frozen=True)
class Folders:
    with_bom: Path
    without_bom: Path
    tables: Path  # write_csv / write_xlsx called directly with hostile headers and values


def comment(text: str) -> list[Answer]:
    listened = Answer("listened", "scale", "fully", unit="north")
    return [listened, Answer("comment", "text", text, indicator="overall", unit="north")]


async def _export_twice(root: Path) -> Folders:
    db, copy = root / "bot.sqlite3", root / "copy.sqlite3"
    key_path = root / "keys" / "analyst.key"
    public = generate_keypair(key_path)
    for text in TEXTS:
        await seal_answers(db, public, comment(text))
    source, target = sqlite3.connect(db), sqlite3.connect(copy)
    try:
        source.backup(target)  # the same waiting records, for the export without a BOM
    finally:
        source.close()
        target.close()
    folders = Folders(root / "with-bom", root / "without-bom", root / "tables")
    for out, database, extra in (
        (folders.with_bom, db, ()),
        (folders.without_bom, copy, ("--no-bom",)),
    ):
        status, _, stderr = await rostbot(
            "export", "--key", str(key_path), "--out", str(out), "--db", str(database), *extra
        )
        assert status == 0, stderr
    return folders


HOSTILE_HEADER = ["response", "=flow.q", "+flow.q", "-flow.q", "@flow.q", "plain.q"]
HOSTILE_ROWS: list[list[object]] = [
    ["r1", "=1+1", "+1+1", "-2+3", "@SUM(1)", "http://example.org/x"],
    ["r2", -3, 0.25, "-3", "  =1+1", "mailto:a@example.org"],
]


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> Folders:
    made = asyncio.run(_export_twice(tmp_path_factory.mktemp("spreadsheets")))
    made.tables.mkdir()
    write_csv(made.tables, "table.csv", HOSTILE_HEADER, HOSTILE_ROWS)
    write_xlsx(made.tables, "table.xlsx", "table", HOSTILE_HEADER, HOSTILE_ROWS)
    return made


def csv_cells(path: Path) -> list[list[str]]:
    """The cells of a CSV file as written (a byte-order mark, if any, is not a cell)."""
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def text_column(path: Path) -> list[str]:
    rows = csv_cells(path)
    column = rows[0].index("text")
    return [row[column] for row in rows[1:]]


def test_every_csv_file_begins_with_a_bom_and_no_bom_leaves_it_out(folders: Folders) -> None:
    for name in CSV_FILES:
        with_bom = (folders.with_bom / name).read_bytes()
        without = (folders.without_bom / name).read_bytes()
        assert with_bom.startswith(BOM), name
        assert not without.startswith(BOM), name
        assert with_bom == BOM + without, name  # the mark is the only difference
    for folder in (folders.with_bom, folders.without_bom):  # files machines read: no mark
        assert not (folder / "manifest.json").read_bytes().startswith(BOM)


def test_hostile_free_texts_are_written_with_one_quote_in_front(folders: Folders) -> None:
    expected = sorted(written(text) for text in TEXTS)
    for name in ("free_text.csv", "free_text_seminar.csv"):
        cells = text_column(folders.with_bom / name)
        assert sorted(cells) == expected, name
    shown = set(text_column(folders.with_bom / "free_text.csv"))
    assert '\'=HYPERLINK("[url]","y")' in shown  # scrubbed, then neutralised
    assert {"'+1+1", "'-2+3", "'@SUM(1)", "'  =1+1", "'\t=1+1", "'＝1+1", "''=1+1"} <= shown
    assert {"-3", "Det var godt, tak. Æbler og øl på bordet."} <= shown
    for name in CSV_FILES:
        for row in csv_cells(folders.with_bom / name):
            assert not any(formula_like(cell) for cell in row), (name, row)


@pytest.mark.parametrize("bom", [True, False], ids=["with-bom", "without-bom"])
def test_the_report_reads_the_texts_as_they_were_written(folders: Folders, bom: bool) -> None:
    export = read_export_folder(folders.with_bom if bom else folders.without_bom)
    assert sorted(a.text for a in export.free_text) == sorted(scrub(t).text for t in TEXTS)
    assert all(a.lang == "sv" and a.flow_id == "meeting_feedback" for a in export.free_text)


def test_the_writer_neutralises_headers_and_values_of_csv_and_xlsx(folders: Folders) -> None:
    rows = csv_cells(folders.tables / "table.csv")
    assert rows[0] == ["response", "'=flow.q", "'+flow.q", "'-flow.q", "'@flow.q", "plain.q"]
    assert rows[1] == ["r1", "'=1+1", "'+1+1", "'-2+3", "'@SUM(1)", "http://example.org/x"]
    assert rows[2] == ["r2", "-3", "0.25", "-3", "'  =1+1", "mailto:a@example.org"]
    sheet = openpyxl.load_workbook(folders.tables / "table.xlsx")["table"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == rows[0] and values[1] == rows[1]
    assert values[2] == ["r2", -3, 0.25, "-3", "'  =1+1", "mailto:a@example.org"]
    assert_plain_book(folders.tables / "table.xlsx")


def test_responses_xlsx_holds_no_formula_and_no_link(folders: Folders) -> None:
    assert_plain_book(folders.with_bom / "responses.xlsx")
    sheet = openpyxl.load_workbook(folders.with_bom / "responses.xlsx")["responses"]
    as_csv = csv_cells(folders.with_bom / "responses.csv")
    shown = [["" if c.value is None else str(c.value) for c in row] for row in sheet.iter_rows()]
    assert shown == as_csv  # the same table, cell for cell


def assert_plain_book(path: Path) -> None:
    """No formula, no hyperlink, only text and numbers in any cell of any sheet."""
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        assert not sheet._hyperlinks, (path.name, sheet.title)
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.hyperlink is None, (path.name, cell.coordinate)
                assert cell.data_type in ("s", "n"), (path.name, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not formula_like(cell.value), (path.name, cell.coordinate)


# ------------------------------------------------------------- LibreOffice, headless


def soffice() -> str:
    """LibreOffice's command, or skip (outside CI) / fail (in CI) saying why."""
    return need("libreoffice-calc-nogui", "soffice", "libreoffice")


def convert(files: Sequence[Path], out: Path, profile: Path, infilter: str | None = None) -> None:
    """Convert `files` to XLSX in `out` with one headless LibreOffice run.

    A fresh profile folder per run, so no other LibreOffice takes the job over; the run
    is waited for (bounded: past the timeout its process group, and only that, is
    killed), then every converted file must be there.
    """
    command = [
        soffice(),
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        *([f"--infilter={infilter}"] if infilter else []),
        "--convert-to",
        "xlsx",
        "--outdir",
        str(out),
        *map(str, files),
    ]
    with subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "HOME": str(profile.parent)},
        start_new_session=True,  # soffice starts helpers: one group to end on a timeout
    ) as process:
        try:
            _, stderr = process.communicate(timeout=SOFFICE_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"soffice did not finish within {SOFFICE_TIMEOUT} s: {command}")
    missing = [f.name for f in files if not (out / f"{f.stem}.xlsx").is_file()]
    assert process.returncode == 0 and not missing, (process.returncode, missing, stderr)


@dataclass(frozen=True)
class Converted:
    default: Path  # no filter options: what `soffice --convert-to` does by itself
    utf8_bom: Path  # character set UTF-8, files with the byte-order mark
    utf8_plain: Path  # character set UTF-8, files without it (--no-bom)
    tables: Path  # character set UTF-8, the writer's own hostile table


CONTROL = "control.csv"  # the hostile texts written as they are, not neutralised


@pytest.fixture(scope="module")
def converted(folders: Folders, tmp_path_factory: pytest.TempPathFactory) -> Converted:
    command = soffice()  # skip or fail before any work
    assert command
    root = tmp_path_factory.mktemp("libreoffice")
    control = root / CONTROL
    with open(control, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["text"], *([t] for t in HOSTILE)])
    book = root / "book.xlsx"  # responses.xlsx, renamed so as not to meet responses.csv
    shutil.copyfile(folders.with_bom / "responses.xlsx", book)
    result = Converted(*(root / n for n in ("default", "utf8-bom", "utf8-plain", "tables")))
    runs = [
        (result.default, [*(folders.with_bom / n for n in CSV_FILES), control, book], None),
        (result.utf8_bom, [*(folders.with_bom / n for n in CSV_FILES), control], UTF8_IMPORT),
        (result.utf8_plain, [folders.without_bom / n for n in CSV_FILES], UTF8_IMPORT),
        (result.tables, [folders.tables / "table.csv"], UTF8_IMPORT),
    ]
    for number, (out, files, infilter) in enumerate(runs):  # one soffice at a time
        convert(files, out, root / f"profile-{number}", infilter)
    return result


def as_text(value: object) -> str:
    """A cell's value as text: LibreOffice reads the plain number `-3` as a number."""
    return value if isinstance(value, str) else f"{value:g}"


def sheet_values(path: Path) -> Iterator[tuple[str, object, str]]:
    """(coordinate, value, data type) of every cell of the first sheet."""
    for row in openpyxl.load_workbook(path).worksheets[0].iter_rows():
        for cell in row:
            yield cell.coordinate, cell.value, cell.data_type


@pytest.mark.timeout(4 * SOFFICE_TIMEOUT)
def test_libreoffice_would_run_an_unneutralised_formula(converted: Converted) -> None:
    cells = {
        coordinate: (value, kind)
        for coordinate, value, kind in sheet_values(converted.default / "control.xlsx")
    }
    # the control: the same texts without the quote; `=` at the start is a live formula
    assert cells["A2"] == ('=HYPERLINK("http://x","y")', "f")
    assert [coordinate for coordinate, (_, kind) in cells.items() if kind == "f"] == ["A2"]


@pytest.mark.timeout(4 * SOFFICE_TIMEOUT)
@pytest.mark.parametrize("mode", ["default", "utf8_bom", "utf8_plain"])
def test_libreoffice_finds_no_formula_in_any_csv_file(converted: Converted, mode: str) -> None:
    folder: Path = getattr(converted, mode)
    for name in CSV_FILES:
        for coordinate, value, kind in sheet_values(folder / name.replace(".csv", ".xlsx")):
            assert kind != "f", (mode, name, coordinate, value)
            assert not (isinstance(value, str) and value.startswith("=")), (name, coordinate)


@pytest.mark.timeout(4 * SOFFICE_TIMEOUT)
@pytest.mark.parametrize("mode", ["utf8_bom", "utf8_plain"])
def test_libreoffice_shows_each_text_with_its_quote_and_letters_intact(
    converted: Converted, folders: Folders, mode: str
) -> None:
    folder: Path = getattr(converted, mode)
    for name in ("free_text.csv", "free_text_seminar.csv"):
        sheet = openpyxl.load_workbook(folder / name.replace(".csv", ".xlsx")).worksheets[0]
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        header = rows[0]
        assert header == csv_cells(folders.with_bom / name)[0]  # no mark in the first cell
        shown = sorted(as_text(row[header.index("text")]) for row in rows[1:])
        # every cell as written, the added quote shown: LibreOffice keeps it as text
        assert shown == sorted(written(text) for text in TEXTS), (mode, name)
        assert "Det var godt, tak. Æbler og øl på bordet." in shown
        assert "'＝1+1" in shown


@pytest.mark.timeout(4 * SOFFICE_TIMEOUT)
def test_libreoffice_default_import_keeps_every_ascii_text_as_written(
    converted: Converted,
) -> None:
    # Without options LibreOffice 7.4 reads Windows-1252, so only the ASCII texts are
    # compared here; the texts are plain text, the added quote shown.
    sheet = openpyxl.load_workbook(converted.default / "free_text.xlsx").worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    shown = {row[-1] for row in rows[1:]}
    ascii_texts = {written(t) for t in HOSTILE if t.isascii()}
    assert ascii_texts <= shown
    assert all(isinstance(value, str) for value in shown & ascii_texts)


@pytest.mark.timeout(4 * SOFFICE_TIMEOUT)
def test_libreoffice_opens_responses_xlsx_without_formula_or_link(
    converted: Converted, folders: Folders
) -> None:
    assert_plain_book(converted.default / "book.xlsx")
    before = openpyxl.load_workbook(folders.with_bom / "responses.xlsx").worksheets[0]
    after = openpyxl.load_workbook(converted.default / "book.xlsx").worksheets[0]
    assert [[c.value for c in r] for r in after.iter_rows()] == [
        [c.value for c in r] for r in before.iter_rows()
    ]


@pytest.mark.timeout(4 * SOFFICE_TIMEOUT)
def test_libreoffice_reads_the_writers_hostile_headers_and_values_as_text(
    converted: Converted, folders: Folders
) -> None:
    cells = list(sheet_values(converted.tables / "table.xlsx"))
    assert not [c for c in cells if c[2] == "f"]
    values = {coordinate: value for coordinate, value, _ in cells}
    assert [values[f"{col}1"] for col in "ABCDEF"] == [neutralised(t) for t in HOSTILE_HEADER]
    assert values["B2"] == "'=1+1" and values["E3"] == "'  =1+1"
    assert values["B3"] == -3 and values["C3"] == 0.25  # plain numbers stay numbers
