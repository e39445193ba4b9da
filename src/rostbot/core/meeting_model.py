"""Meetings as data: an event, its details, and the rules for new and changed events.

Pure logic, no I/O. An event is one focus-group session or one breakfast meeting;
a fixed group is a series whose sessions are booked together, a recurring meeting is
a series whose occurrences are booked one by one. Times are timezone-aware; the
store keeps them in UTC and people see them in the event's own zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

KINDS = ("focus_group", "breakfast", "interview")
# How an interview is held: at a place, by phone (the interviewer calls a number the
# person gives after booking), or by video (a link sent only to the person booked).
MODES = ("in_person", "phone", "video")
ZONES = ("Europe/Stockholm", "Europe/Copenhagen")
LANGUAGES = ("sv", "da")
MAX_MINUTES = 12 * 60
MAX_CAPACITY = 500
MAX_TEXT = 1000
MAX_LINE = 200
MAX_AGENDA_ITEMS = 15


class MeetingError(Exception):
    """An event cannot be made or changed as asked; the message is one line for the person."""


@dataclass(frozen=True)
class Place:
    """Where: one address; how to get there and accessibility in each language."""

    address: str
    directions: dict[str, str] = field(default_factory=dict)
    accessibility: dict[str, str] = field(default_factory=dict)


def _stored_texts(value: object) -> dict[str, str]:
    """A stored text per language. Events stored before these texts were per language
    hold one string: it is every language's, so old meetings read as they did."""
    if isinstance(value, dict):
        return {str(lang): str(text) for lang, text in value.items()}
    text = str(value or "")
    return dict.fromkeys(LANGUAGES, text) if text else {}


@dataclass(frozen=True)
class Details:
    """What people are told about a meeting, per language where it is words."""

    title: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)
    agenda: dict[str, tuple[str, ...]] = field(default_factory=dict)
    place: Place = Place("")
    led_by: dict[str, str] = field(default_factory=dict)
    # Interviews only: how it is held, whether it is recorded, and the video link.
    mode: str = "in_person"
    recorded: bool = False
    link: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "title": self.title,
            "description": self.description,
            "agenda": {lang: list(items) for lang, items in self.agenda.items()},
            "place": {
                "address": self.place.address,
                "directions": self.place.directions,
                "accessibility": self.place.accessibility,
            },
            "led_by": self.led_by,
            "mode": self.mode,
            "recorded": self.recorded,
            "link": self.link,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Details:
        place = data.get("place")
        assert isinstance(place, dict)
        agenda = data.get("agenda") or {}
        assert isinstance(agenda, dict)
        return cls(
            title=dict(data["title"]),  # type: ignore[call-overload]
            description=dict(data.get("description") or {}),  # type: ignore[call-overload]
            agenda={str(k): tuple(str(i) for i in v) for k, v in agenda.items()},
            place=Place(
                str(place.get("address", "")),
                _stored_texts(place.get("directions")),
                _stored_texts(place.get("accessibility")),
            ),
            led_by=_stored_texts(data.get("led_by")),
            mode=str(data.get("mode") or "in_person"),
            recorded=bool(data.get("recorded", False)),
            link=str(data.get("link", "")),
        )


@dataclass(frozen=True)
class Event:
    event_id: str
    kind: str
    languages: tuple[str, ...]
    tz: str
    starts_at: datetime  # aware
    minutes: int
    capacity: int
    details: Details
    series_id: str | None = None
    session: int | None = None
    series_kind: str | None = None  # 'fixed' or 'recurring'
    status: str = "scheduled"
    sequence: int = 0

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(ZoneInfo(self.tz))

    @property
    def is_fixed_group(self) -> bool:
        return self.series_kind == "fixed"

    @property
    def is_slot(self) -> bool:
        """One time of an interview offer: one person, booked instead of the others."""
        return self.series_kind == "slots"

    @property
    def offer_id(self) -> str:
        """What an invitation is for: the whole fixed group or interview offer, or this meeting."""
        if (self.is_fixed_group or self.is_slot) and self.series_id:
            return self.series_id
        return self.event_id

    def language_for(self, lang: str) -> str:
        """The person's language if the meeting's texts have it, else the meeting's first."""
        return lang if lang in self.languages else self.languages[0]

    def title(self, lang: str) -> str:
        return self.details.title.get(self.language_for(lang), "")

    def description(self, lang: str) -> str:
        return self.details.description.get(self.language_for(lang), "")

    def agenda(self, lang: str) -> tuple[str, ...]:
        return self.details.agenda.get(self.language_for(lang), ())

    def directions(self, lang: str) -> str:
        return self.details.place.directions.get(self.language_for(lang), "")

    def accessibility(self, lang: str) -> str:
        return self.details.place.accessibility.get(self.language_for(lang), "")

    def leader(self, lang: str) -> str:
        """Who leads the meeting; for an interview, the interviewer (often by role)."""
        return self.details.led_by.get(self.language_for(lang), "")


