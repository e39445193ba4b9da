"""A reader who attacks indicators.csv with integer programs, to test its suppression.

It works from the published rows (and what a reader may know besides), never from the
export's own suppression code, so that a mistake there is not repeated here.

What a reader sees, per flow and indicator: rows for every cell with at least one person
(no row: a known 0), some of them suppressed. The cells are, per year, every unit
`(unit, *, year)`, every provider `(*, provider, year)` (`""`, "no provider named", is
one of them) and the year `(*, *, year)`, and for all units and providers every quarter
and month. Cells are tied by sums, which the reader derives from the rows: units add up
to their year, providers add up to their year, quarters to their year, months to their
quarter, and, when the flow's all-time response count is published, years to that count.
Where a flow has cohorts and waves, each cohort and each wave of a cohort has a row for all
time (`period` `all`); the reader takes the waves of a cohort to add up to the cohort, and
the cohorts to add up to what the years add up to (both are every person of the flow).

The model, per indicator:

* a hidden cell has unknowns n (people, at least 1, since it has a row), positive and
  negative (counted answers, at least 0), with n <= positive + negative <= k * n, where
  k is the most counted answers one person gave to the indicator;
* a shown cell is known exactly: its n, and positive = round(share * answers), where
  answers is n when k = 1 and otherwise the true number (given to the reader, which only
  makes it stronger), negative = answers - positive;
* where the mean rating is published, the sum of ratings is a fourth quantity: known
  exactly in shown cells (given, like the answers), and in hidden ones between the
  ratings a positive and a negative answer can have;
* every sum holds for each quantity separately; the all-time total ties the years' n.

Indicators of a flow that look alike (the same rows, and the same n wherever both show
a cell) are guessed to have the same people: they are also attacked together, their n
shared per cell. A guess the published numbers refute (no solution) is dropped.

A hidden value *leaks* when it takes a single value in every integer solution (a single
positive or negative count of 0 means everybody in the cell answered alike). For each
hidden value the reader minimises and maximises it with HiGHS (`scipy.optimize.milp`);
every solution found on the way is remembered, and a value already seen to take two
values needs no more solving. Unknowns are capped at `CEILING`, far above any test's
data, so that every program is bounded: a value that can reach the cap is not pinned.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from rostbot.store.export_state import CountedAnswer

TOTAL = "*"
COUNTS = ("n", "positive", "negative")
RATED = (*COUNTS, "rating_sum")
CEILING = 100_000
POSITIVE_FROM = 7  # the codebook's default: ratings from 7 up are positive

Cell = tuple[str, str, str]  # (unit or *, provider or *, period); see row_cell for cohorts
Key = tuple[str, str]  # (flow_id, indicator)
CellKey = tuple[str, str, Cell]  # (flow_id, indicator, cell)
Name = tuple[str, Cell, str]  # (indicator, cell, quantity)
Expression = tuple[dict[int, float], float]  # coefficients of unknowns, constant


class InconsistentPublication(AssertionError):
    """The published numbers of one indicator admit no solution at all."""


@dataclass(frozen=True, order=True)
class Leak:
    """A hidden value a reader can work out."""

    flow_id: str
    indicator: str
    cell: Cell
    quantity: str  # "n", "positive", "negative" or "rating_sum"
    value: int


@dataclass(frozen=True)
class Count:
    """People, counted answers, positive answers and the sum of ratings of one cell."""

    n: int
    answers: int
    positive: int
    rating_sum: int = 0

    @property
    def negative(self) -> int:
        return self.answers - self.positive

    def get(self, quantity: str) -> int:
        return int(getattr(self, quantity))


@dataclass(frozen=True)
class RatingRange:
    """The ratings a negative and a positive answer can have."""

    negative_low: int = 0
    negative_high: int = POSITIVE_FROM - 1
    positive_low: int = POSITIVE_FROM
    positive_high: int = 10


@dataclass(frozen=True)
class Knowledge:
    """What the reader knows besides indicators.csv."""

    most_answers: Mapping[Key, int] = field(default_factory=dict)  # k; 1 when missing
    shown_answers: Mapping[CellKey, int] = field(default_factory=dict)  # needed when k > 1
    shown_rating_sums: Mapping[CellKey, int] = field(default_factory=dict)  # else from mean
    ratings: Mapping[Key, RatingRange] = field(default_factory=dict)  # else from the codebook
    all_time_n: Mapping[Key, int] = field(default_factory=dict)  # flows with a published total


# --- periods and cells -------------------------------------------------------------------


COHORT = "cohort "  # a cohort's or a wave's cell: (COHORT + cohort, wave or *, "all")
ALL_TIME = "all"


def row_cell(row: Mapping[str, str]) -> Cell:
    """The cell a row of indicators.csv is about (rows without cohort columns: no cohort)."""
    cohort = row.get("cohort", TOTAL)
    if cohort != TOTAL:
        return (COHORT + cohort, row["wave"], ALL_TIME)
    return (row["unit"], row["provider"], row["period"])


def period_kind(period: str) -> str:
    if period == ALL_TIME:
        return "all"
    if len(period) == 4:
        return "year"
    return "quarter" if "-Q" in period else "month"


def quarter_of(month: str) -> str:
    """`2026-05` -> `2026-Q2`."""
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def cells_of_person(
    unit: str, provider: str, month: str, cohort: str = "", wave: str = "", waves: bool = False
) -> tuple[Cell, ...]:
    """The published cells a person of (unit, provider, month) is counted in; with `waves`
    (the flow has cohorts or waves), their cohort's and wave's too."""
    year = month[:4]
    cells: tuple[Cell, ...] = (
        (unit, TOTAL, year),
        (TOTAL, provider, year),
        (TOTAL, TOTAL, year),
        (TOTAL, TOTAL, quarter_of(month)),
        (TOTAL, TOTAL, month),
    )
    if waves:
        cells += ((COHORT + cohort, TOTAL, ALL_TIME), (COHORT + cohort, wave, ALL_TIME))
    return cells


def _check_shape(cell: Cell) -> None:
    unit, provider, period = cell
    if period == ALL_TIME:
        if not unit.startswith(COHORT):
            raise ValueError(f"unexpected cell {cell}")
    elif unit.startswith(COHORT):
        raise ValueError(f"unexpected cell {cell}")
    elif period_kind(period) == "year":
        if unit != TOTAL and provider != TOTAL:
            raise ValueError(f"unexpected cell {cell}")
    elif (unit, provider) != (TOTAL, TOTAL):
        raise ValueError(f"unexpected cell {cell}")


def published_sums(cells: Iterable[Cell]) -> list[tuple[Cell, tuple[Cell, ...]]]:
    """Every (total, parts) sum among the cells; a cell not in `cells` is a known 0."""
    present = set(cells)
    for cell in present:
        _check_shape(cell)
    sums: list[tuple[Cell, tuple[Cell, ...]]] = []
    for cohort in sorted({c[0] for c in present if c[2] == ALL_TIME}):
        waves = tuple(sorted(c for c in present if c[0] == cohort and c[1] != TOTAL))
        sums.append(((cohort, TOTAL, ALL_TIME), waves))
    for year in sorted({c[2][:4] for c in present if c[2] != ALL_TIME}):
        total = (TOTAL, TOTAL, year)
        of_year = sorted(c for c in present if c[2] == year)
        sums.append((total, tuple(c for c in of_year if c[0] != TOTAL)))
        sums.append((total, tuple(c for c in of_year if c[0] == TOTAL and c[1] != TOTAL)))
        periods = {c[2] for c in present if c[2][:4] == year}
        months = sorted(p for p in periods if period_kind(p) == "month")
        quarters = sorted(
            {p for p in periods if period_kind(p) == "quarter"} | {quarter_of(m) for m in months}
        )
        sums.append((total, tuple((TOTAL, TOTAL, q) for q in quarters)))
        for quarter in quarters:
            parts = tuple((TOTAL, TOTAL, m) for m in months if quarter_of(m) == quarter)
            sums.append(((TOTAL, TOTAL, quarter), parts))
    return sums


# --- what the raw answers hold (for the tests' knowledge and truth) ----------------------


def count_cells(answers: Iterable[CountedAnswer]) -> dict[CellKey, Count]:
    """The true n, answers, positive answers and sum of ratings of every published cell."""
    people: dict[CellKey, set[str]] = defaultdict(set)
    totals: dict[CellKey, Counter[str]] = defaultdict(Counter)
    answers = list(answers)
    with_waves = {a.flow_id for a in answers if a.cohort or a.wave}
    for a in answers:
        waves = a.flow_id in with_waves
        for cell in cells_of_person(a.unit, a.provider, a.month, a.cohort, a.wave, waves):
            key = (a.flow_id, a.indicator, cell)
            people[key].add(a.response)
            totals[key].update(answers=1, positive=int(a.positive), rating_sum=a.rating or 0)
    return {key: Count(len(people[key]), **totals[key]) for key in people}


def knowledge_of(answers: Sequence[CountedAnswer], total_hidden: Mapping[str, bool]) -> Knowledge:
    """The reader of docs/export.md ("The reader we defend against"), from the raw answers.

    k per indicator; the answers and sum of ratings of every cell (the reader uses those
    of shown cells); ratings of hidden answers between 0 and the highest negative rating,
    or the lowest positive rating and 10; the all-time n of flows whose total is published.
    """
    per_person = Counter((a.flow_id, a.indicator, a.response) for a in answers)
    most: dict[Key, int] = {}
    people: dict[Key, set[str]] = defaultdict(set)
    for (flow_id, indicator, response), count in per_person.items():
        most[(flow_id, indicator)] = max(most.get((flow_id, indicator), 0), count)
        people[(flow_id, indicator)].add(response)
    all_time = {key: len(who) for key, who in people.items() if total_hidden.get(key[0]) is False}
    rated: dict[Key, list[CountedAnswer]] = defaultdict(list)
    for a in answers:
        rated[(a.flow_id, a.indicator)].append(a)
    ratings = {
        key: RatingRange(
            negative_high=max((a.rating or 0 for a in some if not a.positive), default=0),
            positive_low=min((a.rating or 0 for a in some if a.positive), default=10),
        )
        for key, some in rated.items()
        if all(a.question_type == "rating_0_10" and a.rating is not None for a in some)
    }
    counts = count_cells(answers)
    return Knowledge(
        most,
        {key: c.answers for key, c in counts.items()},
        {key: c.rating_sum for key, c in counts.items()},
        ratings,
        all_time,
    )


# --- the reader's view of the rows --------------------------------------------------------


@dataclass(frozen=True)
class IndicatorView:
    """What the rows of one flow and indicator tell the reader."""

    flow_id: str
    indicator: str
    shown: Mapping[Cell, Count]
    hidden: frozenset[Cell]
    most_answers: int
    all_time_n: int | None
    ratings: RatingRange | None  # None: no mean published

    @property
    def cells(self) -> frozenset[Cell]:
        return frozenset(self.shown) | self.hidden

    @property
    def quantities(self) -> tuple[str, ...]:
        return COUNTS if self.ratings is None else RATED


def _read_shown(row: Mapping[str, str], cell: Cell, knowledge: Knowledge) -> Count:
    key = (row["flow_id"], row["indicator"])
    n = int(row["n"])
    k = knowledge.most_answers.get(key, 1)
    answers = knowledge.shown_answers.get((*key, cell), n if k == 1 else None)
    if answers is None:
        raise KeyError(f"k = {k} for {key}: the reader needs the answers of {cell}")
    positive = round(float(row["positive_share"]) * answers)
    rating_sum = knowledge.shown_rating_sums.get((*key, cell))
    if rating_sum is None:
        rating_sum = round(float(row["mean"]) * answers) if row["mean"] else 0
    return Count(n, answers, positive, rating_sum)


def read_rows(rows: Iterable[Mapping[str, str]], knowledge: Knowledge) -> list[IndicatorView]:
    """The rows of indicators.csv, per flow and indicator."""
    shown: dict[Key, dict[Cell, Count]] = defaultdict(dict)
    hidden: dict[Key, set[Cell]] = defaultdict(set)
    with_mean: set[Key] = set()
    for row in rows:
        key = (row["flow_id"], row["indicator"])
        cell = row_cell(row)
        _check_shape(cell)
        if cell in shown[key] or cell in hidden[key]:
            raise ValueError(f"two rows for {key} {cell}")
        if row["suppressed"] == "true":
            hidden[key].add(cell)
            continue
        shown[key][cell] = _read_shown(row, cell, knowledge)
        if row["mean"]:
            with_mean.add(key)
    views = []
    for key in sorted(shown.keys() | hidden.keys()):
        ratings = knowledge.ratings.get(key)
        if ratings is None and key in with_mean:
            ratings = RatingRange()
        views.append(
            IndicatorView(
                *key,
                shown[key],
                frozenset(hidden[key]),
                knowledge.most_answers.get(key, 1),
                knowledge.all_time_n.get(key),
                ratings,
            )
        )
    return views


def look_alike(a: IndicatorView, b: IndicatorView) -> bool:
    """Same rows, the same n wherever both show a cell, and the same known all-time n."""
    both = a.shown.keys() & b.shown.keys()
    return (
        a.cells == b.cells
        and a.all_time_n == b.all_time_n
        and all(a.shown[c].n == b.shown[c].n for c in both)
    )


def look_alike_groups(views: Sequence[IndicatorView]) -> list[list[IndicatorView]]:
    """Every largest group (two or more) of indicators that pairwise look alike."""
    alike = {
        i: {j for j in range(len(views)) if j != i and look_alike(views[i], views[j])}
        for i in range(len(views))
    }
    groups: list[list[IndicatorView]] = []

    def grow(chosen: set[int], candidates: set[int], excluded: set[int]) -> None:
        if not candidates and not excluded:
            if len(chosen) > 1:
                groups.append([views[i] for i in sorted(chosen)])
            return
        for i in sorted(candidates):
            grow(chosen | {i}, candidates & alike[i], excluded & alike[i])
            candidates = candidates - {i}
            excluded = excluded | {i}

    grow(set(), set(range(len(views))), set())
    return groups


# --- the integer program ------------------------------------------------------------------


@dataclass
class Program:
    """Integer unknowns with lower bounds, and linear constraints low <= a x <= high."""

    names: list[Name] = field(default_factory=list)
    lowest: list[float] = field(default_factory=list)
    rows: list[dict[int, float]] = field(default_factory=list)
    low: list[float] = field(default_factory=list)
    high: list[float] = field(default_factory=list)
    contradicted: bool = False

    def unknown(self, name: Name, lowest: int) -> Expression:
        self.names.append(name)
        self.lowest.append(lowest)
        return {len(self.names) - 1: 1.0}, 0.0

    def require(self, expression: Expression, low: float, high: float) -> None:
        """low <= expression <= high."""
        coefficients = {i: c for i, c in expression[0].items() if c}
        constant = expression[1]
        if not coefficients:
            if not low - 1e-9 <= constant <= high + 1e-9:
                self.contradicted = True
            return
        self.rows.append(coefficients)
        self.low.append(low - constant)
        self.high.append(high - constant)

    def solve(self, objective: Mapping[int, float]) -> np.ndarray | None:
        """An integer solution minimising `objective`; None when there is none."""
        if self.contradicted:
            return None
        size = len(self.names)
        if not size:
            return np.zeros(0, dtype=int)
        cost = np.zeros(size)
        for i, c in objective.items():
            cost[i] = c
        constraints = []
        if self.rows:
            entries = [(r, i, c) for r, row in enumerate(self.rows) for i, c in row.items()]
            row_of, column, data = zip(*entries, strict=True)
            matrix = csr_array((data, (row_of, column)), shape=(len(self.rows), size))
            constraints = [LinearConstraint(matrix, self.low, self.high)]
        result = milp(
            cost,
            integrality=np.ones(size),
            bounds=Bounds(np.array(self.lowest), np.full(size, CEILING)),
            constraints=constraints,
            options={"mip_rel_gap": 0},
        )
        if result.status == 2:
            return None
        if result.status != 0:
            raise RuntimeError(f"the solver failed: {result.message}")
        solution: np.ndarray = np.round(result.x).astype(int)
        return solution


def combine(*terms: tuple[float, Expression]) -> Expression:
    """The sum of factor * expression."""
    coefficients: dict[int, float] = defaultdict(float)
    constant = 0.0
    for factor, (term, value) in terms:
        for i, c in term.items():
            coefficients[i] += factor * c
        constant += factor * value
    return dict(coefficients), constant


def _value(
    view: IndicatorView, own: Mapping[tuple[Cell, str], Expression], cell: Cell, quantity: str
) -> Expression:
    """A cell's value for the reader: known when shown, 0 without a row, else unknown."""
    if cell in view.shown:
        return {}, float(view.shown[cell].get(quantity))
    return own.get((cell, quantity), ({}, 0.0))


