"""Calendar files read back by three independent readers across the clock changes.

Every meeting time in a file must come out as the same UTC instant that zoneinfo gives,
read with icalendar (what the bot writes with), vobject (dateutil's reading of the file's
VTIMEZONE) and Mozilla's ical.js under node (the reader of Thunderbird and Nextcloud,
installed by ./test.sh into tests/ical_js). The times sit around both changes of the
last Sundays of March and October in Stockholm and Copenhagen (02:30 on the October
Sunday twice, once on each clock), in mid-summer and mid-winter, and across New Year.
"""

from __future__ import annotations

import json
import logging
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar

from conftest import REPO, running_bot
from rostbot.config import ConfigError, Settings, settings_from_env
from rostbot.core.meeting_model import ZONES, Details, Event
from rostbot.meetings import calendar_file
from rostbot.meetings.calendar_zones import changes, vtimezone, yearly_rules
from rostbot.sandbox.botapi import SandboxBotApi
from system_tools import in_ci, need

ICAL_JS = REPO / "tests" / "ical_js"
NOW = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
# Zones a meeting can have, and a few unlike them: a southern summer across New Year,
# the US rule (second Sunday), a zone without clock changes.
OTHER_ZONES = ("Australia/Sydney", "America/New_York", "Asia/Tokyo")


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def moments(tzid: str, year: int) -> list[datetime]:
    """Meeting starts (aware, UTC) around the clock changes of `year` and away from them."""
    zone = ZoneInfo(tzid)
    walls: list[tuple[datetime, int]] = []
    for month in (3, 10):
        sunday = _last_sunday(year, month)
        day = datetime(sunday.year, sunday.month, sunday.day)
        walls += [
            (day - timedelta(hours=12), 0),  # Saturday noon
            (day + timedelta(hours=1, minutes=30), 0),  # just before the change
            (day + timedelta(hours=2, minutes=30), 0),  # October: the first 02:30
            (day + timedelta(hours=2, minutes=30), 1),  # October: the second 02:30
            (day + timedelta(hours=3, minutes=30), 0),  # just after
            (day + timedelta(days=1, hours=12), 0),  # Monday noon
        ]
    walls += [
        (datetime(year, 1, 15, 10), 0),  # mid-winter
        (datetime(year, 7, 1, 10), 0),  # mid-summer
        (datetime(year, 12, 31, 23, 30), 0),  # across New Year
    ]
    starts: list[datetime] = []
    for wall, fold in walls:
        aware = wall.replace(tzinfo=zone, fold=fold)
        instant = aware.astimezone(UTC)
        if instant.astimezone(zone).replace(tzinfo=None) != wall:
            continue  # 02:30 on the March Sunday does not exist
        if instant not in starts:
            starts.append(instant)
    return starts


def meetings(tzid: str, year: int) -> list[Event]:
    return [
        Event(
            event_id=f"{tzid.replace('/', '-')}-{year}-{n}",
            kind="breakfast",
            languages=("sv",),
            tz=tzid,
            starts_at=start,
            minutes=90,
            capacity=10,
            details=Details(title={"sv": "Frukostmöte"}),
        )
        for n, start in enumerate(moments(tzid, year))
    ]


def ics(events: list[Event], *, cancelled: bool = False, email: str = "") -> bytes:
    return calendar_file.make(
        events,
        "sv",
        sequence_offset=0,
        cancelled=cancelled,
        description="Välkomna",
        now=NOW,
        organizer_name="Lunds kommun, Socialtjänsten",
        organizer_email=email,
    )


def read_with_icalendar(content: bytes) -> dict[str, datetime]:
    calendar = Calendar.from_ical(content)
    return {
        str(entry["UID"]): entry.decoded("DTSTART").astimezone(UTC)
        for entry in calendar.walk("VEVENT")
    }


def read_with_vobject(content: bytes) -> dict[str, datetime]:
    calendar = vobject.readOne(content.decode("utf-8"))
    starts: dict[str, datetime] = {}
    for entry in calendar.vevent_list:
        start = entry.dtstart.value
        # vobject reads the wall time with the file's own VTIMEZONE, not a zone database
        assert not isinstance(start.tzinfo, ZoneInfo) or start.tzinfo.key == "UTC"
        starts[entry.uid.value] = start.astimezone(UTC)
    return starts


