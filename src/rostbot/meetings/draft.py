"""A meeting being described in the chat, one question at a time (no I/O, no wording).

The coordinator's answers fill a `Draft`; `steps()` lists what is still to ask, in
order, and depends on earlier answers (title, description, agenda, directions,
accessibility and who leads it in each chosen language; the number of sessions only
for a series). Typed answers are read leniently; a problem is
returned as a key that the chat turns into words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from rostbot.core.meeting_model import MAX_LINE, MAX_TEXT, Details, Place
from rostbot.core.recurrence import MAX_SESSIONS
from rostbot.core.when_parser import parse_minutes, parse_when
from rostbot.meetings.planning import Plan

CHOICES: dict[str, tuple[str, ...]] = {
    "kind": ("focus_group", "breakfast"),  # group meetings; an interview is not planned here
    "languages": ("sv", "da", "both"),
    "duration": ("60", "90", "120", "180"),
    "series": ("single", "fixed", "monthly"),
    "sessions": ("2", "3", "4", "6"),
    "every_weeks": ("1", "2", "4"),
    "confirm": ("save", "restart"),
}
SKIPPABLE = ("description", "agenda", "directions", "accessibility")
LONG_TEXTS = ("description", "directions", "accessibility")  # up to MAX_TEXT; others MAX_LINE


@dataclass
class Draft:
    answers: dict[str, str] = field(default_factory=dict)

    @property
    def languages(self) -> tuple[str, ...]:
        chosen = self.answers.get("languages", "sv")
        return ("sv", "da") if chosen == "both" else (chosen,)

    def steps(self) -> list[str]:
        order = ["kind", "languages"]
        for name in ("title", "description", "agenda"):
            order += [f"{name}_{lang}" for lang in self.languages]
        order += ["start", "duration", "address"]
        for name in ("directions", "accessibility"):
            order += [f"{name}_{lang}" for lang in self.languages]
        order.append("capacity")
        order += [f"led_by_{lang}" for lang in self.languages]
        order.append("series")
        if self.answers.get("series", "single") != "single":
            order.append("sessions")
        if self.answers.get("series") == "fixed":
            order.append("every_weeks")
        return [*order, "confirm"]

    def current(self) -> str:
        return next(s for s in self.steps() if s not in self.answers)

    def tz(self, default: str) -> str:
        if self.languages == ("da",):
            return "Europe/Copenhagen"
        if self.languages == ("sv",):
            return "Europe/Stockholm"
        return default

    def plan(self, default_tz: str, today: date) -> Plan:
        a = self.answers
        langs = self.languages

        def per_lang(name: str) -> dict[str, str]:
            return {lang: a.get(f"{name}_{lang}", "") for lang in langs}

        start = parse_when(a["start"], today)
        assert start is not None
        return Plan(
            kind=a["kind"],
            languages=langs,
            details=Details(
                title=per_lang("title"),
                description=per_lang("description"),
                agenda={lang: tuple(a.get(f"agenda_{lang}", "").splitlines()) for lang in langs},
                place=Place(a["address"], per_lang("directions"), per_lang("accessibility")),
                led_by=per_lang("led_by"),
            ),
            start=start,
            minutes=int(a["duration"]),
            capacity=int(a["capacity"]),
            tz=self.tz(default_tz),
            series=a["series"],
            sessions=int(a.get("sessions", "1")),
            every_weeks=int(a.get("every_weeks", "1")),
        )


def base(step: str) -> str:
    """'title_sv' -> 'title'."""
    return step.rsplit("_", 1)[0] if step.endswith(("_sv", "_da")) else step


def take_press(
    answers: dict[str, str],
    step: str,
    value: str,
    choices: dict[str, tuple[str, ...]],
    skippable: tuple[str, ...],
) -> bool:
    """A button's answer to `step`: Skip where the step may be skipped, else one of its
    choices. False for anything else (an old or forged button)."""
    if value == "skip" and base(step) in skippable:
        answers[step] = ""
        return True
    if value not in choices.get(step, ()):
        return False
    answers[step] = value
    return True


def give(draft: Draft, step: str, value: str, *, pressed: bool, today: date) -> str | None:
    """Record an answer to `step`; returns a problem key, or None when it was taken."""
    if step != draft.current():
        return "old"
    kind = base(step)
    value = value.strip()
    if pressed:
        return None if take_press(draft.answers, step, value, CHOICES, SKIPPABLE) else "old"
    if step in ("kind", "languages", "series", "confirm"):
        return "use_buttons"
    if not value:
        return "empty"
    if kind == "start":
        parsed = parse_when(value, today)
        if parsed is None:
            return "not_a_date"
        if parsed.date() < today:
            return "in_the_past"
        value = parsed.strftime("%Y-%m-%d %H:%M")
    elif kind == "duration":
        minutes = parse_minutes(value)
        if minutes is None or not 1 <= minutes <= 12 * 60:
            return "not_a_length"
        value = str(minutes)
    elif kind in ("capacity", "sessions", "every_weeks"):
        top = {"capacity": 500, "sessions": MAX_SESSIONS, "every_weeks": 8}[kind]
        if not value.isdigit() or not 1 <= int(value) <= top:
            return "not_a_number"
    elif kind == "agenda":
        lines = [line.strip(" •-*\t") for line in value.splitlines() if line.strip(" •-*\t")]
        if any(len(line) > MAX_LINE for line in lines):
            return "too_long"
        value = "\n".join(lines)
    elif len(value) > (MAX_TEXT if kind in LONG_TEXTS else MAX_LINE):
        return "too_long"
    draft.answers[step] = value
    return None


def restart(draft: Draft) -> None:
    draft.answers.clear()


def as_start(draft: Draft) -> datetime | None:
    raw = draft.answers.get("start")
    return datetime.strptime(raw, "%Y-%m-%d %H:%M") if raw else None
