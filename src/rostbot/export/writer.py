"""Writing the export folder's files durably: temp file, fsync, rename, fsync the folder.

A reader (or a crash) never sees half a file: each file appears whole under its name
or keeps its previous content. Rows are streamed; nothing here holds a whole table.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import xlsxwriter  # type: ignore[import-untyped]


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


def write_csv(
    folder: Path, name: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    """Write a CSV file (UTF-8, RFC 4180); returns the number of data rows."""
    count = 0
    with durable(folder, name) as path, open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def write_xlsx(
    folder: Path, name: str, sheet: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    """Write one sheet, row by row (xlsxwriter's constant-memory mode)."""
    count = 0
    with durable(folder, name) as path:
        book = xlsxwriter.Workbook(
            str(path), {"constant_memory": True, "strings_to_numbers": False}
        )
        bold = book.add_format({"bold": True})
        table = book.add_worksheet(sheet)
        table.write_row(0, 0, header, bold)
        table.freeze_panes(1, 1)
        plain = table.write_string
        for count, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                if value in ("", None):
                    continue
                # write() guesses each string's kind (formula, URL); a string that cannot be
                # either is written straight away, as write() would, at half the cost
                if type(value) is str and ":" not in value and value[0] not in "={":
                    plain(count, column, value)
                else:
                    table.write(count, column, value)
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
