"""Disclosure control of indicators.csv: what is shown, what is hidden, and its cost.

    .venv/bin/python bench/suppression.py [--answers 100000] [--repeat 3]

Makes counted answers like bench/export_throughput.py does (responses to the shipped
flows, about ten answers each, over 12 units, 3 providers and 12 months, the same
random seed), and a small export like the one an outside audit attacked (about 380
responses over 5 units, 4 providers with "none", 13 months). For each it prints:

* cells: rows of indicators.csv, and how many are hidden;
* the report's cells (unit per year, provider per year, all units per year, quarter and
  month) shown and hidden, and the people in them (summed over cells);
* seconds for tally + suppression (best of --repeat), and, as a baseline measured in
  the same run, seconds for the tally alone, so the ratio says what suppression adds.

`--skewed 300,40,20000` adds a large table with many small cells (skewed unit and
provider sizes, 3 years of months, 6 indicators, some people answering twice).

Runs against whichever rostbot is first on sys.path, so an older checkout can be
measured with the same script: `PYTHONPATH=/path/to/old/src python bench/suppression.py`.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if "rostbot" not in sys.modules and not any(p.endswith("/src") for p in sys.path[1:]):
    sys.path.insert(0, str(REPO / "src"))

from rostbot.core.flow_loader import load_flows  # noqa: E402
from rostbot.export import codes, indicators  # noqa: E402
from rostbot.store.export_state import CountedAnswer  # noqa: E402

REPORT_CELLS = ("unit-year", "provider-year", "all")


def benchmark_answers(size: int) -> list[CountedAnswer]:
    """Counted answers of `size` answers as bench/export_throughput.py seals them."""
    flows = list(load_flows(REPO / "flows").values())
    rng = random.Random(7)
    answers: list[CountedAnswer] = []
    made = response = 0
    while made < size:
        flow = rng.choice(flows)
        response += 1
        unit = f"unit-{rng.randrange(12)}"
        provider = rng.choice([None, "hvb-1", "hvb-2"]) or ""
        month = f"2026-{rng.randint(1, 12):02d}"
        rng.choice(flow.languages)
        for question in flow.questions:
            if made >= size:
                break
            choices = question.answer_codes()
            value: Any
            if choices is None:
                value = "text"
            elif question.type == "multi_choice":
                value = choices[: rng.randint(1, 2)]
            else:
                value = rng.choice(choices)
            made += 1
            if not isinstance(value, str):
                continue
            positive = codes.is_positive(question.type, value, question)
            if positive is None:
                continue
            rating = int(value) if question.type == "rating_0_10" else None
            answers.append(
                CountedAnswer(
                    flow.id,
                    question.indicator,
                    unit,
                    provider,
                    month,
                    f"r{response:07d}",
                    question.type,
                    positive,
                    rating,
                )
            )
    return answers


def audited_answers() -> list[CountedAnswer]:
    """About 380 responses, 5 units, 4 providers with none, 13 months, 3 indicators."""
    rng = random.Random(11)
    months = [f"2025-{m:02d}" for m in range(1, 13)] + ["2026-01"]
    answers = []
    for response in range(380):
        unit = rng.choices([f"u{i}" for i in range(5)], weights=[30, 25, 20, 15, 10])[0]
        provider = rng.choices(["p-a", "p-b", "p-c", ""], weights=[48, 35, 14, 3])[0]
        month = rng.choice(months)
        for indicator in ("information", "treatment", "overall"):
            if rng.random() < 0.92:
                answers.append(
                    CountedAnswer(
                        "audited",
                        indicator,
                        unit,
                        provider,
                        month,
                        f"r{response:04d}",
                        "scale",
                        rng.random() < 0.7,
                        None,
                    )
                )
    return answers


def skewed_answers(units: int, providers: int, responses: int) -> list[CountedAnswer]:
    """A large table with many small cells: skewed sizes, 3 years, 6 indicators, k <= 2."""
    rng = random.Random(5)
    unit_names = [f"u{i}" for i in range(units)]
    provider_names = [f"p{i}" for i in range(providers)] + [""]
    months = [f"{y}-{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13)]
    answers = []
    for response in range(responses):
        unit = rng.choices(unit_names, weights=[1 / (i + 1) for i in range(units)])[0]
        provider = rng.choices(provider_names, weights=[1 / (i + 1) for i in range(providers + 1)])[
            0
        ]
        month = rng.choice(months)
        for indicator in ("a", "b", "c", "d", "e", "f"):
            if rng.random() < 0.95:
                for _ in range(rng.choice([1, 1, 2])):
                    answers.append(
                        CountedAnswer(
                            "skewed",
                            indicator,
                            unit,
                            provider,
                            month,
                            f"r{response:06d}",
                            "scale",
                            rng.random() < 0.7,
                            None,
                        )
                    )
    return answers


def kind(row: dict[str, str]) -> str:
    if row["unit"] != "*" and row["provider"] == "*" and row["period_type"] == "year":
        return "unit-year"
    if row["unit"] == "*" and row["provider"] != "*" and row["period_type"] == "year":
        return "provider-year"
    if row["unit"] == row["provider"] == "*":
        return "all"
    return "other"


def published(answers: list[CountedAnswer], min_group: int) -> list[dict[str, str]]:
    if hasattr(indicators, "publish"):
        return [r.as_csv() for r in indicators.publish(indicators.tally(answers), min_group).rows]
    return [r.as_csv() for r in indicators.rows(indicators.tally(answers), min_group)]  # type: ignore[attr-defined]


def true_n(answers: list[CountedAnswer]) -> dict[tuple[str, ...], int]:
    """People per (flow, indicator, unit, provider, period) of the report's cells."""
    people: dict[tuple[str, ...], set[str]] = {}
    for a in answers:
        year, quarter = a.month[:4], f"{a.month[:4]}-Q{(int(a.month[5:]) - 1) // 3 + 1}"
        keys = [(a.unit, "*", year), ("*", a.provider, year)]
        keys += [("*", "*", p) for p in (year, quarter, a.month)]
        for key in keys:
            people.setdefault((a.flow_id, a.indicator, *key), set()).add(a.response)
    return {key: len(who) for key, who in people.items()}


