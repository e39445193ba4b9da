"""Suppression in indicators.csv: a reader with integer programs pins down no hidden value.

The reader is tests/disclosure_attacker.py, written from the published rows alone. It
is first shown to catch leaks in hand-made rows, then set on exports of crafted and of
random data: it must find no hidden n, positive or negative count that takes a single
value, and the rows must be well formed (no small group shown, hidden rows empty, every
shown number true). Last, the export's own audit and this reader are set on the same random
hidden cells, and must find the same values.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from disclosure_attacker import (
    POSITIVE_FROM,
    TOTAL,
    Cell,
    CellKey,
    Count,
    IndicatorView,
    Knowledge,
    Leak,
    build_program,
    combine,
    count_cells,
    find_leaks,
    knowledge_of,
    look_alike_groups,
    period_kind,
    pinned_values,
    read_rows,
)
from rostbot.export import disclosure_audit, indicators
from rostbot.export.disclosure_table import ALL_TIME, FlowTable, build_table
from rostbot.store.export_state import CountedAnswer

FLOW = "flow"
UNITS = ("Centrum", "Hagalund", "Kista", "Norrby", "Solberga")
PROVIDERS = ("Attendo", "Humana", "Nytida", "")
AUDIT_MONTHS = ("2025-12", *(f"2026-{m:02d}" for m in range(1, 13)))
RATED = "recommend"  # a rating_0_10 indicator (its mean is published); the others are scales


# --- people, answers and exports ----------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """One response: where and when, and its counted answers per indicator."""

    unit: str
    provider: str
    month: str
    answers: Mapping[str, tuple[bool, ...]]  # scale questions: positive or not
    ratings: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # 0-10 questions


def crowd(
    count: int,
    unit: str,
    provider: str,
    month: str,
    *,
    positive: int,
    names: Sequence[str] = ("treatment",),
) -> list[Person]:
    """`count` people answering one question per indicator, the first `positive` positively."""
    return [
        Person(unit, provider, month, {name: (i < positive,) for name in names})
        for i in range(count)
    ]


def counted_answers(people: Sequence[Person], flow_id: str = FLOW) -> list[CountedAnswer]:
    """The counted answers of `people`, grouped and sorted by response id."""
    answers = []
    for i, p in enumerate(people):
        where = (p.unit, p.provider, p.month, f"r{i:05d}")
        for indicator, positives in sorted(p.answers.items()):
            for positive in positives:
                answers.append(CountedAnswer(flow_id, indicator, *where, "scale", positive, None))
        for indicator, ratings in sorted(p.ratings.items()):
            for rating in ratings:
                answers.append(
                    CountedAnswer(
                        flow_id, indicator, *where, "rating_0_10", rating >= POSITIVE_FROM, rating
                    )
                )
    return answers


@dataclass
class Export:
    """indicators.csv of some answers, and what is true about them."""

    answers: list[CountedAnswer]
    min_group: int
    publication: indicators.Publication
    rows: list[dict[str, str]] = field(init=False)
    truth: dict[CellKey, Count] = field(init=False)

    def __post_init__(self) -> None:
        self.rows = [row.as_csv() for row in self.publication.rows]
        self.truth = count_cells(self.answers)

    def row(self, indicator: str, cell: Cell) -> dict[str, str]:
        (found,) = (
            r
            for r in self.rows
            if (r["indicator"], r["unit"], r["provider"], r["period"]) == (indicator, *cell)
        )
        return found

    def is_hidden(self, indicator: str, cell: Cell) -> bool:
        return self.row(indicator, cell)["suppressed"] == "true"

    def leaks(self) -> list[Leak]:
        """What the reader works out that is true.

        (A value pinned only under a wrong guess that two indicators have the same
        people is not true, and discloses nothing.)
        """
        knowledge = knowledge_of(self.answers, self.publication.total_hidden)
        return [
            leak
            for leak in find_leaks(self.rows, knowledge)
            if self.truth[(leak.flow_id, leak.indicator, leak.cell)].get(leak.quantity)
            == leak.value
        ]


def export(people: Sequence[Person], min_group: int = 5) -> Export:
    answers = counted_answers(people)
    publication = indicators.publish(indicators.tally(answers), min_group)
    return Export(answers, min_group, publication)


def assert_well_formed(e: Export) -> None:
    """No small group shown, no value in a hidden row, every shown number true."""
    rated = {(a.flow_id, a.indicator) for a in e.answers if a.question_type == "rating_0_10"}
    seen: set[CellKey] = set()
    for row in e.rows:
        key = (row["flow_id"], row["indicator"], (row["unit"], row["provider"], row["period"]))
        assert key not in seen, f"two rows for {key}"
        seen.add(key)
        assert key in e.truth, f"a row for a cell with nobody: {row}"
        assert row["period_type"] == period_kind(row["period"]), row
        if row["suppressed"] == "true":
            assert row["n"] == row["positive_share"] == row["mean"] == "", f"hidden: {row}"
            continue
        assert row["suppressed"] == "false", row
        true = e.truth[key]
        assert int(row["n"]) >= e.min_group, f"a small group is shown: {row}"
        assert row["n"] == str(true.n), f"{row} holds {true}"
        assert row["positive_share"] == f"{true.positive / true.answers:.4f}", f"{row}: {true}"
        mean = f"{true.rating_sum / true.answers:.2f}" if key[:2] in rated else ""
        assert row["mean"] == mean, f"{row}: {true}"
    assert seen == set(e.truth), f"cells with people but no row: {sorted(set(e.truth) - seen)}"


def assert_safe(e: Export) -> None:
    assert_well_formed(e)
    leaks = e.leaks()
    assert not leaks, "the reader works out hidden values:\n" + "\n".join(map(str, leaks))


# --- hand-made rows: the reader is not toothless ------------------------------------------


def shown(
    unit: str,
    provider: str,
    period: str,
    n: int,
    share: float,
    indicator: str = "treatment",
    mean: float | None = None,
) -> dict[str, str]:
    return {
        "flow_id": FLOW,
        "indicator": indicator,
        "unit": unit,
        "provider": provider,
        "period_type": period_kind(period),
        "period": period,
        "n": str(n),
        "positive_share": f"{share:.4f}",
        "mean": "" if mean is None else f"{mean:.2f}",
        "suppressed": "false",
    }


def hidden(unit: str, provider: str, period: str, indicator: str = "treatment") -> dict[str, str]:
    row = shown(unit, provider, period, 0, 0.0, indicator)
    return {**row, "n": "", "positive_share": "", "suppressed": "true"}


def test_the_reader_works_out_a_small_unit_from_its_year() -> None:
    rows = [
        hidden("Kista", TOTAL, "2026"),
        shown("Solberga", TOTAL, "2026", 10, 0.5),
        shown(TOTAL, "", "2026", 12, 0.5),
        shown(TOTAL, TOTAL, "2026", 12, 0.5),
        shown(TOTAL, TOTAL, "2026-Q1", 12, 0.5),
        shown(TOTAL, TOTAL, "2026-01", 12, 0.5),
    ]
    kista = ("Kista", TOTAL, "2026")
    assert find_leaks(rows) == [
        Leak(FLOW, "treatment", kista, "n", 2),
        Leak(FLOW, "treatment", kista, "negative", 1),
        Leak(FLOW, "treatment", kista, "positive", 1),
    ]


def test_the_reader_sees_that_everybody_in_hidden_months_answered_positively() -> None:
    rows = [
        shown("Kista", TOTAL, "2026", 12, 1.0),
        shown(TOTAL, "", "2026", 12, 1.0),
        shown(TOTAL, TOTAL, "2026", 12, 1.0),
        shown(TOTAL, TOTAL, "2026-Q1", 12, 1.0),
        hidden(TOTAL, TOTAL, "2026-01"),
        hidden(TOTAL, TOTAL, "2026-02"),
        shown(TOTAL, TOTAL, "2026-03", 6, 1.0),
    ]
    assert find_leaks(rows) == [
        Leak(FLOW, "treatment", (TOTAL, TOTAL, "2026-01"), "negative", 0),
        Leak(FLOW, "treatment", (TOTAL, TOTAL, "2026-02"), "negative", 0),
    ]


def test_the_reader_sees_that_everybody_in_hidden_months_rated_zero() -> None:
    def zero(unit: str, provider: str, period: str, n: int) -> dict[str, str]:
        return shown(unit, provider, period, n, 0.0, RATED, mean=0.0)

    rows = [
        zero("Kista", TOTAL, "2026", 12),
        zero(TOTAL, "", "2026", 12),
        zero(TOTAL, TOTAL, "2026", 12),
        zero(TOTAL, TOTAL, "2026-Q1", 12),
        hidden(TOTAL, TOTAL, "2026-01", RATED),
        hidden(TOTAL, TOTAL, "2026-02", RATED),
        zero(TOTAL, TOTAL, "2026-03", 6),
    ]
    january, february = (TOTAL, TOTAL, "2026-01"), (TOTAL, TOTAL, "2026-02")
    assert find_leaks(rows) == [
        Leak(FLOW, RATED, january, "positive", 0),
        Leak(FLOW, RATED, january, "rating_sum", 0),
        Leak(FLOW, RATED, february, "positive", 0),
        Leak(FLOW, RATED, february, "rating_sum", 0),
    ]


def test_the_reader_reads_a_hidden_n_off_a_look_alike_indicator() -> None:
    common = [
        (TOTAL, "", "2026"),
        (TOTAL, TOTAL, "2026"),
        (TOTAL, TOTAL, "2026-Q1"),
        (TOTAL, TOTAL, "2026-01"),
    ]
    rows = [shown(*cell, 12, 0.5, "treatment") for cell in common]
    rows += [hidden("Kista", TOTAL, "2026", "treatment"), hidden("Norrby", TOTAL, "2026")]
    rows += [shown(*cell, 12, 0.25, "respect") for cell in common]
    rows += [
        shown("Kista", TOTAL, "2026", 3, 1 / 3, "respect"),
        shown("Norrby", TOTAL, "2026", 9, 2 / 9, "respect"),
    ]
    assert not find_leaks([r for r in rows if r["indicator"] == "treatment"])
    leaks = find_leaks(rows)
    assert Leak(FLOW, "treatment", ("Kista", TOTAL, "2026"), "n", 3) in leaks
    assert Leak(FLOW, "treatment", ("Norrby", TOTAL, "2026"), "n", 9) in leaks


def test_the_reader_adds_up_the_years_to_a_published_total() -> None:
    rows = [
        hidden("Kista", TOTAL, "2025"),
        hidden(TOTAL, "", "2025"),
        hidden(TOTAL, TOTAL, "2025"),
        hidden(TOTAL, TOTAL, "2025-Q4"),
        hidden(TOTAL, TOTAL, "2025-12"),
        shown("Kista", TOTAL, "2026", 12, 0.5),
        shown(TOTAL, "", "2026", 12, 0.5),
        shown(TOTAL, TOTAL, "2026", 12, 0.5),
        shown(TOTAL, TOTAL, "2026-Q1", 12, 0.5),
        shown(TOTAL, TOTAL, "2026-01", 12, 0.5),
    ]
    assert not find_leaks(rows)
    known_total = Knowledge(all_time_n={(FLOW, "treatment"): 14})
    assert Leak(FLOW, "treatment", (TOTAL, TOTAL, "2025"), "n", 2) in find_leaks(rows, known_total)


# --- crafted exports: what an outside audit of an earlier version found --------------------


def filler(rng: random.Random, count: int, months: Sequence[str]) -> list[Person]:
    """`count` people spread unevenly over units, providers and months, answers mixed."""
    return [
        Person(
            rng.choices(UNITS[:4], weights=(40, 25, 20, 15))[0],
            rng.choices(PROVIDERS, weights=(45, 30, 20, 5))[0],
            rng.choice(months),
            {"treatment": (rng.random() < 0.7,)},
        )
        for _ in range(count)
    ]


def test_small_groups_among_extreme_shares_give_nothing_away() -> None:
    people = [
        # 2025 holds five people, all positive: its year, quarter and month show share 1.0
        *crowd(3, "Centrum", "Attendo", "2025-12", positive=3),
        *crowd(2, "Solberga", "", "2025-12", positive=2),
        # a small unit, all negative
        *crowd(2, "Solberga", "Humana", "2026-03", positive=0),
        # a month of five with share 0.2, its small groups all negative
        *crowd(3, "Kista", "Nytida", "2026-05", positive=0),
        *crowd(2, "Norrby", "Humana", "2026-05", positive=1),
        # a month where everybody is positive, and a small one where nobody is
        *crowd(6, "Hagalund", "Attendo", "2026-08", positive=6),
        *crowd(4, "Hagalund", "Nytida", "2026-09", positive=0),
    ]
    months = [m for m in AUDIT_MONTHS[1:] if m not in ("2026-05", "2026-08", "2026-09")]
    e = export(people + filler(random.Random(380), 358, months))
    assert len(e.answers) == 380
    assert_safe(e)


def test_small_groups_where_everybody_answered_alike_show_no_share() -> None:
    people = [
        *crowd(2, "Kista", "Attendo", "2026-02", positive=2),
        *crowd(1, "Kista", "", "2026-04", positive=1),
        *crowd(3, "Solberga", "Humana", "2026-06", positive=0),
        *crowd(1, "Solberga", "", "2026-11", positive=0),
        *crowd(4, "Norrby", "Nytida", "2026-07", positive=4),
    ]
    e = export(people + filler(random.Random(11), 120, AUDIT_MONTHS[1:]))
    hidden_rows = [r for r in e.rows if r["suppressed"] == "true"]
    assert any(r["unit"] == "Solberga" for r in hidden_rows)
    assert_safe(e)


def test_indicators_answered_by_the_same_people_do_not_show_each_others_hidden_n() -> None:
    rng = random.Random(7)
    names = ("information", "respect", "treatment")
    people = [
        Person(p.unit, p.provider, p.month, {ind: (rng.random() < 0.6,) for ind in names})
        for p in filler(rng, 150, AUDIT_MONTHS)
    ]
    people += crowd(2, "Solberga", "", "2026-03", positive=1, names=names)
    people += crowd(1, "Solberga", "Humana", "2026-10", positive=1, names=names)
    # a few people skip an indicator, so that its table differs a little
    for i in (3, 40, 77, 151):
        p = people[i]
        people[i] = Person(p.unit, p.provider, p.month, {"information": (True,), "respect": ()})
    people = [
        Person(p.unit, p.provider, p.month, {k: v for k, v in p.answers.items() if v})
        for p in people
    ]
    e = export(people)
    knowledge = knowledge_of(e.answers, e.publication.total_hidden)
    assert look_alike_groups(read_rows(e.rows, knowledge)), "no indicators look alike"
    assert_safe(e)


def test_indicators_that_look_alike_but_differ_in_hidden_cells_give_nothing_away() -> None:
    """Two indicators show the same n everywhere, while their hidden units differ."""
    names = ("information", "treatment")
    people = [
        Person("Kista", "", "2026-04", {name: (i % 3 != 0,) for name in names}) for i in range(20)
    ]
    # Solberga: 2 answer information, 3 treatment; Husby: 3 and 2 (skips), so every
    # shown cell (Kista, the year, its quarter and month) is the same for both indicators
    people += [
        Person("Solberga", "", "2026-04", {"information": (True,), "treatment": (False,)}),
        Person("Solberga", "", "2026-04", {"information": (False,), "treatment": (True,)}),
        Person("Solberga", "", "2026-04", {"treatment": (True,)}),
        Person("Husby", "", "2026-04", {"information": (True,), "treatment": (False,)}),
        Person("Husby", "", "2026-04", {"information": (False,), "treatment": (True,)}),
        Person("Husby", "", "2026-04", {"information": (True,)}),
    ]
    e = export(people)
    knowledge = knowledge_of(e.answers, e.publication.total_hidden)
    assert look_alike_groups(read_rows(e.rows, knowledge)), "the indicators do not look alike"
    assert e.is_hidden("information", ("Solberga", TOTAL, "2026"))
    assert_safe(e)


def test_a_small_provider_does_not_hide_the_large_ones() -> None:
    rng = random.Random(2)
    sizes = {"Attendo": 184, "Humana": 132, "Nytida": 51, "": 2}
    people = [
        Person(
            rng.choices(UNITS, weights=(30, 25, 20, 15, 10))[0],
            provider,
            rng.choice(AUDIT_MONTHS[1:]),
            {"treatment": (rng.random() < 0.7,)},
        )
        for provider, size in sizes.items()
        for _ in range(size)
    ]
    e = export(people)
    assert_safe(e)
    assert e.is_hidden("treatment", (TOTAL, "", "2026"))
    assert not e.is_hidden("treatment", (TOTAL, "Attendo", "2026"))
    assert not e.is_hidden("treatment", (TOTAL, "Humana", "2026"))
    assert not e.is_hidden("treatment", (TOTAL, TOTAL, "2026"))


def test_a_published_flow_total_does_not_give_a_small_year_away() -> None:
    people = [
        *crowd(5, "Kista", "Attendo", "2025-11", positive=3),
        *crowd(2, "Norrby", "", "2025-12", positive=2),
    ]
    e = export(people + filler(random.Random(5), 120, AUDIT_MONTHS[1:]))
    assert e.publication.total_hidden == {FLOW: False}
    assert_safe(e)


def test_a_tiny_year_stays_hidden_whether_or_not_the_total_is_published() -> None:
    people = crowd(2, "Kista", "", "2025-12", positive=1)
    e = export(people + filler(random.Random(6), 120, AUDIT_MONTHS[1:]))
    assert e.is_hidden("treatment", (TOTAL, TOTAL, "2025"))
    assert_safe(e)


def test_a_few_people_rating_twice_can_be_published() -> None:
    """Hidden cells with no published total above them are unbounded, not contradictory."""

    def rating(month: str, *ratings: int) -> Person:
        return Person("Centrum", "Attendo", month, {}, {RATED: ratings})

    people = [*(rating("2024-01", 2, 8) for _ in range(3)), rating("2024-02", 8, 8)]
    e = export([*people, rating("2024-04", 8)], min_group=3)
    assert_safe(e)


# --- random exports -----------------------------------------------------------------------


def someone(
    rng: random.Random, where: tuple[str, str, str], counts: Mapping[str, int], share: float
) -> Person:
    """A person giving `counts[name]` answers per indicator, each positive with chance `share`."""
    answers, ratings = {}, {}
    for name, count in counts.items():
        positives = tuple(rng.random() < share for _ in range(count))
        if name == RATED:
            ratings[name] = tuple(
                rng.randint(POSITIVE_FROM, 10) if p else rng.randint(0, POSITIVE_FROM - 1)
                for p in positives
            )
        else:
            answers[name] = positives
    return Person(*where, answers, ratings)


def random_people(
    rng: random.Random,
    groups: Sequence[tuple[int, int, int, int, str]],
    *,
    units: int,
    providers: Sequence[str],
    months: Sequence[str],
    names: Sequence[str],
    most_answers: Mapping[str, int],
    skips: float,
) -> list[Person]:
    """People of (unit, provider, month, size, mood) groups, skipping indicators at a rate."""
    share = {"mixed": 0.6, "positive": 1.0, "negative": 0.0}
    people = []
    for unit, provider, month, size, mood in groups:
        where = (
            UNITS[unit % units],
            providers[provider % len(providers)],
            months[month % len(months)],
        )
        for _ in range(size):
            counts = {
                name: rng.randint(1, most_answers[name]) for name in names if rng.random() >= skips
            }
            people.append(someone(rng, where, counts, share[mood]))
    return people


@st.composite
def random_data_sets(draw: st.DrawFn) -> tuple[list[Person], int]:
    """People over 1-5 units, 1-4 providers (maybe ""), 1-3 years, 1-3 indicators; min group."""
    years = draw(st.integers(1, 3))
    months = [f"{2024 + y}-{m:02d}" for y in range(years) for m in range(1, 13)]
    first = draw(st.integers(0, len(months) - 1))
    months = months[first : first + draw(st.integers(1, len(months) - first))]
    providers = list(PROVIDERS[: draw(st.integers(1, 4))])
    if draw(st.booleans()):
        providers[-1] = ""
    names = ("treatment", RATED, "respect")[: draw(st.integers(1, 3))]
    most_answers = {name: draw(st.integers(1, 2)) for name in names}
    size = st.one_of(st.integers(1, 4), st.integers(1, 4), st.integers(5, 30))
    mood = st.sampled_from(("mixed", "mixed", "positive", "negative"))
    groups = draw(
        st.lists(
            st.tuples(st.integers(0, 4), st.integers(0, 3), st.integers(0, 35), size, mood),
            min_size=3,
            max_size=30,
        )
    )
    rng = random.Random(draw(st.integers(0, 2**32)))
    units = draw(st.integers(1, 5))
    people = random_people(
        rng,
        groups,
        units=units,
        providers=providers,
        months=months,
        names=names,
        most_answers=most_answers,
        skips=draw(st.sampled_from((0.1, 0.1, 0.02, 0.0))),
    )
    return people, draw(st.sampled_from((3, 5)))


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(random_data_sets())
def test_no_hidden_value_of_a_random_export_can_be_worked_out(
    data_set: tuple[list[Person], int],
) -> None:
    people, min_group = data_set
    assert_safe(export(people, min_group))


def test_an_export_like_the_audited_one_gives_nothing_away() -> None:
    rng = random.Random(2026)
    people = []
    for _ in range(380):
        unit = rng.choices(UNITS, weights=(35, 25, 20, 15, 5))[0]
        provider = rng.choices(PROVIDERS, weights=(45, 30, 15, 10))[0]
        month = rng.choice(AUDIT_MONTHS)
        share = 0.95 if unit == "Solberga" else 0.3 if month == "2026-07" else 0.65
        counts = {
            name: rng.randint(1, 2) if name == "treatment" else 1
            for name in ("information", RATED, "treatment")
            if rng.random() >= 0.1
        }
        people.append(someone(rng, (unit, provider, month), counts, share))
    e = export(people)
    assert len({a.response for a in e.answers}) >= 370
    assert any(r["suppressed"] == "true" for r in e.rows)
    assert_safe(e)


# --- the export's own audit, against this reader -------------------------------------------

ALL_TIME_CELL = (TOTAL, TOTAL, ALL_TIME)
Found = tuple[frozenset[str], Cell, str, int]  # (indicators, cell, quantity, value)


def small_flow_with_hidden_cells(seed: int) -> tuple[list[CountedAnswer], frozenset[Cell]]:
    """A handful or a few dozen people of one flow, and a random set of its cells to hide.

    The people: 1-8 months of one year, or 1-4 months at the end of one and the start of
    the next, 1-5 units, 1-4 providers (maybe ""), 1-3 indicators (a rating one among
    them at times, its ratings then half the time of one positive and one other value),
    some answered twice per person (at times by everybody), some skipped. Every cell but
    the all-time total is hidden with a chance of 30, 40 or 50%.

    Half the data sets are people each alone in their place, and ratings and answers per
    person are made uniform at times, so that besides the sums the bounds pin values now
    and then: at least one person in a hidden cell, at most k answers each, the ratings'
    range.
    """
    rng = random.Random(seed)
    if rng.random() < 0.3:
        months = [f"2025-{13 - i:02d}" for i in range(rng.randint(1, 4))]
        months += [f"2026-{1 + i:02d}" for i in range(rng.randint(1, 4))]
    else:
        first = rng.randint(1, 12)
        months = [f"2026-{m:02d}" for m in range(first, min(first + rng.randint(1, 8), 13))]
    providers = list(PROVIDERS[: rng.randint(1, 4)])
    if rng.random() < 0.5:
        providers[-1] = ""
    names = sorted(rng.sample(("treatment", RATED, "respect"), rng.randint(1, 3)))
    alone = rng.random() < 0.5  # a handful of people, none with another of the same place
    groups = [
        (
            rng.randrange(5),
            rng.randrange(4),
            rng.randrange(len(months)),
            1 if alone else rng.choice((1, 1, 1, 2, 2, 3, 4, rng.randint(5, 12))),
            rng.choice(("mixed", "mixed", "positive", "negative")),
        )
        for _ in range(rng.randint(2, 8 if alone else 12))
    ]
    people = random_people(
        rng,
        groups,
        units=rng.randint(1, 5),
        providers=providers,
        months=months,
        names=names,
        most_answers={name: rng.randint(1, 2) for name in names},
        skips=rng.choice((0.0, 0.0, 0.1, 0.3)),
    )
    if rng.random() < 0.25:
        people = [
            replace(
                p,
                answers={name: (a[0], a[-1]) for name, a in p.answers.items()},
                ratings={name: (r[0], r[-1]) for name, r in p.ratings.items()},
            )
            for p in people
        ]  # everybody answers every indicator twice
    if rng.random() < 0.5:
        people = one_rating_each(rng, people)
    answers = counted_answers(people)
    cells = [c for c in table_of(answers).cells if c != ALL_TIME_CELL] if answers else []
    chance = rng.choice((0.3, 0.4, 0.5))
    return answers, frozenset(c for c in cells if rng.random() < chance)


def one_rating_each(rng: random.Random, people: Sequence[Person]) -> list[Person]:
    """The people with every positive rating made 7 or 10, every other one 0 or 6 (one
    value each, for all): then every cell's sum of ratings is the least (or the most) its
    positive and other answers allow, or both, but for 7 and 6."""
    value = {True: rng.choice((POSITIVE_FROM, 10)), False: rng.choice((0, POSITIVE_FROM - 1))}
    return [
        replace(
            p,
            ratings={
                name: tuple(value[r >= POSITIVE_FROM] for r in ratings)
                for name, ratings in p.ratings.items()
            },
        )
        for p in people
    ]


def table_of(answers: Sequence[CountedAnswer]) -> FlowTable:
    """The export's table of the flow, as `indicators.publish` builds it."""
    flow = indicators.tally(answers)[FLOW]
    return build_table(FLOW, flow.finest, flow.most_answers, flow.ratings())


