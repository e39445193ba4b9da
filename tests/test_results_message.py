""" "You said, we did": a coordinator tells the people who answered a flow what changed.

Real bot, sandbox Bot API, real people walking a flow and saying yes or no to being
contacted; the coordinator writes the texts in the chat, sees both and the counts, and
sends through the outbox. The command line does the same from files.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from conftest import FLOWS, RunningBot
from journey_steps import answer_question, is_question, start_and_consent
from meeting_steps import (
    FakeClock,
    add_reachable,
    db_rows,
    meeting_bot,
    outbox_settled,
    say,
    tap,
)
from rostbot.config import Settings
from rostbot.journey.services import Person
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import BotMessage, SandboxUser
from rostbot.store import database, outbox, respondents, runs
from rostbot.store.database import Database
from rostbot.store.runs import FlowRun

REPO = Path(__file__).resolve().parents[1]
FLOW = "income_support_followup"
SV_TEXT = "Nu svarar vi i telefon hela dagen."
DA_TEXT = "Nu tager vi telefonen hele dagen."
SV_FRAME = "Du svarade på våra frågor om ”Om stödet du fick”. Det här har vi ändrat:"
DA_FRAME = "Du svarede på vores spørgsmål om “Om hjælpen, du fik”. Det her har vi ændret:"


@dataclass(frozen=True)
class Words:
    take_part: str
    finished: str
    contact_yes: str
    contact_no: str


SV = Words("Ja, jag vill vara med", "Tack för dina svar", "Ja, ni får kontakta mig", "Nej tack")
DA = Words("Ja, jeg vil være med", "Tak for dine svar", "Ja, I må kontakte mig", "Nej tak")


async def answer_flow(
    bot: RunningBot, api: SandboxBotApi, name: str, words: Words, lang: str, *, contact: bool
) -> SandboxUser:
    """A person opens a letter for FLOW, answers every question and says yes or no to contact."""
    user = api.user(first_name=name, language_code=lang)
    [code] = await bot.invite(FLOW)
    question = await start_and_consent(user, code, yes_text=words.take_part, age_yes="Ja")
    while True:
        mark = user.mark()
        await answer_question(user, question)
        nxt = await user.wait_for_message(
            lambda m: is_question(m) or words.finished in m.content, after=mark
        )
        if not is_question(nxt):
            break
        question = nxt
    choice = words.contact_yes if contact else words.contact_no
    offer = await user.wait_for_message(lambda m: choice in m.button_texts())
    answered = len(user.callback_answers)
    await user.press(choice, message=offer)
    await user.wait_for_callback_answer(after=answered)
    return user


async def agreed_to_the_old_wording(bot: RunningBot, api: SandboxBotApi) -> SandboxUser:
    """Someone who finished FLOW and agreed to a contact wording that named only meetings."""
    user = api.user(first_name="Olle", language_code="sv")
    user.has_started = True
    pseudonym = bot.services.pseudonym(Person(user.id, user.id, "sv", 0))
    await add_reachable(bot.services.db, bot.services.secret, pseudonym, chat_id=user.id)
    state = bot.services.secret.encrypt(b'{"engine": {}}', "run-state:run-olle")
    async with bot.services.db.transaction() as tx:
        await runs.create(
            tx,
            FlowRun("run-olle", "resp-olle", pseudonym, FLOW, 1, "finished", state, 3, "d", "d"),
            None,
        )
    return user


async def write_message(
    kim: SandboxUser, sv: str = SV_TEXT, da: str | None = DA_TEXT
) -> BotMessage:
    """The coordinator opens "Tell people what changed", picks FLOW, writes the texts."""
    mark = kim.mark()
    await kim.send_command("/samordnare")
    menu = await kim.wait_for_message(
        lambda m: "Berätta vad som har ändrats" in m.button_texts(), after=mark
    )
    flows = await tap(kim, "Berätta vad som har ändrats", "Vilket frågeformulär", message=menu)
    asked = await tap(kim, "Uppföljning efter ekonomiskt bistånd", "på svenska", message=flows)
    assert "högst 3000 tecken" in asked.content
    if da is None:
        return await say(kim, sv, "Skicka meddelandet")
    await say(kim, sv, "på danska")
    return await say(kim, da, "Skicka meddelandet")


def messages_about_changes(user: SandboxUser) -> list[str]:
    return [m.content for m in user.inbox if SV_TEXT in m.content or DA_TEXT in m.content]


async def test_the_message_reaches_each_person_who_may_be_contacted_once_in_their_language(
    api: SandboxBotApi, settings: Settings
) -> None:
    kim = api.user(first_name="Kim", language_code="sv")
    async with meeting_bot(api, settings, FakeClock(), coordinators=frozenset({kim.id})) as bot:
        anna = await answer_flow(bot, api, "Anna", SV, "sv", contact=True)
        bo = await answer_flow(bot, api, "Bo", DA, "da", contact=True)
        cai = await answer_flow(bot, api, "Cai", SV, "sv", contact=False)
        dina = await answer_flow(bot, api, "Dina", SV, "sv", contact=True)
        olle = await agreed_to_the_old_wording(bot, api)
        # Dina withdraws before anything is sent.
        confirm = await say(dina, "/aterkalla", "Ja, återkalla")
        await tap(dina, "Ja, återkalla", "Jag kontaktar dig inte igen", message=confirm)

        preview = await write_message(kim)
        previews = [m.content for m in kim.inbox[-5:]]
        assert "Det här läser mottagarna på svenska:" in previews
        assert any(SV_FRAME in p and SV_TEXT in p and "/aterkalla" in p for p in previews)
        assert any(DA_FRAME in p and DA_TEXT in p and "/traektilbage" in p for p in previews)
        assert preview.content == "Det går till 2 personer: 1 på svenska, 1 på danska."
        assert await outbox_settled(bot) == {}  # nothing queued before Send

        await tap(kim, "Skicka meddelandet", "Skickat: 2 personer får det om en stund.")
        assert await outbox_settled(bot) == {"sent": 2}
        [to_anna] = messages_about_changes(anna)
        assert to_anna.startswith(SV_FRAME) and SV_TEXT in to_anna and DA_TEXT not in to_anna
        assert to_anna.endswith("Skicka /aterkalla om du inte vill ha fler meddelanden.")
        [to_bo] = messages_about_changes(bo)
        assert to_bo.startswith(DA_FRAME) and DA_TEXT in to_bo and SV_TEXT not in to_bo
        assert to_bo.endswith("Send /traektilbage, hvis du ikke vil have flere beskeder.")
        for nobody in (cai, dina, olle):
            assert messages_about_changes(nobody) == []

        # The same message again reaches nobody: the counts say so, and Send sends nothing.
        again = await write_message(kim)
        assert again.content == (
            "Det går till 0 personer: 0 på svenska, 0 på danska. "
            "2 personer har redan fått det och får det inte igen."
        )
        await tap(kim, "Skicka meddelandet", "Skickat: 0 personer får det om en stund.")
        assert await outbox_settled(bot) == {"sent": 2}
        assert len(messages_about_changes(anna)) == len(messages_about_changes(bo)) == 1

        # Bo erases his data; a new message for the same flow goes once more, to Anna only.
        confirm = await say(bo, "/slet", "Ja, slet")
        await tap(bo, "Ja, slet", "Så er det gjort", message=confirm)
        later = await write_message(kim, sv="Nu har vi också öppet på lördagar.", da=None)
        assert later.content == "Det går till 1 person: 1 på svenska, 0 på danska."
        await tap(kim, "Skicka meddelandet", "Skickat: 1 person får det om en stund.")
        assert await outbox_settled(bot) == {"sent": 2}  # Bo's row went with his data
        assert "Nu har vi också öppet på lördagar." in anna.inbox[-1].content
        assert len(messages_about_changes(bo)) == 1

        # What Anna's /minadata says; only pseudonyms and the texts are stored.
        mine = await say(anna, "/minadata", "Det här sparar jag om dig")
        assert "• 2 meddelanden om vad vi ändrade efter svaren" in mine.content
        rows = db_rows(bot.settings.db_path, "SELECT dedupe_key, pseudonym FROM outbox")
        assert {r["pseudonym"] for r in rows} == {
            bot.services.pseudonym(Person(anna.id, 0, "sv", 0))
        }
        stored = (bot.settings.db_path).read_bytes()
        for needle in (str(anna.id), str(bo.id), "Anna"):
            assert needle.encode() not in stored


async def test_someone_who_is_not_a_coordinator_cannot_write_or_send_one(
    api: SandboxBotApi, settings: Settings
) -> None:
    kim = api.user(first_name="Kim", language_code="sv")
    async with meeting_bot(api, settings, FakeClock(), coordinators=frozenset({kim.id})) as bot:
        anna = await answer_flow(bot, api, "Anna", SV, "sv", contact=True)
        mark = anna.mark()
        await anna.send_command("/start")
        any_message = await anna.wait_for_message(after=mark)
        for data in ("o:r:l:-", f"o:r:f:{FLOW}", "o:r:s:-"):
            answered = len(anna.callback_answers)
            await anna.press_data(any_message.message_id, data)
            answer = await anna.wait_for_callback_answer(after=answered)
            assert answer.get("text") == "Jag förstår inte den knappen."
        assert bot.services.dialogues == {}

        # A coordinator who is no longer one cannot send what they wrote before.
        await write_message(kim, da=None)
        await say(kim, "Mer text", "Tryck på Skicka meddelandet, eller på Avbryt")
        bot.services.settings = replace(bot.services.settings, coordinators=frozenset())
        answered = len(kim.callback_answers)
        await kim.press("Skicka meddelandet")
        assert (await kim.wait_for_callback_answer(after=answered)).get("text") == (
            "Jag förstår inte den knappen."
        )
        assert await outbox_settled(bot) == {}
        assert messages_about_changes(anna) == []


def cli(settings: Settings, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`rostbot results-message ARGS` as its own process on the bot's database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROSTBOT_")}
    env.update(
        PYTHONPATH=str(REPO / "src"),
        ROSTBOT_DB=str(settings.db_path),
        ROSTBOT_SECRET_FILE=str(settings.secret_file),
        ROSTBOT_FLOWS=str(FLOWS),
    )
    return subprocess.run(
        [sys.executable, "-m", "rostbot", "results-message", *args],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done
    assert "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    return line


async def test_the_command_line_previews_sends_once_and_skips_who_withdrew_meanwhile(
    api: SandboxBotApi, settings: Settings, tmp_path: Path
) -> None:
    clock = FakeClock()
    async with meeting_bot(api, settings, clock) as bot:
        anna = await answer_flow(bot, api, "Anna", SV, "sv", contact=True)
        bo = await answer_flow(bot, api, "Bo", DA, "da", contact=True)
        bo_pseudonym = bot.services.pseudonym(Person(bo.id, bo.id, "da", 0))
    (tmp_path / "sv.txt").write_text(SV_TEXT + "\n", encoding="utf-8")
    (tmp_path / "da.txt").write_text(DA_TEXT + "\n", encoding="utf-8")
    (tmp_path / "long.txt").write_text("x" * 3001, encoding="utf-8")

    # Both languages are needed: a Danish reader would otherwise get nothing.
    missing = one_error_line(cli(settings, tmp_path, "--flow", FLOW, "--sv", "sv.txt"))
    assert missing == "rostbot: 1 of the people read Danish: give that text too"
    assert "limit is 3000" in one_error_line(
        cli(settings, tmp_path, "--flow", FLOW, "--sv", "long.txt", "--da", "da.txt")
    )
    assert "no flow 'nope'" in one_error_line(
        cli(settings, tmp_path, "--flow", "nope", "--sv", "sv.txt")
    )
    assert "cannot read" in one_error_line(
        cli(settings, tmp_path, "--flow", FLOW, "--sv", "none.txt")
    )

    shown = cli(settings, tmp_path, "--flow", FLOW, "--sv", "sv.txt", "--da", "da.txt")
    assert shown.returncode == 0, shown.stderr
    assert SV_FRAME in shown.stdout and DA_FRAME in shown.stdout
    assert ": 2 people (1 in sv, 1 in da)" in shown.stdout
    assert "nothing sent" in shown.stdout
    assert db_rows(settings.db_path, "SELECT * FROM outbox") == []

    sent = cli(settings, tmp_path, "--flow", FLOW, "--sv", "sv.txt", "--da", "da.txt", "--send")
    assert "queued for 2 people" in sent.stdout, sent.stderr
    again = cli(settings, tmp_path, "--flow", FLOW, "--sv", "sv.txt", "--da", "da.txt", "--send")
    assert "2 people had it already" in again.stdout and "queued for 0 people" in again.stdout
    assert len(db_rows(settings.db_path, "SELECT * FROM outbox")) == 2

    # Bo withdraws while the message waits in the outbox (the bot is not running).
    db = await Database.open(settings.db_path)
    try:
        async with db.transaction() as tx:
            await respondents.withdraw(tx, bo_pseudonym, "2026-12-03T00:00:00+00:00", "2026-12-03")
    finally:
        await db.close()

    async with meeting_bot(api, settings, FakeClock()) as bot:  # now: after the queuing
        assert await outbox_settled(bot) == {"sent": 1, "dropped": 1}
    assert len(messages_about_changes(anna)) == 1
    assert messages_about_changes(bo) == []


async def test_migration_007_keeps_every_outbox_row_and_lets_a_message_have_no_meeting(
    tmp_path: Path,
) -> None:
    path = tmp_path / "before.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE schema_migrations (number INTEGER PRIMARY KEY, name TEXT)")
    for number, name, sql in database._migrations():
        if number < 7:
            connection.executescript(sql)
            connection.execute("INSERT INTO schema_migrations VALUES (?, ?)", (number, name))
    connection.execute(
        "INSERT INTO respondents (pseudonym, lang, created_on) VALUES ('p1', 'sv', '2026-01-01')"
    )
    connection.execute(
        "INSERT INTO events (event_id, kind, details, languages, tz, starts_at, ends_at,"
        " capacity, created_on) VALUES ('e1', 'breakfast', '{}', 'sv', 'Europe/Stockholm',"
        " '2027-01-01T08:00:00Z', '2027-01-01T09:00:00Z', 5, '2026-01-01')"
    )
    connection.execute(
        "INSERT INTO outbox (id, dedupe_key, pseudonym, event_id, kind, payload, due_at, status,"
        " attempts) VALUES (41, 'reminder:e1:p1', 'p1', 'e1', 'reminder', '{}',"
        " '2026-12-31T08:00:00Z', 'waiting', 2)"
    )
    connection.commit()
    connection.close()

    db = await Database.open(path)
    try:
        [kept] = await outbox.for_person(db, "p1")
        assert (kept.id, kept.dedupe_key, kept.event_id, kept.status, kept.attempts) == (
            41,
            "reminder:e1:p1",
            "e1",
            "waiting",
            2,
        )
        async with db.transaction() as tx:
            assert await outbox.add(
                tx, key="results:m:p1", pseudonym="p1", event_id=None, kind="results", due_at="x"
            )
        with pytest.raises(sqlite3.IntegrityError):  # a meeting named must still exist
            async with db.transaction() as tx:
                await outbox.add(
                    tx, key="invitation:no:p1", pseudonym="p1", event_id="no", kind="x", due_at="x"
                )
        assert await db.fetch_all("PRAGMA foreign_key_check") == []
        assert await db.schema_version() >= 7
    finally:
        await db.close()
