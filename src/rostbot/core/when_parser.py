"""Dates, times and lengths as coordinators type them, in Swedish or Danish habits.

Accepted, among others: `2026-12-03 09:00`, `3/12 9.00`, `3/12-2026 9`, `3.12.2026 kl. 9.30`,
`3 dec 09:00`, `tisdag 3 december 2026 kl 9`, `3. december 9:00`. A date without a year
means its next occurrence. Month and weekday names come from babel's locale data.
Lengths: `3`, `3 h`, `2,5 timmar`, `90 min`, `1:30`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache

from babel.dates import get_day_names, get_month_names

_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})(?:[/-](\d{2}|\d{4}))?$")
_DOT_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})(?:\.(\d{2}|\d{4})?)?$")
_DAY = re.compile(r"^(\d{1,2})\.?$")
_YEAR = re.compile(r"^\d{4}$")
_FILLER = {"kl", "kl.", "klockan", "klokken", "den", "at", "@", "-", "–", ","}


@cache
def _months() -> dict[str, int]:
    names: dict[str, int] = {}
    for locale in ("sv", "da"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                names[str(name).lower().rstrip(".")] = int(number)
    return names


@cache
def _weekdays() -> frozenset[str]:
    names: set[str] = set()
    for locale in ("sv", "da"):
        for width in ("wide", "abbreviated"):
            days = get_day_names(width, locale=locale).values()
            names.update(str(n).lower().rstrip(".") for n in days)
    return frozenset(names)


def _month(token: str) -> int | None:
    token = token.lower().rstrip(".")
    if len(token) < 3:
        return None
    months = _months()
    if token in months:
        return months[token]
    found = {number for name, number in months.items() if name.startswith(token)}
    return found.pop() if len(found) == 1 else None


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def _tokens(text: str) -> list[str]:
    text = text.strip().lower().replace(",", " ")
    text = re.sub(r"(\d)t(\d)", r"\1 \2", text)  # 2026-12-03t09:00
    words = [w for w in text.split() if w not in _FILLER]
    return [w for w in words if w.rstrip(".") not in _weekdays()]


def parse_when(text: str, today: date) -> datetime | None:
    """A local date and time (naive), or None when the text is not one."""
    words = _tokens(text)
    if len(words) < 2:
        return None
    time_match = _TIME.match(words[-1])
    if time_match is None:
        return None
    hour, minute = int(time_match.group(1)), int(time_match.group(2) or 0)
    date_words = words[:-1]
    year: int | None
    if len(date_words) == 1:
        token = date_words[0]
        if m := _ISO_DATE.match(token):
            year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        elif m := _SLASH_DATE.match(token) or _DOT_DATE.match(token):
            day, month = int(m.group(1)), int(m.group(2))
            year = _year(m.group(3)) if m.group(3) else None
        else:
            return None
    elif len(date_words) in (2, 3) and _DAY.match(date_words[0]):
        day = int(date_words[0].rstrip("."))
        named = _month(date_words[1])
        if named is None:
            return None
        month = named
        if len(date_words) == 3:
            if not _YEAR.match(date_words[2]):
                return None
            year = int(date_words[2])
        else:
            year = None
    else:
        return None
    try:
        if year is not None:
            return datetime(year, month, day, hour, minute)
        candidate = datetime(today.year, month, day, hour, minute)
        if candidate.date() < today:
            candidate = candidate.replace(year=today.year + 1)
        return candidate
    except ValueError:
        return None


_LENGTH = re.compile(
    r"^(?:(\d{1,2})[:.](\d{2})|(\d{1,2}(?:[.,]\d{1,2})?)\s*(h|t|tim|timme|timmar|time|timer)?"
    r"|(\d{1,3})\s*(m|min|minuter|minutter))$"
)


def parse_minutes(text: str) -> int | None:
    """A length in minutes: `3`, `3 h`, `2,5 timmar`, `90 min`, `1:30`; None if not one."""
    m = _LENGTH.match(text.strip().lower().rstrip("."))
    if m is None:
        return None
    if m.group(1) is not None:
        return int(m.group(1)) * 60 + int(m.group(2))
    if m.group(3) is not None:
        return round(float(m.group(3).replace(",", ".")) * 60)
    return int(m.group(5))