def rows_with(answers: Sequence[CountedAnswer], hidden: frozenset[Cell]) -> list[dict[str, str]]:
    """indicators.csv of the flow with `hidden` suppressed, made as `indicators.publish` makes
    it (the all-time total is no row)."""
    flow = indicators.tally(answers)[FLOW]
    return [
        indicators.IndicatorRow(
            FLOW,
            indicator,
            *cell,
            None if cell in hidden else tally,
            flow.only_ratings.get(indicator, True),
        ).as_csv()
        for indicator, cells in sorted(table_of(answers).values.items())
        for cell, tally in sorted(cells.items())
        if cell != ALL_TIME_CELL
    ]


def one_indicator(table: FlowTable, indicator: str) -> FlowTable:
    """The table with one indicator's values only (its sums unchanged)."""
    ratings = {name: r for name, r in table.ratings.items() if name == indicator}
    values = {indicator: table.values[indicator]}
    return FlowTable(table.flow_id, values, table.most_answers, table.relations, ratings)


def all_time_counts(truth: Mapping[CellKey, Count]) -> dict[str, Count]:
    """Per indicator, the flow's all-time n, answers, positive answers and sum of ratings:
    the sum of its years (a person counts in one year only)."""
    years: dict[str, list[Count]] = {}
    for (_, indicator, cell), count in truth.items():
        if cell[:2] == (TOTAL, TOTAL) and period_kind(cell[2]) == "year":
            years.setdefault(indicator, []).append(count)
    return {
        indicator: Count(
            *(sum(c.get(q) for c in counts) for q in ("n", "answers", "positive", "rating_sum"))
        )
        for indicator, counts in years.items()
    }


