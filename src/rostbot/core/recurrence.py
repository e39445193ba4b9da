"""Dates of a series: a fixed group every N weeks, or a monthly meeting on the same weekday.

Dates are made in local wall-clock time and only then turned into UTC, so a
meeting at 10:00 stays at 10:00 across the daylight-saving changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.rrule import MONTHLY, rrule, weekday

from rostbot.core.meeting_model import MeetingError

MAX_SESSIONS = 24


@dataclass(frozen=True)
class Rule:
    """How a series repeats: 'weekly:<N>' (fixed group) or 'monthly:<+n|-1><weekday>'."""

    text: str

    @property
    def series_kind(self) -> str:
        return "fixed" if self.text.startswith("weekly:") else "recurring"


def _check_count(count: int) -> None:
    if not 1 <= count <= MAX_SESSIONS:
        raise MeetingError(f"a series has 1 to {MAX_SESSIONS} sessions, not {count}")


def every_weeks(first: datetime, count: int, weeks: int) -> tuple[Rule, list[datetime]]:
    """`count` sessions, `weeks` apart, at the same local time as `first`."""
    _check_count(count)
    if not 1 <= weeks <= 8:
        raise MeetingError(f"sessions are 1 to 8 weeks apart, not {weeks}")
    dates = [first + timedelta(weeks=weeks * i) for i in range(count)]
    return Rule(f"weekly:{weeks}"), dates


_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def nth_weekday(day: datetime) -> int:
    """Which weekday of its month `day` is: 1-4, or -1 (the last) for the 29th and later."""
    if day.day > 28:  # a fifth Tuesday is missing in most months: say "the last" instead
        return -1
    return (day.day - 1) // 7 + 1


def monthly_same_weekday(first: datetime, count: int) -> tuple[Rule, list[datetime]]:
    """`count` meetings, one a month, on the same weekday as `first` (e.g. the first Tuesday)."""
    _check_count(count)
    n = nth_weekday(first)
    day = weekday(first.weekday(), n)
    dates = list(rrule(MONTHLY, dtstart=first.replace(tzinfo=None), byweekday=day, count=count))
    rule = Rule(f"monthly:{n:+d}{_WEEKDAY_CODES[first.weekday()]}")
    return rule, dates
