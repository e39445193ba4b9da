"""One way to solve a small integer program: SciPy's `milp` (HiGHS), imported on first use.

SciPy takes about a second to import, so the bot and the other commands never pay for it;
only an export that has something to suppress does. Constraints are kept sparse: a
published sum touches a handful of cells, and a large table has thousands of unknowns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Solution:
    status: str  # "optimal", "unbounded", "infeasible" or "failed" (e.g. out of iterations)
    x: np.ndarray | None


@dataclass
class Constraints:
    """Rows `low <= sum(coefficient * x[column]) <= high`, stored sparsely."""

    columns: int
    rows: list[dict[int, float]] = field(default_factory=list)
    low: list[float] = field(default_factory=list)
    high: list[float] = field(default_factory=list)
    _matrix: Any = None

    def add(self, coefficients: Mapping[int, float], low: float, high: float) -> None:
        """Add a row; a row whose coefficients are all zero is left out."""
        kept = {column: value for column, value in coefficients.items() if value}
        if kept:
            self.rows.append(kept)
            self.low.append(low)
            self.high.append(high)
            self._matrix = None

    def hold_for(self, x: np.ndarray) -> bool:
        """Whether `x` satisfies every row."""
        for row, low, high in zip(self.rows, self.low, self.high, strict=True):
            value = sum(coefficient * x[column] for column, coefficient in row.items())
            if not low - 1e-9 <= value <= high + 1e-9:
                return False
        return True

    def matrix(self) -> Any:
        if self._matrix is None:
            from scipy.sparse import csr_array  # type: ignore[import-untyped]

            data = [v for row in self.rows for v in row.values()]
            row_index = [r for r, row in enumerate(self.rows) for _ in row]
            column_index = [c for row in self.rows for c in row]
            self._matrix = csr_array(
                (data, (row_index, column_index)), shape=(len(self.rows), self.columns)
            )
        return self._matrix


def minimise(
    objective: np.ndarray, low: np.ndarray, high: np.ndarray, constraints: Constraints
) -> Solution:
    """Minimise `objective @ x` over integer x, low <= x <= high, and the constraints."""
    from scipy.optimize import Bounds, LinearConstraint, milp  # type: ignore[import-untyped]

    linear = (
        LinearConstraint(constraints.matrix(), constraints.low, constraints.high)
        if constraints.rows
        else ()
    )
    for presolve in (True, False):
        # HiGHS's presolve has been seen to call a feasible program infeasible; the
        # callers know theirs are feasible (the true table fits), so ask once more without
        result = milp(
            objective,
            integrality=np.ones(len(objective)),
            bounds=Bounds(low, high),
            constraints=linear,
            options={"presolve": presolve},
        )
        if result.status == 0:
            return Solution("optimal", np.asarray(result.x))
    message = str(result.message).lower()
    if result.status == 3 or "unbounded" in message:
        return Solution("unbounded", None)
    if result.status == 2 or "infeasible" in message:
        return Solution("infeasible", None)
    return Solution("failed", None)
