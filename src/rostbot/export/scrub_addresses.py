"""Street addresses and postcodes in free text (Swedish and Danish).

A street is a word ending in a street-name ending (`Storgatan`, `Ringvägen`, `Nørregade`,
`Søndervej`, `H.C. Andersens Boulevard`, ...) followed by a house number, with an optional
letter, floor or flat (`12B`, `12, 3. tv`, `4 tr`, `lgh 1102`). A postcode is `123 45` or
`SE-123 45` followed by a town, or `DK-2100` / `2100` followed by a town
(`2100 København Ø`). Towns come from names/towns.txt.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rostbot.export.scrub_names import towns

Span = tuple[int, int, str]

_ENDINGS = (
    # Swedish
    "gatan|gata|vägen|väg|gränd|gränden|torget|torg|stigen|backen|backe|allén|allé"
    "|platsen|plats|leden|esplanaden|promenaden|gången|slingan|kajen|parken|"
    # Danish
    "gade|gaden|vej|vejen|stræde|strædet|plads|pladsen|boulevard|vænget|vænge|torv|torvet"
    "|bakken|haven|toften|højen|stien|alle|engen|løkken|vangen"
)
_PREFIX = (
    r"(?:(?:Gamla|Norra|Södra|Östra|Västra|Stora|Lilla|Nya|Sankt|S:t|St\.|Gammel|Nørre"
    r"|Søndre|Vester|Øster|Store|Lille|Nye|Kongens|Dronning|H\.\s?C\.|[A-ZÅÄÖÆØ][\wåäöæø]+s)"
    r"\s)?"
)
_FLOOR = (
    r"(?:,?\s?(?:(?:st|kl|\d{1,2})\.?\s?(?:tv|th|mf)\b\.?|\s(?:tv|th|mf)\b\.?"
    r"|\d{1,2}\s?tr\b\.?|lgh\.?\s?\d{3,4}|\d{1,2}\.\s?sal\b))?"
)
_STREET = re.compile(
    rf"(?<![\w-]){_PREFIX}[\w.-]{{2,}}?(?i:{_ENDINGS})\s(\d{{1,4}})"
    rf"(?:[A-Za-z](?!\w)|\s[A-Z](?!\w))?{_FLOOR}"
)
# A street name of several words ending in a word of its own: `H.C. Andersens Boulevard 27`.
_STREET_WORDS = re.compile(
    r"(?<![\w-])(?:[A-ZÅÄÖÆØ][\w.]*\s){1,3}"
    r"(?i:boulevard|allé|alle|plads|torv|vej|gade|gata|gatan|väg|vägen|torg|torget)"
    rf"\s(\d{{1,4}})(?:[A-Za-z](?!\w)|\s[A-Z](?!\w))?{_FLOOR}"
)
# Postcodes: Swedish 3+2 digits (SE- optional), Danish 4 digits (DK- optional).
_SE_POSTCODE = re.compile(r"(?<![\w-])(SE-?\s?)?(\d{3}\s?\d{2})(?![\d])")
_DK_POSTCODE = re.compile(r"(?<![\w-])(DK-?\s?)?(\d{4})(?![\d])")
_TOWN_WORDS = re.compile(r"\s?,?\s([A-ZÅÄÖÆØ][\wåäöæøé.-]*(?:\s[A-ZÅÄÖÆØ][\wåäöæøé.-]*){0,2})")


def _town_after(text: str, end: int) -> int | None:
    """Where a known town right after `end` ends, or None (the longest of up to 3 words)."""
    match = _TOWN_WORDS.match(text, end)
    if match is None:
        return None
    words = match.group(1).split(" ")
    known = towns()
    for n in range(len(words), 0, -1):
        candidate = " ".join(words[:n]).rstrip(".,")
        if candidate.casefold() in known:
            return match.start(1) + len(candidate)
    return None


def addresses(text: str) -> Iterator[Span]:
    """Street addresses with a house number, and postcodes with a town (or SE-/DK-)."""
    for pattern in (_STREET, _STREET_WORDS):
        for match in pattern.finditer(text):
            yield match.start(), match.end(), "address"
    for pattern in (_SE_POSTCODE, _DK_POSTCODE):
        for match in pattern.finditer(text):
            town_end = _town_after(text, match.end())
            if town_end is not None:
                yield match.start(), town_end, "address"
            elif match.group(1):  # SE-123 45, DK-2100: a postcode even with no town
                yield match.start(), match.end(), "address"
