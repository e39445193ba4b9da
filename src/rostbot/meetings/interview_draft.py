"""An interview offer being described in the chat, one question at a time (no I/O, no
wording).

The coordinator's answers fill an `InterviewDraft`; `steps()` lists what is still to
ask, in order, and depends on earlier answers: a title, what it is about and who
interviews in each chosen language; the address, directions and accessibility only in
person; the link only by video; the gap only when a window was given. The times are
typed, one per line: a start ("8/12 10.00") or a window cut into back-to-back times
("8/12 9.00-12.00"). A problem is returned as a `Problem` whose key the chat turns into
words; `interview_plan.check` has the final word before anything is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from rostbot.core.meeting_model import (
    MAX_LINE,
    MAX_TEXT,
    ZONES,
    Details,
    MeetingError,
    Place,
    local_to_utc,
)
from rostbot.core.when_parser import parse_minutes, parse_when
from rostbot.meetings.draft import base, take_press
from rostbot.meetings.interview_plan import (
    MAX_MINUTES,
    MAX_SLOTS,
    InterviewPlan,
    Window,
    is_https_link,
)

CHOICES: dict[str, tuple[str, ...]] = {
    "languages": ("sv", "da", "both"),
    "mode": ("in_person", "phone", "video"),
    "recorded": ("yes", "no"),
    "length": ("30", "45", "60", "90"),
    "gap": ("0", "15", "30"),
    "confirm": ("save", "restart"),
}
BUTTONS_ONLY = ("languages", "mode", "recorded", "confirm")
SKIPPABLE = ("about", "directions", "accessibility")
LONG_TEXTS = ("about", "directions", "accessibility")  # up to MAX_TEXT; others MAX_LINE
_STORED = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class Problem:
    """Why an answer was not taken: a key for the chat's words, and the line it is about."""

    key: str
    line: str = ""


@dataclass
class InterviewDraft:
    service_tz: str = "Europe/Stockholm"
    answers: dict[str, str] = field(default_factory=dict)

    @property
    def languages(self) -> tuple[str, ...]:
        chosen = self.answers.get("languages", "sv")
        return ("sv", "da") if chosen == "both" else (chosen,)

    @property
    def mode(self) -> str:
        return self.answers.get("mode", "in_person")

    @property
    def tz(self) -> str:
        """The offer's zone: its language's country, or the service's zone for both."""
        if self.languages == ("da",):
            return "Europe/Copenhagen"
        if self.languages == ("sv",) or self.service_tz not in ZONES:
            return "Europe/Stockholm"
        return self.service_tz

    def steps(self) -> list[str]:
        order = ["languages"]
        for name in ("title", "about"):
            order += [f"{name}_{lang}" for lang in self.languages]
        order.append("mode")
        if self.mode == "in_person":
            order.append("address")
            for name in ("directions", "accessibility"):
                order += [f"{name}_{lang}" for lang in self.languages]
        if self.mode == "video":
            order.append("link")
        order += [f"interviewer_{lang}" for lang in self.languages]
        order += ["recorded", "length", "times"]
        if "times" in self.answers and any(len(line) > 16 for line in self._lines()):
            order.append("gap")
        return [*order, "confirm"]

    def current(self) -> str:
        return next(s for s in self.steps() if s not in self.answers)

    def _lines(self) -> list[str]:
        return [line for line in self.answers.get("times", "").splitlines() if line]

    def plan(self) -> InterviewPlan:
        """The offer as answered so far (every step up to the times must be answered)."""
        a = self.answers
        langs = self.languages

        def per_lang(name: str) -> dict[str, str]:
            return {lang: a.get(f"{name}_{lang}", "") for lang in langs}

        times: list[datetime] = []
        windows: list[Window] = []
        for line in self._lines():
            start = datetime.strptime(line[:16], _STORED)
            if len(line) > 16:
                end = datetime.strptime(f"{line[:10]} {line[17:]}", _STORED)
                windows.append(Window(start, end))
            else:
                times.append(start)
        return InterviewPlan(
            languages=langs,
            details=Details(
                title=per_lang("title"),
                description=per_lang("about"),
                place=Place(
                    a.get("address", ""), per_lang("directions"), per_lang("accessibility")
                ),
                led_by=per_lang("interviewer"),
                mode=self.mode,
                recorded=a["recorded"] == "yes",
                link=a.get("link", ""),
            ),
            minutes=int(a["length"]),
            tz=self.tz,
            times=tuple(times),
            windows=tuple(windows),
            gap=int(a.get("gap", "0")),
        )