def ical_js(paths: list[Path]) -> list[dict[str, Any]]:
    """What Mozilla's ical.js reads from each file (tests/ical_js/read_calendar.mjs)."""
    node = need("nodejs", "node")
    if not (ICAL_JS / "node_modules" / "ical.js" / "package.json").is_file():
        reason = "tests/ical_js/node_modules is missing; ./test.sh runs npm ci there"
        if in_ci():
            pytest.fail(f"{reason}; CI must run this test")
        pytest.skip(reason)
    done = subprocess.run(
        [node, str(ICAL_JS / "read_calendar.mjs"), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    files: list[dict[str, Any]] = json.loads(done.stdout)
    return files


def _utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def test_every_reader_gives_zoneinfos_instant_around_both_clock_changes(tmp_path: Path) -> None:
    files: list[tuple[Path, list[Event]]] = []
    for tzid in ZONES + OTHER_ZONES:
        for year in (2026, 2027, 2030, 2037):  # 2030: the last Sunday of March is the 31st
            events = meetings(tzid, year)
            path = tmp_path / f"{tzid.replace('/', '-')}-{year}.ics"
            path.write_bytes(ics(events))
            files.append((path, events))
    stockholm = [e.local_start for e in meetings("Europe/Stockholm", 2026)]
    assert len(stockholm) == 13  # the March 02:30 does not exist, the October one is twice
    assert [(t.hour, t.minute) for t in stockholm if t.day == 25 and t.month == 10] == [
        (1, 30),
        (2, 30),
        (2, 30),
        (3, 30),
    ]

    read_by_js = ical_js([path for path, _ in files])
    for (path, events), js in zip(files, read_by_js, strict=True):
        content = path.read_bytes()
        expected = {calendar_file.uid(e): e.starts_at for e in events}
        assert read_with_icalendar(content) == expected, path.name
        assert read_with_vobject(content) == expected, path.name
        assert js["method"] == "PUBLISH"
        by_js = {e["uid"]: _utc(e["start_utc"]) for e in js["events"]}
        assert by_js == expected, path.name
        for entry, event in zip(js["events"], events, strict=True):
            # ical.js took the wall time in the file's own zone (UTC for the second 02:30)
            assert entry["zone"] in (event.tz, "UTC")
            assert _utc(entry["end_utc"]) == event.ends_at
            assert entry["organizer"] == "mailto:noreply@rostbot.invalid"
            assert entry["organizer_cn"] == "Lunds kommun, Socialtjänsten"


def test_the_old_dated_list_of_changes_is_read_an_hour_late_in_summer(tmp_path: Path) -> None:
    """Why the zones carry yearly rules: icalendar's own VTIMEZONE, read by ical.js."""
    [summer] = [e for e in meetings("Europe/Stockholm", 2026) if e.starts_at.month == 7]
    calendar = Calendar.from_ical(ics([summer]))
    calendar.subcomponents = [c for c in calendar.subcomponents if c.name != "VTIMEZONE"]
    calendar.add_missing_timezones()
    path = tmp_path / "old.ics"
    path.write_bytes(calendar.to_ical())
    [js] = ical_js([path])
    assert _utc(js["events"][0]["start_utc"]) == summer.starts_at + timedelta(hours=1)


def test_the_zone_is_a_yearly_rule_from_1970_as_outlook_writes_it() -> None:
    calendar = Calendar.from_ical(ics(meetings("Europe/Copenhagen", 2026)))
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Copenhagen"
    assert [c.name for c in zone.subcomponents] == ["STANDARD", "DAYLIGHT"]
    standard, daylight = zone.subcomponents
    for part, start, before, after, month, name in (
        (standard, datetime(1970, 10, 25, 3), 2, 1, 10, "CET"),
        (daylight, datetime(1970, 3, 29, 2), 1, 2, 3, "CEST"),
    ):
        assert part.decoded("DTSTART") == start
        assert part.decoded("TZOFFSETFROM") == timedelta(hours=before)
        assert part.decoded("TZOFFSETTO") == timedelta(hours=after)
        assert str(part["TZNAME"]) == name
        assert part["RRULE"].to_ical() == f"FREQ=YEARLY;BYDAY=-1SU;BYMONTH={month}".encode()
        assert "RDATE" not in part
    # the zone comes before the meetings, as calendar programs expect
    assert calendar.subcomponents[0].name == "VTIMEZONE"


@pytest.mark.parametrize("tzid", ZONES)
def test_the_rule_gives_zoneinfos_changes_every_year_from_1996_to_2037(tzid: str) -> None:
    rules = yearly_rules(tzid, 1996, 2037)
    assert rules is not None and [r.byday for r in rules] == ["-1SU", "-1SU"]
    # read back by vobject (dateutil), one second either side of each of zoneinfo's changes
    calendar = Calendar()
    calendar.add_component(vtimezone(tzid, 1997, 2036))
    [component] = vobject.readOne(calendar.to_ical().decode()).vtimezone_list
    theirs = component.gettzinfo()
    zone = ZoneInfo(tzid)
    checked = 0
    for year in range(1996, 2038):
        found = changes(zone, year)
        assert len(found) == 2, year
        for change in found:
            for instant in (change.at - timedelta(seconds=1), change.at):
                assert (
                    instant.astimezone(theirs).utcoffset() == instant.astimezone(zone).utcoffset()
                ), (year, instant)
                checked += 1
    assert checked == 42 * 4


def test_a_zone_without_clock_changes_has_one_standard_part() -> None:
    zone = vtimezone("Asia/Tokyo", 2026, 2026)
    [standard] = zone.subcomponents
    assert standard.name == "STANDARD" and "RRULE" not in standard
    assert standard.decoded("TZOFFSETFROM") == standard.decoded("TZOFFSETTO") == timedelta(hours=9)


def test_a_zone_no_yearly_rule_describes_falls_back_to_dated_changes() -> None:
    # Casablanca moves its clock around Ramadan: no yearly rule fits
    assert yearly_rules("Africa/Casablanca", 2025, 2028) is None
    zone = vtimezone("Africa/Casablanca", 2026, 2027)
    assert any("RDATE" in part for part in zone.subcomponents)


def test_the_cancelling_file_names_the_configured_organiser(tmp_path: Path) -> None:
    settings = settings_from_env({"ROSTBOT_ORGANIZER_EMAIL": "kalender@lund.example"})
    assert settings.organizer_email == "kalender@lund.example"
    events = meetings("Europe/Stockholm", 2026)[:1]
    calendar = Calendar.from_ical(ics(events, cancelled=True, email=settings.organizer_email))
    assert str(calendar["METHOD"]) == "CANCEL"
    [entry] = calendar.walk("VEVENT")
    assert str(entry["ORGANIZER"]) == "mailto:kalender@lund.example"
    assert entry["ORGANIZER"].params["CN"] == "Lunds kommun, Socialtjänsten"
    # a name with quotes, a comma, a colon and a line break is one plain parameter
    odd = tmp_path / "odd.ics"
    odd.write_bytes(
        calendar_file.make(
            events,
            "sv",
            sequence_offset=0,
            cancelled=False,
            description="",
            now=NOW,
            organizer_name='Kommunen "Norr",\navd: 2',
        )
    )
    [read] = vobject.readOne(odd.read_text(encoding="utf-8")).vevent_list
    assert read.organizer.value == "mailto:noreply@rostbot.invalid"
    assert read.organizer.params["CN"] == ["Kommunen 'Norr', avd: 2"]
    [js] = ical_js([odd])
    assert js["events"][0]["organizer_cn"] == "Kommunen 'Norr', avd: 2"


@pytest.mark.parametrize(
    "value", ["kalender", "a b@lund.example", "kalender@lund", "mailto:kalender@lund.example", "a@"]
)
def test_an_organiser_address_that_is_not_one_address_stops_the_start(value: str) -> None:
    with pytest.raises(ConfigError, match="ROSTBOT_ORGANIZER_EMAIL"):
        settings_from_env({"ROSTBOT_ORGANIZER_EMAIL": value})
    assert settings_from_env({}).organizer_email == ""


async def test_the_bot_warns_at_start_when_no_organiser_address_is_set(
    api: SandboxBotApi, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="rostbot.runtime"):
        async with running_bot(api, settings):
            pass
        assert "ROSTBOT_ORGANIZER_EMAIL is not set" in caplog.text
        assert "noreply@rostbot.invalid" in caplog.text
        caplog.clear()
        async with running_bot(api, replace(settings, organizer_email="kalender@lund.example")):
            pass
        assert "ROSTBOT_ORGANIZER_EMAIL" not in caplog.text
