"""The names of units, providers, cohorts and waves: what `invite` accepts and `export` expects.

A unit or provider name goes into every export file and into the published
indicators, so it is kept to a shape that no spreadsheet reads as a formula and no
reader mistakes for anything else: 1-40 ASCII letters, digits, `.`, `_` or `-`,
beginning with a letter or a digit (never with `-`, `+`, `=` or `@`). A cohort is
named the same way; a wave is a short label of that shape, e.g. a year `2027` or
`2027-spring` (1-20 characters).
"""

from __future__ import annotations

import re

UNIT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
RULE = "1-40 letters (a-z), digits, '.', '_' or '-', beginning with a letter or a digit"


def is_unit_name(value: str) -> bool:
    """True if `value` may name a unit or a provider."""
    # the first character is a letter or a digit, so no spreadsheet reads it as a formula
    return UNIT_NAME.fullmatch(value) is not None


WAVE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,19}")
WAVE_RULE = "1-20 letters (a-z), digits, '.', '_' or '-', beginning with a letter or a digit"


def is_wave(value: str) -> bool:
    """True if `value` may name a wave, e.g. `2027` or `2027-spring`."""
    return WAVE.fullmatch(value) is not None
