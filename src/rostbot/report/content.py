"""What the seminar report shows, decided from an export folder: pure, no drawing, no HTML.

For each flow: response counts, then per indicator the share of positive answers
per unit and per provider (one chart per year) and over time (all units), and the
free-text answers grouped by question. A hidden (suppressed) cell stays a
`Point` with `hidden=True` all the way to the page; it never becomes a number.

Question texts come from the export's codebook first (written with the flows the
export was made with), then from `flows/*.yaml`; flow titles from `flows/*.yaml`;
failing both, the bare ids.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from rostbot.core.flow_model import Flow
from rostbot.report.export_folder import (
    ALL,
    ExportFolder,
    ExportFolderError,
    FreeTextAnswer,
    IndicatorCell,
)
from rostbot.report.periods import Period, PeriodError, span
from rostbot.report.words import Words

STANDARD_ORDER: tuple[str, ...] = (
    "information",
    "participation",
    "treatment",
    "change",
    "accessibility",
    "overall",
)
MAX_TIME_POINTS = 24  # past two years of months, show quarters; past six years, years


@dataclass(frozen=True)
class Point:
    """One bar or one point in time; `hidden` cells carry no numbers at all."""

    label: str
    n: int | None
    share: float | None
    mean: float | None
    hidden: bool = False
    no_answers: bool = False


@dataclass(frozen=True)
class Chart:
    kind: Literal["groups", "time"]
    title: str
    points: list[Point]
    reference: Point | None = None  # all groups together, drawn as a line


@dataclass(frozen=True)
class IndicatorSection:
    anchor: str
    title: str
    questions: list[str]
    has_share: bool
    charts: list[Chart]


@dataclass(frozen=True)
class FreeTextGroup:
    question: str
    answers: list[FreeTextAnswer]


@dataclass(frozen=True)
class FlowSection:
    flow_id: str
    anchor: str
    title: str
    versions: list[str]
    total: int
    complete: int
    partial: int
    unknown: int  # the flow file was missing when exporting: complete or not is unknown
    by_lang: Mapping[str, int]
    indicators: list[IndicatorSection]
    free_text: list[FreeTextGroup]


@dataclass(frozen=True)
class ReportContent:
    lang: str
    min_group: int
    first_month: Period | None
    last_month: Period | None
    software: str | None
    flows: list[FlowSection] = field(default_factory=list)


class TooSmallGroupError(ExportFolderError):
    """The export shows a group smaller than the report's threshold."""


def build_content(
    export: ExportFolder, flows: Mapping[str, Flow], words: Words, min_group: int
) -> ReportContent:
    """Decide everything the report shows; refuse an export that shows a too-small group."""
    _refuse_small_groups(export.indicators, min_group)
    texts = _Texts(export, flows, words.lang)
    months = [_month(r.month) for r in export.responses if r.month]
    flow_ids = sorted(
        {r.flow_id for r in export.responses}
        | {c.flow_id for c in export.indicators}
        | {a.flow_id for a in export.free_text},
        key=lambda flow_id: (texts.flow_title(flow_id).casefold(), flow_id),
    )
    return ReportContent(
        lang=words.lang,
        min_group=min_group,
        first_month=min(months) if months else None,
        last_month=max(months) if months else None,
        software=export.software,
        flows=[_flow_section(export, texts, words, flow_id) for flow_id in flow_ids],
    )


def _refuse_small_groups(cells: Iterable[IndicatorCell], min_group: int) -> None:
    # Hiding more cells here than the export did could leave a hidden value that can be
    # recomputed from the totals, so the report never suppresses on its own: it asks
    # for an export made with the stricter threshold instead.
    for cell in cells:
        if not cell.suppressed and cell.n is not None and 0 < cell.n < min_group:
            raise TooSmallGroupError(
                f"indicators.csv line {cell.line} shows a group of {cell.n} answers, fewer "
                f"than --min-group {min_group}; export again with --min-group {min_group}"
            )


def _month(raw: str) -> Period:
    try:
        return Period.parse("month", raw)
    except PeriodError as exc:
        raise ExportFolderError(f"responses.csv: month {exc}") from None


