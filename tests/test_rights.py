"""The person's rights in the chat, in Swedish and Danish: see, withdraw, erase.

The real bot runs against the sandbox Bot API; the tests check what the person is told and what
the SQLite file holds afterwards, down to its bytes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import RunningBot
from journey_steps import (
    answer_question,
    database_bytes,
    is_question,
    ops,
    start_and_consent,
    table_count,
    wait_question,
)
from rostbot.crypto.analyst_keys import AnalystPrivateKey
from rostbot.i18n import format_day
from rostbot.journey.services import Person
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import BotMessage, SandboxUser

Key = tuple[Path, AnalystPrivateKey]
PERSON_TABLES = ("respondents", "consents", "runs", "sealed_answers", "declines")


@dataclass(frozen=True)
class Words:
    """What a person types, presses and reads, in one language."""

    lang: str
    take_part: str
    finished: str  # in the outro of income_support_followup
    contact_yes: str
    mydata: str
    withdraw: str
    erase: str
    yes_withdraw: str
    yes_erase: str
    go_back: str
    nothing_changed: str
    withdrawn: str
    withdrawn_mark: str
    contact_no: str
    erased: str  # {count}
    exported: str  # {count}
    nothing_stored: str
    old_button: str
    chat_stays: str  # the last message after erasing


SV = Words(
    lang="sv",
    take_part="Ja, jag vill vara med",
    finished="Tack för dina svar",
    contact_yes="Ja, ni får kontakta mig",
    mydata="/minadata",
    withdraw="/aterkalla",
    erase="/radera",
    yes_withdraw="Ja, återkalla",
    yes_erase="Ja, radera",
    go_back="Nej, gå tillbaka",
    nothing_changed="Bra. Ingenting har ändrats.",
    withdrawn="Klart. Du har tagit tillbaka ditt ja. Jag kontaktar dig inte igen.",
    withdrawn_mark="(återkallat ",
    contact_no="• Kontakt senare: Nej",
    erased="Klart. Jag har tagit bort {count} svar och allt annat som hörde till dig.",
    exported="{count} svar har redan lämnats till analytikerna utan ditt namn.",
    nothing_stored="Jag sparar ingenting om dig.",
    old_button="Den här knappen är gammal. Det går inte att svara på de frågorna längre.",
    chat_stays="Det som står i chatten finns kvar i din telefon tills du tar bort det. "
    "Skicka /rensa så tar jag bort det jag kan.",
)
DA = Words(
    lang="da",
    take_part="Ja, jeg vil være med",
    finished="Tak for dine svar",
    contact_yes="Ja, I må kontakte mig",
    mydata="/minedata",
    withdraw="/traektilbage",
    erase="/slet",
    yes_withdraw="Ja, træk tilbage",
    yes_erase="Ja, slet",
    go_back="Nej, gå tilbage",
    nothing_changed="Godt. Intet er ændret.",
    withdrawn="Så er det gjort. Du har trukket dit ja tilbage. Jeg kontakter dig ikke igen.",
    withdrawn_mark="(trukket tilbage ",
    contact_no="• Kontakt senere: Nej",
    erased="Så er det gjort. Jeg har slettet {count} svar og alt andet, der hørte til dig.",
    exported="{count} svar er allerede givet til analytikerne uden dit navn.",
    nothing_stored="Jeg gemmer intet om dig.",
    old_button="Denne knap er gammel. Du kan ikke længere svare på de spørgsmål.",
    chat_stays="Det, der står i chatten, er stadig på din telefon, til du sletter det. "
    "Send /ryd, så sletter jeg det, jeg kan.",
)
BOTH = pytest.mark.parametrize("words", [SV, DA], ids=["sv", "da"])


# --------------------------------------------------------------------------- steps


async def take_part(bot: RunningBot, user: SandboxUser, flow_id: str, words: Words) -> BotMessage:
    """Open a new invitation to `flow_id` and say yes; the first question."""
    [code] = await bot.invite(flow_id)
    return await start_and_consent(user, code, yes_text=words.take_part, age_yes="Ja")


async def answer_some(user: SandboxUser, question: BotMessage, count: int) -> BotMessage:
    """Answer `count` questions; the question that comes next."""
    for _ in range(count):
        mark = user.mark()
        await answer_question(user, question)
        question = await wait_question(user, mark)
    return question


async def finish_and_agree_to_contact(user: SandboxUser, question: BotMessage, words: Words) -> int:
    """Answer every question to the end, then say yes to being contacted; how many answers."""
    count = 0
    while True:
        mark = user.mark()
        await answer_question(user, question)
        count += 1
        nxt = await user.wait_for_message(
            lambda m: is_question(m) or words.finished in m.content, after=mark
        )
        if not is_question(nxt):
            break
        question = nxt
    offer = await user.wait_for_message(lambda m: words.contact_yes in m.button_texts())
    answered = len(user.callback_answers)
    await user.press(words.contact_yes, message=offer)
    await user.wait_for_callback_answer(after=answered)
    return count


async def person_with_a_finished_and_an_open_flow(
    bot: RunningBot, api: SandboxBotApi, words: Words
) -> tuple[SandboxUser, BotMessage, int]:
    """Finished income support follow-up (yes to contact), foster care follow-up at question 3.

    Returns the person, their open question and how many answers they gave.
    """
    user = api.user(first_name="Ingrid", last_name="Holm", language_code=words.lang)
    first = await take_part(bot, user, "income_support_followup", words)
    given = await finish_and_agree_to_contact(user, first, words)
    question = await answer_some(user, await take_part(bot, user, "foster_care_followup", words), 2)
    return user, question, given + 2


async def command_reply(user: SandboxUser, command: str, expected: str) -> BotMessage:
    mark = user.mark()
    await user.send_command(command)
    return await user.wait_for_message(expected, after=mark)


async def confirm(user: SandboxUser, command: str, button: str, expected: str) -> list[str]:
    """Send `command`, press `button` on the question it asks; every text sent after the press."""
    mark = user.mark()
    await user.send_command(command)
    ask = await user.wait_for_message(lambda m: button in m.button_texts(), after=mark)
    mark = user.mark()
    await user.press(button, message=ask)
    await user.wait_for_message(expected, after=mark)
    return [m.content for m in user.inbox[mark:]]


def pseudonym(bot: RunningBot, user: SandboxUser) -> str:
    return bot.services.pseudonym(Person(user.id, user.id, None, 0))


def rows(bot: RunningBot, sql: str, *params: object) -> list[sqlite3.Row]:
    connection = sqlite3.connect(bot.settings.db_path)
    connection.row_factory = sqlite3.Row
    try:
        return list(connection.execute(sql, params))
    finally:
        connection.close()


def person_rows(bot: RunningBot, user: SandboxUser) -> dict[str, list[sqlite3.Row]]:
    """Every row linked to the person, table by table."""
    who = pseudonym(bot, user)
    responses = "SELECT response_id FROM runs WHERE pseudonym = ?"
    return {
        "respondents": rows(bot, "SELECT * FROM respondents WHERE pseudonym = ?", who),
        "consents": rows(bot, "SELECT * FROM consents WHERE pseudonym = ?", who),
        "runs": rows(bot, "SELECT * FROM runs WHERE pseudonym = ?", who),
        "declines": rows(bot, "SELECT * FROM declines WHERE pseudonym = ?", who),
        "sealed_answers": rows(
            bot, f"SELECT * FROM sealed_answers WHERE response_id IN ({responses})", who
        ),
        "invitations": rows(
            bot,
            "SELECT * FROM invitations WHERE code_hash IN"
            " (SELECT invitation_hash FROM runs WHERE pseudonym = ?)",
            who,
        ),
    }


def as_tuples(found: dict[str, list[sqlite3.Row]]) -> dict[str, list[tuple[Any, ...]]]:
    return {table: [tuple(row) for row in table_rows] for table, table_rows in found.items()}


def day(bot: RunningBot, stamp: str, lang: str) -> str:
    return format_day(datetime.fromisoformat(stamp), lang, bot.settings.tz)


# --------------------------------------------------------------------------- see


async def test_minadata_lists_consents_open_flows_sealed_answers_and_the_contact_choice(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    user, _, given = await person_with_a_finished_and_an_open_flow(bot, api, SV)
    consents = rows(bot, "SELECT * FROM consents ORDER BY id")
    assert [c["kind"] for c in consents] == ["participation", "contact", "participation"]

    shown = await command_reply(user, "/minadata", "Det här sparar jag om dig:")
    lines = (shown.text or "").splitlines()
    took_part, contact, open_flow = (day(bot, c["given_at"], "sv") for c in consents)
    assert lines[2:] == [
        "• Språk: svenska",
        f"• Ja till att vara med i ”Om stödet du fick” den {took_part}",
        f"• Ja till att bli kontaktad senare, den {contact}",
        f"• Ja till att vara med i ”Några frågor” den {open_flow}",
        "• Inte klar: ”Några frågor”, vid fråga 3 av 9",
        f"• {given} svar är låsta. Bara analytikerna kan öppna dem.",
        "• Kontakt senare: Ja",
        "• Bokningar: inga",
        "• Numren på meddelandena i den här chatten från de två senaste dygnen, låsta,"
        " så att /rensa kan ta bort dem",
    ]


async def test_minedata_in_danish_lists_the_open_flow_and_no_contact(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    user = api.user(first_name="Mette", language_code="da")
    await answer_some(user, await take_part(bot, user, "rehab_job_dk", DA), 2)
    [consent] = rows(bot, "SELECT * FROM consents")

    shown = await command_reply(user, "/minedata", "Det her gemmer jeg om dig:")
    assert (shown.text or "").splitlines()[2:] == [
        "• Sprog: dansk",
        f"• Ja til at være med i “Om tiden hos os” den {day(bot, consent['given_at'], 'da')}",
        "• Ikke færdig: “Om tiden hos os”, ved spørgsmål 3 af 10",
        "• 2 svar er låst. Kun analytikerne kan åbne dem.",
        "• Kontakt senere: Nej",
        "• Tilmeldinger: ingen",
        "• Numrene på beskederne i denne chat fra de seneste 48 timer, låst,"
        " så /ryd kan slette dem",
    ]


async def test_mydata_for_a_stranger_says_nothing_is_stored(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    swede, dane = api.user(language_code="sv"), api.user(language_code="da")
    shown = await command_reply(swede, "/minadata", SV.nothing_stored)
    assert shown.text == SV.nothing_stored
    await command_reply(swede, "/mydata", SV.nothing_stored)
    shown = await command_reply(dane, "/minedata", DA.nothing_stored)
    assert shown.text == DA.nothing_stored

    said = await confirm(swede, "/radera", SV.yes_erase, "Det finns inget att ta bort.")
    assert said == ["Jag sparar ingenting om dig. Det finns inget att ta bort."]
    said = await confirm(dane, "/traektilbage", DA.yes_withdraw, "Der er intet at trække tilbage.")
    assert said == ["Jeg gemmer intet om dig. Der er intet at trække tilbage."]
    for table in PERSON_TABLES:
        assert table_count(bot.settings.db_path, table) == 0, table


# --------------------------------------------------------------------------- withdraw


@BOTH
async def test_withdrawing_ends_every_consent_forgets_the_contact_handle_and_stops_open_flows(
    api: SandboxBotApi, bot: RunningBot, words: Words
) -> None:
    user, question, given = await person_with_a_finished_and_an_open_flow(bot, api, words)
    [before] = rows(bot, "SELECT * FROM respondents")
    handle = bytes(before["contact_handle"])
    assert handle in database_bytes(bot.settings.db_path)

    said = await confirm(user, words.withdraw, words.yes_withdraw, words.withdrawn)
    assert any(text.startswith(words.withdrawn) and words.erase in text for text in said)

    [after] = rows(bot, "SELECT * FROM respondents")
    assert after["contact_handle"] is None
    assert handle not in database_bytes(bot.settings.db_path)  # no old copy in the file either
    assert after["withdrawn_on"] is not None
    consents = rows(bot, "SELECT * FROM consents")
    assert len(consents) == 3 and all(c["withdrawn_at"] for c in consents)
    statuses = {r["flow_id"]: r["status"] for r in rows(bot, "SELECT * FROM runs")}
    assert statuses == {"income_support_followup": "finished", "foster_care_followup": "stopped"}
    assert table_count(bot.settings.db_path, "sealed_answers") == given  # kept, sealed

    # The open question's buttons no longer work, and /start offers nothing to continue.
    first_answer = next(label for op, _, label in ops(question) if op == "c")
    answered = len(user.callback_answers)
    await user.press(first_answer, message=question)
    assert (await user.wait_for_callback_answer(after=answered))["text"] == words.old_button
    assert table_count(bot.settings.db_path, "sealed_answers") == given

    shown = await command_reply(user, words.mydata, words.withdrawn_mark)
    assert (shown.text or "").count(words.withdrawn_mark) == 3
    assert words.contact_no in (shown.text or "")
    assert "• " + ("Inte klar" if words.lang == "sv" else "Ikke færdig") not in (shown.text or "")


# --------------------------------------------------------------------------- erase


@BOTH
async def test_erasing_deletes_every_row_linked_to_the_person_and_says_how_many(
    api: SandboxBotApi, bot: RunningBot, words: Words
) -> None:
    bystander = api.user(language_code="sv")
    await answer_some(bystander, await take_part(bot, bystander, "meeting_feedback", SV), 2)
    theirs = as_tuples(person_rows(bot, bystander))

    user, _, given = await person_with_a_finished_and_an_open_flow(bot, api, words)
    mine = person_rows(bot, user)
    assert len(mine["sealed_answers"]) == given

    said = await confirm(user, words.erase, words.yes_erase, words.chat_stays)
    # Erasing cannot reach the phone: the last message says so and names the clear command.
    assert said == [words.erased.format(count=given), words.chat_stays]

    assert all(not found for found in person_rows(bot, user).values())
    assert as_tuples(person_rows(bot, bystander)) == theirs  # nobody else's rows
    shown = await command_reply(user, words.mydata, words.nothing_stored)
    assert shown.text == words.nothing_stored


async def test_after_erasing_the_database_file_holds_no_trace_of_the_person(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    user, _, given = await person_with_a_finished_and_an_open_flow(bot, api, SV)
    mine = person_rows(bot, user)
    traces: dict[str, bytes] = {"pseudonym": pseudonym(bot, user).encode()}
    for run in mine["runs"]:
        traces[f"run {run['run_id']}"] = run["run_id"].encode()
        traces[f"response {run['response_id']}"] = run["response_id"].encode()
        traces[f"state of {run['run_id']}"] = bytes(run["state"][:32])
    for answer in mine["sealed_answers"]:
        traces[f"record {answer['record_id']}"] = answer["record_id"].encode()
        traces[f"sealed {answer['record_id']}"] = bytes(answer["sealed"][:32])
    [respondent] = mine["respondents"]
    traces["contact handle"] = bytes(respondent["contact_handle"])
    assert all(needle in database_bytes(bot.settings.db_path) for needle in traces.values())

    await confirm(user, "/radera", SV.yes_erase, SV.erased.format(count=given))

    stolen = database_bytes(bot.settings.db_path)
    left = [name for name, needle in traces.items() if needle in stolen]
    assert not left, f"still readable in the database file: {left}"


@BOTH
async def test_an_answer_already_exported_is_reported_as_impossible_to_delete(
    api: SandboxBotApi, bot: RunningBot, words: Words
) -> None:
    user = api.user(language_code=words.lang)
    await answer_some(user, await take_part(bot, user, "meeting_feedback", words), 3)
    connection = sqlite3.connect(bot.settings.db_path)
    with connection:  # the export job marks what it handed to the analysts
        connection.execute(
            "UPDATE sealed_answers SET exported_on = '2026-01-31'"
            " WHERE rowid = (SELECT min(rowid) FROM sealed_answers)"
        )
    connection.close()

    shown = await command_reply(user, words.mydata, "• 2 svar")
    assert "• 1 svar" in (shown.text or "")  # the exported one, listed apart

    said = await confirm(user, words.erase, words.yes_erase, words.chat_stays)
    assert said[0] == words.erased.format(count=2)
    assert said[1].startswith(words.exported.format(count=1))
    assert said[2:] == [words.chat_stays]
    [left] = rows(bot, "SELECT * FROM sealed_answers")
    assert left["exported_on"] == "2026-01-31"
    for table in ("respondents", "consents", "runs"):
        assert table_count(bot.settings.db_path, table) == 0, table


@BOTH
async def test_no_go_back_changes_nothing(
    api: SandboxBotApi, bot: RunningBot, words: Words
) -> None:
    user = api.user(language_code=words.lang)
    question = await answer_some(user, await take_part(bot, user, "meeting_feedback", words), 2)
    before = as_tuples(person_rows(bot, user))

    for command in (words.erase, words.withdraw):
        said = await confirm(user, command, words.go_back, words.nothing_changed)
        assert said == [words.nothing_changed]
        assert as_tuples(person_rows(bot, user)) == before

    after = await answer_some(user, question, 1)  # the open question still takes an answer
    assert is_question(after)
    assert table_count(bot.settings.db_path, "sealed_answers") == 3


async def test_a_no_thanks_note_can_be_erased_too(api: SandboxBotApi, bot: RunningBot) -> None:
    [code] = await bot.invite("youth_placement")
    user = api.user(language_code="sv")
    await user.send_command("/start", code)
    await user.wait_for_message(lambda m: "Nej tack" in m.button_texts())
    mark = user.mark()
    await user.press("Nej tack")
    await user.wait_for_message("Inga svar sparas", after=mark)
    shown = await command_reply(user, "/minadata", "Bara en anteckning om att du sa nej tack")
    assert (shown.text or "").startswith(SV.nothing_stored)

    said = await confirm(user, "/radera", SV.yes_erase, SV.chat_stays)
    assert said == [SV.erased.format(count=0), SV.chat_stays]
    assert table_count(bot.settings.db_path, "declines") == 0
    shown = await command_reply(user, "/minadata", SV.nothing_stored)
    assert shown.text == SV.nothing_stored


async def test_erasing_also_forgets_the_used_invitation(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    [code] = await bot.invite("meeting_feedback")
    [unused] = await bot.invite("meeting_feedback")
    user = api.user(language_code="sv")
    await start_and_consent(user, code, yes_text="Ja, jag vill vara med", age_yes="Ja")
    await confirm(user, "/radera", SV.yes_erase, SV.erased.format(count=0))
    # whoever sent the letter can no longer see that its code was taken
    assert table_count(bot.settings.db_path, "invitations") == 1
    mark = user.mark()
    await user.send_command("/start", code)
    await user.wait_for_message(
        lambda m: "känner inte igen den länken" in (m.text or ""), after=mark
    )
    assert unused != code
