"""The respondent's whole journey through the real bot and the sandbox Bot API."""

from __future__ import annotations

from pathlib import Path

from conftest import RunningBot
from journey_steps import (
    answer_question,
    database_bytes,
    decline,
    is_question,
    open_all,
    sealed_rows,
    start_and_consent,
    table_count,
    wait_question,
)
from rostbot.crypto.analyst_keys import AnalystPrivateKey
from rostbot.crypto.sealing import ENC_LENGTH, PAD_BLOCK
from rostbot.sandbox.botapi import SandboxBotApi


async def walk_to_end(user, first, *, text: str, finished_marker: str) -> list[tuple[str, object]]:  # type: ignore[no-untyped-def]
    """Answer every question until the outro arrives; return what was given."""
    given = []
    question = first
    while True:
        mark = user.mark()
        given.append(await answer_question(user, question, text=text))
        nxt = await user.wait_for_message(
            lambda m: is_question(m) or finished_marker in (m.text or ""), after=mark
        )
        if not is_question(nxt):
            return given
        question = nxt


async def test_swedish_respondent_answers_a_whole_flow_and_only_sealed_answers_are_stored(
    api: SandboxBotApi, bot: RunningBot, analyst_key: tuple[Path, AnalystPrivateKey]
) -> None:
    [code] = await bot.invite("income_support_followup", unit="sv-nord", provider="hvb-7")
    user = api.user(first_name="Zlatan", last_name="Ekström", language_code="sv")
    mark = user.mark()
    first = await start_and_consent(user, code, yes_text="Ja, jag vill vara med", age_yes="Ja")
    consent_texts = " ".join(m.text or "" for m in user.inbox[mark:])
    assert "Testkommunen" in consent_texts
    assert "frivilligt" in consent_texts
    assert "påverkar aldrig ditt ärende" in consent_texts
    assert "analytiker" in consent_texts
    assert "13 år eller äldre" in consent_texts
    assert first.text is not None and first.text.startswith("Fråga 1 av")

    secret_text = "Handläggaren lyssnade verkligen 4711"
    given = await walk_to_end(user, first, text=secret_text, finished_marker="Tack för dina svar")
    offer = await user.wait_for_message(lambda m: "Ja, ni får kontakta mig" in m.button_texts())
    answered = len(user.callback_answers)
    await user.press("Ja, ni får kontakta mig", message=offer)
    await user.wait_for_callback_answer(after=answered)

    answers = open_all(bot.settings.db_path, analyst_key[1])
    assert len(answers) == len(given)
    assert {a["unit"] for a in answers} == {"sv-nord"}
    assert {a["provider"] for a in answers} == {"hvb-7"}
    assert {a["lang"] for a in answers} == {"sv"}
    assert {a["flow_id"] for a in answers} == {"income_support_followup"}
    by_kind = [(a["question_type"], a["value"]) for a in answers]
    assert any(value == secret_text for _, value in by_kind)
    assert len({a["response_id"] for a in answers}) == 1

    stolen = database_bytes(bot.settings.db_path)
    for needle in (secret_text, str(user.id), "Zlatan", "Ekström", api.token, code):
        assert needle.encode() not in stolen, f"{needle!r} is readable in the database"
    assert table_count(bot.settings.db_path, "consents") == 2  # taking part + contact

    # The size of a sealed answer says nothing about the answer: padded to 512 bytes.
    sizes = {len(row["sealed"]) for row in sealed_rows(bot.settings.db_path)}
    assert all((size - ENC_LENGTH - 16) % PAD_BLOCK == 0 for size in sizes), sizes
    assert len(sizes) == 1, sizes  # choices, scales, yes/no and a short free text alike


async def test_danish_person_gets_danish_texts_and_the_danish_age_limit(
    api: SandboxBotApi, bot: RunningBot, analyst_key: tuple[Path, AnalystPrivateKey]
) -> None:
    [code] = await bot.invite("rehab_job_dk", unit="dk-odense")
    user = api.user(first_name="Mette", language_code="da")
    mark = user.mark()
    first = await start_and_consent(user, code, yes_text="Ja, jeg vil være med", age_yes="Ja")
    texts = " ".join(m.text or "" for m in user.inbox[mark:])
    assert "Det er frivilligt at være med" in texts
    assert "påvirker aldrig din sag" in texts
    assert "15 år eller ældre" in texts
    assert first.text is not None and first.text.startswith("Spørgsmål 1 af")
    await walk_to_end(user, first, text="Det gik fint", finished_marker="Tak")
    answers = open_all(bot.settings.db_path, analyst_key[1])
    assert answers and {a["lang"] for a in answers} == {"da"}


