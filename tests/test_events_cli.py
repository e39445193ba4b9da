"""`rostbot events ...` and `rostbot coordinators ...` as an operator runs them: real processes.

Scriptable output on success; on bad input exactly one line on stderr and exit status 2.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from meeting_steps import add_reachable
from rostbot.crypto.server_secret import ServerSecret
from rostbot.store import bookings
from rostbot.store.database import Database

REPO = Path(__file__).resolve().parents[1]
NEXT_YEAR = datetime.now(UTC).year + 1


def run(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROSTBOT_")}
    env.update(
        PYTHONPATH=str(REPO / "src"),
        ROSTBOT_DB=str(tmp / "rostbot.sqlite3"),
        ROSTBOT_SECRET_FILE=str(tmp / "server.secret"),
    )
    return subprocess.run(
        [sys.executable, "-m", "rostbot", *args],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    ServerSecret.generate(tmp_path / "server.secret")
    return tmp_path


FOCUS_GROUP = [
    "events", "add", "--kind", "focus_group",
    "--title-sv", "Samtal om stödet", "--title-da", "Samtale om støtten",
    "--agenda-sv", "Välkomna", "--agenda-sv", "Vad kan bli bättre?",
    "--agenda-da", "Velkommen", "--agenda-da", "Hvad kan blive bedre?",
    "--start", f"{NEXT_YEAR}-10-19 10:00", "--duration", "3h",
    "--address", "Storgatan 1, Lund", "--directions", "Buss 3", "--accessibility", "Hiss",
    "--capacity", "17", "--led-by", "Forskare från universitetet", "--sessions", "3",
]  # fmt: skip


def test_a_fixed_group_made_by_cli_has_three_sessions_at_ten_across_the_clock_change(
    folder: Path,
) -> None:
    done = run(folder, *FOCUS_GROUP)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 3
    assert all(" 10:00 Europe/Stockholm" in line for line in lines)
    assert {line.split("series ")[1].split()[0] for line in lines} == {
        lines[0].split("series ")[1].split()[0]
    }
    listed = run(folder, "events", "list")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 3
    assert "0/17 booked" in listed.stdout
    event_id = lines[1].split()[0]
    shown = run(folder, "events", "show", event_id)
    assert "title (da): Samtale om støtten" in shown.stdout
    assert "session 2" in shown.stdout


def test_a_monthly_breakfast_by_cli_falls_on_the_same_weekday(folder: Path) -> None:
    done = run(
        folder,
        *("events", "add", "--kind", "breakfast", "--title-da", "Morgenmad med snak"),
        *("--start", f"2/2-{NEXT_YEAR} 8.30", "--end", "10:00", "--monthly", "3"),
        *("--address", "Vestergade 2, Odense", "--capacity", "12", "--led-by", "Brugerrådet"),
    )
    assert done.returncode == 0, done.stderr
    days = [line.split()[1] for line in done.stdout.splitlines()]
    weekdays = {datetime.fromisoformat(day).weekday() for day in days}
    assert len(days) == 3 and len(weekdays) == 1
    assert "Europe/Copenhagen" in done.stdout  # a Danish-only meeting is on Danish time


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"--start": "2020-03-02 10:00"}, "is in the past"),
        ({"--start": "someday"}, "is not a date and time"),
        ({"--duration": "forever"}, "is not a length"),
        ({"--capacity": "0"}, "seats must be 1 to"),
        ({"--sessions": "99"}, "sessions"),
    ],
)
def test_bad_input_to_events_add_is_one_line_and_status_2(
    folder: Path, change: dict[str, str], reason: str
) -> None:
    args = list(FOCUS_GROUP)
    for flag, value in change.items():
        args[args.index(flag) + 1] = value
    assert reason in one_error_line(run(folder, *args))


def test_an_end_before_the_start_is_refused(folder: Path) -> None:
    args = list(FOCUS_GROUP)
    at = args.index("--duration")
    args[at : at + 2] = ["--end", "09:00"]
    assert "the end is before the start" in one_error_line(run(folder, *args))


def test_unknown_events_and_seats_below_the_bookings_are_refused(folder: Path) -> None:
    done = run(folder, *FOCUS_GROUP[:-2])  # one meeting
    event_id = done.stdout.split()[0]
    assert "no event 'nope'" in one_error_line(run(folder, "events", "show", "nope"))
    assert "no event" in one_error_line(run(folder, "events", "move", "nope", "--start", "1/1 9"))

    async def book_two() -> None:
        db = await Database.open(folder / "rostbot.sqlite3")
        secret = ServerSecret.load(folder / "server.secret")
        try:
            for who in ("anna", "bert"):
                await add_reachable(db, secret, who)
                async with db.transaction() as tx:
                    await bookings.reserve(tx, [event_id], who, "2026-01-01T00:00:00Z")
        finally:
            await db.close()

    asyncio.run(book_two())
    line = one_error_line(run(folder, "events", "capacity", event_id, "1"))
    assert "2 people are booked already" in line
    assert run(folder, "events", "capacity", event_id, "2").returncode == 0
    line = one_error_line(run(folder, "events", "attendance", event_id, "--came", "1"))
    assert "when the meeting has begun" in line


def test_coordinator_codes_are_printed_once_and_stored_only_as_hashes(folder: Path) -> None:
    done = run(folder, "coordinators", "add", "--count", "2", "--bot", "lund_rostbot")
    assert done.returncode == 0, done.stderr
    links = done.stdout.split()
    assert len(links) == 2 and all(
        link.startswith("https://t.me/lund_rostbot?start=coord-") for link in links
    )
    stored = (folder / "rostbot.sqlite3").read_bytes()
    assert all(link.split("=")[1].encode() not in stored for link in links)
    assert "2 code(s) not yet used" in run(folder, "coordinators", "list").stdout


def test_events_commands_need_the_server_secret(tmp_path: Path) -> None:
    line = one_error_line(run(tmp_path, "events", "list"))
    assert "secret" in line


def test_directions_accessibility_and_who_leads_are_given_per_language(folder: Path) -> None:
    done = run(
        folder,
        *("events", "add", "--kind", "breakfast", "--title-sv", "Frukost"),
        *("--title-da", "Morgenmad", "--start", f"{NEXT_YEAR}-03-02 08:30"),
        *("--duration", "90min", "--address", "Storgatan 1, Lund", "--capacity", "12"),
        *("--directions", "Buss 3", "--directions-da", "Bus 3", "--accessibility-sv", "Hiss"),
        *("--led-by-sv", "Brukarrådet", "--led-by-da", "Brugerrådet"),
    )
    assert done.returncode == 0, done.stderr
    shown = run(folder, "events", "show", done.stdout.split()[0]).stdout.splitlines()
    assert "how to get there (sv): Buss 3" in shown  # --directions, where no -sv is given
    assert "how to get there (da): Bus 3" in shown
    assert "accessibility (sv): Hiss" in shown
    assert not any(line.startswith("accessibility (da)") for line in shown)
    assert "led by (sv): Brukarrådet" in shown and "led by (da): Brugerrådet" in shown


def test_a_meeting_in_two_languages_needs_who_leads_it_in_both(folder: Path) -> None:
    args = list(FOCUS_GROUP[:-2])
    at = args.index("--led-by")
    args[at : at + 2] = ["--led-by-sv", "Forskare från universitetet"]
    assert "who leads the meeting is missing in da" in one_error_line(run(folder, *args))


def test_a_meeting_stored_with_one_text_for_every_language_still_shows(folder: Path) -> None:
    done = run(folder, *FOCUS_GROUP[:-2])
    event_id = done.stdout.split()[0]
    connection = sqlite3.connect(folder / "rostbot.sqlite3")
    try:
        with connection:
            [(stored,)] = connection.execute("SELECT details FROM events")
            details = json.loads(stored)
            details["place"].update(directions="Buss 3 (förr)", accessibility="Hiss (förr)")
            details["led_by"] = "Forskare (förr)"
            for newer in ("mode", "recorded", "link"):
                details.pop(newer, None)
            connection.execute("UPDATE events SET details = ?", (json.dumps(details),))
    finally:
        connection.close()
    shown = run(folder, "events", "show", event_id)
    assert shown.returncode == 0, shown.stderr
    for lang in ("sv", "da"):
        assert f"how to get there ({lang}): Buss 3 (förr)" in shown.stdout
        assert f"accessibility ({lang}): Hiss (förr)" in shown.stdout
        assert f"led by ({lang}): Forskare (förr)" in shown.stdout
