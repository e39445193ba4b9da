"""Writing the export folder's files durably: temp file, fsync, rename, fsync the folder.

A reader (or a crash) never sees half a file: each file appears whole under its name
or keeps its previous content. Rows are streamed; nothing here holds a whole table.

Every cell of every CSV and XLSX file, the header included, passes through
`neutralised` here, so no file can forget it: a text a spreadsheet could take for a
formula gets a single quote in front (see rostbot.core.spreadsheet_cells). CSV files
are UTF-8 with a byte-order mark unless asked not to (Excel needs it to read UTF-8 when
a file is opened by double-click); XLSX cells are written as strings or numbers, never
guessed, so no cell becomes a formula or a link.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import xlsxwriter  # type: ignore[import-untyped]

from rostbot.core.spreadsheet_cells import neutralised

BOM_ENCODING = "utf-8-sig"  # UTF-8 with a byte-order mark, for spreadsheets
PLAIN_ENCODING = "utf-8"


class OutputError(Exception):
    """The export folder cannot be written; one line for the analyst."""


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def durable(folder: Path, name: str) -> Iterator[Path]:
    """Yield a temporary path; on success it is synced and renamed to `name`."""
    final = folder / name
    temporary = folder / f".{name}.tmp"
    try:
        yield temporary
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, final)
        _fsync_folder(folder)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise OutputError(f"cannot write {final}: {exc.strerror or exc}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def cell_text(value: object) -> str:
    """A value as the text of a cell, neutralised: empty for None."""
    return neutralised("" if value is None else str(value))


def write_csv(
    folder: Path,
    name: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    bom: bool = True,
) -> int:
    """Write a CSV file (UTF-8, RFC 4180, every cell neutralised); returns the data rows.

    With `bom` the file begins with a UTF-8 byte-order mark.
    """
    count = 0
    encoding = BOM_ENCODING if bom else PLAIN_ENCODING
    with durable(folder, name) as path, open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([cell_text(value) for value in header])
        for row in rows:
            writer.writerow([cell_text(value) for value in row])
            count += 1
    return count


def _is_number(value: object) -> bool:
    """A finite Python int or float (not a bool): a number in a spreadsheet too."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value)


# Nothing a string holds is turned into anything else: not a formula, a link or a number.
XLSX_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def write_xlsx(
    folder: Path, name: str, sheet: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    """Write one sheet, row by row (xlsxwriter's constant-memory mode).

    A Python int or float is written as a number; everything else as a string,
    neutralised as in the CSV files. Empty values leave the cell empty.
    """
    count = 0
    with durable(folder, name) as path:
        book = xlsxwriter.Workbook(str(path), XLSX_OPTIONS)
        bold = book.add_format({"bold": True})
        table = book.add_worksheet(sheet)
        text, number = table.write_string, table.write_number
        for column, title in enumerate(header):
            text(0, column, cell_text(title), bold)
        table.freeze_panes(1, 1)
        for count, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                if value is None or value == "":
                    continue
                if _is_number(value):
                    number(count, column, value)
                else:
                    text(count, column, cell_text(value))
        book.close()
    return count


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(folder: Path, manifest: dict[str, object], files: Mapping[str, str]) -> None:
    """manifest.json with the SHA-256, size and sharing of every file named, written last."""
    manifest["files"] = {
        name: {
            "sha256": sha256_of(folder / name),
            "bytes": (folder / name).stat().st_size,
            "share": share,
        }
        for name, share in files.items()
    }
    with durable(folder, "manifest.json") as path:
        path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
