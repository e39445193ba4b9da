"""Identity numbers (python-stdnum) and phone numbers (phonenumbers) in free text.

Each finder returns spans `(start, end, kind)` of the text it is given; `scrub.py`
decides which span wins where they overlap and writes the markers.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher
from stdnum import luhn
from stdnum.dk import cpr
from stdnum.exceptions import ValidationError
from stdnum.se import personnummer

Span = tuple[int, int, str]

# Six or eight date digits, then -, +, an en dash, a space or nothing, then four digits:
# the written forms of a Swedish personnummer / samordningsnummer and a Danish CPR number.
_ID_SHAPED = re.compile(r"(?<![\w+])((?:19|20)\d{6}|\d{6})([-+– ]?)(\d{4})(?!\w)")


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def swedish_kind(date_part: str, separator: str, serial: str) -> str | None:
    """`personnummer`, `samordningsnummer` (day + 60) or None, checked by python-stdnum."""
    if separator == "+" and len(date_part) == 8:
        return None  # the + (100 years or older) only goes with the short form
    sign = "+" if separator == "+" else "-"
    day = int(date_part[-2:])
    if day > 60:  # stdnum checks the date of a personnummer only: move the day back
        as_personnummer = f"{date_part[:-2]}{day - 60:02d}{sign}{serial}"
        try:
            personnummer.get_birth_date(as_personnummer)
        except ValidationError:
            return None
        return "samordningsnummer" if luhn.is_valid(date_part[-6:] + serial) else None
    return "personnummer" if personnummer.is_valid(f"{date_part}{sign}{serial}") else None


def is_danish_cpr(date_part: str, separator: str, serial: str) -> bool:
    """A real, past birth date (python-stdnum; no modulus-11 check since 2007)."""
    return len(date_part) == 6 and separator != "+" and cpr.is_valid(date_part + serial)


def _date_shaped(date_part: str) -> bool:
    """Could the date digits be a birth date, read as (YY)YYMMDD or DDMMYY, day + 60 too?"""
    if len(date_part) == 8:
        year, month, day = int(date_part[:4]), int(date_part[4:6]), int(date_part[6:])
        return _real_date(year, month, day) or _real_date(year, month, day - 60)
    a, b, c = int(date_part[:2]), int(date_part[2:4]), int(date_part[4:])
    return (
        _real_date(2000 + a, b, c)
        or _real_date(2000 + a, b, c - 60)
        or _real_date(2000 + c, b, a)
        or _real_date(1900 + a, b, c)  # 29 February
        or _real_date(1900 + c, b, a)
    )


def _swedish_phone(digits: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(digits, "SE"))
    except phonenumbers.NumberParseException:
        return False


def identity_numbers(text: str) -> Iterator[Span]:
    """Valid numbers by their kind; shaped ones that fail a check as `id_number`.

    A ten-digit number both valid as a Swedish personnummer (date and Luhn check digit) and
    as a Danish CPR number (date) is a `personnummer`: the check digit is the stronger sign.
    Ten digits with no separator (or a space) that fail the Swedish check but make a valid
    Swedish phone number (`0701234567`) are left to the phone finder.
    """
    for match in _ID_SHAPED.finditer(text):
        date_part, separator, serial = match.groups()
        kind = swedish_kind(date_part, separator, serial)
        if kind is None and is_danish_cpr(date_part, separator, serial):
            kind = "cpr"
        loose = separator in ("", " ")
        swedish = kind in ("personnummer", "samordningsnummer")
        if loose and not swedish and len(date_part) == 6 and _swedish_phone(date_part + serial):
            continue
        if kind is None:
            if loose and not _date_shaped(date_part):
                continue
            kind = "id_number"
        yield match.start(), match.end(), kind


# What a phone number's digits must never be: dates, year ranges, times.
_NOT_PHONE = re.compile(
    r"\d{4}\s?[-–/.]\s?\d{1,2}\s?[-–/.]\s?\d{1,2}"  # 2024-05-01
    r"|\d{1,2}\s?[-–/.]\s?\d{1,2}\s?[-–/.]\s?\d{2,4}"  # 01.05.2024, 1/5-24
    r"|(?:19|20)\d{2}\s?[-–/]\s?(?:(?:19|20)?\d{2})"  # 2023-2024, 2023–24
    r"|\d{1,2}[.:]\d{2}(?!\d)"  # 14.30
)
# Words right after a number that make it an amount, a share or a count.
_UNIT_AFTER = re.compile(
    r"\s?(?:kr\b|kr\.|kronor|kroner|sek\b|dkk\b|eur\b|euro|€|\$|:-|,-|%|procent|pct"
    r"|st\b|stk\b|stycken|år\b|timmar|timer|dagar|dage|minuter|minutter|m2|m²|kvm)",
    re.IGNORECASE,
)
# Words right before a number that make it a time, a room or an amount.
_WORD_BEFORE = re.compile(
    r"(?:\bkl\.?|\bklockan|\bklokken|\brum|\brummet|\blokal|\blokale|\bsal|\bvåning"
    r"|\betage|\bsek|\bdkk|\bkr\.?|\bnr\.?\s?(?:rum|lokal)|€|\$)\s?$",
    re.IGNORECASE,
)


def _is_phone(text: str, start: int, end: int, region: str) -> bool:
    raw = text[start:end].lstrip("(")
    digits = re.sub(r"\D", "", raw)
    international = raw.startswith(("+", "00"))
    if region == "SE" and not international and not digits.startswith("0"):
        return False  # a Swedish number written nationally starts with its trunk 0
    if region == "DK" and not international and (len(digits) != 8 or digits.startswith("0")):
        return False  # a Danish number is eight digits
    if _NOT_PHONE.fullmatch(raw.strip()) or (_NOT_PHONE.search(raw) and not international):
        return False
    unit = _UNIT_AFTER.match(text, end) or _WORD_BEFORE.search(text, max(0, start - 12), start)
    return unit is None


_DIGIT = re.compile(r"\d")


def phone_numbers(text: str) -> Iterator[Span]:
    """Swedish and Danish numbers, national or international, and any valid `+`/`00` one.

    phonenumbers' matcher with `Leniency.VALID` (the number is valid for its region) finds
    them; dates, year ranges, times, amounts and room numbers are then turned away.
    """
    if len(_DIGIT.findall(text)) < 7:
        return
    seen: set[tuple[int, int]] = set()
    for region in ("SE", "DK"):
        for match in PhoneNumberMatcher(text, region, leniency=Leniency.VALID):
            start = match.start
            if match.raw_string.startswith("(") and ")" not in match.raw_string:
                start += 1  # "(+46 70 ...)": keep the opening parenthesis with its pair
            if (start, match.end) not in seen and _is_phone(text, start, match.end, region):
                seen.add((start, match.end))
                yield start, match.end, "phone"
