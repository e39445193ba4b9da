"""Suppression in indicators.csv: no hidden value can be worked out from what is published.

The auditor here trusts nothing in rostbot.export.suppression: for every hidden cell it
asks a linear program for the smallest and largest n that fit every published number,
every sum that ties cells together, and "every listed cell has at least one person". A
hidden cell is safe when those differ by at least one person, i.e. at least two values
fit everything a reader sees.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

import pytest
from scipy.optimize import linprog

from rostbot.export import indicators
from rostbot.export.suppression import TOTAL, Cell, relations, suppress
from rostbot.store.export_state import CountedAnswer


def people(cells: dict[tuple[str, str, str], int]) -> list[CountedAnswer]:
    """One counted answer per person: cells are (unit, provider, month) -> how many."""
    answers = []
    for (unit, provider, month), count in sorted(cells.items()):
        for i in range(count):
            answers.append(
                CountedAnswer(
                    "flow",
                    "treatment",
                    unit,
                    provider,
                    month,
                    f"{unit}-{provider}-{month}-{i}",
                    "scale",
                    i % 2 == 0,
                    None,
                )
            )
    return answers


def published(answers: Iterable[CountedAnswer], min_group: int = 5) -> list[dict[str, str]]:
    tables = indicators.tally(answers)
    return [row.as_csv() for row in indicators.rows(tables, min_group)]


def bounds_of_hidden(rows: list[dict[str, str]]) -> dict[Cell, tuple[float, float]]:
    """(least, most) people each hidden cell can hold, given everything published."""
    shown: dict[Cell, int] = {}
    hidden: list[Cell] = []
    for r in rows:
        cell = (r["unit"], r["provider"], r["period"])
        if r["suppressed"] == "true":
            assert r["n"] == r["positive_share"] == r["mean"] == "", "a hidden cell shows a value"
            hidden.append(cell)
        else:
            shown[cell] = int(r["n"])
    index = {cell: i for i, cell in enumerate(hidden)}
    equations, constants = [], []
    for total, parts in relations([*shown, *hidden]):
        row = [0.0] * len(hidden)
        constant = 0.0
        for cell, sign in [(total, 1), *((p, -1) for p in parts)]:
            if cell in index:
                row[index[cell]] += sign
            else:
                constant -= sign * shown.get(cell, 0)  # a cell with no row holds nobody
        if any(row):
            equations.append(row)
            constants.append(constant)
        else:
            assert constant == 0, f"published numbers do not add up at {total}"
    found = {}
    for cell, i in index.items():
        objective = [0.0] * len(hidden)
        ends = []
        for direction in (1, -1):
            objective[i] = direction
            result = linprog(
                objective,
                A_eq=equations or None,
                b_eq=constants or None,
                bounds=[(1, None)] * len(hidden),
                method="highs",
            )
            if result.status == 3:  # unbounded: any large value fits
                ends.append(float("inf") * direction)
            else:
                assert result.status == 0, "the published numbers admit no solution at all"
                ends.append(direction * result.fun)
        found[cell] = (ends[0], ends[1] if ends[1] != float("-inf") else float("inf"))
    return found


def assert_no_hidden_value_recomputable(rows: list[dict[str, str]]) -> None:
    for cell, (least, most) in bounds_of_hidden(rows).items():
        assert most - least >= 1 - 1e-9, f"hidden cell {cell} can only be {least}"


def test_a_small_unit_is_hidden_with_enough_others_that_totals_do_not_give_it_away() -> None:
    rows = published(
        people(
            {
                ("north", "hvb-1", "2026-01"): 2,
                ("north", "hvb-2", "2026-01"): 9,
                ("south", "hvb-1", "2026-01"): 8,
                ("south", "hvb-2", "2026-01"): 7,
                ("west", "hvb-1", "2026-01"): 11,
                ("west", "hvb-2", "2026-01"): 6,
            }
        )
    )
    hidden = {(r["unit"], r["provider"], r["period"]) for r in rows if r["suppressed"] == "true"}
    assert ("north", "hvb-1", "2026-01") in hidden
    assert len(hidden) > 1  # the small cell alone could be taken back from its unit's total
    assert_no_hidden_value_recomputable(rows)
    # the grand total for the year is still shown: protection did not hide everything
    assert any(
        r["unit"] == r["provider"] == TOTAL and r["period"] == "2026" and r["n"] == "43"
        for r in rows
    )


def test_one_unit_one_provider_hides_every_copy_of_the_small_cell() -> None:
    # With one unit and one provider, the unit total and provider total equal the cell.
    rows = published(
        people(
            {("only", "", "2026-02"): 3, ("only", "", "2026-03"): 12, ("only", "", "2026-04"): 7}
        )
    )
    for r in rows:
        if r["period"] == "2026-02":
            assert r["suppressed"] == "true", r
    assert_no_hidden_value_recomputable(rows)


def test_cells_of_one_person_stay_protected_when_their_neighbours_are_small_too() -> None:
    rows = published(
        people(
            {
                ("a", "x", "2026-01"): 1,
                ("a", "y", "2026-01"): 1,
                ("b", "x", "2026-01"): 1,
                ("b", "y", "2026-02"): 6,
                ("c", "x", "2026-02"): 1,
                ("c", "y", "2026-05"): 2,
            }
        )
    )
    assert_no_hidden_value_recomputable(rows)


def test_no_cell_shows_zero_and_empty_groups_have_no_row() -> None:
    rows = published(people({("a", "x", "2026-01"): 6, ("b", "y", "2026-02"): 7}))
    assert all(r["n"] != "0" for r in rows)
    assert not any(r["unit"] == "a" and r["provider"] == "y" for r in rows)


def test_every_relation_has_no_hidden_cell_or_at_least_two() -> None:
    cells = {("a", "x", "2026-01"): 3, ("a", "y", "2026-01"): 8, ("b", "x", "2026-01"): 9}
    rows = published(people(cells))
    hidden = {(r["unit"], r["provider"], r["period"]) for r in rows if r["suppressed"] == "true"}
    for total, parts in relations((r["unit"], r["provider"], r["period"]) for r in rows):
        count = sum(1 for c in [total, *parts] if c in hidden)
        assert count != 1, f"{total} = sum of {parts} gives away its one hidden cell"


def test_the_auditor_catches_primary_suppression_alone() -> None:
    """Hiding only the small cells is not enough, and the auditor must say so."""
    answers = people({("north", "a", "2026-01"): 2, ("north", "b", "2026-01"): 9})
    rows = published(answers)
    counts = {(r["unit"], r["provider"], r["period"]): r for r in rows}
    primary_only = []
    for cell, r in counts.items():
        row = dict(r)
        if row["suppressed"] == "true":
            n = sum(
                1
                for a in answers
                if (cell[0] in (a.unit, TOTAL))
                and (cell[1] in (a.provider, TOTAL))
                and cell[2] in (a.month, a.month[:4], f"{a.month[:4]}-Q1")
            )
            row.update(n=str(n), positive_share="0.5000", suppressed="false")
            if n < 5:
                row.update(n="", positive_share="", suppressed="true")
        primary_only.append(row)
    with pytest.raises(AssertionError, match="can only be"):
        assert_no_hidden_value_recomputable(primary_only)


@pytest.mark.parametrize("seed", range(12))
def test_random_tables_never_leak_a_hidden_value(seed: int) -> None:
    rng = random.Random(seed)
    units = [f"u{i}" for i in range(rng.randint(1, 4))]
    providers = [f"p{i}" for i in range(rng.randint(1, 3))] + ([""] if rng.random() < 0.3 else [])
    months = [f"2026-{m:02d}" for m in rng.sample(range(1, 13), rng.randint(1, 5))]
    cells = {
        (u, p, m): rng.choice([1, 1, 2, 3, 4, 5, 6, 9, 14])
        for u in units
        for p in providers
        for m in months
        if rng.random() < 0.6
    }
    if not cells:
        cells = {(units[0], providers[0], months[0]): 2}
    rows = published(people(cells), min_group=rng.choice([3, 5]))
    assert_no_hidden_value_recomputable(rows)


def test_suppress_marks_small_cells_as_primary_and_the_rest_as_complementary() -> None:
    counts = {
        ("a", "x", "2026-01"): 2,
        ("a", TOTAL, "2026-01"): 2,
        (TOTAL, "x", "2026-01"): 2,
        (TOTAL, TOTAL, "2026-01"): 2,
    }
    for cell in list(counts):
        counts[(cell[0], cell[1], "2026-Q1")] = 2
        counts[(cell[0], cell[1], "2026")] = 2
    decided = suppress(counts, 5)
    assert decided.primary == frozenset(counts)
    assert decided.hidden == frozenset(counts)