def _add_view(
    program: Program, view: IndicatorView, shared_n: Mapping[Cell, Expression]
) -> dict[tuple[Cell, str], Expression]:
    """One indicator's unknowns and constraints; its hidden values by (cell, quantity)."""
    own: dict[tuple[Cell, str], Expression] = {}
    for cell in sorted(view.hidden):
        own[(cell, "n")] = shared_n[cell]
        for quantity in view.quantities[1:]:
            own[(cell, quantity)] = program.unknown((view.indicator, cell, quantity), 0)
    for total, parts in published_sums(view.cells):
        for quantity in view.quantities:
            terms = [(1.0, _value(view, own, total, quantity))]
            terms += [(-1.0, _value(view, own, part, quantity)) for part in parts]
            program.require(combine(*terms), 0, 0)
    years = [c for c in view.cells if c[:2] == (TOTAL, TOTAL) and period_kind(c[2]) == "year"]
    cohorts = [c for c in view.cells if c[2] == ALL_TIME and c[1] == TOTAL]
    if cohorts:  # the cohorts hold the same people as the years
        for quantity in view.quantities:
            terms = [(1.0, _value(view, own, year, quantity)) for year in years]
            terms += [(-1.0, _value(view, own, cohort, quantity)) for cohort in cohorts]
            program.require(combine(*terms), 0, 0)
    if view.all_time_n is not None:
        years_n = combine(*((1.0, _value(view, own, year, "n")) for year in years))
        program.require(years_n, view.all_time_n, view.all_time_n)
    for cell in sorted(view.hidden):
        n, pos, neg = (own[(cell, q)] for q in COUNTS)
        # every person gave between 1 and k counted answers
        program.require(combine((1, pos), (1, neg), (-1, n)), 0, np.inf)
        program.require(combine((1, pos), (1, neg), (-view.most_answers, n)), -np.inf, 0)
        if view.ratings is not None:
            r, span = own[(cell, "rating_sum")], view.ratings
            low = combine((1, r), (-span.positive_low, pos), (-span.negative_low, neg))
            high = combine((1, r), (-span.positive_high, pos), (-span.negative_high, neg))
            program.require(low, 0, np.inf)
            program.require(high, -np.inf, 0)
    return own


