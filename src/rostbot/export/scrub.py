"""Scrubbing free-text answers: identity numbers, phone numbers, addresses, names.

Order matters: e-mail and web addresses first (their digits are not phone numbers),
then Swedish personnummer / samordningsnummer (checked by date and Luhn check digit),
then Danish CPR numbers (checked by date), then phone numbers, then names from the
bundled lists. Each find is replaced by a marker like `[personnummer]` and counted.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

KINDS: tuple[str, ...] = (
    "personnummer",
    "samordningsnummer",
    "cpr",
    "phone",
    "email",
    "url",
    "name",
)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_TLDS = "se|dk|com|org|net|nu|eu|io|info|no|fi|de|uk|gov|edu"
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"]+"
    rf"|\b[\w-]+(?:\.[\w-]+)*\.(?:{_TLDS})\b(?:/[^\s<>\"]*)?",
    re.IGNORECASE,
)
# Six or eight date digits, an optional - or +, four more: both countries' id numbers.
_ID_NUMBER = re.compile(r"(?<![\d+])(\d{6}|\d{8})([-+]?)(\d{4})(?!\d)")
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+|00)\s?(?:46|45)[\s-]?(?:\(0\))?\d(?:[\s-]?\d){6,10}"  # +46 70 123 45 67, +45 ...
    r"|0\d{1,3}[\s-]?\d(?:[\s-]?\d){4,7}"  # 070-123 45 67, 08-123 456 78
    r"|\d{2}[\s-]?\d{2}[\s-]?\d{2}[\s-]?\d{2}"  # Danish 8 digits: 12 34 56 78
    r")(?![\w])"
)
_WORD = re.compile(r"(?<![\w\[])[A-ZÅÄÖÆØÉÜ][a-zåäöæøéü]+(?:-[A-ZÅÄÖÆØÉÜ][a-zåäöæøéü]+)?(?![\w\]])")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\n]\s*|[\"“«(]\s*)$")


@dataclass(frozen=True)
class Scrubbed:
    text: str
    counts: dict[str, int]


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _some_century(yy: int, month: int, day: int) -> bool:
    return _real_date(1900 + yy, month, day) or _real_date(2000 + yy, month, day)


def swedish_number_kind(date_part: str, separator: str, serial: str) -> str | None:
    """`personnummer`, `samordningsnummer` or None, by date and Luhn check digit."""
    if separator == "+" and len(date_part) == 8:
        return None  # the + (over 100 years old) only goes with the short form
    year_digits = date_part[:-4]
    month, day = int(date_part[-4:-2]), int(date_part[-2:])
    kind = "personnummer"
    if day > 60:
        kind, day = "samordningsnummer", day - 60
    if len(year_digits) == 4:
        valid = _real_date(int(year_digits), month, day)
    else:
        valid = _some_century(int(year_digits), month, day)
    if not valid or not _luhn_ok(date_part[-6:] + serial):
        return None
    return kind


def danish_cpr(date_part: str, separator: str) -> bool:
    """DDMMYY with a real date (no modulus-11 check: not all CPR numbers pass it)."""
    if len(date_part) != 6 or separator == "+":
        return False
    return _some_century(int(date_part[4:]), int(date_part[2:4]), int(date_part[:2]))


@cache
def _names() -> tuple[frozenset[str], frozenset[str]]:
    """(all names, names that are also common words), lower-cased."""
    folder = resources.files("rostbot.export") / "names"
    found: set[str] = set()
    ambiguous: set[str] = set()
    for entry in folder.iterdir():
        if not entry.name.endswith(".txt"):
            continue
        words = {
            line.strip().lower()
            for line in entry.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        }
        (ambiguous if entry.name == "ambiguous.txt" else found).update(words)
    return frozenset(found), frozenset(ambiguous)


def _is_name(word: str, at_sentence_start: bool) -> bool:
    names, ambiguous = _names()
    for part in word.split("-"):
        lower = part.lower()
        if lower not in names and lower.endswith("s") and lower[:-1] in names:
            lower = lower[:-1]  # Swedish and Danish genitive: "Annas", "Jensens"
        if lower not in names:
            return False
        if lower in ambiguous and at_sentence_start:
            return False
    return True


def scrub(text: str) -> Scrubbed:
    """Replace what could identify someone; count each kind."""
    counts: Counter[str] = Counter()

    def marker(kind: str) -> str:
        counts[kind] += 1
        return f"[{kind}]"

    text = _EMAIL.sub(lambda m: marker("email"), text)

    def url(match: re.Match[str]) -> str:
        found = match.group(0)
        tail = len(found) - len(found.rstrip(".,;:!?)"))
        return marker("url") + found[len(found) - tail :]

    text = _URL.sub(url, text)

    def id_number(match: re.Match[str]) -> str:
        date_part, separator, serial = match.groups()
        kind = swedish_number_kind(date_part, separator, serial)
        if kind is not None:
            return marker(kind)
        if separator == "" and date_part.startswith("0") and len(date_part) == 6:
            return match.group(0)  # 07xxxxxxxx: a Swedish phone number more likely than a CPR
        if danish_cpr(date_part, separator):
            return marker("cpr")
        return match.group(0)

    text = _ID_NUMBER.sub(id_number, text)
    text = _PHONE.sub(lambda m: marker("phone"), text)

    def name(match: re.Match[str]) -> str:
        start = _SENTENCE_END.search(text[max(0, match.start() - 12) : match.start()]) is not None
        return marker("name") if _is_name(match.group(0), start) else match.group(0)

    text = _WORD.sub(name, text)
    return Scrubbed(text, {kind: counts[kind] for kind in KINDS if counts[kind]})
