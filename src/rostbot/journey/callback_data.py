"""Button data: short, colon-separated, at most 64 bytes, checked on the way in.

Buttons never carry answers' meaning on their own: every press is checked
against the person's stored state, so forged data can do no more than the
person could do by pressing real buttons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
RUN_HANDLE = 12  # characters of a run id that buttons carry
_SAFE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


@dataclass(frozen=True)
class Press:
    kind: str  # a: answer, c: consent, l: language, r: continue, k: contact, w: withdraw, e: erase
    # x: clear the chat, i: interview consent, q: quote consent, u: take back one consent
    parts: tuple[str, ...]


def make(kind: str, *parts: str | int) -> str:
    data = ":".join([kind, *(str(p) for p in parts)])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError("callback data over 64 bytes")
    return data


# o: coordinator (rostbot.meetings.coordinator_chat), v: participant (participant_chat)
# x: clear the chat (rostbot.telegram.handlers.on_clear)
_SHAPES: dict[str, int] = {
    "a": 4,
    "c": 3,
    "l": 1,
    "r": 1,
    "k": 3,
    "w": 1,
    "e": 1,
    "o": 3,
    "v": 3,
    "x": 0,
    "i": 3,  # rostbot.journey.interview_consents: run handle, step, y/n
    "q": 2,  # the same: the quote text's version, y/n
    "u": 2,  # rostbot.journey.consent_withdrawal: which consent, a(sk)/y/n
}


def parse(data: str | None) -> Press | None:
    """The press, or None when the data is malformed."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    kind, *parts = data.split(":")
    if _SHAPES.get(kind) != len(parts):
        return None
    if any(not _SAFE.match(p) for p in parts):
        return None
    return Press(kind, tuple(parts))