def build_program(views: Sequence[IndicatorView]) -> tuple[Program, dict[Name, Expression]]:
    """The program of one indicator, or of look-alike indicators sharing their n.

    Returns it with every hidden value: (indicator, cell, quantity) -> its expression (a
    single unknown, or a constant when another indicator of the group shows that n).
    """
    program = Program()
    shared_n: dict[Cell, Expression] = {}
    for cell in sorted(frozenset().union(*(v.hidden for v in views))):
        shown_elsewhere = [v.shown[cell].n for v in views if cell in v.shown]
        if shown_elsewhere:
            shared_n[cell] = ({}, float(shown_elsewhere[0]))
        else:
            shared_n[cell] = program.unknown(("", cell, "n"), 1)
    targets: dict[Name, Expression] = {}
    for view in views:
        own = _add_view(program, view, shared_n)
        targets.update({(view.indicator, c, q): e for (c, q), e in own.items()})
    return program, targets


def pinned_values(program: Program, targets: Mapping[Name, Expression]) -> dict[Name, int] | None:
    """The targets that take a single value in every solution; None when there is none."""
    first = program.solve({})
    if first is None:
        return None
    seen: list[set[int]] = [{int(v)} for v in first]

    def observe(solution: np.ndarray | None) -> None:
        if solution is None:
            raise RuntimeError("a feasible program became infeasible")
        for i, v in enumerate(solution):
            seen[i].add(int(v))

    unknowns = sorted({i for coefficients, _ in targets.values() for i in coefficients})
    for direction in (1.0, -1.0):  # move every unresolved unknown at once, down then up
        unresolved = [i for i in unknowns if len(seen[i]) == 1]
        if unresolved:
            observe(program.solve(dict.fromkeys(unresolved, direction)))
    for i in unknowns:
        for direction in (1.0, -1.0):  # then each one left, down and up
            if len(seen[i]) == 1:
                observe(program.solve({i: direction}))
    pinned: dict[Name, int] = {}
    for name, (coefficients, constant) in targets.items():
        if not coefficients:
            pinned[name] = round(constant)
        elif len(seen[(i := next(iter(coefficients)))]) == 1:
            pinned[name] = next(iter(seen[i]))
    return pinned


# --- the attack ---------------------------------------------------------------------------


def attack(views: Sequence[IndicatorView]) -> list[Leak] | None:
    """The leaks of one indicator or look-alike group; None when no values fit at all."""
    program, targets = build_program(views)
    pinned = pinned_values(program, targets)
    if pinned is None:
        return None
    flow_id = views[0].flow_id
    return [Leak(flow_id, ind, cell, q, value) for (ind, cell, q), value in pinned.items()]


def find_leaks(rows: Iterable[Mapping[str, str]], knowledge: Knowledge | None = None) -> list[Leak]:
    """Every hidden value of indicators.csv the reader can work out."""
    views = read_rows(rows, knowledge or Knowledge())
    by_flow: dict[str, list[IndicatorView]] = defaultdict(list)
    for view in views:
        by_flow[view.flow_id].append(view)
    leaks: set[Leak] = set()
    for flow_views in by_flow.values():
        for view in flow_views:
            found = attack([view])
            if found is None:
                raise InconsistentPublication(
                    f"{view.flow_id}/{view.indicator}: no values fit the published numbers"
                )
            leaks.update(found)
        for group in look_alike_groups(flow_views):
            leaks.update(attack(group) or [])
    return sorted(leaks)
