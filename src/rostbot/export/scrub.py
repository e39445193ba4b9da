"""Scrubbing free-text answers: identity numbers, phone numbers, addresses, names.

Every finder reports spans of the original text; where spans overlap, the one from the
earlier finder wins (e-mail and web addresses, then identity numbers, then phone
numbers, then street addresses and postcodes, then names). Each span kept is replaced by
a marker `[kind]` and counted, from the same list of spans: the counts are exactly the
markers written. See docs/export.md, "Scrubbing free text".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from rostbot.export.scrub_addresses import addresses
from rostbot.export.scrub_names import names
from rostbot.export.scrub_numbers import identity_numbers, phone_numbers

# Every kind of marker, in the order the manifest lists them.
KINDS: tuple[str, ...] = (
    "personnummer",
    "samordningsnummer",
    "cpr",
    "id_number",
    "phone",
    "email",
    "url",
    "address",
    "name",
)

Span = tuple[int, int, str]

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_TLDS = "se|dk|com|org|net|nu|eu|io|info|no|fi|de|uk|gov|edu"
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"]+"
    rf"|\b[\w-]+(?:\.[\w-]+)*\.(?:{_TLDS})\b(?:/[^\s<>\"]*)?",
    re.IGNORECASE,
)
_URL_TAIL = ".,;:!?)"


@dataclass(frozen=True)
class Scrubbed:
    text: str
    counts: dict[str, int]


def _web(text: str) -> Iterator[Span]:
    for match in _EMAIL.finditer(text):
        yield match.start(), match.end(), "email"
    for match in _URL.finditer(text):
        found = match.group(0)
        yield match.start(), match.start() + len(found.rstrip(_URL_TAIL)), "url"


def _mask(text: str, spans: Iterable[Span]) -> str:
    """The text with the spans blanked out (same length), so later finders skip them."""
    chars = list(text)
    for start, end, _ in spans:
        chars[start:end] = "¤" * (end - start)
    return "".join(chars)


_FINDERS: tuple[Callable[[str], Iterable[Span]], ...] = (
    _web,
    identity_numbers,
    phone_numbers,
    addresses,
    names,
)


def find(text: str) -> list[Span]:
    """The spans to replace, sorted, none overlapping."""
    kept: list[Span] = []
    taken = [False] * len(text)
    for finder in _FINDERS:
        seen = _mask(text, kept) if kept else text
        for start, end, kind in sorted(finder(seen)):
            if start < end and not any(taken[start:end]):
                kept.append((start, end, kind))
                taken[start:end] = [True] * (end - start)
    return sorted(kept)


def scrub(text: str) -> Scrubbed:
    """Replace what could identify someone; count each kind."""
    counts: Counter[str] = Counter()
    parts: list[str] = []
    last = 0
    for start, end, kind in find(text):
        parts.append(text[last:start])
        parts.append(f"[{kind}]")
        counts[kind] += 1
        last = end
    parts.append(text[last:])
    return Scrubbed("".join(parts), {kind: counts[kind] for kind in KINDS if counts[kind]})
