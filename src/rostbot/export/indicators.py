"""Group-level indicators: n, share of positive answers and mean rating, per cell.

Cells are (flow, indicator) x (unit or `*`) x (provider or `*`) x (month, quarter or
year). A person counts once in `n` (the month of their response's first answer); each
of their counted answers counts in the share. Memory grows with the number of cells,
never with the number of answers: answers are streamed in, grouped by response.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rostbot.export.suppression import TOTAL, Cell, period_type, quarter_of, suppress, year_of
from rostbot.store.export_state import CountedAnswer

COLUMNS = (
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
_PERIOD_ORDER = {"year": 0, "quarter": 1, "month": 2}


@dataclass
class Tally:
    n: int = 0
    answers: int = 0
    positive: int = 0
    rating_sum: int = 0

    def add(self, other: Tally) -> None:
        self.n += other.n
        self.answers += other.answers
        self.positive += other.positive
        self.rating_sum += other.rating_sum


@dataclass
class Table:
    """One flow's indicator: tallies per cell, and whether every answer was a rating."""

    cells: dict[Cell, Tally] = field(default_factory=dict)
    only_ratings: bool = True


@dataclass(frozen=True)
class IndicatorRow:
    flow_id: str
    indicator: str
    unit: str
    provider: str
    period: str
    tally: Tally | None  # None when suppressed
    mean_meaningful: bool
    primary: bool

    def as_csv(self) -> dict[str, str]:
        row = {
            "flow_id": self.flow_id,
            "indicator": self.indicator,
            "unit": self.unit,
            "provider": self.provider,
            "period_type": period_type(self.period),
            "period": self.period,
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


def tally(answers: Iterable[CountedAnswer]) -> dict[tuple[str, str], Table]:
    """Add up counted answers (grouped by response) into every cell they belong to."""
    # First per (unit, provider, month), the finest cells; then into their totals, once
    # per finest cell rather than once per answer.
    finest: dict[tuple[str, str], dict[Cell, Tally]] = {}
    only_ratings: dict[tuple[str, str], bool] = {}
    seen_response = ""
    seen_indicators: set[tuple[str, str]] = set()
    for a in answers:
        if a.response != seen_response:
            seen_response, seen_indicators = a.response, set()
        key = (a.flow_id, a.indicator)
        cell = finest.setdefault(key, {}).get((a.unit, a.provider, a.month))
        if cell is None:
            cell = finest[key][(a.unit, a.provider, a.month)] = Tally()
        if key not in seen_indicators:
            cell.n += 1
            seen_indicators.add(key)
        cell.answers += 1
        cell.positive += a.positive
        cell.rating_sum += a.rating or 0
        if a.question_type != "rating_0_10":
            only_ratings[key] = False
    tables: dict[tuple[str, str], Table] = {}
    for key, cells in finest.items():
        table = tables[key] = Table(only_ratings=only_ratings.get(key, True))
        for (unit, provider, month), one in cells.items():
            for u in (unit, TOTAL):
                for p in (provider, TOTAL):
                    for period in (month, quarter_of(month), year_of(month)):
                        table.cells.setdefault((u, p, period), Tally()).add(one)
    return tables


def rows(tables: dict[tuple[str, str], Table], min_group: int) -> Iterator[IndicatorRow]:
    """Every cell with its suppression decided, in the documented order."""
    for (flow_id, indicator), table in sorted(tables.items()):
        counts = {cell: t.n for cell, t in table.cells.items()}
        decided = suppress(counts, min_group)
        for cell in sorted(
            table.cells, key=lambda c: (_PERIOD_ORDER[period_type(c[2])], c[2], c[0], c[1])
        ):
            unit, provider, period = cell
            yield IndicatorRow(
                flow_id,
                indicator,
                unit,
                provider,
                period,
                None if cell in decided.hidden else table.cells[cell],
                table.only_ratings,
                cell in decided.primary,
            )