async def test_bare_start_explains_the_bot_and_stores_nothing(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    user = api.user(language_code="sv")
    await user.send_command("/start")
    message = await user.wait_for_message(lambda m: "brevet" in (m.text or ""))
    assert "Svenska" in message.button_texts() and "Dansk" in message.button_texts()
    for table in ("respondents", "consents", "runs", "sealed_answers", "declines"):
        assert table_count(bot.settings.db_path, table) == 0


async def test_unknown_and_used_links_are_explained_kindly(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    stranger = api.user(language_code="sv")
    await stranger.send_command("/start", "not-a-real-code-123")
    await stranger.wait_for_message(lambda m: "känner inte igen den länken" in (m.text or ""))

    [code] = await bot.invite("meeting_feedback")
    first = api.user(language_code="sv")
    await start_and_consent(first, code, yes_text="Ja, jag vill vara med", age_yes="Ja")
    second = api.user(language_code="sv")
    await second.send_command("/start", code)
    await second.wait_for_message(lambda m: "redan använts" in (m.text or ""))
    assert table_count(bot.settings.db_path, "respondents") == 1


async def test_no_thanks_keeps_only_what_stops_asking_again(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    [code] = await bot.invite("youth_placement")
    user = api.user(language_code="sv")
    await decline(user, code)
    assert table_count(bot.settings.db_path, "respondents") == 0
    assert table_count(bot.settings.db_path, "consents") == 0
    assert table_count(bot.settings.db_path, "declines") == 1
    mark = user.mark()
    await user.send_command("/start", code)
    await user.wait_for_message(lambda m: "nej tack förra gången" in (m.text or ""), after=mark)


async def test_under_age_person_is_thanked_and_nothing_is_stored(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    [code] = await bot.invite("youth_placement")
    user = api.user(language_code="da")
    await user.send_command("/start", code)
    await user.wait_for_message(lambda m: "Ja, jeg vil være med" in m.button_texts())
    mark = user.mark()
    await user.press("Ja, jeg vil være med")
    age = await user.wait_for_message(lambda m: "15 år" in (m.text or ""), after=mark)
    mark = user.mark()
    await user.press("Nej", message=age)
    await user.wait_for_message(lambda m: "Intet er gemt" in (m.text or ""), after=mark)
    assert table_count(bot.settings.db_path, "respondents") == 0


async def test_read_more_and_switching_language_inside_the_consent_dialogue(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    [code] = await bot.invite("income_support_followup")
    user = api.user(language_code="en")  # neither sv nor da: Swedish by default (Stockholm)
    await user.send_command("/start", code)
    await user.wait_for_message(lambda m: "Läs mer" in m.button_texts())
    mark = user.mark()
    await user.press("Läs mer")
    more = await user.wait_for_message(lambda m: "Telegram" in (m.text or ""), after=mark)
    assert "dataskydd@testkommunen.example" in (more.text or "")
    mark = user.mark()
    await user.press("Dansk")
    await user.wait_for_message(lambda m: "Ja, jeg vil være med" in m.button_texts(), after=mark)
    assert table_count(bot.settings.db_path, "respondents") == 0


async def test_bot_registers_its_commands_per_language(api: SandboxBotApi, bot: RunningBot) -> None:
    user = api.user()
    await user.send_command("/start")
    await user.wait_for_message()
    swedish = {c["command"] for c in api.commands[("all_private_chats", "sv")]}
    danish = {c["command"] for c in api.commands[("all_private_chats", "da")]}
    assert {"start", "sprak", "minadata", "aterkalla", "radera", "dansk"} <= swedish
    assert {"start", "sprog", "minedata", "traektilbage", "slet", "svenska"} <= danish
    descriptions = {c["description"] for c in api.commands[("all_private_chats", "da")]}
    assert "Slet mine oplysninger" in descriptions


async def test_language_commands_switch_and_show_the_question_again(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    [code] = await bot.invite("foster_care_followup")
    user = api.user(language_code="sv")
    await start_and_consent(user, code, yes_text="Ja, jag vill vara med", age_yes="Ja")
    mark = user.mark()
    await user.send_command("/dansk")
    await user.wait_for_message(lambda m: "Nu skriver jeg på dansk" in (m.text or ""), after=mark)
    question = await wait_question(user, mark)
    assert (question.text or "").startswith("Spørgsmål 1 af")
    mark = user.mark()
    await user.send_command("/svenska")
    question = await wait_question(user, mark)
    assert (question.text or "").startswith("Fråga 1 av")