def pins_knowing_all_time(
    views: Sequence[IndicatorView], all_time: Mapping[str, Count]
) -> dict[tuple[str, Cell, str], int] | None:
    """The reader's pinned values of one indicator or look-alike group (None: no values
    fit), when it also knows every indicator's all-time positive and negative answers (and
    sum of ratings where a mean is shown) besides the all-time n, as the audit takes it to."""
    program, targets = build_program(views)
    for view in views:
        years = sorted(
            c for c in view.cells if c[:2] == (TOTAL, TOTAL) and period_kind(c[2]) == "year"
        )
        for quantity in view.quantities[1:]:
            terms = [
                (1.0, targets[(view.indicator, year, quantity)])
                if year in view.hidden
                else (1.0, ({}, float(view.shown[year].get(quantity))))
                for year in years
            ]
            total = all_time[view.indicator].get(quantity)
            program.require(combine(*terms), total, total)
    return pinned_values(program, targets)


def alike_with_the_same_total(views: Sequence[IndicatorView]) -> list[list[IndicatorView]]:
    """The look-alike groups, each split by all-time n (a part of one indicator dropped)."""
    groups = []
    for group in look_alike_groups(views):
        by_total: dict[int | None, list[IndicatorView]] = {}
        for view in group:
            by_total.setdefault(view.all_time_n, []).append(view)
        groups += [alike for alike in by_total.values() if len(alike) > 1]
    return groups


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.integers(0, 2**32 - 1))
def test_the_exports_own_audit_agrees_with_an_attacker_written_apart(seed: int) -> None:
    """`disclosure_audit.audit` pins exactly the hidden values this reader pins.

    Both attack the same rows (any hidden cells, not only a pattern the export would
    choose), with the all-time total published. The two models differ in one point,
    closed here: the audit takes the all-time cell as a shown cell, its positive and
    negative answers and sum of ratings known as well as its n, while the reader of
    `knowledge_of` knows the all-time n only (all that counts.csv comes near). The reader
    is told those counts too (`pins_knowing_all_time`); told less, it could only pin less,
    so what it pins with the all-time n alone is among what the audit pins.

    Compared:

    * one indicator at a time (the audit run on a table of that indicator alone, the
      reader on its rows alone): the sets of (indicator, cell, quantity, value) must be
      equal. Every such value is true (the true table is a solution), on both sides.
    * look-alike indicators attacked together (what the audit of the whole table finds
      beyond the one-indicator audits, against `look_alike_groups`): the audit names a
      shared hidden n once, with the whole group, and every other value with its own
      indicator; the reader names the shared n with each indicator of the group, so it is
      taken once, with the group. The guess that the indicators have the same people can
      be wrong (alike in every shown cell, not in hidden ones), and then the joint model
      can pin a value that is not true; the audit keeps only true ones (a shared n equal
      to the n of one of the group's indicators, any other value equal to its own
      indicator's), and reports no value when the guess is refuted (no values fit), so
      the reader's joint values are kept on the same terms before the sets are compared.
      What the joint models pin but is untrue is not compared: the audit does not tell it.
    * which indicators look alike: the audit counts the all-time total among the shown
      cells whose n must agree, while `look_alike_groups` reads the rows alone. Indicators
      alike in every row but not in their all-time n (one skipped by somebody in a hidden
      cell) form one group there, refuted as a whole by the totals, and its part that is
      alike in the totals too is never attacked; so the reader's groups are split by
      all-time n first (`alike_with_the_same_total`), and then are the audit's.
    """
    answers, hidden = small_flow_with_hidden_cells(seed)
    assume(answers)
    table = table_of(answers)
    truth = count_cells(answers)
    all_time = all_time_counts(truth)
    views = read_rows(rows_with(answers, hidden), knowledge_of(answers, {FLOW: False}))
    assert sorted(v.indicator for v in views) == sorted(table.values)

    audit_alone: Counter[disclosure_audit.Pinned] = Counter()
    for view in views:
        audit_alone.update(disclosure_audit.audit(one_indicator(table, view.indicator), hidden))
    reader_alone = set()
    for view in views:
        pins = pins_knowing_all_time([view], all_time)
        assert pins is not None, f"{view.indicator}: no values fit the true table's rows"
        reader_alone |= {(ind, cell, q, value) for (ind, cell, q), value in pins.items()}
    assert {(*p.indicators, p.cell, p.quantity, p.value) for p in audit_alone} == reader_alone

    if len(views) == 1:
        return  # the whole table is the one indicator's: nothing is attacked together
    audit_all = Counter(disclosure_audit.audit(table, hidden))
    assert not audit_alone - audit_all, "the whole table's audit misses a one-indicator value"
    audit_joint: set[Found] = {
        (frozenset(p.indicators), p.cell, p.quantity, p.value)
        for p in (audit_all - audit_alone).elements()
    }
    reader_joint: set[Found] = set()
    for group in alike_with_the_same_total(views):
        names = frozenset(v.indicator for v in group)
        pins = pins_knowing_all_time(group, all_time) or {}  # None: the guess is refuted
        for (ind, cell, q), value in pins.items():
            if q == "n" and any(truth[(FLOW, i, cell)].n == value for i in names):
                reader_joint.add((names, cell, q, value))
            elif q != "n" and truth[(FLOW, ind, cell)].get(q) == value:
                reader_joint.add((frozenset({ind}), cell, q, value))
    assert audit_joint == reader_joint
