"""Text that a spreadsheet would read as a formula, and how to make it plain text.

Following OWASP's CSV-injection guidance and ASVS 5 (requirement 1.2.10): a cell whose
first character is `=`, `+`, `-`, `@`, a tab, a carriage return, a line feed or a NUL
is written with a single quote in front, so Excel and LibreOffice show it as text.
Leading spaces do not hide a formula from us (a spreadsheet may trim them), and the
full-width forms of the four signs count too. A plain number such as `-3` or `0.25` is
left as it is: a spreadsheet reads it as that number and nothing else.

The quote can be taken off again (`original`): a text that itself begins with quotes
before something formula-like (`'=1+1`) gets one quote more too, so a cell that begins
with a quote and then, after any further quotes, something formula-like always had one
quote added, and every other cell is the text itself.
"""

from __future__ import annotations

import re

_TRIGGERS = frozenset("=+-@\t\r\n\0＝＋－＠")  # with the full-width signs
_SPACES = " \u00a0"
_QUOTE = "'"
_MAYBE = _TRIGGERS | frozenset(_SPACES + _QUOTE)  # first characters worth a closer look
_PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def formula_like(text: str) -> bool:
    """True if a spreadsheet could take `text` for a formula (or a command)."""
    if _PLAIN_NUMBER.fullmatch(text):
        return False
    return text.lstrip(_SPACES)[:1] in _TRIGGERS


def _needs_quote(text: str) -> bool:
    """Formula-like, or quotes in front of something formula-like (kept reversible)."""
    return formula_like(text.lstrip(_QUOTE))


def neutralised(text: str) -> str:
    """`text` as a spreadsheet shows it literally: a quote in front where needed."""
    if not text or text[0] not in _MAYBE:
        return text  # the common case, decided by the first character alone
    return _QUOTE + text if _needs_quote(text) else text


def original(cell: str) -> str:
    """The text that `neutralised` turned into `cell`: one added quote taken off."""
    if cell[:1] == _QUOTE and _needs_quote(cell[1:]):
        return cell[1:]
    return cell
