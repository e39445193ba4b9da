"""Reading an export folder (see docs/export.md) after checking it against its manifest.

The seminar report is published, so it reads only the files the export marks as
publishable (`"share": "publish"` in `manifest.json`): counts.csv, codebook.csv,
free_text_seminar.csv and indicators.csv. The analysts' working files (responses.csv,
free_text.csv, responses.xlsx: pseudonymised row-level data) are never opened.

This module owns the step from those files to typed rows:

* every file the report reads must be listed in `manifest.json` with a SHA-256 and
  marked `publish`, and its bytes must match the SHA-256; a missing, unlisted, changed
  or unpublishable file stops the report;
* each file is read once into memory, checked, and parsed from those same bytes, so
  what is checked is what is shown;
* the CSV files are parsed with the `csv` module; a missing column, a value of the
  wrong kind or a hidden count that still carries a number is reported with the file
  and line;
* the files are UTF-8, with or without a byte-order mark; a cell the export neutralised
  for spreadsheets (a quote put in front of text that could pass for a formula) is read
  as the text it was, with that one quote taken off (`spreadsheet_cells.original`).

Everything that can be wrong with a folder is raised as `ExportFolderError`, whose
message is one line for the analyst.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rostbot.core.spreadsheet_cells import original
from rostbot.report.errors import ReportError

FORMAT = "rostbot-export/1"
MANIFEST = "manifest.json"
COUNTS = "counts.csv"
CODEBOOK = "codebook.csv"
FREE_TEXT = "free_text_seminar.csv"
INDICATORS = "indicators.csv"
PUBLISH = "publish"  # the manifest's mark for a file that may leave the analysts' team
ALL = "*"  # a margin: every unit, or every provider
PERIOD_TYPES: tuple[str, ...] = ("month", "quarter", "year", "all")  # all: cohorts, waves
MAX_FILE_BYTES = 1_000_000_000  # far beyond a real export; stops a wrong folder early

TOTAL = "all"  # counts.csv: the breakdown that holds a flow's number of responses
BREAKDOWNS: tuple[str, ...] = (TOTAL, "status", "lang", "flow_version")

COUNT_COLUMNS = ("flow_id", "breakdown", "value", "n", "suppressed")
CODEBOOK_COLUMNS = (
    "flow_id",
    "question_id",
    "type",
    "indicator",
    "code",
    "label_sv",
    "label_da",
    "positive",
    "question_sv",
    "question_da",
)
FREE_TEXT_COLUMNS = ("flow_id", "question_id", "lang", "text")
INDICATOR_COLUMNS = (
    "flow_id",
    "indicator",
    "unit",
    "provider",
    "period_type",
    "period",
    "n",
    "positive_share",
    "mean",
    "suppressed",
)


class ExportFolderError(ReportError):
    """The export folder is missing, changed or malformed; one line for the analyst."""


@dataclass(frozen=True)
class CountRow:
    """One row of counts.csv; a suppressed row carries no n (and a hidden breakdown no value).

    `breakdown` is `all` (the flow's number of responses, no value), `status`, `lang` or
    `flow_version`. A hidden breakdown is one suppressed row that names no value.
    """

    flow_id: str
    breakdown: str
    value: str
    n: int | None
    suppressed: bool
    line: int


@dataclass(frozen=True)
class CodebookRow:
    """One answer code of a question (a `text` question has one row, without a code)."""

    flow_id: str
    question_id: str
    type: str
    indicator: str
    code: str
    label_sv: str
    label_da: str
    positive: str
    question_sv: str
    question_da: str

    def question(self, lang: str) -> str:
        return self.question_da if lang == "da" else self.question_sv


@dataclass(frozen=True)
class FreeTextAnswer:
    """One scrubbed free-text answer, as published: no response id, no month."""

    flow_id: str
    question_id: str
    lang: str
    text: str


@dataclass(frozen=True)
class IndicatorCell:
    """One row of indicators.csv; a suppressed cell carries no n, share or mean."""

    flow_id: str
    indicator: str
    unit: str
    provider: str
    period_type: str
    period: str
    n: int | None
    positive_share: float | None
    mean: float | None
    suppressed: bool
    line: int
    # A cohort's or a wave's cell for all time (period_type `all`), else both `*`;
    # exports made before cohorts and waves have neither column.
    cohort: str = ALL
    wave: str = ALL


@dataclass(frozen=True)
class ExportFolder:
    """Everything the report reads from one export, checked against the manifest."""

    manifest: Mapping[str, Any]
    counts: list[CountRow]
    codebook: list[CodebookRow]
    free_text: list[FreeTextAnswer]
    indicators: list[IndicatorCell]

    @property
    def min_group(self) -> int | None:
        """The suppression threshold the export used, if it recorded one."""
        value = self.manifest.get("min_group")
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        return None

    @property
    def software(self) -> str | None:
        """The program that wrote the export, e.g. "rostbot 0.1.0"."""
        value = self.manifest.get("software")
        return value if isinstance(value, str) and value else None


def read_export_folder(directory: Path) -> ExportFolder:
    """Check every file against the manifest, then parse them."""
    if not directory.is_dir():
        raise ExportFolderError(f"{directory} is not a folder")
    manifest = _read_manifest(directory)
    digests = _manifest_digests(manifest)
    texts = {
        name: _read_checked(directory, name, digests)
        for name in (COUNTS, CODEBOOK, FREE_TEXT, INDICATORS)
    }
    counts = [
        _count_row(row, line) for line, row in _numbered_rows(COUNTS, texts[COUNTS], COUNT_COLUMNS)
    ]
    _check_counts(counts)
    return ExportFolder(
        manifest=manifest,
        counts=counts,
        codebook=[_codebook(row) for row in _rows(CODEBOOK, texts[CODEBOOK], CODEBOOK_COLUMNS)],
        free_text=[
            _free_text(row) for row in _rows(FREE_TEXT, texts[FREE_TEXT], FREE_TEXT_COLUMNS)
        ],
        indicators=[
            _indicator(row, line)
            for line, row in _numbered_rows(INDICATORS, texts[INDICATORS], INDICATOR_COLUMNS)
        ],
    )


def _read_manifest(directory: Path) -> Mapping[str, Any]:
    path = directory / MANIFEST
    try:
        raw = _read_bytes(path)
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ExportFolderError(f"{path} is not valid JSON; export again") from None
    if not isinstance(manifest, dict):
        raise ExportFolderError(f"{path} is not a manifest (expected a JSON object)")
    if manifest.get("format") != FORMAT:
        shown = str(manifest.get("format"))[:40]
        raise ExportFolderError(f"{path} has format {shown!r}; this rostbot reads {FORMAT}")
    return manifest


@dataclass(frozen=True)
class _Listed:
    """What the manifest says about one file."""

    sha256: str
    share: object


def _manifest_digests(manifest: Mapping[str, Any]) -> dict[str, _Listed]:
    """File name -> SHA-256 and sharing, from `files`: {name: {"sha256", "bytes", "share"}}."""
    files = manifest.get("files")
    if not isinstance(files, Mapping):
        raise ExportFolderError(f"{MANIFEST} lists no files; export again")
    return {
        name: _Listed(entry["sha256"].strip().lower(), entry.get("share"))
        for name, entry in files.items()
        if isinstance(name, str)
        and isinstance(entry, Mapping)
        and isinstance(entry.get("sha256"), str)
    }


def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ExportFolderError(f"{path} is too large to be an export file")
        return path.read_bytes()
    except FileNotFoundError:
        raise ExportFolderError(f"{path} is missing; is this an export folder?") from None
    except IsADirectoryError:
        raise ExportFolderError(f"{path} is a folder, not a file") from None
    except OSError as exc:
        raise ExportFolderError(f"cannot read {path}: {exc.strerror}") from None


def _read_checked(directory: Path, name: str, digests: Mapping[str, _Listed]) -> str:
    listed = digests.get(name)
    if listed is None:
        raise ExportFolderError(f"{MANIFEST} lists no SHA-256 for {name}; export again")
    if listed.share != PUBLISH:
        # The report is published: it is made only from files the export marks as such.
        raise ExportFolderError(
            f"{MANIFEST} does not mark {name} as a file to publish (share {PUBLISH!r}); "
            "the report reads only files to publish; export again"
        )
    raw = _read_bytes(directory / name)
    if hashlib.sha256(raw).hexdigest() != listed.sha256:
        raise ExportFolderError(
            f"{name} does not match its SHA-256 in {MANIFEST}: it was changed or damaged "
            "after the export; export again"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExportFolderError(f"{name} is not UTF-8 text") from None


def _numbered_rows(
    name: str, text: str, columns: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
        missing = [column for column in columns if column not in header]
        if missing:
            raise ExportFolderError(f"{name} lacks the column(s) {', '.join(missing)}")
        for row in reader:
            if None in row or any(value is None for value in row.values()):
                raise ExportFolderError(
                    f"{name} line {reader.line_num}: the row does not have "
                    f"{len(header)} fields like the header"
                )
            yield reader.line_num, {column: original(value) for column, value in row.items()}
    except csv.Error as exc:
        raise ExportFolderError(f"{name} line {reader.line_num}: {exc}") from None


def _rows(name: str, text: str, columns: tuple[str, ...]) -> Iterator[dict[str, str]]:
    for _line, row in _numbered_rows(name, text, columns):
        yield row


def _count_row(row: dict[str, str], line: int) -> CountRow:
    where = f"{COUNTS} line {line}"
    if row["breakdown"] not in BREAKDOWNS:
        raise ExportFolderError(f"{where}: breakdown must be one of {', '.join(BREAKDOWNS)}")
    suppressed = row["suppressed"].strip().lower()
    if suppressed not in ("true", "false"):
        raise ExportFolderError(f"{where}: suppressed must be true or false")
    counted = CountRow(
        flow_id=row["flow_id"],
        breakdown=row["breakdown"],
        value=row["value"],
        n=_count(row["n"], where),
        suppressed=suppressed == "true",
        line=line,
    )
    if counted.suppressed and counted.n is not None:
        # A hidden count that still carries its number would leak it into the report.
        raise ExportFolderError(f"{where}: a suppressed row must leave n empty")
    if counted.suppressed and counted.value:
        # Even naming a value of a hidden breakdown says that someone had it.
        raise ExportFolderError(f"{where}: a suppressed row must leave value empty")
    if not counted.suppressed and counted.n is None:
        raise ExportFolderError(f"{where}: a row that is not suppressed needs n")
    if counted.breakdown == TOTAL and counted.value:
        raise ExportFolderError(f"{where}: the row of breakdown {TOTAL} has no value")
    return counted


def _check_counts(rows: list[CountRow]) -> None:
    """Per flow: one `all` row; each breakdown hidden in one row, or shown value by value.

    A hidden total beside a shown breakdown is refused: the parts would add up to it.
    """
    groups: dict[tuple[str, str], list[CountRow]] = defaultdict(list)
    for row in rows:
        group = groups[(row.flow_id, row.breakdown)]
        if group and (row.suppressed or group[0].suppressed):
            hiding = row if row.suppressed else group[0]
            raise ExportFolderError(
                f"{COUNTS} line {row.line}: breakdown {row.breakdown} of {row.flow_id} is "
                f"hidden on line {hiding.line}, so it must have no other row"
            )
        for other in group:
            if other.value == row.value:
                raise ExportFolderError(f"{COUNTS} line {row.line}: repeats line {other.line}")
        group.append(row)
    for (flow_id, breakdown), group in groups.items():
        totals = groups.get((flow_id, TOTAL))
        if not totals:
            raise ExportFolderError(
                f"{COUNTS} line {group[0].line}: {flow_id} has no row of breakdown {TOTAL}"
            )
        if totals[0].suppressed and not group[0].suppressed:
            raise ExportFolderError(
                f"{COUNTS} line {group[0].line}: {flow_id} hides its number of responses, "
                f"so its breakdown {breakdown} must be hidden too"
            )


def _codebook(row: dict[str, str]) -> CodebookRow:
    return CodebookRow(*(row[column] for column in CODEBOOK_COLUMNS))


def _free_text(row: dict[str, str]) -> FreeTextAnswer:
    return FreeTextAnswer(
        flow_id=row["flow_id"],
        question_id=row["question_id"],
        lang=row["lang"],
        text=row["text"],
    )


def _indicator(row: dict[str, str], line: int) -> IndicatorCell:
    where = f"{INDICATORS} line {line}"
    suppressed = row["suppressed"].strip().lower()
    if suppressed not in ("true", "false"):
        raise ExportFolderError(f"{where}: suppressed must be true or false")
    if row["period_type"] not in PERIOD_TYPES:
        raise ExportFolderError(f"{where}: period_type must be one of {', '.join(PERIOD_TYPES)}")
    cell = IndicatorCell(
        flow_id=row["flow_id"],
        indicator=row["indicator"],
        unit=row["unit"],
        provider=row["provider"],
        period_type=row["period_type"],
        period=row["period"],
        n=_count(row["n"], where),
        positive_share=_number(row["positive_share"], "positive_share", where),
        mean=_number(row["mean"], "mean", where),
        suppressed=suppressed == "true",
        line=line,
        cohort=row.get("cohort", ALL),
        wave=row.get("wave", ALL),
    )
    if (cell.period_type == "all") != (cell.cohort != ALL):
        raise ExportFolderError(f"{where}: only a cohort's or a wave's cell has period_type all")
    if cell.suppressed and (cell.n, cell.positive_share, cell.mean) != (None, None, None):
        # A hidden cell that still carries its numbers would leak them into the report.
        raise ExportFolderError(f"{where}: a suppressed cell must leave n, share and mean empty")
    if not cell.suppressed and cell.n is None:
        raise ExportFolderError(f"{where}: a cell that is not suppressed needs n")
    if cell.positive_share is not None and not 0.0 <= cell.positive_share <= 1.0:
        raise ExportFolderError(f"{where}: positive_share must be between 0 and 1")
    return cell


def _count(raw: str, where: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ExportFolderError(f"{where}: n must be a whole number, not {raw[:20]!r}")
    return int(raw)


def _number(raw: str, column: str, where: str) -> float | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ExportFolderError(f"{where}: {column} must be a number, not {raw[:20]!r}") from None
    if not math.isfinite(value):
        raise ExportFolderError(f"{where}: {column} must be a finite number")
    return value
