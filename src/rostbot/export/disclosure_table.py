"""The published table of one flow: its cells, their counts per indicator, and their sums.

What `indicators.csv` publishes for a flow is one structure shared by all of its
indicators (see docs/export.md, "What is protected"):

* per year, every unit `(unit, *, year)` and every provider `(*, provider, year)`,
  "no provider" included, each adding up to the year `(*, *, year)`;
* for all units and providers, years, quarters and months, months adding up to their
  quarter and quarters to their year;
* the all-time total `(*, *, all)`, the years adding up to it. It is not a row of
  `indicators.csv`, but the flow's response count in `counts.csv` tells nearly the
  same, so it is treated as published whenever that count is;
* when anyone of the flow was invited with a cohort or a wave, for all time: every
  cohort `(*, *, cohort:C)` ("no cohort" included), adding up to the all-time total,
  and every wave of a cohort `(*, *, wave:C/W)` ("no wave" included), adding up to its
  cohort. The third member of these cells names the group instead of a period (names
  of cohorts and waves hold no `:` or `/`); `indicators.csv` shows them as cohort and
  wave with the period `all`.

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
Cell = tuple[str, str, str]  # (unit or *, provider or *, period or cohort/wave group)
Finest = tuple[str, str, str, str, str]  # (unit, provider, month, cohort, wave)
COHORT = "cohort:"
WAVE = "wave:"


def cohort_group(cohort: str) -> str:
    """The third member of a cohort's cell; "" is "no cohort"."""
    return f"{COHORT}{cohort}"


def wave_group(cohort: str, wave: str) -> str:
    """The third member of a cohort's wave's cell; "" is "no wave" (or "no cohort")."""
    return f"{WAVE}{cohort}/{wave}"


def cohort_and_wave(group: str) -> tuple[str, str]:
    """(cohort, wave) of a cell's third member: `*` for a margin, both `*` for a period."""
    if group.startswith(COHORT):
        return group[len(COHORT) :], TOTAL
    if group.startswith(WAVE):
        cohort, _, wave = group[len(WAVE) :].partition("/")
        return cohort, wave
    return TOTAL, TOTAL


def quarter_of(month: str) -> str:
    """`2026-05` -> `2026-Q2`."""
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def year_of(period: str) -> str:
    return period[:4]


def period_type(period: str) -> str:
    if period == ALL_TIME:
        return "all"
    if period.startswith(COHORT):
        return "cohort"
    if period.startswith(WAVE):
        return "wave"
    if len(period) == 4:
        return "year"
    return "quarter" if "Q" in period else "month"


def published_cells(
    unit: str, provider: str, month: str, cohort: str = "", wave: str = "", waves: bool = False
) -> tuple[Cell, ...]:
    """The published cells a person of (unit, provider, month) is counted in; with
    `waves`, also their cohort's and wave's."""
    year = year_of(month)
    cells: tuple[Cell, ...] = (
        (unit, TOTAL, year),
        (TOTAL, provider, year),
        (TOTAL, TOTAL, year),
        (TOTAL, TOTAL, quarter_of(month)),
        (TOTAL, TOTAL, month),
        (TOTAL, TOTAL, ALL_TIME),
    )
    if waves:
        cells += ((TOTAL, TOTAL, cohort_group(cohort)), (TOTAL, TOTAL, wave_group(cohort, wave)))
    return cells


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
    finest: Mapping[str, Mapping[Finest, Tally]],
    most_answers: Mapping[str, int],
    ratings: Mapping[str, tuple[int, int]] | None = None,
) -> FlowTable:
    """Add (unit, provider, month, cohort, wave) tallies of each indicator up into the
    published cells (cohorts and waves only when someone of the flow has one)."""
    table = FlowTable(flow_id, most_answers=dict(most_answers), ratings=dict(ratings or {}))
    waves = any(key[3] or key[4] for cells in finest.values() for key in cells)
    for indicator, cells in finest.items():
        published = table.values[indicator] = {}
        for (unit, provider, month, cohort, wave), one in cells.items():
            for cell in published_cells(unit, provider, month, cohort, wave, waves):
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
        cohorts = tuple(sorted(c for c in present if period_type(c[2]) == "cohort"))
        if cohorts:
            relations.append(Relation(root, cohorts))
        for cohort in cohorts:
            name, _ = cohort_and_wave(cohort[2])
            waves = tuple(
                sorted(
                    c
                    for c in present
                    if period_type(c[2]) == "wave" and cohort_and_wave(c[2])[0] == name
                )
            )
            relations.append(Relation(cohort, waves))
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
