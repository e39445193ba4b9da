"""Making the report file: read and check the export, decide, draw, write atomically."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from rostbot.core.flow_loader import FlowFileError, load_flows
from rostbot.core.flow_model import Flow
from rostbot.report.content import build_content
from rostbot.report.errors import ReportError
from rostbot.report.export_folder import read_export_folder
from rostbot.report.page import render_page
from rostbot.report.words import REPORT_LANGUAGES, Words

DEFAULT_MIN_GROUP = 5


@dataclass(frozen=True)
class ReportSummary:
    flows: int
    indicators: int
    free_text_answers: int
    min_group: int


def make_report(
    export_dir: Path,
    out: Path,
    *,
    lang: str,
    min_group: int | None = None,
    flows_dir: Path | None = None,
) -> ReportSummary:
    """Write the report for `export_dir` to `out`; `flows_dir` None means ./flows if present.

    `min_group` defaults to the threshold the export recorded, else 5. A lower value than
    the export's changes nothing the export hid, so the export's is used then: the page
    says "fewer than N" with the N that was applied.
    """
    if lang not in REPORT_LANGUAGES:
        raise ReportError(f"--lang must be one of {', '.join(REPORT_LANGUAGES)}")
    if min_group is not None and min_group < 1:
        raise ReportError("--min-group must be 1 or more")
    if not out.parent.is_dir():  # before the work, not after it
        raise ReportError(f"cannot write {out}: the folder {out.parent} does not exist")
    export = read_export_folder(export_dir)
    threshold = max(min_group or 0, export.min_group or 0) or DEFAULT_MIN_GROUP
    content = build_content(export, _flows(flows_dir), Words(lang), threshold)
    _write(out, render_page(content))
    return ReportSummary(
        flows=len(content.flows),
        indicators=sum(len(flow.indicators) for flow in content.flows),
        free_text_answers=sum(
            len(group.answers) for flow in content.flows for group in flow.free_text
        ),
        min_group=threshold,
    )


def _flows(flows_dir: Path | None) -> dict[str, Flow]:
    """Flow titles and question texts; none when the default ./flows is absent."""
    directory = flows_dir or Path("flows")
    if not directory.is_dir():
        if flows_dir is None:
            return {}
        raise ReportError(f"--flows {flows_dir} is not a folder")
    try:
        return load_flows(directory)
    except FlowFileError as exc:
        raise ReportError(f"cannot read the flows in {directory}: {exc}") from None


def _write(out: Path, html: str) -> None:
    # Write beside the target and rename, so a failed run never leaves half a report.
    partial = out.with_name(f".{out.name}.partial")
    try:
        partial.write_text(html, encoding="utf-8")
        os.replace(partial, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ReportError(f"cannot write {out}: {exc.strerror}") from None