class _Texts:
    """Flow titles, question texts and group names in the report's language."""

    def __init__(self, export: ExportFolder, flows: Mapping[str, Flow], lang: str) -> None:
        self.lang = lang
        self.flows = flows
        self.questions: dict[tuple[str, str], str] = {}
        self.question_order: dict[str, list[str]] = defaultdict(list)
        self.question_type: dict[tuple[str, str], str] = {}
        self.by_indicator: dict[tuple[str, str], list[str]] = defaultdict(list)
        for row in export.codebook:
            key = (row.flow_id, row.question_id)
            if key not in self.question_type:
                self.question_order[row.flow_id].append(row.question_id)
                self.question_type[key] = row.type
                if row.indicator:
                    self.by_indicator[(row.flow_id, row.indicator)].append(row.question_id)
            if row.question(lang):
                self.questions.setdefault(key, row.question(lang))

    def flow_title(self, flow_id: str) -> str:
        flow = self.flows.get(flow_id)
        if flow is None:
            return flow_id
        for lang in (self.lang, *flow.title.languages()):
            if lang in flow.title.languages():
                return flow.title.get(lang)
        return flow_id

    def question(self, flow_id: str, question_id: str) -> str:
        text = self.questions.get((flow_id, question_id))
        if text:
            return text
        flow = self.flows.get(flow_id)
        if flow is not None:
            try:
                question = flow.question(question_id)
            except KeyError:
                return question_id
            languages = question.text.languages()
            for lang in (self.lang, *sorted(languages)):
                if lang in languages:
                    return question.text.get(lang)
        return question_id

    def indicator_questions(self, flow_id: str, indicator: str) -> list[str]:
        """The questions counted in an indicator; free text carries no share, so not those."""
        ids = self.by_indicator.get((flow_id, indicator)) or self.by_indicator.get(
            (flow_id, f"custom:{indicator}"), []
        )
        return [
            self.question(flow_id, question_id)
            for question_id in ids
            if self.question_type.get((flow_id, question_id)) != "text"
        ]

    def indicator_title(self, flow_id: str, indicator: str, words: Words) -> str:
        name = indicator.removeprefix("custom:")
        if words.has(f"indicator:{name}"):
            return words(f"indicator:{name}")
        questions = self.indicator_questions(flow_id, indicator)
        if len(questions) == 1:
            return questions[0]
        return name.replace("_", " ").capitalize()

    def text_questions(self, flow_id: str) -> list[str]:
        return [
            question_id
            for question_id in self.question_order.get(flow_id, [])
            if self.question_type.get((flow_id, question_id)) == "text"
        ]


def _flow_section(export: ExportFolder, texts: _Texts, words: Words, flow_id: str) -> FlowSection:
    responses = [r for r in export.responses if r.flow_id == flow_id]
    statuses = Counter(r.status for r in responses)
    cells = [c for c in export.indicators if c.flow_id == flow_id]
    indicators = sorted(
        {c.indicator for c in cells},
        key=lambda i: (
            STANDARD_ORDER.index(i) if i in STANDARD_ORDER else len(STANDARD_ORDER),
            texts.indicator_title(flow_id, i, words).casefold(),
        ),
    )
    return FlowSection(
        flow_id=flow_id,
        anchor=f"flow-{flow_id}",
        title=texts.flow_title(flow_id),
        versions=sorted({r.flow_version for r in responses}, key=lambda v: (len(v), v)),
        total=len(responses),
        complete=statuses["complete"],
        partial=statuses["partial"],
        unknown=statuses["unknown"],
        by_lang=Counter(r.lang for r in responses),
        indicators=[
            _indicator_section(
                texts, words, flow_id, indicator, [c for c in cells if c.indicator == indicator]
            )
            for indicator in indicators
        ],
        free_text=_free_text_groups(export.free_text, texts, flow_id),
    )


