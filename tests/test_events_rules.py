"""Meeting rules without I/O: typed dates, series across clock changes, checks on new events."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from meeting_steps import plan
from rostbot.core import recurrence
from rostbot.core.meeting_model import (
    Details,
    MeetingError,
    Place,
    check_capacity,
    local_to_utc,
)
from rostbot.core.when_parser import parse_minutes, parse_when
from rostbot.meetings.planning import check_plan

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("2026-12-03 09:00", datetime(2026, 12, 3, 9, 0)),
        ("2026-12-03T09:00", datetime(2026, 12, 3, 9, 0)),
        ("3/12 9.00", datetime(2026, 12, 3, 9, 0)),
        ("3/12-2027 9", datetime(2027, 12, 3, 9, 0)),
        ("3.12.2026 kl. 9.30", datetime(2026, 12, 3, 9, 30)),
        ("3.12 9.00", datetime(2026, 12, 3, 9, 0)),
        ("3 dec 09:00", datetime(2026, 12, 3, 9, 0)),
        ("tisdag 3 december 2026 kl 9", datetime(2026, 12, 3, 9, 0)),
        ("tirsdag den 3. december 2026 kl. 9.30", datetime(2026, 12, 3, 9, 30)),
        ("3. marts 10:15", datetime(2027, 3, 3, 10, 15)),
        ("1 jan 10:00", datetime(2027, 1, 1, 10, 0)),  # no year: the next 1 January
        ("23 nov 18:00", datetime(2026, 11, 23, 18, 0)),  # today still counts
    ],
)
def test_dates_are_read_the_way_swedes_and_danes_type_them(typed: str, meant: datetime) -> None:
    assert parse_when(typed, TODAY) == meant


@pytest.mark.parametrize(
    "typed", ["", "imorgon", "3 dec", "31/2 10:00", "3 xyz 10:00", "2026-12-03 25:00", "9:00"]
)
def test_what_is_not_a_date_and_time_is_refused(typed: str) -> None:
    assert parse_when(typed, TODAY) is None


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("3", 180), ("3 h", 180), ("2,5 timmar", 150), ("1.5", 90), ("90 min", 90), ("1:30", 90)],
)
def test_lengths(typed: str, minutes: int) -> None:
    assert parse_minutes(typed) == minutes


def test_a_length_that_is_not_one_is_refused() -> None:
    assert parse_minutes("lång") is None


def test_a_fixed_group_across_the_october_clock_change_keeps_its_local_time() -> None:
    # Sweden leaves summer time on the last Sunday of October (25 Oct 2026).
    rule, dates = recurrence.every_weeks(datetime(2026, 10, 20, 10, 0), 3, 1)
    starts = [local_to_utc(d, "Europe/Stockholm") for d in dates]
    assert rule.series_kind == "fixed"
    assert [s.astimezone(ZoneInfo("Europe/Stockholm")).hour for s in starts] == [10, 10, 10]
    assert [s.hour for s in starts] == [8, 9, 9]  # UTC moves, the wall clock does not


def test_a_monthly_meeting_across_the_march_clock_change_keeps_its_local_time() -> None:
    # the first Tuesday of each month, at 08:30 in Copenhagen; summer time from 28 Mar 2027
    rule, dates = recurrence.monthly_same_weekday(datetime(2027, 2, 2, 8, 30), 3)
    assert rule.text == "monthly:+1TU"
    assert [d.date() for d in dates] == [date(2027, 2, 2), date(2027, 3, 2), date(2027, 4, 6)]
    starts = [local_to_utc(d, "Europe/Copenhagen") for d in dates]
    assert [s.hour for s in starts] == [7, 7, 6]
    assert all(d.weekday() == 1 for d in dates)


def test_a_last_weekday_rule_for_late_dates() -> None:
    rule, dates = recurrence.monthly_same_weekday(datetime(2027, 3, 30, 9, 0), 2)  # a Tuesday
    assert rule.text == "monthly:-1TU"
    assert dates[1].date() == date(2027, 4, 27)


def test_a_time_the_spring_clock_change_skips_is_refused() -> None:
    with pytest.raises(MeetingError, match="does not exist"):
        local_to_utc(datetime(2027, 3, 28, 2, 30), "Europe/Stockholm")


def test_a_new_event_in_the_past_is_refused() -> None:
    now = datetime.now(UTC)
    with pytest.raises(MeetingError, match="in the past"):
        check_plan(plan(start=datetime(2020, 1, 1, 10, 0)), now)


def test_a_new_event_must_have_a_title_an_address_and_a_leader_in_its_languages() -> None:
    now = datetime.now(UTC)
    with pytest.raises(MeetingError, match="title in da"):
        check_plan(plan(languages=("sv", "da"), details=Details({"sv": "x"})), now)
    with pytest.raises(MeetingError, match="address"):
        check_plan(plan(details=Details({"sv": "x"}, led_by={"sv": "A"})), now)
    leader_in_swedish_only = Details(
        {"sv": "x", "da": "x"}, place=Place("Storgatan 1"), led_by={"sv": "A", "da": " "}
    )
    with pytest.raises(MeetingError, match="who leads the meeting is missing in da"):
        check_plan(plan(languages=("sv", "da"), details=leader_in_swedish_only), now)


def test_capacity_below_the_people_booked_is_refused() -> None:
    check_capacity(5, booked=5)
    with pytest.raises(MeetingError, match="3 people are booked"):
        check_capacity(2, booked=3)
    with pytest.raises(MeetingError, match="seats must be"):
        check_capacity(0)


def test_a_series_needs_sessions_within_limits() -> None:
    with pytest.raises(MeetingError, match="sessions"):
        check_plan(plan(series="fixed", sessions=0), datetime.now(UTC))
    rule, starts = check_plan(plan(series="fixed", sessions=3, every_weeks=2), datetime.now(UTC))
    assert rule is not None and starts[1] - starts[0] in (
        timedelta(weeks=2),
        timedelta(weeks=2, hours=1),
        timedelta(weeks=2, hours=-1),
    )
