"""Group-level indicators: n, share of positive answers and mean rating, per cell.

Per flow and indicator, `indicators.csv` shows each unit and each provider per year,
and all units and providers per year, quarter and month (the cells of
rostbot.export.disclosure_table), and where anyone was invited with a cohort or a wave,
each cohort and each of its waves for all time (period `all`). A person counts once
in `n` (the month of their response's first answer); each of their counted answers
counts in the share. Memory
grows with the number of cells, never with the number of answers: answers are
streamed in, grouped by response.

Which cells are hidden is decided per flow, for all its indicators at once
(rostbot.export.disclosure_pattern).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rostbot.export.disclosure_pattern import choose_hidden
from rostbot.export.disclosure_table import (
    ALL_TIME,
    TOTAL,
    Cell,
    Finest,
    Tally,
    build_table,
    cohort_and_wave,
    period_type,
)
from rostbot.store.export_state import CountedAnswer

COLUMNS = (
    "flow_id",
    "indicator",
    "unit",
    "provider",
    "cohort",
    "wave",
    "period_type",
    "period",
    "n",
    "positive_share",
    "mean",
    "suppressed",
)
_PERIOD_ORDER = {"year": 0, "quarter": 1, "month": 2, "cohort": 3, "wave": 3}


@dataclass
class FlowTally:
    """One flow's finest tallies, (unit, provider, month, cohort, wave) per indicator."""

    finest: dict[str, dict[Finest, Tally]] = field(default_factory=dict)
    most_answers: dict[str, int] = field(default_factory=dict)
    only_ratings: dict[str, bool] = field(default_factory=dict)
    lowest_positive: dict[str, int] = field(default_factory=dict)  # rating, per indicator
    highest_negative: dict[str, int] = field(default_factory=dict)

    def ratings(self) -> dict[str, tuple[int, int]]:
        """(lowest positive, highest negative) rating of indicators with a published mean."""
        return {
            indicator: (
                self.lowest_positive.get(indicator, 10),
                self.highest_negative.get(indicator, 0),
            )
            for indicator in self.finest
            if self.only_ratings.get(indicator, True)
        }


@dataclass(frozen=True)
class IndicatorRow:
    flow_id: str
    indicator: str
    unit: str
    provider: str
    period: str
    tally: Tally | None  # None when suppressed
    mean_meaningful: bool

    def as_csv(self) -> dict[str, str]:
        cohort, wave = cohort_and_wave(self.period)
        by_group = cohort != TOTAL  # a cohort's or a wave's cell, for all time
        row = {
            "flow_id": self.flow_id,
            "indicator": self.indicator,
            "unit": self.unit,
            "provider": self.provider,
            "cohort": cohort,
            "wave": wave,
            "period_type": ALL_TIME if by_group else period_type(self.period),
            "period": ALL_TIME if by_group else self.period,
            "n": "",
            "positive_share": "",
            "mean": "",
            "suppressed": "true" if self.tally is None else "false",
        }
        if self.tally is not None:
            t = self.tally
            row["n"] = str(t.n)
            row["positive_share"] = f"{t.positive / t.answers:.4f}"
            if self.mean_meaningful:
                row["mean"] = f"{t.rating_sum / t.answers:.2f}"
        return row


@dataclass(frozen=True)
class Publication:
    """What indicators.csv shows, and whether each flow's all-time total may be shown."""

    rows: list[IndicatorRow]
    total_hidden: dict[str, bool]


def tally(answers: Iterable[CountedAnswer]) -> dict[str, FlowTally]:
    """Add up counted answers (grouped by response) per flow, indicator and finest cell."""
    flows: dict[str, FlowTally] = {}
    seen_response = ""
    per_response: Counter[tuple[str, str]] = Counter()
    for a in answers:
        if a.response != seen_response:
            seen_response = a.response
            per_response.clear()
        flow = flows.get(a.flow_id)
        if flow is None:
            flow = flows[a.flow_id] = FlowTally()
        cells = flow.finest.setdefault(a.indicator, {})
        where = (a.unit, a.provider, a.month, a.cohort, a.wave)
        cell = cells.get(where)
        if cell is None:
            cell = cells[where] = Tally()
        key = (a.flow_id, a.indicator)
        per_response[key] += 1
        if per_response[key] == 1:
            cell.n += 1
        if per_response[key] > flow.most_answers.get(a.indicator, 0):
            flow.most_answers[a.indicator] = per_response[key]
        cell.answers += 1
        cell.positive += a.positive
        cell.rating_sum += a.rating or 0
        if a.question_type != "rating_0_10" or a.rating is None:
            flow.only_ratings[a.indicator] = False
        elif a.positive:
            low = flow.lowest_positive.get(a.indicator, a.rating)
            flow.lowest_positive[a.indicator] = min(low, a.rating)
        else:
            high = flow.highest_negative.get(a.indicator, a.rating)
            flow.highest_negative[a.indicator] = max(high, a.rating)
    return flows


def publish(flows: dict[str, FlowTally], min_group: int) -> Publication:
    """Every cell with its suppression decided, in the documented order."""
    rows: list[IndicatorRow] = []
    total_hidden: dict[str, bool] = {}
    for flow_id, flow in sorted(flows.items()):
        table = build_table(flow_id, flow.finest, flow.most_answers, flow.ratings())
        hidden = choose_hidden(table, min_group)
        root = (TOTAL, TOTAL, ALL_TIME)
        total_hidden[flow_id] = root in hidden or table.largest_n(root) < min_group
        for indicator, cells in sorted(table.values.items()):
            for cell in sorted((c for c in cells if c[2] != ALL_TIME), key=_row_order):
                unit, provider, period = cell
                rows.append(
                    IndicatorRow(
                        flow_id,
                        indicator,
                        unit,
                        provider,
                        period,
                        None if cell in hidden else cells[cell],
                        flow.only_ratings.get(indicator, True),
                    )
                )
    return Publication(rows, total_hidden)


def _row_order(cell: Cell) -> tuple[int, str, str, str]:
    return (_PERIOD_ORDER[period_type(cell[2])], cell[2], cell[0], cell[1])
