"""Export receipts: what an export of a *copy* took in, for the bot host to mark as exported.

An analyst handed a copy of the bot's database exports it with `--receipt FILE`; the
host's operator runs `rostbot acknowledge FILE`, which marks those records as exported
in the live database, so that the retention job deletes them after the grace period as
it does for records exported from the live file.

A receipt holds record ids only: random ids the bot database already holds next to the
sealed blobs. It says nothing about any person or answer. The format (UTF-8 text):

    rostbot-export-receipt 1
    exported-on 2026-11-23
    <record id>            one per line, each in the export folder
    ...
    end <count> <sha256>   count of record ids; SHA-256 (hex) of every line above

The last line makes a cut-off or edited receipt fail as a whole, with one line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from rostbot.export.writer import durable

HEADER = "rostbot-export-receipt 1"
RECORD_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_BYTES = 200 * 1024 * 1024  # far beyond a year of answers; refuses a wrong file early


class ReceiptError(Exception):
    """The receipt cannot be written or used; one line."""


def write_receipt(folder: Path, name: str, today: str, record_ids: Iterable[str]) -> int:
    """Write the receipt durably (temp file, fsync, rename); returns the number of ids."""
    digest = hashlib.sha256()
    count = 0
    with durable(folder, name) as path, open(path, "w", encoding="utf-8", newline="\n") as out:
        for line in (HEADER, f"exported-on {today}"):
            out.write(line + "\n")
            digest.update((line + "\n").encode())
        for record_id in record_ids:
            out.write(record_id + "\n")
            digest.update((record_id + "\n").encode())
            count += 1
        out.write(f"end {count} {digest.hexdigest()}\n")
    return count


def read_receipt(path: Path) -> tuple[str, list[str]]:
    """The export day and the record ids of a receipt, checked whole."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ReceiptError(f"{path} is too large to be an export receipt")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReceiptError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ReceiptError(f"{path} is not an export receipt (not UTF-8 text)") from None
    lines = text.split("\n")
    if not lines or lines[0] != HEADER:
        raise ReceiptError(f"{path} is not an export receipt (first line is not {HEADER!r})")
    if lines[-1] != "" or len(lines) < 4:
        raise ReceiptError(f"{path} is cut off: no end line")
    *body, end = lines[:-1]
    parts = end.split(" ")
    if len(parts) != 3 or parts[0] != "end" or not parts[1].isdigit():
        raise ReceiptError(f"{path} is cut off: no end line")
    digest = hashlib.sha256("".join(line + "\n" for line in body).encode()).hexdigest()
    if parts[2] != digest:
        raise ReceiptError(f"{path} was changed or damaged (its checksum does not match)")
    day_line, ids = body[1], body[2:]
    if not day_line.startswith("exported-on ") or not DAY.fullmatch(day_line[12:]):
        raise ReceiptError(f"{path}: line 2 should be 'exported-on YYYY-MM-DD'")
    if int(parts[1]) != len(ids):
        raise ReceiptError(f"{path} was changed or damaged (it counts {parts[1]} records)")
    for number, record_id in enumerate(ids, start=3):
        if not RECORD_ID.fullmatch(record_id):
            raise ReceiptError(f"{path}: line {number} is not a record id")
    return day_line[12:], ids
