"""`rostbot events add-interviews` and `rostbot events interviews` as an operator runs them:
real processes, one line per result, and one line with status 2 on bad input."""

from __future__ import annotations

from pathlib import Path

from test_events_cli import NEXT_YEAR, folder, one_error_line, run

__all__ = ["folder"]  # the fixture, used by name

OFFER = [
    "events", "add-interviews", "--title-sv", "Hur var stödet?",
    "--about-sv", "Vi vill höra hur du upplevde kontakten med oss.",
    "--window", f"{NEXT_YEAR}-03-08 09:00-11:45", "--duration", "45min", "--gap", "15min",
    "--mode", "in_person", "--address", "Storgatan 1, Lund",
    "--interviewer-sv", "En forskare från Lunds universitet", "--recorded",
]  # fmt: skip


def test_an_offer_is_made_listed_and_shown_for_its_day(folder: Path) -> None:
    made = run(folder, *OFFER)
    assert made.returncode == 0, made.stderr
    lines = made.stdout.splitlines()
    assert lines[0].startswith("interview offer ") and "3 time(s), 45 minutes" in lines[0]
    offer_id = lines[0].split()[2].rstrip(":")
    times = [line.split()[0] for line in lines[1:4]]
    assert [line.split()[2] for line in lines[1:4]] == ["09:00", "10:00", "11:00"]
    assert lines[-1] == f"invite with: rostbot events invite {offer_id}"
    invited = run(folder, "events", "invite", offer_id)
    assert invited.returncode == 0, invited.stderr
    assert invited.stdout.startswith("queued 0 invitations")
    day = run(folder, "events", "interviews", "--day", f"{NEXT_YEAR}-03-08")
    assert day.returncode == 0, day.stderr
    assert day.stdout.splitlines() == [
        f"{times[0]}  {NEXT_YEAR}-03-08 09:00-09:45  free",
        f"{times[1]}  {NEXT_YEAR}-03-08 10:00-10:45  free",
        f"{times[2]}  {NEXT_YEAR}-03-08 11:00-11:45  free",
    ]
    listed = run(folder, "events", "list")
    assert listed.stdout.count("interview #") == 3
    empty = run(folder, "events", "interviews", "--day", f"{NEXT_YEAR}-03-09")
    assert empty.stdout.strip() == f"no interviews on {NEXT_YEAR}-03-09"


def test_bad_offers_are_one_line_and_status_2(folder: Path) -> None:
    cases = {
        "overlap": (
            [*OFFER[:6], "--time", f"{NEXT_YEAR}-03-08 09:00", "--time", f"{NEXT_YEAR}-03-08 09:30",
             *OFFER[8:]],
            "overlap",
        ),
        "no recorded choice": ([a for a in OFFER if a != "--recorded"], "--recorded"),
        "plain http": (
            [*OFFER[:12], "--mode", "video", "--link", "http://meet.example/a", *OFFER[16:]],
            "https://",
        ),
        "past": (
            [*OFFER[:6], "--time", "2020-01-01 09:00", *OFFER[8:]],
            "in the past",
        ),
        "no address": (
            [a for a in OFFER if a not in ("--address", "Storgatan 1, Lund")], "address"
        ),
        "bad day": (["events", "interviews", "--day", "tomorrowish"], "not a day"),
    }  # fmt: skip
    for name, (args, expected) in cases.items():
        line = one_error_line(run(folder, *args))
        assert line.startswith("rostbot: ") and expected in line, (name, line)
    assert run(folder, "events", "list").stdout.strip() == "no meetings"
