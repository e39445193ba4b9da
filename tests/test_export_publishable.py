"""What may leave the analysts' team: publishable files hold no small group, no person.

Runs the real `rostbot export` on answers sealed with a real key, then reads the folder
as someone outside the team would get it: only the files the manifest marks `publish`.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from export_steps import Answer, read_csv, rostbot, seal_answers
from rostbot.crypto.analyst_keys import generate_keypair
from rostbot.export.counts import count_rows


def listened(unit: str, code: str, month: str = "2026-03") -> Answer:
    return Answer("listened", "scale", code, unit=unit, month=month)


def comment(unit: str, text: str, month: str = "2026-03") -> Answer:
    return Answer("comment", "text", text, indicator="overall", unit=unit, month=month)


async def exported(tmp_path: Path, responses: list[list[Answer]]) -> Path:
    db, out = tmp_path / "bot.sqlite3", tmp_path / "export"
    key_path = tmp_path / "keys" / "analyst.key"
    public = generate_keypair(key_path)
    for given in responses:
        await seal_answers(db, public, given)
    status, _, stderr = await rostbot(
        "export", "--key", str(key_path), "--out", str(out), "--db", str(db)
    )
    assert status == 0, stderr
    return out


async def test_publishable_files_hide_a_small_unit_and_say_what_may_be_shared(
    tmp_path: Path,
) -> None:
    north = [
        [listened("north", code), comment("north", f"Bra möte nummer {i}.")]
        for i, code in enumerate(["fully", "mostly", "little", "fully", "not_at_all", "fully"])
    ]
    south = [[listened("south", "fully"), comment("south", "Jag heter inget här.")]]
    out = await exported(tmp_path, [*north, *south, [listened("south", "little")]])

    manifest = json.loads((out / "manifest.json").read_text())
    shares = {name: entry["share"] for name, entry in manifest["files"].items()}
    assert shares["responses.csv"] == shares["free_text.csv"] == "analysts"
    assert {n for n, s in shares.items() if s == "publish"} == {
        "indicators.csv",
        "counts.csv",
        "codebook.csv",
        "free_text_seminar.csv",
    }
    assert not any("primary" in key or "complementary" in key for key in manifest["counts"])

    indicators = read_csv(out / "indicators.csv")
    assert manifest["counts"]["indicator_cells_hidden"] == sum(
        r["suppressed"] == "true" for r in indicators
    )
    year = {
        (r["indicator"], r["unit"], r["provider"]): r
        for r in indicators
        if r["period_type"] == "year"
    }
    # south (2 people) is hidden, and so is north: else the year's total gives south away
    assert year[("treatment", "south", "*")]["suppressed"] == "true"
    assert year[("treatment", "north", "*")]["suppressed"] == "true"
    assert year[("treatment", "*", "*")]["n"] == "8"
    for row in indicators:
        assert row["suppressed"] == "true" or int(row["n"]) >= 5, row
    # only the report's cells: no unit per month, no unit and provider together
    assert all(r["unit"] == "*" or r["period_type"] == "year" for r in indicators)
    assert all(r["unit"] == "*" or r["provider"] == "*" for r in indicators)

    counts = {(r["flow_id"], r["breakdown"], r["value"]): r for r in read_csv(out / "counts.csv")}
    assert counts[("meeting_feedback", "all", "")]["n"] == "8"
    assert counts[("meeting_feedback", "lang", "sv")]["n"] == "8"
    assert counts[("meeting_feedback", "status", "partial")]["n"] == "8"  # 2 of 5 questions

    seminar = read_csv(out / "free_text_seminar.csv")
    assert list(seminar[0]) == ["flow_id", "question_id", "lang", "text"]
    assert sorted(r["text"] for r in seminar) == sorted(
        [f"Bra möte nummer {i}." for i in range(6)] + ["Jag heter inget här."]
    )
    assert [r["text"] for r in seminar] == sorted(r["text"] for r in seminar)
    published = "".join((out / n).read_text() for n in shares if shares[n] == "publish")
    for row in read_csv(out / "responses.csv"):
        assert row["response"] not in published
    assert "2026-03" not in (out / "free_text_seminar.csv").read_text()


async def test_free_text_of_a_question_fewer_than_the_minimum_wrote_is_not_published(
    tmp_path: Path,
) -> None:
    people = [[listened("north", "fully")] for _ in range(6)]
    people[0].append(comment("north", "Det enda svaret med egna ord."))
    out = await exported(tmp_path, people)

    lines = (out / "free_text_seminar.csv").read_text(encoding="utf-8-sig").splitlines()
    assert list(csv.reader(lines)) == [["flow_id", "question_id", "lang", "text"]]
    assert len(read_csv(out / "free_text.csv")) == 1  # the analysts still have it


def test_a_breakdown_with_a_small_part_is_hidden_whole_and_names_no_part() -> None:
    counts = Counter(
        {
            ("flow", "status", "complete"): 17,
            ("flow", "status", "partial"): 3,
            ("flow", "lang", "sv"): 20,
            ("flow", "flow_version", "1"): 12,
            ("flow", "flow_version", "2"): 8,
        }
    )
    rows = list(count_rows(counts, {"flow": False}, 5))
    assert rows == [
        ["flow", "all", "", "20", "false"],
        ["flow", "status", "", "", "true"],
        ["flow", "lang", "sv", "20", "false"],
        ["flow", "flow_version", "1", "12", "false"],
        ["flow", "flow_version", "2", "8", "false"],
    ]


def test_a_total_the_indicators_hide_or_below_the_minimum_hides_every_breakdown() -> None:
    counts = Counter({("flow", "status", "complete"): 40, ("flow", "lang", "da"): 40})
    for total_hidden, min_group in ((True, 5), (False, 41)):
        rows = list(count_rows(counts, {"flow": total_hidden}, min_group))
        assert all(row[3] == "" and row[4] == "true" for row in rows)
        assert all(row[2] == "" for row in rows)
