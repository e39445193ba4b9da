"""Which cells of a flow's table to hide: one pattern for all its indicators, by a solver.

1. Primary: a cell where any indicator of the flow has 0 < n < the minimum group.
2. A mixed-integer program (HiGHS, through scipy) picks the hidden cells: every primary
   cell, and in every published sum either no hidden member or at least two, at the
   least cost (people hidden, plus one per cell, so large groups stay visible whenever
   smaller ones can do the job).
3. The audit (rostbot.export.disclosure_audit) attacks the result. For every hidden
   value it can pin down, the program gets a cut: at least one more of the cells that
   share a sum with it must be hidden. Solve again, until the audit finds nothing.

Hiding more never helps a reader (a shown value becomes an unknown), so the loop ends;
should it not within `ROUNDS`, the whole flow is hidden rather than published unsafe.
One pattern for all indicators of a flow keeps a cell's `n` from being read off another
indicator answered by the same people.
"""

from __future__ import annotations

import numpy as np

from rostbot.export.disclosure_audit import audit
from rostbot.export.disclosure_table import Cell, FlowTable
from rostbot.export.integer_program import Constraints, minimise

ROUNDS = 60


def primary_cells(table: FlowTable, min_group: int) -> set[Cell]:
    return {
        cell
        for cells in table.values.values()
        for cell, tally in cells.items()
        if 0 < tally.n < min_group
    }


def choose_hidden(table: FlowTable, min_group: int) -> frozenset[Cell]:
    """The cells to hide so that no hidden n, positive or negative count can be pinned."""
    primary = primary_cells(table, min_group)
    if not primary:
        return frozenset()
    cells = table.cells
    index = {cell: i for i, cell in enumerate(cells)}
    constraints = Constraints(len(cells))
    for relation in table.relations:
        members = [index[c] for c in relation.members if c in index]
        for m in members:
            # hidden m => another member hidden: sum(others) - x_m >= 0
            constraints.add({i: -1 if i == m else 1 for i in members}, 0, np.inf)
    cost = np.array([1.0 + table.largest_n(c) for c in cells])
    low = np.array([1.0 if c in primary else 0.0 for c in cells])
    for _ in range(ROUNDS):
        hidden = _solve(cost, low, constraints)
        if hidden is None:
            break
        pattern = frozenset(cells[i] for i in hidden)
        found = audit(table, pattern)
        if not found:
            return pattern
        cuts = 0
        for cell in {p.cell for p in found}:
            around = _around(table, cell, pattern)
            if around:
                constraints.add({index[c]: 1 for c in around}, 1, np.inf)
                cuts += 1
        if not cuts:
            break
    return frozenset(cells)


def _around(table: FlowTable, cell: Cell, hidden: frozenset[Cell]) -> set[Cell]:
    """Shown cells that share a sum with `cell`, or failing that, with its neighbours."""
    reach = {cell}
    for _ in range(len(table.relations) + 1):
        near = {m for c in reach for r in table.relations_of(c) for m in r.members}
        shown = near - hidden
        if shown or near == reach:
            return shown
        reach = near
    return set()


def _solve(cost: np.ndarray, low: np.ndarray, constraints: Constraints) -> list[int] | None:
    solution = minimise(cost, low, np.ones(len(cost)), constraints)
    if solution.x is None:
        return None
    return [i for i, x in enumerate(solution.x) if x > 0.5]
