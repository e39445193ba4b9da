"""The published table of one flow: its cells, their counts per indicator, and their sums.

What `indicators.csv` publishes for a flow is one structure shared by all of its
indicators (see docs/export.md, "What is protected"):

* per year, every unit `(unit, *, year)` and every provider `(*, provider, year)`,
  "no provider" included, each adding up to the year `(*, *, year)`;
* for all units and providers, years, quarters and months, months adding up to their
  quarter and quarters to their year;
* the all-time total `(*, *, all)`, the years adding up to it. It is not a row of
  `indicators.csv`, but the flow's response count in `counts.csv` tells nearly the
  same, so it is treated as published whenever that count is.

Every cell holds, per indicator, the number of people `n`, and of their counted answers
the positive ones `positive` and the others `negative`, and where the mean rating is
published, the sum of ratings `rating_sum`. Each adds up along every sum above. Cells
with nobody have no row: a reader knows they hold 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

TOTAL = "*"
ALL_TIME = "all"
Cell = tuple[str, str, str]  # (unit or *, provider or *, period)


def quarter_of(month: str) -> str:
    """`2026-05` -> `2026-Q2`."""
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def year_of(period: str) -> str:
    return period[:4]


def period_type(period: str) -> str:
    if period == ALL_TIME:
        return "all"
    if len(period) == 4:
        return "year"
    return "quarter" if "Q" in period else "month"


def published_cells(unit: str, provider: str, month: str) -> tuple[Cell, ...]:
    """The published cells a person of (unit, provider, month) is counted in."""
    year = year_of(month)
    return (
        (unit, TOTAL, year),
        (TOTAL, provider, year),
        (TOTAL, TOTAL, year),
        (TOTAL, TOTAL, quarter_of(month)),
        (TOTAL, TOTAL, month),
        (TOTAL, TOTAL, ALL_TIME),
    )


@dataclass
class Tally:
    """People, counted answers, positive answers and the sum of ratings of one cell."""

    n: int = 0
    answers: int = 0
    positive: int = 0
    rating_sum: int = 0

    @property
    def negative(self) -> int:
        return self.answers - self.positive

    def add(self, other: Tally) -> None:
        self.n += other.n
        self.answers += other.answers
        self.positive += other.positive
        self.rating_sum += other.rating_sum


@dataclass(frozen=True)
class Relation:
    """A published sum: `total` is the sum of `parts`."""

    total: Cell
    parts: tuple[Cell, ...]

    @property
    def members(self) -> tuple[Cell, ...]:
        return (self.total, *self.parts)


@dataclass
class FlowTable:
    """One flow's published cells and sums; `values[indicator][cell]` per indicator."""

    flow_id: str
    values: dict[str, dict[Cell, Tally]] = field(default_factory=dict)
    most_answers: dict[str, int] = field(default_factory=dict)  # per person, per indicator
    relations: list[Relation] = field(default_factory=list)
    # indicators whose mean rating is published: (lowest positive, highest negative rating)
    ratings: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def cells(self) -> list[Cell]:
        """Every cell some indicator of the flow has people in, in a stable order."""
        return sorted({cell for cells in self.values.values() for cell in cells})

    def largest_n(self, cell: Cell) -> int:
        return max((cells[cell].n for cells in self.values.values() if cell in cells), default=0)

    def relations_of(self, cell: Cell) -> list[Relation]:
        return [r for r in self.relations if cell in r.members]


def build_table(
    flow_id: str,
    finest: Mapping[str, Mapping[tuple[str, str, str], Tally]],
    most_answers: Mapping[str, int],
    ratings: Mapping[str, tuple[int, int]] | None = None,
) -> FlowTable:
    """Add (unit, provider, month) tallies of each indicator up into the published cells."""
    table = FlowTable(flow_id, most_answers=dict(most_answers), ratings=dict(ratings or {}))
    for indicator, cells in finest.items():
        published = table.values[indicator] = {}
        for (unit, provider, month), one in cells.items():
            for cell in published_cells(unit, provider, month):
                published.setdefault(cell, Tally()).add(one)
    table.relations = _relations(table.cells)
    return table


def _relations(cells: Iterable[Cell]) -> list[Relation]:
    """Every sum among the cells that exist (a missing cell is a known 0)."""
    present = set(cells)
    years = sorted({c[2] for c in present if period_type(c[2]) == "year"})
    relations: list[Relation] = []
    root = (TOTAL, TOTAL, ALL_TIME)
    if root in present:
        relations.append(Relation(root, tuple((TOTAL, TOTAL, y) for y in years)))
    for year in years:
        total = (TOTAL, TOTAL, year)
        units = tuple(sorted(c for c in present if c[2] == year and c[0] != TOTAL))
        providers = tuple(sorted(c for c in present if c[2] == year and c[1] != TOTAL))
        quarters = tuple(
            sorted(
                c
                for c in present
                if c[:2] == (TOTAL, TOTAL)
                and period_type(c[2]) == "quarter"
                and year_of(c[2]) == year
            )
        )
        relations += [Relation(total, units), Relation(total, providers)]
        relations.append(Relation(total, quarters))
        for quarter in quarters:
            months = tuple(
                sorted(
                    c
                    for c in present
                    if c[:2] == (TOTAL, TOTAL)
                    and period_type(c[2]) == "month"
                    and quarter_of(c[2]) == quarter[2]
                )
            )
            relations.append(Relation(quarter, months))
    return relations