def iso_utc(moment: datetime) -> str:
    """The stored form of a time: UTC, to the second, comparable as text."""
    if moment.tzinfo is None:
        raise ValueError("a stored time must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso_utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def local_to_utc(local: datetime, tz: str) -> datetime:
    """A wall-clock time in `tz` as UTC; refuses a time that the clock change skips."""
    zone = ZoneInfo(tz)
    aware = local.replace(tzinfo=zone)
    back = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if back != local.replace(tzinfo=None):
        raise MeetingError(
            f"{local:%Y-%m-%d %H:%M} does not exist in {tz} (the clocks change that night)"
        )
    return aware.astimezone(UTC)


def _clean(text: str, what: str, limit: int) -> str:
    text = text.strip()
    if len(text) > limit:
        raise MeetingError(f"{what} is too long ({len(text)} characters, at most {limit})")
    return text


def _checked_texts(
    texts: dict[str, str], languages: tuple[str, ...], what: str, limit: int
) -> dict[str, str]:
    """The meeting's languages' texts, trimmed and within `limit`; empty ones left out."""
    return {
        lang: _clean(texts[lang], f"{what} ({lang})", limit)
        for lang in languages
        if texts.get(lang, "").strip()
    }


def check_details(
    details: Details, languages: tuple[str, ...], *, need_address: bool = True
) -> Details:
    """Every text trimmed and within limits, a title in each of the meeting's languages.

    `need_address` is False for an interview by phone or video, which has no place.
    """
    if not languages or any(lang not in LANGUAGES for lang in languages):
        raise MeetingError("the language must be sv, da or both")
    title: dict[str, str] = {}
    for lang in languages:
        value = _clean(details.title.get(lang, ""), f"the title ({lang})", MAX_LINE)
        if not value:
            raise MeetingError(f"a title in {lang} is missing")
        title[lang] = value
    description = {
        lang: _clean(details.description.get(lang, ""), f"the description ({lang})", MAX_TEXT)
        for lang in languages
        if details.description.get(lang, "").strip()
    }
    agenda: dict[str, tuple[str, ...]] = {}
    for lang in languages:
        items = tuple(
            _clean(item, f"an agenda item ({lang})", MAX_LINE)
            for item in details.agenda.get(lang, ())
            if item.strip()
        )
        if len(items) > MAX_AGENDA_ITEMS:
            raise MeetingError(f"the agenda has {len(items)} items; at most {MAX_AGENDA_ITEMS}")
        if items:
            agenda[lang] = items
    address = _clean(details.place.address, "the address", MAX_LINE)
    if not address and need_address:
        raise MeetingError("the address is missing")
    place = Place(
        address,
        _checked_texts(details.place.directions, languages, "how to get there", MAX_TEXT),
        _checked_texts(details.place.accessibility, languages, "the accessibility note", MAX_TEXT),
    )
    led_by = _checked_texts(details.led_by, languages, "who leads it", MAX_LINE)
    for lang in languages:
        if lang not in led_by:
            raise MeetingError(f"who leads the meeting is missing in {lang}")
    return Details(
        title,
        description,
        agenda,
        place,
        led_by,
        details.mode,
        details.recorded,
        _clean(details.link, "the video link", MAX_LINE),
    )


def check_timing(starts: list[datetime], minutes: int, now: datetime, tz: str) -> None:
    """Every session in the future, with a sensible length."""
    if not 1 <= minutes <= MAX_MINUTES:
        raise MeetingError(f"the length must be 1 to {MAX_MINUTES} minutes, not {minutes}")
    for start in starts:
        if start <= now:
            local = start.astimezone(ZoneInfo(tz))
            raise MeetingError(f"the start {local:%Y-%m-%d %H:%M} ({tz}) is in the past")


def check_capacity(capacity: int, booked: int = 0) -> None:
    if not 1 <= capacity <= MAX_CAPACITY:
        raise MeetingError(f"the number of seats must be 1 to {MAX_CAPACITY}, not {capacity}")
    if capacity < booked:
        raise MeetingError(
            f"{booked} people are booked already; the number of seats cannot be lower"
        )


def check_end(start: datetime, end: datetime) -> int:
    """The length in minutes of a meeting from `start` to `end`."""
    if end <= start:
        raise MeetingError("the end is before the start")
    return int((end - start).total_seconds() // 60)


def reminder_times(event: Event, offsets_minutes: tuple[int, ...], now: datetime) -> list[int]:
    """The reminder offsets (minutes before the start) that are still ahead of `now`."""
    return [
        offset
        for offset in sorted(set(offsets_minutes), reverse=True)
        if event.starts_at - timedelta(minutes=offset) > now
    ]