def _indicator_section(
    texts: _Texts, words: Words, flow_id: str, indicator: str, cells: list[IndicatorCell]
) -> IndicatorSection:
    by_type: dict[str, dict[Period, list[IndicatorCell]]] = defaultdict(lambda: defaultdict(list))
    for cell in cells:
        try:
            period = Period.parse(cell.period_type, cell.period)
        except PeriodError as exc:
            raise ExportFolderError(f"indicators.csv line {cell.line}: period {exc}") from None
        by_type[cell.period_type][period].append(cell)

    charts: list[Chart] = []
    for year in sorted(by_type["year"], reverse=True):
        year_cells = by_type["year"][year]
        total = _find(year_cells, ALL, ALL)
        reference = _point(total, words("all_groups")) if total else None
        units = sorted({c.unit for c in year_cells if c.unit != ALL and c.provider == ALL})
        if units:
            charts.append(
                Chart(
                    "groups",
                    words("per_unit", period=year.label(words)),
                    [_group_point(year_cells, unit, ALL, unit, words) for unit in units],
                    reference,
                )
            )
        providers = sorted(
            {c.provider for c in year_cells if c.unit == ALL and c.provider != ALL},
            key=lambda p: (p == "", p),  # "no provider" last
        )
        if any(providers):  # only "no provider" says nothing a unit chart does not
            charts.append(
                Chart(
                    "groups",
                    words("per_provider", period=year.label(words)),
                    [_group_point(year_cells, ALL, p, p, words) for p in providers],
                    reference,
                )
            )
    time_chart = _time_chart(by_type, words)
    if time_chart is not None:
        charts.append(time_chart)

    title = texts.indicator_title(flow_id, indicator, words)
    return IndicatorSection(
        anchor=f"{flow_id}-{indicator.replace(':', '-')}",
        title=title,
        questions=[q for q in texts.indicator_questions(flow_id, indicator) if q != title],
        has_share=any(c.positive_share is not None for c in cells),
        charts=charts,
    )


def _time_chart(
    by_type: Mapping[str, Mapping[Period, list[IndicatorCell]]], words: Words
) -> Chart | None:
    for kind in ("month", "quarter", "year"):
        periods = span([p for p, cells in by_type.get(kind, {}).items() if _find(cells, ALL, ALL)])
        if periods and (len(periods) <= MAX_TIME_POINTS or kind == "year"):
            points = []
            for period in periods:
                cell = _find(by_type[kind].get(period, []), ALL, ALL)
                label = period.label(words, short=True)
                points.append(
                    _point(cell, label)
                    if cell
                    else Point(label, n=None, share=None, mean=None, no_answers=True)
                )
            return Chart("time", words("over_time"), points)
    return None


def _find(cells: Iterable[IndicatorCell], unit: str, provider: str) -> IndicatorCell | None:
    for cell in cells:
        if cell.unit == unit and cell.provider == provider:
            return cell
    return None


def _group_point(
    cells: list[IndicatorCell], unit: str, provider: str, name: str, words: Words
) -> Point:
    cell = _find(cells, unit, provider)
    if not name:
        name = words("no_provider") if unit == ALL else words("no_unit")
    if cell is None:
        return Point(name, n=None, share=None, mean=None, no_answers=True)
    return _point(cell, name)


def _point(cell: IndicatorCell, label: str) -> Point:
    if cell.suppressed:
        return Point(label, n=None, share=None, mean=None, hidden=True)
    return Point(label, n=cell.n, share=cell.positive_share, mean=cell.mean)


def _free_text_groups(
    answers: list[FreeTextAnswer], texts: _Texts, flow_id: str
) -> list[FreeTextGroup]:
    by_question: dict[str, list[FreeTextAnswer]] = defaultdict(list)
    for answer in answers:
        if answer.flow_id == flow_id:
            by_question[answer.question_id].append(answer)
    question_ids = texts.text_questions(flow_id)
    question_ids += sorted(q for q in by_question if q not in question_ids)
    return [
        FreeTextGroup(
            question=texts.question(flow_id, question_id),
            # Month then text: a stable order that does not line up one person's answers.
            answers=sorted(by_question.get(question_id, []), key=lambda a: (a.month, a.text)),
        )
        for question_id in question_ids
    ]
