"""Text that a spreadsheet would read as a formula, and how to make it plain text.

Following OWASP's CSV-injection guidance and ASVS 5 (requirement 1.2.10): a cell whose
first character is `=`, `+`, `-`, `@`, a tab, a carriage return, a line feed or a NUL
is written with a single quote in front, so Excel and LibreOffice show it as text.
Leading spaces do not hide a formula from us (a spreadsheet may trim them), and the
full-width forms of the four signs count too. A plain number such as `-3` or `0.25` is
left as it is: a spreadsheet reads it as that number and nothing else.
"""

from __future__ import annotations

import re

_TRIGGERS = frozenset("=+-@\t\r\n\0＝＋－＠")  # with the full-width signs
_PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def formula_like(text: str) -> bool:
    """True if a spreadsheet could take `text` for a formula (or a command)."""
    if _PLAIN_NUMBER.fullmatch(text):
        return False
    return text.lstrip(" \u00a0")[:1] in _TRIGGERS


def neutralised(text: str) -> str:
    """`text` as a spreadsheet shows it literally: a quote in front where needed."""
    return "'" + text if formula_like(text) else text
