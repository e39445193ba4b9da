"""The export folder the report reads: a builder for crafted folders, and how the
report refuses a folder that is incomplete, changed after the export, or malformed.

`write_export_folder` writes a small folder in the contract of docs/export.md (two
flows, three units, two providers and "no provider", suppressed cells, a month
without answers, free text with scrubbed parts), with a manifest holding the
SHA-256 of every file. Other report tests build on it, so they do not depend on
the exporter.
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
    FREE_TEXT_COLUMNS,
    INDICATOR_COLUMNS,
    ExportFolderError,
    read_export_folder,
)

INCOME = "income_support_followup"
MEETING = "meeting_feedback"
RESPONSE_COLUMNS = [
    "response",
    "flow_id",
    "flow_version",
    "lang",
    "unit",
    "provider",
    "month",
    "status",
    f"{INCOME}.info_clear",
    f"{INCOME}.what_better",
]

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


FREE_TEXT = [
    # (flow, question, lang, month, text)
    (INCOME, "what_better", "sv", "2026-01", "Svara snabbare i telefon."),
    (INCOME, "what_better", "da", "2026-02", "Min sagsbehandler [navn] var god."),
    (INCOME, "what_better", "sv", "2026-02", "Ring mig inte på [telefonnummer] igen."),
    (MEETING, "comment", "sv", "2026-03", "Bra fika! <script>alert(1)</script> & mer"),
]


def _responses() -> list[Row]:
    rows: list[Row] = []
    plan = [  # (flow, unit, provider, month, lang, status, count)
        (INCOME, "norr", "hvb-1", "2026-01", "sv", "complete", 9),
        (INCOME, "soder", "hvb-2", "2026-01", "sv", "complete", 6),
        (INCOME, "norr", "hvb-1", "2026-02", "da", "complete", 8),
        (INCOME, "soder", "hvb-1", "2026-02", "sv", "partial", 4),
        (INCOME, "vaster", "", "2026-04", "sv", "complete", 3),
        (INCOME, "norr", "hvb-2", "2026-05", "sv", "complete", 10),
        (MEETING, "frukost", "", "2026-03", "sv", "complete", 9),
    ]
    number = 0
    for flow, unit, provider, month, lang, status, amount in plan:
        for _ in range(amount):
            number += 1
            row = dict.fromkeys(RESPONSE_COLUMNS, "")
            row.update(
                response=f"r{number:04d}",
                flow_id=flow,
                flow_version="1",
                lang=lang,
                unit=unit,
                provider=provider,
                month=month,
                status=status,
            )
            if flow == INCOME:
                row[f"{INCOME}.info_clear"] = "fully" if number % 3 else "(skipped)"
                row[f"{INCOME}.what_better"] = "(text)"
            rows.append(row)
    return rows


def _csv(columns: Iterable[str], rows: Iterable[Mapping[str, str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@dataclass
class ExportSpec:
    """What goes into a crafted folder; tests change a field to craft a case."""

    responses: list[Row] = field(default_factory=_responses)
    codebook: list[Row] = field(default_factory=_codebook_rows)
    free_text: list[tuple[str, str, str, str, str]] = field(default_factory=lambda: FREE_TEXT)
    indicators: list[Row] = field(default_factory=_indicator_rows)
    indicator_columns: tuple[str, ...] = INDICATOR_COLUMNS
    min_group: int | None = 5


def write_export_folder(directory: Path, spec: ExportSpec | None = None) -> Path:
    """Write a crafted export folder with a manifest that matches it; return the folder."""
    spec = spec or ExportSpec()
    directory.mkdir(parents=True, exist_ok=True)
    free_text_rows = [
        dict(zip(FREE_TEXT_COLUMNS, (f"t{i}", *values), strict=True))
        for i, values in enumerate(spec.free_text)
    ]
    files = {
        "responses.csv": _csv(RESPONSE_COLUMNS, spec.responses),
        "codebook.csv": _csv(CODEBOOK_COLUMNS, spec.codebook),
        "free_text.csv": _csv(FREE_TEXT_COLUMNS, free_text_rows),
        "indicators.csv": _csv(spec.indicator_columns, spec.indicators),
    }
    for name, content in files.items():
        (directory / name).write_bytes(content)
    months = sorted(r["month"] for r in spec.responses)
    manifest: dict[str, object] = {
        "format": "rostbot-export/1",
        "software": "rostbot 0.1.0",
        "written_at": "2026-06-01T08:00:00Z",
        "key_ids": ["3f9a0c51d2e47b86"],
        "time_range": {"first_month": months[0], "last_month": months[-1]} if months else {},
        "counts": {"responses": len(spec.responses), "free_text": len(spec.free_text)},
        "files": {
            name: {"sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}
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
    assert len(folder.responses) == len(spec.responses)
    assert len(folder.indicators) == len(spec.indicators)
    assert [a.text for a in folder.free_text] == [t[-1] for t in FREE_TEXT]
    assert folder.min_group == 5
    hidden = [c for c in folder.indicators if c.suppressed]
    assert hidden and all((c.n, c.positive_share, c.mean) == (None, None, None) for c in hidden)


# ---------------------------------------------------------------- what it refuses, in one line


def _refusal(directory: Path) -> str:
    with pytest.raises(ExportFolderError) as caught:
        read_export_folder(directory)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_a_file_changed_after_the_export_is_refused(tmp_path: Path) -> None:
    export = write_export_folder(tmp_path / "export")
    path = export / "indicators.csv"
    path.write_bytes(path.read_bytes().replace(b"0.65", b"0.95"))
    assert "indicators.csv does not match its SHA-256" in _refusal(export)


@pytest.mark.parametrize(
    "name", ["responses.csv", "codebook.csv", "free_text.csv", "indicators.csv", "manifest.json"]
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


def test_a_file_the_manifest_does_not_list_is_refused(tmp_path: Path) -> None:
    export = write_export_folder(tmp_path / "export")
    manifest = json.loads((export / "manifest.json").read_text())
    del manifest["files"]["free_text.csv"]
    (export / "manifest.json").write_text(json.dumps(manifest))
    assert "lists no SHA-256 for free_text.csv" in _refusal(export)


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
