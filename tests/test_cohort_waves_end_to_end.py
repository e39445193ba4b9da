"""Cohorts and waves from the letter to the seminar: people invited in the waves of a
cohort answer through the sandbox Bot API with the real bot, the analyst runs the real
`rostbot export` and `rostbot report`, and each wave is shown side by side, a wave with
too few people hidden."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

from conftest import RunningBot
from journey_steps import answer_question, is_question, start_and_consent
from rostbot.crypto.analyst_keys import AnalystPrivateKey
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import SandboxUser
from test_report import Figure, figures, parse, section_of
from test_report_end_to_end import FLOWS, OUTRO, rostbot

COHORT = "foster-2y"
WAVES = {"2026": 3, "2027": 3, "2028": 1}  # people per wave; 2028 is below 3


async def answer_meeting_feedback(user: SandboxUser, code: str, *, positive: bool) -> None:
    """Say yes, then answer every question with its first (best) option, or with its
    fourth ("not at all", "no"): shares between 0 and 1 keep hidden cells unknowable."""
    question = await start_and_consent(user, code, yes_text="Ja, jag vill vara med", age_yes="Ja")
    while True:
        mark = user.mark()
        await answer_question(user, question, text="Bra", pick=0 if positive else 3)
        nxt = await user.wait_for_message(
            lambda m: is_question(m) or OUTRO in (m.text or ""), after=mark
        )
        if not is_question(nxt):
            return
        question = nxt


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))


async def test_waves_of_a_cohort_reach_the_export_and_the_report_side_by_side(
    api: SandboxBotApi,
    bot: RunningBot,
    analyst_key: tuple[Path, AnalystPrivateKey],
    tmp_path: Path,
) -> None:
    codes = {
        wave: await bot.invite("meeting_feedback", "frukost-a", cohort=COHORT, wave=wave, count=n)
        for wave, n in WAVES.items()
    }
    # two people of the cohort were invited without a wave: "no wave"
    codes[""] = await bot.invite("meeting_feedback", "frukost-a", cohort=COHORT, count=2)
    everyone = [code for wave_codes in codes.values() for code in wave_codes]
    people = [
        answer_meeting_feedback(
            api.user(first_name=f"Person{i}", language_code="sv"), code, positive=i % 2 == 0
        )
        for i, code in enumerate(everyone)
    ]
    # a few at a time: the test holds on a busy machine
    for start in range(0, len(people), 3):
        await asyncio.wait_for(asyncio.gather(*people[start : start + 3]), timeout=600)
    await bot.stop()

    private_key = Path(str(analyst_key[0]).removesuffix(".pub"))
    exported = rostbot(
        "export",
        "--key", private_key,
        "--db", bot.settings.db_path,
        "--flows", FLOWS,
        "--out", "export",
        "--format", "csv",
        "--min-group", "3",
        cwd=tmp_path,
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr

    # responses.csv: every response names its cohort and wave
    responses = read_csv(tmp_path / "export" / "responses.csv")
    by_wave: dict[str, int] = {}
    for row in responses:
        assert row["cohort"] == COHORT
        by_wave[row["wave"]] = by_wave.get(row["wave"], 0) + 1
    assert by_wave == {"2026": 3, "2027": 3, "2028": 1, "": 2}

    # indicators.csv: each wave of the cohort for all time, the small ones hidden
    rows = read_csv(tmp_path / "export" / "indicators.csv")
    indicator = rows[0]["indicator"]
    waves = {
        r["wave"]: r
        for r in rows
        if r["indicator"] == indicator and r["cohort"] == COHORT and r["wave"] != "*"
    }
    assert set(waves) == {"2026", "2027", "2028", ""}
    assert all(r["period_type"] == "all" and r["period"] == "all" for r in waves.values())
    assert (waves["2028"]["suppressed"], waves["2028"]["n"]) == ("true", "")
    assert (waves[""]["suppressed"], waves[""]["n"]) == ("true", "")  # hides 2028 with it
    assert (waves["2026"]["n"], waves["2027"]["n"]) == ("3", "3")
    cohort = next(
        r for r in rows if r["indicator"] == indicator and (r["cohort"], r["wave"]) == (COHORT, "*")
    )
    assert cohort["n"] == "9"
    # the ordinary cells do not name a cohort or a wave
    assert {(r["cohort"], r["wave"]) for r in rows if r["period_type"] != "all"} == {("*", "*")}

    reported = rostbot(
        "report", "export", "--lang", "sv", "--out", "report.html", "--flows", FLOWS, cwd=tmp_path
    )
    assert reported.returncode == 0, reported.stderr
    page = parse((tmp_path / "report.html").read_text(encoding="utf-8"))
    information = section_of(page, "Information")
    per_wave: Figure = next(f for f in figures(information) if f.caption == f"Per omgång, {COHORT}")
    assert per_wave.rows["2026"][0] == "3"
    assert per_wave.rows["2027"][0] == "3"
    assert per_wave.rows["2028"][0].startswith("Dolt")
    assert per_wave.rows["(ingen omgång)"][0].startswith("Dolt")
