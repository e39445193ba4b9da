"""One way to solve a small integer program: SciPy's `milp` (HiGHS), imported on first use.

SciPy takes about a second to import, so the bot and the other commands never pay for it;
only an export that has something to suppress does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Solution:
    status: str  # "optimal", "unbounded", "infeasible" or "failed" (e.g. out of iterations)
    x: np.ndarray | None


def minimise(
    objective: np.ndarray,
    low: np.ndarray,
    high: np.ndarray | float,
    rows: Sequence[np.ndarray],
    row_low: Sequence[float],
    row_high: Sequence[float] | float,
) -> Solution:
    """Minimise `objective @ x` over integer x, low <= x <= high, row_low <= rows x <= row_high."""
    from scipy.optimize import Bounds, LinearConstraint, milp  # type: ignore[import-untyped]

    for presolve in (True, False):
        # HiGHS's presolve has been seen to call a feasible program infeasible; the
        # callers know theirs are feasible (the true table fits), so ask once more without
        result = milp(
            objective,
            integrality=np.ones(len(objective)),
            bounds=Bounds(low, high),
            constraints=LinearConstraint(np.array(rows), row_low, row_high) if len(rows) else (),
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