def _minutes(value: str) -> int | None:
    """A length as typed: a bare number is minutes here ('45'), else '1 h', '1:30', '90 min'."""
    value = value.strip().lower()
    return int(value) if value.isdigit() else parse_minutes(value)


def _one(text: str, today: date) -> tuple[datetime, datetime | None] | None:
    """A start, or a window (start, end), from one typed piece; None if it is neither."""
    start = parse_when(text, today)
    if start is not None:
        return start, None
    for dash in ("–", "-"):
        head, found, until = text.rpartition(dash)
        if not found or not head.strip() or not until.strip():
            continue
        start = parse_when(head, today)
        end = parse_when(f"{start:%Y-%m-%d} {until.strip()}", today) if start else None
        if start is not None and end is not None:
            return start, end
    return None


def _read(text: str, today: date) -> list[tuple[datetime, datetime | None]] | Problem:
    """Every start and window typed, one per line (or several on a line, comma-separated)."""
    found: list[tuple[datetime, datetime | None]] = []
    for raw in text.splitlines():
        line = raw.strip(" •-*\t")
        if not line:
            continue
        whole = _one(line, today)
        if whole is not None:
            found.append(whole)
            continue
        pieces = [_one(piece.strip(), today) for piece in line.split(",") if piece.strip()]
        if len(pieces) < 2 or any(piece is None for piece in pieces):
            return Problem("not_a_time", line[:MAX_LINE])
        found += [piece for piece in pieces if piece is not None]
    return found if found else Problem("empty")


def _label(start: datetime, end: datetime | None) -> str:
    return f"{start:{_STORED}}" + (f"-{end:%H:%M}" if end else "")


def _times(draft: InterviewDraft, text: str, now: datetime) -> str | Problem:
    """The times as stored lines, or the first problem: unreadable, in the past, a window
    shorter than one interview, times or windows overlapping, too many."""
    minutes = int(draft.answers["length"])
    today = now.astimezone(ZoneInfo(draft.tz)).date()
    read = _read(text, today)
    if isinstance(read, Problem):
        return read
    spans: list[tuple[datetime, datetime, str]] = []
    count = 0
    for start, end in read:
        label = _label(start, end)
        if end is not None and end <= start:
            return Problem("window_backwards", label)
        try:
            utc = local_to_utc(start, draft.tz)
            if end is not None:
                local_to_utc(end, draft.tz)
        except MeetingError:
            return Problem("clock_change", label)
        if utc <= now:
            return Problem("in_the_past", label)
        length = timedelta(minutes=minutes)
        if end is not None and start + length > end:
            return Problem("window_too_short", label)
        count += (end - start) // length if end is not None else 1
        spans.append((start, end or start + length, label))
    if count > MAX_SLOTS:
        return Problem("too_many", str(MAX_SLOTS))
    spans.sort()
    for (_, earlier_end, earlier), (later_start, _, later) in pairwise(spans):
        if later_start < earlier_end:
            return Problem("overlap", f"{earlier} / {later}")
    return "\n".join(label for _, _, label in spans)


def give(
    draft: InterviewDraft, step: str, value: str, *, pressed: bool, now: datetime
) -> Problem | None:
    """Record an answer to `step` (`now` aware); a problem, or None when it was taken."""
    if step != draft.current():
        return Problem("old")
    kind = base(step)
    value = value.strip()
    if pressed:
        return (
            None if take_press(draft.answers, step, value, CHOICES, SKIPPABLE) else Problem("old")
        )
    if step in BUTTONS_ONLY:
        return Problem("use_buttons")
    if not value:
        return Problem("empty")
    if kind in ("length", "gap"):
        minutes = _minutes(value)
        top = MAX_MINUTES if kind == "length" else 4 * 60
        low = 1 if kind == "length" else 0
        if minutes is None or not low <= minutes <= top:
            return Problem("not_a_length")
        value = str(minutes)
    elif kind == "link":
        if len(value) > MAX_LINE or not is_https_link(value):
            return Problem("not_https")
    elif kind == "times":
        read = _times(draft, value, now)
        if isinstance(read, Problem):
            return read
        value = read
    elif len(value) > (MAX_TEXT if kind in LONG_TEXTS else MAX_LINE):
        return Problem("too_long")
    draft.answers[step] = value
    return None


def ask_times_again(draft: InterviewDraft) -> None:
    """Forget the times (and the gap), keeping every other answer."""
    draft.answers.pop("times", None)
    draft.answers.pop("gap", None)
    draft.answers.pop("confirm", None)


def restart(draft: InterviewDraft) -> None:
    draft.answers.clear()
