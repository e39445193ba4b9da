"""VTIMEZONE components (RFC 5545) with a yearly rule, as calendar programs read them best.

icalendar writes a zone as one dated change per year (long RDATE lists); Mozilla's
ical.js (Thunderbird, Nextcloud), vobject and, by reports, Outlook read summer times
from such a zone an hour wrong. So a zone here is what vzic's Outlook-compatible output
and Outlook itself write: a STANDARD and a DAYLIGHT sub-component, each with DTSTART in
1970, TZOFFSETFROM, TZOFFSETTO and a yearly RRULE (e.g. the last Sunday of March), or a
single STANDARD for a zone without clock changes.

Nothing is parsed: the two changes of a year are found by asking zoneinfo for the UTC
offset, the rule is read off their dates (the n-th or last weekday of the month), and
it is used only after it gave exactly zoneinfo's changes in every year the calendar
needs. A zone that no such rule describes (none of the meeting zones) falls back to
icalendar's dated list.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil import rrule
from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

RULE_FROM = 1970  # the rules' DTSTART year, as vzic's Outlook-compatible zones write it
_STEP = timedelta(hours=6)  # no zone changes its clock twice within six hours
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Change:
    """One change of the clocks: the instant (UTC), the offsets before and after, the name."""

    at: datetime
    before: timedelta
    after: timedelta
    name: str

    @property
    def wall(self) -> datetime:
        """The local time when it happens, on the clock before it (as DTSTART is written)."""
        return (self.at + self.before).replace(tzinfo=None)


@dataclass(frozen=True)
class YearlyRule:
    """A change that happens every year: in `month`, on `byday` (e.g. -1SU), at `time`."""

    month: int
    byday: str
    time: timedelta
    before: timedelta
    after: timedelta
    name: str

    def _rule(self, year: int) -> rrule.rrule:
        ordinal, weekday = int(self.byday[:-2]), _WEEKDAYS.index(self.byday[-2:])
        start = datetime(year, 1, 1) + self.time
        return rrule.rrule(
            rrule.YEARLY,
            dtstart=start,
            bymonth=self.month,
            byweekday=rrule.weekday(weekday, ordinal),
            count=1,
        )

    def first(self) -> datetime:
        """The first time it happens in RULE_FROM: the sub-component's DTSTART."""
        return self.in_year(RULE_FROM)

    def in_year(self, year: int) -> datetime:
        return next(iter(self._rule(year)))

    def change(self, year: int) -> Change:
        wall = self.in_year(year)
        return Change((wall - self.before).replace(tzinfo=UTC), self.before, self.after, self.name)


def _offset(zone: ZoneInfo, at: datetime) -> timedelta:
    offset = at.astimezone(zone).utcoffset()
    assert offset is not None
    return offset


def changes(zone: ZoneInfo, year: int) -> list[Change]:
    """Every change of the clocks in `zone` during `year` (UTC), to the second."""
    found: list[Change] = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    offset = _offset(zone, moment)
    while moment < end:
        following = min(moment + _STEP, end)
        if _offset(zone, following) != offset:
            low, high = moment, following  # offset at low is the old one, at high the new
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if _offset(zone, middle) == offset:
                    low = middle
                else:
                    high = middle
            after = _offset(zone, high)
            found.append(Change(high, offset, after, high.astimezone(zone).tzname() or ""))
            offset = after
        moment = following
    return found


def _candidates(change: Change) -> list[YearlyRule]:
    """The yearly rules whose date this change falls on: n-th and/or last weekday."""
    wall = change.wall
    time = wall - wall.replace(hour=0, minute=0, second=0)
    weekday = _WEEKDAYS[wall.weekday()]
    ordinals = []
    if wall.day <= 28:
        ordinals.append(str((wall.day - 1) // 7 + 1))
    if wall.day + 7 > calendar.monthrange(wall.year, wall.month)[1]:
        ordinals.append("-1")
    return [
        YearlyRule(wall.month, f"{n}{weekday}", time, change.before, change.after, change.name)
        for n in ordinals
    ]


@lru_cache(maxsize=64)
def yearly_rules(tzid: str, first_year: int, last_year: int) -> tuple[YearlyRule, ...] | None:
    """The zone's clock changes as yearly rules that hold from `first_year` to `last_year`.

    () for a zone without changes in those years, None when no yearly rule gives exactly
    zoneinfo's changes in every one of them.
    """
    zone = ZoneInfo(tzid)
    years = range(first_year, last_year + 1)
    per_year = {year: changes(zone, year) for year in years}
    if not any(per_year.values()):
        return ()
    rules: list[YearlyRule] = []
    for change in per_year[first_year]:
        fitting = [
            rule
            for rule in _candidates(change)
            if all(rule.change(year) in per_year[year] for year in years)
        ]
        if not fitting:
            return None
        rules.append(fitting[0])
    if any(len(per_year[year]) != len(rules) for year in years):
        return None
    return tuple(rules)


def _fixed(tzid: str, year: int) -> Timezone:
    zone = ZoneInfo(tzid)
    moment = datetime(year, 1, 1, tzinfo=UTC)
    offset = _offset(zone, moment)
    standard = TimezoneStandard()
    standard.add("DTSTART", datetime(RULE_FROM, 1, 1))
    standard.add("TZOFFSETFROM", offset)
    standard.add("TZOFFSETTO", offset)
    standard.add("TZNAME", moment.astimezone(zone).tzname() or tzid)
    timezone = Timezone()
    timezone.add("TZID", tzid)
    timezone.add_component(standard)
    return timezone


def vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE for meetings in `tzid` from `first_year` to `last_year`.

    The rule is checked from the year before (a time on 1 January depends on the last
    change before it) to the year after the last.
    """
    rules = yearly_rules(tzid, first_year - 1, last_year + 1)
    if rules is None:
        return Timezone.from_tzid(
            tzid, first_date=date(first_year - 1, 1, 1), last_date=date(last_year + 2, 1, 1)
        )
    if not rules:
        return _fixed(tzid, first_year)
    timezone = Timezone()
    timezone.add("TZID", tzid)
    # STANDARD first, then DAYLIGHT (the later clock), as Outlook writes them.
    for rule in sorted(rules, key=lambda r: r.after):
        part = TimezoneDaylight() if rule.after > rule.before else TimezoneStandard()
        part.add("DTSTART", rule.first())
        part.add("TZOFFSETFROM", rule.before)
        part.add("TZOFFSETTO", rule.after)
        part.add("TZNAME", rule.name)
        part.add("RRULE", {"FREQ": "YEARLY", "BYMONTH": rule.month, "BYDAY": rule.byday})
        timezone.add_component(part)
    return timezone
