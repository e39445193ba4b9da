"""Suppression of cohorts and waves in indicators.csv: the reader of
tests/disclosure_attacker.py, who also adds up a cohort's waves, pins down no hidden value
of a wave, a cohort or any other cell, and no small wave is shown."""

from __future__ import annotations

import random

import pytest

from disclosure_attacker import Leak, count_cells, find_leaks, knowledge_of, row_cell
from rostbot.export import indicators
from rostbot.store.export_state import CountedAnswer

FLOW = "flow"
COHORTS = ("foster-2y", "youth-15", "")
WAVES = ("2025", "2026", "2027", "")
MONTHS = ("2025-11", "2025-12", "2026-01", "2026-02", "2026-06")


def wave_row(cohort: str, wave: str, n: int | None = None, share: float = 0.5) -> dict[str, str]:
    return {
        "flow_id": FLOW,
        "indicator": "treatment",
        "unit": "*",
        "provider": "*",
        "cohort": cohort,
        "wave": wave,
        "period_type": "all",
        "period": "all",
        "n": "" if n is None else str(n),
        "positive_share": "" if n is None else f"{share:.4f}",
        "mean": "",
        "suppressed": "true" if n is None else "false",
    }


def year_rows(n: int, share: float = 0.5) -> list[dict[str, str]]:
    """Everybody in one unit, no provider, one month: the year's rows, all shown."""
    row = wave_row("*", "*", n, share)
    return [
        row | {"period_type": "year", "period": "2026"},
        row | {"unit": "norr", "period_type": "year", "period": "2026"},
        row | {"provider": "", "period_type": "year", "period": "2026"},
        row | {"period_type": "quarter", "period": "2026-Q1"},
        row | {"period_type": "month", "period": "2026-01"},
    ]


def test_the_reader_works_out_a_wave_from_its_cohort() -> None:
    rows = [
        *year_rows(10),
        wave_row("foster-2y", "*", 10),
        wave_row("foster-2y", "2026", 8, 0.5),
        wave_row("foster-2y", "2027"),
    ]
    leaks = find_leaks(rows)
    assert Leak(FLOW, "treatment", ("cohort foster-2y", "2027", "all"), "n", 2) in leaks


def test_the_reader_works_out_a_cohort_from_the_years() -> None:
    rows = [
        *year_rows(12, 7 / 12),
        wave_row("foster-2y", "*", 7, 4 / 7),
        wave_row("foster-2y", "2026", 7, 4 / 7),
        wave_row("", "*"),
        wave_row("", ""),
    ]
    leaks = find_leaks(rows)
    assert Leak(FLOW, "treatment", ("cohort ", "*", "all"), "n", 5) in leaks


def people(seed: int) -> list[CountedAnswer]:
    """Answers of 30-90 people over a few months, cohorts and waves, two indicators."""
    rng = random.Random(seed)
    answers = []
    for i in range(rng.randint(30, 90)):
        cohort = rng.choice(COHORTS)
        wave = rng.choice(WAVES[:2] if cohort == "youth-15" else WAVES)
        where = (rng.choice(("norr", "soder")), rng.choice(("hvb-1", "")), rng.choice(MONTHS))
        for indicator in ("treatment", "information"):
            if indicator == "information" and rng.random() < 0.2:
                continue
            answers.append(
                CountedAnswer(
                    *(FLOW, indicator, *where, f"r{i:04d}", "scale", rng.random() < 0.6),
                    *(None, cohort, wave),
                )
            )
    return answers


@pytest.mark.parametrize("seed", range(12))
def test_no_hidden_value_of_an_export_with_waves_can_be_worked_out(seed: int) -> None:
    answers = people(seed)
    min_group = 5
    publication = indicators.publish(indicators.tally(answers), min_group)
    rows = [row.as_csv() for row in publication.rows]
    truth = count_cells(answers)
    waves = [r for r in rows if r["period_type"] == "all"]
    assert waves, "the export has no rows for cohorts and waves"
    for row in rows:
        true = truth[(row["flow_id"], row["indicator"], row_cell(row))]
        if row["suppressed"] == "false":
            assert int(row["n"]) >= min_group, f"a small group is shown: {row}"
            assert row["n"] == str(true.n), f"{row} holds {true}"
        else:
            assert row["n"] == row["positive_share"] == "", row
    keys = {(r["flow_id"], r["indicator"], row_cell(r)) for r in rows}
    assert keys == set(truth), "every cell with people has a row, and no other"
    assert find_leaks(rows, knowledge_of(answers, publication.total_hidden)) == []
