"""From the chat to the seminar: people answer through the sandbox Bot API with the real
bot, the analyst runs the real `rostbot export` with the private key, then
`rostbot report`, and the report shows their answers, with small groups hidden."""

from __future__ import annotations

import asyncio
import csv
import os
import subprocess
import sys
from pathlib import Path

from conftest import RunningBot
from journey_steps import answer_question, is_question, start_and_consent
from rostbot.crypto.analyst_keys import AnalystPrivateKey
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import SandboxUser
from test_report import Figure, figures, parse, section_of

REPO = Path(__file__).resolve().parents[1]
FLOWS = REPO / "flows"
OUTRO = "Vi läser alla svar tillsammans"  # meeting_feedback's last message in Swedish


def rostbot(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROSTBOT_")}
    env["PYTHONPATH"] = str(REPO / "src")
    return subprocess.run(
        [sys.executable, "-m", "rostbot", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def answer_meeting_feedback(user: SandboxUser, code: str, comment: str) -> None:
    """Say yes, answer every question with its first (best) option, write the comment."""
    question = await start_and_consent(user, code, yes_text="Ja, jag vill vara med", age_yes="Ja")
    while True:
        mark = user.mark()
        await answer_question(user, question, text=comment)
        nxt = await user.wait_for_message(
            lambda m: is_question(m) or OUTRO in (m.text or ""), after=mark
        )
        if not is_question(nxt):
            return
        question = nxt


async def test_answers_given_in_the_chat_reach_the_seminar_report_with_small_groups_hidden(
    api: SandboxBotApi,
    bot: RunningBot,
    analyst_key: tuple[Path, AnalystPrivateKey],
    tmp_path: Path,
) -> None:
    four = await bot.invite("meeting_feedback", unit="frukost-a", count=4)
    two = await bot.invite("meeting_feedback", unit="frukost-b", count=2)
    people = [
        answer_meeting_feedback(
            api.user(first_name=f"Person{i}", language_code="sv"),
            code,
            f"Bra möte {i}. Ring mig på 070-123 45 67",
        )
        for i, code in enumerate(four + two)
    ]
    await asyncio.wait_for(asyncio.gather(*people), timeout=600)
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
    reported = rostbot(
        "report", "export", "--lang", "sv", "--out", "report.html", "--flows", FLOWS, cwd=tmp_path
    )
    assert reported.returncode == 0, reported.stderr
    assert "groups under 3 hidden" in reported.stdout

    page = parse((tmp_path / "report.html").read_text(encoding="utf-8"))
    assert [h.text() for h in page.all("h2")][2:] == ["Möten"]  # the analysts' title

    # frukost-b has 2 people, below 3: hidden. Then frukost-a or the total must be hidden
    # too, or the total minus frukost-a would give frukost-b away; the export picks which.
    information = section_of(page, "Information")
    per_unit: Figure = next(f for f in figures(information) if f.caption == "Per enhet, 2026")
    assert per_unit.rows["frukost-b"][0].startswith("Dolt")
    hidden = [name for name in ("frukost-a", "Alla") if per_unit.rows[name][0].startswith("Dolt")]
    assert hidden, per_unit.rows

    # The number of responses is what the export's counts.csv says, and a hidden one is
    # said to be hidden, never shown as a number.
    counted = (tmp_path / "export" / "counts.csv").read_text(encoding="utf-8-sig").splitlines()
    total = next(r for r in csv.DictReader(counted) if r["breakdown"] == "all")
    counts = " ".join(p.text() for p in page.all("p") if p.attrs.get("class") == "responses")
    if total["suppressed"] == "true":
        assert counts == "Antalet svar är dolt för att skydda små grupper."
    else:
        assert counts.startswith(f"{total['n']} svar")

    # Six people wrote a comment, at least the three needed: shown, in the order of text.
    comments = section_of(page, "Är det något mer du vill säga om mötet?")
    answers = [li.text() for li in comments.one("ul").all("li")]
    assert answers == [f"Bra möte {i}. Ring mig på [phone]" for i in range(6)]
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "070-123" not in html
    # Only files to publish were read: nothing row-level (no response ids) on the page.
    rows = (tmp_path / "export" / "responses.csv").read_text(encoding="utf-8-sig").splitlines()
    ids = [row["response"] for row in csv.DictReader(rows)]
    assert len(ids) == 6 and not any(response_id in html for response_id in ids)
