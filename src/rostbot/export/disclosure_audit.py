"""The attacker's view of a suppression pattern: what an integer program can pin down.

Given a flow's table and the cells to hide, the audit plays a reader who knows every
published number and more: for every cell shown, its `n` and the exact number of
positive and negative answers (what `positive_share` nearly gives; assuming it exactly
makes the reader stronger, never weaker). For the hidden cells it solves integer
programs over every published sum of `n`, of positive and of negative answers, with:

* a hidden cell holds at least one person (it has a row) and at most `k` counted
  answers per person, at least one (`k`: the most answers one person gave to that
  indicator's questions; a reader knows it from the codebook);
* indicators of the flow that show the same `n` in every shown cell are taken to have
  the same people (`n` shared by their hidden cells too), as a reader would guess.

Where the mean rating is published, the sum of ratings is a fourth quantity: it adds up
like the others and lies between the ratings seen (positive answers at least the lowest
positive rating, at most 10; negative answers at most the highest negative rating).

A hidden cell is *pinned* when its `n`, its positive count, its negative count or its
sum of ratings takes one value in every solution; a pinned negative (or positive) count
of 0 means everybody answered alike. The audit returns every pinned (cell, quantity) it finds.

To save solving, one program per direction first moves all still-unresolved quantities
at once; quantities that moved are resolved. Each one left is pushed up, then down.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rostbot.export.disclosure_table import Cell, FlowTable, Tally
from rostbot.export.integer_program import Constraints, minimise

QUANTITIES = ("n", "positive", "negative")
RATED = (*QUANTITIES, "rating_sum")  # where the mean rating is published
INFINITE = np.inf
CAP = 1_000_000  # an unknown pushed this far has moved: no true count comes near


@dataclass(frozen=True)
class Pinned:
    """A hidden value a reader can work out: (indicators, cell, quantity) = value."""

    indicators: tuple[str, ...]
    cell: Cell
    quantity: str
    value: int


@dataclass
class _Model:
    """An integer program over the hidden cells of one or more indicators."""

    names: list[tuple[str, Cell, str]]  # (indicator or "" for shared n, cell, quantity)
    truth: np.ndarray
    true_values: list[frozenset[int]]  # what a pinned value must equal to disclose
    constraints: Constraints
    low: np.ndarray  # least value of each unknown
    high: np.ndarray  # a cap far above any true value, so that no program is unbounded


def audit(table: FlowTable, hidden: frozenset[Cell]) -> list[Pinned]:
    """Every hidden value of the flow that the published numbers pin down."""
    if not hidden:
        return []
    pinned: list[Pinned] = []
    for indicator in sorted(table.values):
        pinned += _pinned(_model(table, hidden, [indicator]), [indicator])
    for group in _look_alike(table, hidden):
        pinned += _pinned(_model(table, hidden, group), group)
    return pinned


def _look_alike(table: FlowTable, hidden: frozenset[Cell]) -> list[list[str]]:
    """Groups of two or more indicators that show the same cells with the same n."""
    groups: dict[tuple[tuple[Cell, int | None], ...], list[str]] = {}
    for indicator, cells in sorted(table.values.items()):
        shown = tuple(sorted((c, None if c in hidden else t.n) for c, t in cells.items()))
        groups.setdefault(shown, []).append(indicator)
    return [g for g in groups.values() if len(g) > 1]


def _model(table: FlowTable, hidden: frozenset[Cell], group: Sequence[str]) -> _Model:
    shared = len(group) > 1
    names: list[tuple[str, Cell, str]] = []
    truth: list[int] = []
    true_n: list[frozenset[int]] = []  # a shared n: each indicator's own
    index: dict[tuple[str, Cell, str], int] = {}
    first = table.values[group[0]]
    cells = sorted(c for c in first if c in hidden)

    def add(name: tuple[str, Cell, str], value: int, *values: int) -> None:
        index[name] = len(names)
        names.append(name)
        truth.append(value)
        true_n.append(frozenset((value, *values)))

    for cell in cells:
        if shared:
            add(("", cell, "n"), *(table.values[i][cell].n for i in group))
        for indicator in group:
            tally = table.values[indicator][cell]
            if not shared:
                add((indicator, cell, "n"), tally.n)
            add((indicator, cell, "positive"), tally.positive)
            add((indicator, cell, "negative"), tally.negative)
            if indicator in table.ratings:
                add((indicator, cell, "rating_sum"), tally.rating_sum)
    constraints = Constraints(len(names))

    def n_of(indicator: str, cell: Cell) -> int:
        return index[("" if shared else indicator, cell, "n")]

    for indicator in group:
        values = table.values[indicator]
        for relation in table.relations:
            for quantity in RATED if indicator in table.ratings else QUANTITIES:
                row: dict[int, float] = {}
                constant = 0
                for cell, sign in [(relation.total, 1), *((p, -1) for p in relation.parts)]:
                    found = values.get(cell)
                    if found is None:
                        continue  # no row: a known 0
                    if cell in hidden:
                        i = (
                            n_of(indicator, cell)
                            if quantity == "n"
                            else index[(indicator, cell, quantity)]
                        )
                        row[i] = row.get(i, 0) + sign
                    else:
                        constant -= sign * _value(found, quantity)
                constraints.add(row, constant, constant)
        k = max(table.most_answers.get(indicator, 1), 1)
        for cell in cells:
            n, pos, neg = (
                n_of(indicator, cell),
                index[(indicator, cell, "positive")],
                index[(indicator, cell, "negative")],
            )
            # n <= positive + negative <= k * n: each person gave 1..k counted answers
            constraints.add({pos: 1, neg: 1, n: -1}, 0, INFINITE)
            constraints.add({pos: 1, neg: 1, n: -k}, -INFINITE, 0)
            if indicator in table.ratings:
                # lowest positive * positive <= rating_sum <= 10 * positive + highest negative
                # * negative: what the ratings seen allow (a reader knows at least the 0-10)
                lowest_positive, highest_negative = table.ratings[indicator]
                rating = index[(indicator, cell, "rating_sum")]
                constraints.add({rating: 1, pos: -lowest_positive}, 0, INFINITE)
                constraints.add({rating: 1, pos: -10, neg: -highest_negative}, -INFINITE, 0)
    low = np.array([1.0 if q == "n" else 0.0 for _, _, q in names])
    cap = max(CAP, 10 * max(truth, default=0) + 1000)
    high = np.full(len(names), float(cap))
    return _Model(names, np.array(truth, dtype=float), true_n, constraints, low, high)


def _value(tally: Tally, quantity: str) -> int:
    """n, positive, negative or rating_sum of a shown cell."""
    return int(getattr(tally, quantity))


def _solve(model: _Model, objective: np.ndarray) -> np.ndarray | None:
    """An optimal solution, minimising `objective` (every unknown is capped).

    None when the solver gives none (the true table fits, so that is the solver's
    failing): the caller then counts nothing as moved, which can only hide more.
    """
    return minimise(objective, model.low, model.high, model.constraints).x


def _truth_fits(model: _Model) -> bool:
    """Whether the true values satisfy the model (look-alike indicators really alike)."""
    return model.constraints.hold_for(model.truth)


def _pinned(model: _Model, group: Sequence[str]) -> list[Pinned]:
    """The unknowns that take one value in every solution, when that value is true.

    Look-alike indicators whose hidden cells really differ do not fit the joint model;
    a reader who guesses they are alike may still pin a value that happens to be
    right, so the reference is then any solution of the joint model (none: the guess
    is refuted and discloses nothing).
    """
    size = len(model.names)
    if size == 0:
        return []
    reference = model.truth if _truth_fits(model) else _solve(model, np.zeros(size))
    if reference is None:
        return []
    open_ = set(range(size))
    for direction in (-1.0, 1.0):  # minimise -sum (push up), then +sum (push down)
        if not open_:
            break
        objective = np.zeros(size)
        objective[list(open_)] = direction
        solution = _solve(model, objective)
        if solution is None:
            continue
        open_ -= {i for i in open_ if abs(solution[i] - reference[i]) > 0.5}
    found: list[Pinned] = []
    for i in sorted(open_):
        moved = False
        for direction in (-1.0, 1.0):
            objective = np.zeros(size)
            objective[i] = direction
            solution = _solve(model, objective)
            if solution is not None and abs(solution[i] - reference[i]) > 0.5:
                moved = True
                break
        value = round(reference[i])
        if not moved and value in model.true_values[i]:
            indicator, cell, quantity = model.names[i]
            found.append(
                Pinned(tuple(group) if not indicator else (indicator,), cell, quantity, value)
            )
    return found
