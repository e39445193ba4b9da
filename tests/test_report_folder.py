"""The export folder the report reads: a builder for crafted folders, and how the
report refuses a folder that is incomplete, changed after the export, or malformed.

`write_export_folder` writes a small folder in the contract of docs/export.md (two
flows, three units, two providers and "no provider", suppressed cells, a month
without answers, response counts with a hidden breakdown, free text with scrubbed
parts and a question with too few writers), with a manifest holding the SHA-256 and
sharing of every file. Beside the files to publish it writes the analysts' working
files, which the report must never need. Other report tests build on it, so they do
not depend on the exporter.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from rostbot.report.export_folder import (
    CODEBOOK_COLUMNS,
    COUNT_COLUMNS,
    FREE_TEXT_COLUMNS,
    INDICATOR_COLUMNS,
    ExportFolderError,
    read_export_folder,
)

INCOME = "income_support_followup"
MEETING = "meeting_feedback"
# The analysts' working files: row-level, never published, never read by the report.
ANALYSTS_RESPONSE_COLUMNS = ["response", "flow_id", "flow_version", "lang", "unit", "month"]
ANALYSTS_FREE_TEXT_COLUMNS = ["response", "flow_id", "question_id", "lang", "month", "text"]
ANALYSTS_ONLY = "Bara för analytikerna"  # a text that must never reach the report

Row = dict[str, str]


def cell(
    flow: str,
    indicator: str,
    unit: str,
    provider: str,
    period_type: str,
    period: str,
    n: int | None = None,
    share: float | None = None,
    mean: float | None = None,
) -> Row:
    """One indicators.csv row; no n means a suppressed cell."""
    return {
        "flow_id": flow,
        "indicator": indicator,
        "unit": unit,
        "provider": provider,
        "period_type": period_type,
        "period": period,
        "n": "" if n is None else str(n),
        "positive_share": "" if share is None else repr(share),
        "mean": "" if mean is None else repr(mean),
        "suppressed": "true" if n is None else "false",
    }


def _indicator_rows() -> list[Row]:
    information = [
        cell(INCOME, "information", "*", "*", "year", "2026", 40, 0.65),
        cell(INCOME, "information", "norr", "*", "year", "2026", 20, 0.7),
        cell(INCOME, "information", "soder", "*", "year", "2026"),  # complementary
        cell(INCOME, "information", "vaster", "*", "year", "2026"),  # n = 3
        cell(INCOME, "information", "*", "hvb-1", "year", "2026", 22, 0.68),
        cell(INCOME, "information", "*", "hvb-2", "year", "2026"),  # complementary
        cell(INCOME, "information", "*", "", "year", "2026"),  # n = 3
        cell(INCOME, "information", "*", "*", "month", "2026-01", 15, 0.6),
        cell(INCOME, "information", "*", "*", "month", "2026-02", 12, 0.75),
        # no row for 2026-03: nobody answered that month
        cell(INCOME, "information", "*", "*", "month", "2026-04"),
        cell(INCOME, "information", "*", "*", "month", "2026-05"),
        cell(INCOME, "information", "*", "*", "quarter", "2026-Q1", 27, 0.67),
        cell(INCOME, "information", "*", "*", "quarter", "2026-Q2", 13, 0.62),
    ]
    overall = [
        cell(INCOME, "overall", "*", "*", "year", "2026", 38, 0.55, 6.4),
        cell(INCOME, "overall", "norr", "*", "year", "2026", 19, 0.58, 6.8),
        cell(INCOME, "overall", "soder", "*", "year", "2026", 14, 0.5, 5.9),
        cell(INCOME, "overall", "vaster", "*", "year", "2026", 5, 0.6, 6.2),
        cell(INCOME, "overall", "*", "*", "month", "2026-01", 14, 0.5, 6.0),
        cell(INCOME, "overall", "*", "*", "month", "2026-02", 12, 0.58, 6.5),
        cell(INCOME, "overall", "*", "*", "month", "2026-04", 7, 0.57, 6.6),
        cell(INCOME, "overall", "*", "*", "month", "2026-05", 5, 0.6, 6.8),
    ]
    income_now = [
        cell(INCOME, "custom:income_now", "*", "*", "year", "2026", 36),
        cell(INCOME, "custom:income_now", "norr", "*", "year", "2026", 18),
        cell(INCOME, "custom:income_now", "soder", "*", "year", "2026"),
        cell(INCOME, "custom:income_now", "vaster", "*", "year", "2026"),
    ]
    meeting = [
        cell(MEETING, "treatment", "*", "*", "year", "2026", 9, 0.89),
        cell(MEETING, "treatment", "frukost", "*", "year", "2026", 9, 0.89),
        cell(MEETING, "treatment", "*", "*", "month", "2026-02"),
        cell(MEETING, "treatment", "*", "*", "month", "2026-03"),  # complementary
    ]
    return information + overall + income_now + meeting


QUESTIONS = [  # (flow, question, type, indicator, question_sv, question_da, codes)
    (INCOME, "info_clear", "scale", "information", "Fick du veta vad du kunde få hjälp med?",
     "Fik du at vide, hvad du kunne få hjælp til?", ["fully", "mostly", "little"]),
    (INCOME, "income_now", "choice", "custom:income_now", "Hur försörjer du dig nu?",
     "Hvad lever du af nu?", ["job", "study"]),
    (INCOME, "overall", "rating_0_10", "overall", "Hur nöjd är du, allt som allt?",
     "Hvor tilfreds er du, alt i alt?", [str(n) for n in range(11)]),
    (INCOME, "what_better", "text", "overall", "Vad kunde vi ha gjort bättre?",
     "Hvad kunne vi have gjort bedre?", [""]),
    (MEETING, "listened", "scale", "treatment", "Lyssnade vi på dig på mötet?",
     "Lyttede vi til dig på mødet?", ["always", "mostly", "rarely"]),
    (MEETING, "comment", "text", "overall", "Vill du säga något mer om mötet?",
     "Vil du sige mere om mødet?", [""]),
]  # fmt: skip


def _codebook_rows() -> list[Row]:
    """One row per code, as docs/export.md describes; a text question has one, without."""
    rows = []
    for flow, question, kind, indicator, question_sv, question_da, codes in QUESTIONS:
        for code in codes:
            values = {
                "flow_id": flow,
                "question_id": question,
                "type": kind,
                "indicator": indicator,
                "code": code,
                "label_sv": f"{code} (sv)" if code else "",
                "label_da": f"{code} (da)" if code else "",
                "positive": "true" if code in ("fully", "mostly", "always") else "false",
                "question_sv": question_sv,
                "question_da": question_da,
            }
            rows.append(values)
    return rows


# free_text_seminar.csv: (flow, question, lang, text), ordered by flow, question, text.
# Five people wrote to what_better (shown, as min_group is 5); fewer wrote to the
# meeting's comment question, so it has no rows.
FREE_TEXT = [
    (INCOME, "what_better", "sv", "Bra bemötande! <script>alert(1)</script> & mer"),
    (INCOME, "what_better", "da", "Min sagsbehandler [navn] var god."),
    (INCOME, "what_better", "sv", "Ring mig inte på [telefonnummer] igen."),
    (INCOME, "what_better", "da", "Svar hurtigere på mails."),
    (INCOME, "what_better", "sv", "Svara snabbare i telefon."),
]


def count(flow: str, breakdown: str, value: str = "", n: int | None = None) -> Row:
    """One counts.csv row; no n means a hidden count (and then no value is named)."""
    return {
        "flow_id": flow,
        "breakdown": breakdown,
        "value": value,
        "n": "" if n is None else str(n),
        "suppressed": "true" if n is None else "false",
    }


def _count_rows() -> list[Row]:
    return [
        count(INCOME, "all", n=40),
        count(INCOME, "status", "complete", 35),
        count(INCOME, "status", "partial", 5),
        count(INCOME, "lang", "sv", 32),
        count(INCOME, "lang", "da", 8),
        count(INCOME, "flow_version", "1", 28),
        count(INCOME, "flow_version", "2", 12),
        count(MEETING, "all", n=9),
        count(MEETING, "status", "complete", 9),
        count(MEETING, "lang"),  # 7 in Swedish and 2 in Danish: hidden
        count(MEETING, "flow_version", "1", 9),
    ]


def hide_counts(spec: ExportSpec, flow: str, *breakdowns: str) -> None:
    """Hide breakdowns of a flow (or, with `all`, everything) the way the export does."""
    if "all" in breakdowns:
        breakdowns = ("all", "status", "lang", "flow_version")
    rows = [r for r in spec.counts if r["flow_id"] != flow or r["breakdown"] not in breakdowns]
    rows += [count(flow, breakdown) for breakdown in breakdowns]
    order = ("all", "status", "lang", "flow_version")
    spec.counts = sorted(rows, key=lambda r: (r["flow_id"], order.index(r["breakdown"])))


def _csv(columns: Iterable[str], rows: Iterable[Mapping[str, str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _analysts_files() -> dict[str, bytes]:
    """A stand-in for responses.csv and free_text.csv: row-level, for analysts only."""
    responses = [
        dict(zip(ANALYSTS_RESPONSE_COLUMNS, values, strict=True))
        for values in [
            ("r0001", INCOME, "1", "sv", "norr", "2026-01"),
            ("r0002", MEETING, "1", "da", "frukost", "2026-03"),
        ]
    ]
    free_text = [
        dict(zip(ANALYSTS_FREE_TEXT_COLUMNS, values, strict=True))
        for values in [("r0002", MEETING, "comment", "da", "2026-03", ANALYSTS_ONLY)]
    ]
    return {
        "responses.csv": _csv(ANALYSTS_RESPONSE_COLUMNS, responses),
        "free_text.csv": _csv(ANALYSTS_FREE_TEXT_COLUMNS, free_text),
    }


@dataclass
class ExportSpec:
    """What goes into a crafted folder; tests change a field to craft a case."""

    counts: list[Row] = field(default_factory=_count_rows)
    codebook: list[Row] = field(default_factory=_codebook_rows)
    free_text: list[tuple[str, str, str, str]] = field(default_factory=lambda: list(FREE_TEXT))
    indicators: list[Row] = field(default_factory=_indicator_rows)
    indicator_columns: tuple[str, ...] = INDICATOR_COLUMNS
    min_group: int | None = 5
    analysts_files: bool = True


def write_export_folder(directory: Path, spec: ExportSpec | None = None) -> Path:
    """Write a crafted export folder with a manifest that matches it; return the folder."""
    spec = spec or ExportSpec()
    directory.mkdir(parents=True, exist_ok=True)
    free_text_rows = [
        dict(zip(FREE_TEXT_COLUMNS, values, strict=True)) for values in spec.free_text
    ]
    files = {
        "counts.csv": _csv(COUNT_COLUMNS, spec.counts),
        "codebook.csv": _csv(CODEBOOK_COLUMNS, spec.codebook),
        "free_text_seminar.csv": _csv(FREE_TEXT_COLUMNS, free_text_rows),
        "indicators.csv": _csv(spec.indicator_columns, spec.indicators),
    }
    share = dict.fromkeys(files, "publish")
    if spec.analysts_files:
        analysts = _analysts_files()
        files.update(analysts)
        share.update(dict.fromkeys(analysts, "analysts"))
    for name, content in files.items():
        (directory / name).write_bytes(content)
    months = sorted(r["period"] for r in spec.indicators if r.get("period_type") == "month")
    manifest: dict[str, object] = {
        "format": "rostbot-export/1",
        "software": "rostbot 0.1.0",
        "written_at": "2026-06-01T08:00:00Z",
        "key_ids": ["3f9a0c51d2e47b86"],
        "time_range": {"first_month": months[0], "last_month": months[-1]} if months else {},
        "counts": {
            "responses": 49,
            "free_text": 6,
            "indicator_cells": len(spec.indicators),
            "indicator_cells_hidden": sum(r.get("suppressed") == "true" for r in spec.indicators),
        },
        "files": {
            name: {
                "sha256": hashlib.sha256(content).hexdigest(),
                "bytes": len(content),
                "share": share[name],
            }
            for name, content in files.items()
        },
    }
    if spec.min_group is not None:
        manifest["min_group"] = spec.min_group
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return directory


# ---------------------------------------------------------------- what the reader accepts


def test_a_whole_folder_is_read_with_every_row(tmp_path: Path) -> None:
    folder = read_export_folder(write_export_folder(tmp_path / "export"))
    spec = ExportSpec()
    assert len(folder.counts) == len(spec.counts)
    assert len(folder.indicators) == len(spec.indicators)
    assert [a.text for a in folder.free_text] == [t[-1] for t in FREE_TEXT]
    assert folder.min_group == 5
    hidden = [c for c in folder.indicators if c.suppressed]
    assert hidden and all((c.n, c.positive_share, c.mean) == (None, None, None) for c in hidden)


def test_counts_are_read_with_hidden_counts_left_empty(tmp_path: Path) -> None:
    spec = ExportSpec()
    hide_counts(spec, MEETING, "all")
    folder = read_export_folder(write_export_folder(tmp_path / "export", spec))
    total = folder.counts[0]
    assert (total.flow_id, total.breakdown, total.value, total.n, total.suppressed) == (
        INCOME,
        "all",
        "",
        40,
        False,
    )
    assert total.line == 2
    meeting = [c for c in folder.counts if c.flow_id == MEETING]
    assert [c.breakdown for c in meeting] == ["all", "status", "lang", "flow_version"]
    assert all(c.suppressed and c.n is None and c.value == "" for c in meeting)


def test_the_analysts_files_are_neither_needed_nor_read(tmp_path: Path) -> None:
    export = write_export_folder(tmp_path / "export")
    # Spoilt, then gone and unlisted: the report never opens them.
    (export / "responses.csv").write_text("not,what,the,manifest,says\n")
    folder = read_export_folder(export)
    assert ANALYSTS_ONLY not in {a.text for a in folder.free_text}

    export = write_export_folder(tmp_path / "published", ExportSpec(analysts_files=False))
    manifest = json.loads((export / "manifest.json").read_text())
    assert not {"responses.csv", "free_text.csv"} & set(manifest["files"])
    assert not (export / "responses.csv").exists() and not (export / "free_text.csv").exists()
    assert len(read_export_folder(export).counts) == len(ExportSpec().counts)


# ---------------------------------------------------------------- what it refuses, in one line


def _refusal(directory: Path) -> str:
    with pytest.raises(ExportFolderError) as caught:
        read_export_folder(directory)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("name", "before", "after"),
    [
        ("indicators.csv", b"0.65", b"0.95"),
        ("counts.csv", b"all,,40,", b"all,,41,"),
        ("free_text_seminar.csv", b"snabbare", b"gladare"),
    ],
)
def test_a_file_changed_after_the_export_is_refused(
    tmp_path: Path, name: str, before: bytes, after: bytes
) -> None:
    export = write_export_folder(tmp_path / "export")
    path = export / name
    assert before in path.read_bytes()
    path.write_bytes(path.read_bytes().replace(before, after))
    assert f"{name} does not match its SHA-256" in _refusal(export)


@pytest.mark.parametrize(
    "name",
    ["counts.csv", "codebook.csv", "free_text_seminar.csv", "indicators.csv", "manifest.json"],
)
def test_a_missing_file_is_refused(tmp_path: Path, name: str) -> None:
    export = write_export_folder(tmp_path / "export")
    (export / name).unlink()
    assert f"{name} is missing" in _refusal(export)


def test_a_manifest_of_another_format_is_refused(tmp_path: Path) -> None:
    export = write_export_folder(tmp_path / "export")
    manifest = json.loads((export / "manifest.json").read_text())
    manifest["format"] = "rostbot-export/2"
    (export / "manifest.json").write_text(json.dumps(manifest))
    assert "has format 'rostbot-export/2'; this rostbot reads rostbot-export/1" in _refusal(export)


@pytest.mark.parametrize("name", ["counts.csv", "free_text_seminar.csv"])
def test_a_file_the_manifest_does_not_list_is_refused(tmp_path: Path, name: str) -> None:
    export = write_export_folder(tmp_path / "export")
    manifest = json.loads((export / "manifest.json").read_text())
    del manifest["files"][name]
    (export / "manifest.json").write_text(json.dumps(manifest))
    assert f"lists no SHA-256 for {name}" in _refusal(export)


@pytest.mark.parametrize("share", ["analysts", None])
def test_a_file_not_marked_to_publish_is_refused(tmp_path: Path, share: str | None) -> None:
    # The report is published: it is made only from the files the export marks "publish".
    export = write_export_folder(tmp_path / "export")
    manifest = json.loads((export / "manifest.json").read_text())
    entry = manifest["files"]["counts.csv"]
    if share is None:
        del entry["share"]
    else:
        entry["share"] = share
    (export / "manifest.json").write_text(json.dumps(manifest))
    assert "does not mark counts.csv as a file to publish" in _refusal(export)


def test_a_manifest_that_is_not_json_is_refused(tmp_path: Path) -> None:
    export = write_export_folder(tmp_path / "export")
    (export / "manifest.json").write_text("{not json")
    assert "manifest.json is not valid JSON" in _refusal(export)


def test_a_folder_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    assert "is not a folder" in _refusal(tmp_path / "nowhere")


Spoil = Callable[[ExportSpec], None]


def _drop_share_column(spec: ExportSpec) -> None:
    spec.indicator_columns = tuple(c for c in INDICATOR_COLUMNS if c != "positive_share")
    for row in spec.indicators:
        del row["positive_share"]


def _shown_suppressed_value(spec: ExportSpec) -> None:
    spec.indicators[2]["n"] = "4"  # suppressed, yet carries its n


def _share_as_percent(spec: ExportSpec) -> None:
    spec.indicators[0]["positive_share"] = "65"


def _unknown_period_type(spec: ExportSpec) -> None:
    spec.indicators[0]["period_type"] = "week"


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (_drop_share_column, "indicators.csv lacks the column(s) positive_share"),
        (_shown_suppressed_value, "line 4: a suppressed cell must leave n, share and mean empty"),
        (_share_as_percent, "line 2: positive_share must be between 0 and 1"),
        (_unknown_period_type, "line 2: period_type must be one of month, quarter, year"),
    ],
)
def test_a_malformed_indicator_file_is_refused_with_its_line(
    tmp_path: Path, spoil: Spoil, reason: str
) -> None:
    spec = ExportSpec()
    spoil(spec)
    assert reason in _refusal(write_export_folder(tmp_path / "export", spec))


def _set(line: int, **values: str) -> Spoil:
    """Change the counts.csv row on `line` (the header is line 1)."""

    def spoil(spec: ExportSpec) -> None:
        spec.counts[line - 2].update(values)

    return spoil


def _insert(line: int, row: Row) -> Spoil:
    def spoil(spec: ExportSpec) -> None:
        spec.counts.insert(line - 2, row)

    return spoil


def _hide_meeting_total_only(spec: ExportSpec) -> None:
    spec.counts[7].update(n="", suppressed="true")  # its status, 9, would give it away


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (_set(3, breakdown="unit"), "line 3: breakdown must be one of all, status, lang, flow_v"),
        (_set(3, suppressed="yes"), "line 3: suppressed must be true or false"),
        (_set(3, suppressed="true"), "line 3: a suppressed row must leave n empty"),
        (_set(11, value="da"), "line 11: a suppressed row must leave value empty"),
        (_set(3, n=""), "line 3: a row that is not suppressed needs n"),
        (_set(3, n="35.0"), "line 3: n must be a whole number, not '35.0'"),
        (_set(3, n="-35"), "line 3: n must be a whole number, not '-35'"),
        (_set(2, value="sv"), "line 2: the row of breakdown all has no value"),
        (_set(4, value="complete"), "line 4: repeats line 3"),
        (_insert(12, count(MEETING, "lang", "sv", 7)), "breakdown lang of meeting_feedback is "),
        (_set(2, breakdown="status", value="unknown"), "line 2: income_support_followup has no "),
        (_hide_meeting_total_only, "line 10: meeting_feedback hides its number of responses"),
    ],
)
def test_a_malformed_counts_file_is_refused_with_its_line(
    tmp_path: Path, spoil: Spoil, reason: str
) -> None:
    spec = ExportSpec()
    spoil(spec)
    assert reason in _refusal(write_export_folder(tmp_path / "export", spec))