def best_of(repeat: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def report(name: str, answers: list[CountedAnswer], min_group: int, repeat: int) -> None:
    rows = published(answers, min_group)
    n = true_n(answers)
    print(f"{name}: {len(answers)} counted answers, min group {min_group}")
    hidden = sum(r["suppressed"] == "true" for r in rows)
    print(f"  indicators.csv rows {len(rows)}, hidden {hidden}")
    for which in REPORT_CELLS:
        chosen = [r for r in rows if kind(r) == which]
        people = [
            n[(r["flow_id"], r["indicator"], r["unit"], r["provider"], r["period"])] for r in chosen
        ]
        hidden_people = [
            p for r, p in zip(chosen, people, strict=True) if r["suppressed"] == "true"
        ]
        print(
            f"  {which:<14} cells shown {len(chosen) - len(hidden_people):>4}"
            f" hidden {len(hidden_people):>4};"
            f" people shown {sum(people) - sum(hidden_people):>7} hidden {sum(hidden_people):>5}"
        )
    tally_only = best_of(repeat, lambda: indicators.tally(answers))
    whole = best_of(repeat, lambda: published(answers, min_group))
    print(
        f"  seconds: tally {tally_only:.3f}, tally + suppression + rows {whole:.3f}"
        f" (x{whole / tally_only:.2f} the tally alone)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--min-group", type=int, default=5)
    parser.add_argument(
        "--skewed",
        default="",
        help="also a large skewed table: UNITS,PROVIDERS,RESPONSES (e.g. 300,40,20000)",
    )
    args = parser.parse_args()
    print(f"rostbot from {Path(indicators.__file__).parents[2]}")
    report("audit-like export", audited_answers(), args.min_group, args.repeat)
    report("export benchmark", benchmark_answers(args.answers), args.min_group, args.repeat)
    if args.skewed:
        units, providers, responses = (int(v) for v in args.skewed.split(","))
        name = f"skewed {units} units, {providers} providers, {responses} responses"
        report(name, skewed_answers(units, providers, responses), args.min_group, 1)


if __name__ == "__main__":
    main()
