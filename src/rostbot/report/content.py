"""What the seminar report shows, decided from an export folder: pure, no drawing, no HTML.

For each flow: response counts (from counts.csv), then per indicator the share of
positive answers per unit and per provider (one chart per year) and over time (all
units), and the free-text answers grouped by question. A hidden (suppressed) cell stays
a `Point` with `hidden=True` all the way to the page, and a hidden count stays `None`;
neither ever becomes a number, nor zero.

Question texts come from the export's codebook first (written with the flows the
export was made with), then from `flows/*.yaml`; flow titles from `flows/*.yaml`;
failing both, the bare ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from rostbot.core.flow_model import Flow
from rostbot.report.export_folder import (
    ALL,
    COUNTS,
    FREE_TEXT,
    INDICATORS,
    TOTAL,
    CountRow,
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
    """One flow; a count that counts.csv hides is None here, never a number."""

    flow_id: str
    anchor: str
    title: str
    versions: list[str] | None  # the flow versions answered
    total: int | None  # the number of responses
    statuses: Mapping[str, int] | None  # complete, partial, unknown (flow file missing)
    by_lang: Mapping[str, int] | None
    indicators: list[IndicatorSection]
    free_text: list[FreeTextGroup]

    @property
    def complete(self) -> int | None:
        return None if self.statuses is None else self.statuses.get("complete", 0)

    @property
    def partial(self) -> int | None:
        return None if self.statuses is None else self.statuses.get("partial", 0)

    @property
    def unknown(self) -> int | None:
        return None if self.statuses is None else self.statuses.get("unknown", 0)


@dataclass(frozen=True)
class ReportContent:
    lang: str
    min_group: int  # also: a question's answers are shown only when this many wrote one
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
    _refuse_small_groups(export.indicators, INDICATORS, "answers", min_group)
    _refuse_small_groups(export.counts, COUNTS, "responses", min_group)
    _refuse_few_writers(export.free_text, min_group)
    _refuse_uncounted_flows(export)
    texts = _Texts(export, flows, words.lang)
    # Every month with answers has a row in indicators.csv, shown or hidden.
    months = [_period(c) for c in export.indicators if c.period_type == "month"]
    flow_ids = sorted(
        {r.flow_id for r in export.counts}
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


def _refuse_small_groups(
    rows: Iterable[IndicatorCell | CountRow], file: str, counted: str, min_group: int
) -> None:
    # Hiding more cells here than the export did could leave a hidden value that can be
    # recomputed from the totals, so the report never suppresses on its own: it asks
    # for an export made with the stricter threshold instead.
    for row in rows:
        if not row.suppressed and row.n is not None and 0 < row.n < min_group:
            raise TooSmallGroupError(
                f"{file} line {row.line} shows a group of {row.n} {counted}, fewer "
                f"than --min-group {min_group}; export again with --min-group {min_group}"
            )


def _refuse_few_writers(answers: Iterable[FreeTextAnswer], min_group: int) -> None:
    # The export shows a question's answers only when at least its minimum group wrote
    # one; the page says so, so it must hold for the report's threshold too.
    per_question: defaultdict[tuple[str, str], int] = defaultdict(int)
    for answer in answers:
        per_question[(answer.flow_id, answer.question_id)] += 1
    for (flow_id, question_id), written in sorted(per_question.items()):
        if written < min_group:
            raise TooSmallGroupError(
                f"{FREE_TEXT} shows {written} answers to {flow_id} {question_id}, fewer than "
                f"--min-group {min_group}; export again with --min-group {min_group}"
            )


def _refuse_uncounted_flows(export: ExportFolder) -> None:
    # Without its rows in counts.csv the page could only guess a flow's number of
    # responses; the export always writes them, so their absence is a broken folder.
    counted = {row.flow_id for row in export.counts}
    for cell in export.indicators:
        if cell.flow_id not in counted:
            raise ExportFolderError(
                f"{INDICATORS} line {cell.line}: {COUNTS} has no rows for {cell.flow_id}; "
                "export again"
            )
    for answer in export.free_text:
        if answer.flow_id not in counted:
            raise ExportFolderError(
                f"{FREE_TEXT} has answers to {answer.flow_id}, but {COUNTS} has no rows for "
                "it; export again"
            )


def _period(cell: IndicatorCell) -> Period:
    try:
        return Period.parse(cell.period_type, cell.period)
    except PeriodError as exc:
        raise ExportFolderError(f"{INDICATORS} line {cell.line}: period {exc}") from None


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
        return flow_id if flow is None else flow.staff_title(self.lang)

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
    counts = _Counts([r for r in export.counts if r.flow_id == flow_id])
    versions = counts.breakdown("flow_version")
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
        versions=None if versions is None else sorted(versions, key=lambda v: (len(v), v)),
        total=counts.total(),
        statuses=counts.breakdown("status"),
        by_lang=counts.breakdown("lang"),
        indicators=[
            _indicator_section(
                texts, words, flow_id, indicator, [c for c in cells if c.indicator == indicator]
            )
            for indicator in indicators
        ],
        free_text=_free_text_groups(export.free_text, texts, flow_id),
    )


class _Counts:
    """One flow's rows of counts.csv (checked by export_folder: one `all` row, and each
    breakdown either hidden in one row or shown value by value)."""

    def __init__(self, rows: list[CountRow]) -> None:
        self.rows = rows

    def total(self) -> int | None:
        """The number of responses; None when hidden or not counted."""
        for row in self.rows:
            if row.breakdown == TOTAL:
                return None if row.suppressed else row.n
        return None

    def breakdown(self, breakdown: str) -> dict[str, int] | None:
        """Value -> responses, or None when hidden; a value with no row had no responses."""
        rows = [r for r in self.rows if r.breakdown == breakdown]
        if not rows or any(r.suppressed or r.n is None for r in rows):
            return None
        return {r.value: r.n for r in rows if r.n is not None}


def _indicator_section(
    texts: _Texts, words: Words, flow_id: str, indicator: str, cells: list[IndicatorCell]
) -> IndicatorSection:
    by_type: dict[str, dict[Period, list[IndicatorCell]]] = defaultdict(lambda: defaultdict(list))
    for cell in cells:
        if cell.period_type != "all":  # cohorts and waves: _wave_charts
            by_type[cell.period_type][_period(cell)].append(cell)

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
    charts += _wave_charts([c for c in cells if c.period_type == "all"], words)
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


def _wave_charts(cells: list[IndicatorCell], words: Words) -> list[Chart]:
    """Each cohort's waves side by side (when it has more than one), and the cohorts
    side by side (when there is more than one), hidden cells shown as hidden."""
    charts: list[Chart] = []
    cohorts = sorted({c.cohort for c in cells}, key=lambda c: (c == "", c))  # none last

    def name_of(cohort: str) -> str:
        return cohort or words("no_cohort")

    def point(cohort: str, wave: str, label: str) -> Point:
        found = [c for c in cells if (c.cohort, c.wave) == (cohort, wave)]
        if not found:
            return Point(label, n=None, share=None, mean=None, no_answers=True)
        return _point(found[0], label)

    for cohort in cohorts:
        waves = sorted({c.wave for c in cells if c.cohort == cohort and c.wave != ALL})
        waves.sort(key=lambda w: w == "")  # "no wave" last
        if len(waves) > 1:
            charts.append(
                Chart(
                    "groups",
                    words("per_wave", cohort=name_of(cohort)),
                    [point(cohort, w, w or words("no_wave")) for w in waves],
                    point(cohort, ALL, words("all_groups")),
                )
            )
    if len(cohorts) > 1:
        charts.append(
            Chart(
                "groups",
                words("per_cohort"),
                [point(c, ALL, name_of(c)) for c in cohorts],
            )
        )
    return charts


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
            # By text: a stable order that neither lines up one person's answers nor
            # places them in time.
            answers=sorted(by_question.get(question_id, []), key=lambda a: (a.text, a.lang)),
        )
        for question_id in question_ids
    ]
