"""Periods (month, quarter, year) of indicators.csv, and numbers in the report's locale.

Periods are parsed once into `Period` values so that they sort and can be filled in
between: a month with no answers is shown as a gap, not left out of the time axis.
Numbers and month names come from babel, so "62 %" and "mars 2026" follow the locale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from rostbot.report.words import Words

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


class PeriodError(ValueError):
    """A period that does not match its period type."""


@dataclass(frozen=True, order=True)
class Period:
    """A month (`step` 1-12), a quarter (1-4) or a year (1) of one calendar year."""

    kind: str
    year: int
    step: int

    @classmethod
    def parse(cls, kind: str, raw: str) -> Period:
        pattern = {"month": _MONTH, "quarter": _QUARTER, "year": _YEAR}[kind]
        match = pattern.fullmatch(raw.strip())
        if match is None:
            raise PeriodError(f"{raw[:20]!r} is not a {kind}")
        step = int(match.group(2)) if kind != "year" else 1
        return cls(kind, int(match.group(1)), step)

    def next(self) -> Period:
        last = {"month": 12, "quarter": 4, "year": 1}[self.kind]
        if self.step < last:
            return Period(self.kind, self.year, self.step + 1)
        return Period(self.kind, self.year + 1, 1)

    def label(self, words: Words, *, short: bool = False) -> str:
        if self.kind == "month":
            pattern = "LLL y" if short else "LLLL y"
            return format_date(date(self.year, self.step, 1), pattern, locale=words.lang)
        if self.kind == "quarter":
            return words("quarter", q=self.step, year=self.year)
        return str(self.year)


def span(periods: list[Period]) -> list[Period]:
    """Every period from the first to the last of `periods`, in order."""
    if not periods:
        return []
    first, last = min(periods), max(periods)
    result = [first]
    while result[-1] < last:
        result.append(result[-1].next())
    return result


def percent(share: float, lang: str) -> str:
    return format_percent(share, "#,##0 %", locale=lang)


def decimal(value: float, lang: str) -> str:
    return format_decimal(value, "#,##0.0", locale=lang)


def count(value: int, lang: str) -> str:
    return format_decimal(value, "#,##0", locale=lang)
