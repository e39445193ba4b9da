"""Whatever a person sends or presses, they get a clear reply and nothing they saved is lost.

Each test drives the real bot through the sandbox Bot API, then checks the sealed answers (opened
with the analyst's key) and the question the person's run is at.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import RunningBot
from journey_steps import (
    answer_question,
    is_question,
    open_all,
    ops,
    start_and_consent,
    table_count,
    wait_question,
)
from rostbot.crypto.analyst_keys import AnalystPrivateKey
from rostbot.journey import answering
from rostbot.journey.services import Person
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import BotMessage, SandboxUser
from rostbot.store import runs

Key = tuple[Path, AnalystPrivateKey]

YES = {"sv": "Ja, jag vill vara med", "da": "Ja, jeg vil være med"}
ONLY_TEXT = "Jag förstår bara text och knapptryck."
ALREADY_SAVED = "Det är redan sparat."
NOT_UNDERSTOOD = "Jag förstår inte den knappen."
PRIVATE_ONLY = "Jag pratar bara med en person i taget, i en privat chatt."
PERSON_TABLES = ("respondents", "consents", "runs", "sealed_answers", "declines")


# --------------------------------------------------------------------------- steps


async def begin(
    bot: RunningBot, api: SandboxBotApi, flow_id: str, lang: str = "sv"
) -> tuple[SandboxUser, BotMessage]:
    """A new person who opened an invitation to `flow_id` and said yes; the first question."""
    [code] = await bot.invite(flow_id)
    user = api.user(language_code=lang)
    first = await start_and_consent(user, code, yes_text=YES[lang], age_yes="Ja")
    return user, first


async def press(user: SandboxUser, question: BotMessage, label: str) -> BotMessage:
    """Press an answer button on `question`; the question that comes next."""
    mark = user.mark()
    await user.press(label, message=question)
    return await wait_question(user, mark)


async def press_first(user: SandboxUser, question: BotMessage, times: int) -> BotMessage:
    """Answer `times` button questions in a row with their first answer."""
    for _ in range(times):
        first_answer = next(label for op, _, label in ops(question) if op == "c")
        question = await press(user, question, first_answer)
    return question


async def toast(user: SandboxUser, data: str, message_id: int) -> str | None:
    """Send a callback query with `data` (as a modified client could); the toast shown."""
    answered = len(user.callback_answers)
    await user.press_data(message_id, data)
    return toast_text(await user.wait_for_callback_answer(after=answered))


def toast_text(answer: dict[str, Any]) -> str | None:
    """The note shown on a pressed button (answerCallbackQuery's text), if any."""
    text = answer["text"]
    return None if text is None else str(text)


async def all_handled(user: SandboxUser) -> None:
    """Until the bot has handled everything the person sent so far.

    The bot takes one person's updates one at a time, in order: once a made-up press sent
    now is answered, every earlier update of this person was handled. Presses still waiting
    for their answer come first.
    """
    index = len(user.callback_answers)
    await user.press_data(1, "barrier")
    while (await user.wait_for_callback_answer(after=index))["text"] != NOT_UNDERSTOOD:
        index += 1


def handle_and_step(question: BotMessage) -> tuple[str, str]:
    """The run handle and step the question's buttons carry (`a:<run>:<step>:<op>:<arg>`)."""
    data = question.buttons()[0][0]["callback_data"]
    _, handle, step, _, _ = data.split(":")
    return handle, step


async def position(bot: RunningBot, user: SandboxUser) -> str | None:
    """The question the person's open run is at (None when no run is open)."""
    services = bot.services
    run = await runs.latest_open(services.db, services.pseudonym(Person(user.id, user.id, None, 0)))
    if run is None:
        return None
    open_run = answering.load(services, run)
    assert open_run is not None
    return open_run.state.position


def answers_by_question(bot: RunningBot, key: Key) -> dict[str, dict[str, Any]]:
    """Every sealed answer, opened, by question id; fails if a question has two."""
    opened = open_all(bot.settings.db_path, key[1])
    by_question = {a["question_id"]: a for a in opened}
    assert len(by_question) == len(opened), f"a question has more than one answer: {opened}"
    return by_question


def values(bot: RunningBot, key: Key) -> dict[str, Any]:
    """The value of every sealed answer, by question id."""
    return {q: a["value"] for q, a in answers_by_question(bot, key).items()}


def texts_after(user: SandboxUser, mark: int) -> list[str]:
    return [m.content for m in user.inbox[mark:]]


# --------------------------------------------------------------------------- media

SEND_MEDIA: dict[str, Callable[[SandboxUser], Awaitable[int]]] = {
    "sticker": lambda user: user.send_sticker(),
    "photo": lambda user: user.send_photo(caption="Mötet var bra"),
    "voice": lambda user: user.send_voice(),
    "document": lambda user: user.send_document(caption="Mötet var bra"),
    "location": lambda user: user.send_location(),
}


@pytest.mark.parametrize("kind", sorted(SEND_MEDIA))
async def test_media_in_the_middle_of_a_question_gets_a_clear_reply_and_the_question_again(
    api: SandboxBotApi, bot: RunningBot, analyst_key: Key, kind: str
) -> None:
    user, first = await begin(bot, api, "meeting_feedback")
    comment = await press_first(user, first, 4)  # the 5th question takes free text
    assert (comment.text or "").startswith("Fråga 5 av 5")

    mark = user.mark()
    await SEND_MEDIA[kind](user)
    reply = await user.wait_for_message(ONLY_TEXT, after=mark)
    again = await wait_question(user, user.inbox.index(reply))
    assert again.text == comment.text
    assert "comment" not in answers_by_question(bot, analyst_key)  # no caption became an answer
    assert await position(bot, user) == "comment"

    mark = user.mark()
    await user.send_text("Bra fika")
    await user.wait_for_message("Tack!", after=mark)
    assert answers_by_question(bot, analyst_key)["comment"]["value"] == "Bra fika"
    assert len(answers_by_question(bot, analyst_key)) == 5


async def test_media_outside_any_flow_gets_a_clear_reply_and_stores_nothing(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    stranger = api.user(language_code="sv")
    for kind, send in SEND_MEDIA.items():
        mark = stranger.mark()
        await send(stranger)
        reply = await stranger.wait_for_message(ONLY_TEXT, after=mark)
        assert not reply.buttons(), kind
    await all_handled(stranger)
    assert not any(is_question(m) for m in stranger.inbox)
    for table in PERSON_TABLES:
        assert table_count(bot.settings.db_path, table) == 0, table


# --------------------------------------------------------------------------- typed text


async def test_text_over_the_limit_is_refused_with_the_limit_and_a_shorter_text_is_stored(
    api: SandboxBotApi, bot: RunningBot, analyst_key: Key
) -> None:
    user, first = await begin(bot, api, "meeting_feedback")
    comment = await press_first(user, first, 4)
    assert "Högst 500 tecken." in (comment.text or "")

    mark = user.mark()
    await user.send_text("x" * 501)
    reply = await user.wait_for_message("Gränsen är 500", after=mark)
    assert "Din text har 501 tecken." in (reply.text or "")
    assert (await wait_question(user, mark)).text == comment.text
    assert "comment" not in answers_by_question(bot, analyst_key)
    assert await position(bot, user) == "comment"

    mark = user.mark()
    await user.send_text("y" * 500)
    await user.wait_for_message("Tack!", after=mark)
    assert answers_by_question(bot, analyst_key)["comment"]["value"] == "y" * 500


async def test_empty_or_whitespace_text_is_refused_and_nothing_is_stored(
    api: SandboxBotApi, bot: RunningBot, analyst_key: Key
) -> None:
    user, first = await begin(bot, api, "meeting_feedback")
    comment = await press_first(user, first, 4)

    mark = user.mark()
    await user.send_text("  \n\t  ")
    await user.wait_for_message("Ditt meddelande var tomt. Skriv ditt svar.", after=mark)
    assert (await wait_question(user, mark)).text == comment.text
    assert len(answers_by_question(bot, analyst_key)) == 4
    assert await position(bot, user) == "comment"


async def test_typed_text_on_a_button_question_asks_for_the_buttons_and_stores_nothing(
    api: SandboxBotApi, bot: RunningBot, analyst_key: Key
) -> None:
    user, first = await begin(bot, api, "meeting_feedback")

    mark = user.mark()
    await user.send_text("Ja, helt och hållet")  # the words of a button, typed
    await user.wait_for_message("Svara med knapparna under frågan.", after=mark)
    again = await wait_question(user, mark)
    assert again.text == first.text
    assert answers_by_question(bot, analyst_key) == {}
    assert await position(bot, user) == "knew_plan"


# --------------------------------------------------------------------------- buttons


async def test_a_button_one_step_old_is_already_saved_and_an_older_one_shows_where_you_are(
    api: SandboxBotApi, bot: RunningBot, analyst_key: Key
) -> None:
    user, first = await begin(bot, api, "meeting_feedback")
    old_button = first.button_data("Bara lite")
    mark = user.mark()
    await user.send_sticker()  # the bot shows question 1 again; the first copy loses its buttons
    copy = await wait_question(user, mark)
    await user.wait_for_message(lambda m: m.message_id == first.message_id and not m.buttons())
    second = await press(user, copy, "Ja, helt och hållet")

    # A phone that still shows the old buttons (a second device, an old screen) can press them.
    answered = len(user.callback_answers)
    await user.press_data(first.message_id, old_button)  # the other copy of question 1
    assert (await user.wait_for_callback_answer(after=answered))["text"] == ALREADY_SAVED
    assert answers_by_question(bot, analyst_key)["knew_plan"]["value"] == "fully"

    third = await press(user, second, "Ja, för det mesta")
    answered = len(user.callback_answers)
    mark = user.mark()
    await user.press_data(first.message_id, old_button)  # two answers ago now
    answer = await user.wait_for_callback_answer(after=answered)
    assert answer["text"] == "Den här knappen är gammal. Här är du nu."
    shown = await wait_question(user, mark)
    assert shown.text == third.text and (shown.text or "").startswith("Fråga 3 av 5")

    assert values(bot, analyst_key) == {"knew_plan": "fully", "listened": "mostly"}
    assert await position(bot, user) == "length"


async def test_malformed_button_data_is_not_understood_and_changes_nothing(
    api: SandboxBotApi, bot: RunningBot, analyst_key: Key
) -> None:
    user, first = await begin(bot, api, "meeting_feedback")
    handle, step = handle_and_step(first)
    garbage = [
        "",
        "hello",
        "a:only:three",
        f"a:{handle}:{step}:c:fully:extra",
        f"a:{handle}:{step}:c:fully' OR 1=1 --",
        f"a:{handle}:{step}:c:",
        "w:y ",
        "x" * 64,  # the most Telegram allows
        "ä" * 32,  # 64 bytes, 32 characters
        f"a:{handle}:{step}:c:" + "f" * (64 - len(f"a:{handle}:{step}:c:")),  # 64 bytes
        f"a:{handle}:{step}:c:" + "f" * (65 - len(f"a:{handle}:{step}:c:")),  # 65 bytes
        f"a:{handle}:{step}:z:fully",  # no such operation
    ]
    for data in garbage:
        assert await toast(user, data, first.message_id) == NOT_UNDERSTOOD, data

    # Well-formed, but not something this question takes: explained, nothing stored.
    explained = {
        f"a:{handle}:{step}:c:nonsense": "Den knappen hör inte till den här frågan.",
        f"a:{handle}:{step}:t:fully": "Den knappen hör inte till den här frågan.",
        f"a:{handle}:{step}:r:-": "Välj ett av svaren.",
        f"a:{handle}:{step}:b:-": "Det här är första frågan. Det finns inget att gå tillbaka till.",
    }
    for data, expected in explained.items():
        assert await toast(user, data, first.message_id) == expected, data

    assert answers_by_question(bot, analyst_key) == {}
    assert await position(bot, user) == "knew_plan"
    second = await press(user, first, "Bara lite")  # the real button still works
    assert (second.text or "").startswith("Fråga 2 av 5")
    assert answers_by_question(bot, analyst_key)["knew_plan"]["value"] == "little"


async def test_another_persons_run_handle_cannot_touch_their_run(
    api: SandboxBotApi, bot: RunningBot, analyst_key: Key
) -> None:
    astrid, first = await begin(bot, api, "income_support_followup")
    astrids_question = await press(astrid, first, "Ja, helt och hållet")
    handle, step = handle_and_step(astrids_question)
    astrids_inbox = astrid.mark()

    bertil, _ = await begin(bot, api, "meeting_feedback")
    own = bertil.last().message_id
    closed = "Den här knappen är gammal. Det går inte att svara på de frågorna längre."
    stolen = {
        f"a:{handle}:{step}:c:very_easy": closed,
        f"a:{handle}:{step}:s:-": closed,
        f"a:{handle}:{step}:p:-": closed,
        f"k:{handle}:{step}:y": "Den här knappen är gammal.",
    }
    for data, expected in stolen.items():
        assert await toast(bertil, data, own) == expected, data
    mark = bertil.mark()
    await bertil.press_data(own, f"r:{handle}")
    await bertil.wait_for_message("De frågorna är stängda. Tack!", after=mark)
    await all_handled(bertil)

    assert astrid.mark() == astrids_inbox  # Astrid was sent nothing
    assert await position(bot, astrid) == "easy_contact"
    assert await position(bot, bertil) == "knew_plan"
    assert list(answers_by_question(bot, analyst_key)) == ["info_clear"]
    assert table_count(bot.settings.db_path, "consents") == 2  # both took part; nobody's contact
    third = await press(astrid, astrids_question, "Ganska lätt")  # her buttons still work
    assert (third.text or "").startswith("Fråga 3 av")


async def test_double_tap_stores_one_answer_and_the_second_tap_says_it_is_already_saved(
    api: SandboxBotApi, bot: RunningBot, analyst_key: Key
) -> None:
    user, first = await begin(bot, api, "meeting_feedback")
    answered = len(user.callback_answers)
    mark = user.mark()
    await user.press("Ja, helt och hållet", message=first)
    await user.press("Ja, helt och hållet", message=first)
    taps = [await user.wait_for_callback_answer(after=answered + i) for i in range(2)]
    await all_handled(user)

    assert taps[0]["text"] is None
    assert taps[1]["text"] == ALREADY_SAVED
    assert [m.content.split("\n")[0] for m in user.inbox[mark:] if is_question(m)] == [
        "Fråga 2 av 5"
    ]
    assert list(answers_by_question(bot, analyst_key)) == ["knew_plan"]
    assert await position(bot, user) == "listened"


async def test_double_tap_on_the_last_question_also_says_it_is_already_saved(
    api: SandboxBotApi, bot: RunningBot, analyst_key: Key
) -> None:
    user, first = await begin(bot, api, "meeting_feedback")
    comment = await press_first(user, first, 4)
    answered = len(user.callback_answers)
    mark = user.mark()
    await user.press("Hoppa över", message=comment)
    await user.press("Hoppa över", message=comment)
    taps = [await user.wait_for_callback_answer(after=answered + i) for i in range(2)]
    await all_handled(user)

    assert taps[1]["text"] == ALREADY_SAVED
    assert sum("Tack!" in text for text in texts_after(user, mark)) == 1
    assert answers_by_question(bot, analyst_key)["comment"]["status"] == "skipped"
    assert len(answers_by_question(bot, analyst_key)) == 5


@pytest.mark.parametrize(("choice", "contact"), [("Nej tack", 0), ("Ja, ni får kontakta mig", 1)])
async def test_double_tap_on_the_contact_question_ends_the_flow_once(
    api: SandboxBotApi, bot: RunningBot, choice: str, contact: int
) -> None:
    user, question = await begin(bot, api, "income_support_followup")
    while is_question(question):
        mark = user.mark()
        await answer_question(user, question)
        question = await user.wait_for_message(
            lambda m: is_question(m) or choice in m.button_texts(), after=mark
        )
    offer = question
    [data] = [b["callback_data"] for row in offer.buttons() for b in row if b["text"] == choice]
    answered = len(user.callback_answers)
    mark = user.mark()
    await user.press(choice, message=offer)
    await user.press(choice, message=offer)
    taps = [await user.wait_for_callback_answer(after=answered + i) for i in range(2)]
    await all_handled(user)
    # The same stale button once more, pressed late on a phone that still shows it.
    assert await toast(user, data, offer.message_id) == ALREADY_SAVED
    await all_handled(user)

    assert taps[1]["text"] == ALREADY_SAVED
    assert sum("Du är klar." in text for text in texts_after(user, mark)) == 1
    connection = sqlite3.connect(bot.settings.db_path)
    try:
        query = "SELECT count(*) FROM consents WHERE kind = 'contact'"
        assert connection.execute(query).fetchone()[0] == contact
    finally:
        connection.close()


# --------------------------------------------------------------------------- commands


async def test_unknown_command_mid_question_replies_and_shows_the_question_again(
    api: SandboxBotApi, bot: RunningBot, analyst_key: Key
) -> None:
    user, first = await begin(bot, api, "meeting_feedback")
    second = await press(user, first, "Ja, helt och hållet")

    mark = user.mark()
    await user.send_command("/hejsan")
    await user.wait_for_message("Det kommandot känner jag inte till. Skicka /hjalp", after=mark)
    assert (await wait_question(user, mark)).text == second.text
    assert list(answers_by_question(bot, analyst_key)) == ["knew_plan"]
    assert await position(bot, user) == "listened"


async def test_pause_command_mid_question_keeps_the_place(
    api: SandboxBotApi, bot: RunningBot, analyst_key: Key
) -> None:
    user, first = await begin(bot, api, "meeting_feedback")
    second = await press(user, first, "Ja, helt och hållet")

    mark = user.mark()
    await user.send_command("/pause")
    paused = await user.wait_for_message("Pausat. Dina svar hittills är sparade.", after=mark)
    assert await position(bot, user) == "listened"
    mark = user.mark()
    await user.press("Fortsätt", message=paused)
    await user.wait_for_message("Välkommen tillbaka! Här slutade du.", after=mark)
    assert (await wait_question(user, mark)).text == second.text
    assert list(answers_by_question(bot, analyst_key)) == ["knew_plan"]


async def test_help_mid_question_lists_the_commands_and_offers_to_continue(
    api: SandboxBotApi, bot: RunningBot, analyst_key: Key
) -> None:
    user, first = await begin(bot, api, "meeting_feedback")
    second = await press(user, first, "Ja, helt och hållet")

    mark = user.mark()
    await user.send_command("/hjalp")
    help_text = await user.wait_for_message("/minadata – se vad jag sparar om dig", after=mark)
    assert "/radera" in (help_text.text or "")
    offer = await user.wait_for_message(lambda m: "Fortsätt" in m.button_texts(), after=mark)
    assert "”Om mötet”, fråga 2 av 5" in (offer.text or "")
    mark = user.mark()
    await user.press("Fortsätt", message=offer)
    assert (await wait_question(user, mark)).text == second.text
    assert list(answers_by_question(bot, analyst_key)) == ["knew_plan"]
    assert await position(bot, user) == "listened"


# --------------------------------------------------------------------------- other chats


async def test_group_chats_are_told_to_write_privately_and_nothing_runs_or_is_stored(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    [code] = await bot.invite("meeting_feedback")
    member = api.user(first_name="Greta", language_code="sv")
    group = api.group("Föräldragruppen")
    await group.send_command(member, "/start", code)
    told = await group.wait_for_message(PRIVATE_ONLY)
    assert f"@{api.bot_username}" in (told.text or "")
    assert not told.buttons()
    await group.wait_until_bot_left()

    supergroup = api.group("Kommunens chatt", kind="supergroup")
    await supergroup.send_command(member, "/minadata")
    await supergroup.wait_for_message(PRIVATE_ONLY)
    await supergroup.wait_until_bot_left()

    # A modified client could press made-up buttons in a group the bot is in: the press is
    # answered, nothing runs, and the group is told once and left.
    for data in (f"c:sv:y:{code}", f"c:sv:a:{code}", "w:y", "e:y"):
        elsewhere = api.group("Grannar")
        answered = len(member.callback_answers)
        await elsewhere.press_data(member, 1, data)
        answer = await member.wait_for_callback_answer(after=answered)
        assert PRIVATE_ONLY in (answer["text"] or ""), data
        await elsewhere.wait_until_bot_left()
        assert [m.content for m in elsewhere.inbox] == [told.content]

    assert [m.content for m in group.inbox] == [told.content]
    assert not member.inbox
    for table in PERSON_TABLES:
        assert table_count(bot.settings.db_path, table) == 0, table
    # the link was not used up: it still works in a private chat
    first = await start_and_consent(member, code, yes_text=YES["sv"], age_yes="Ja")
    assert (first.text or "").startswith("Fråga 1 av 5")


async def test_edited_message_is_explained_and_the_first_version_is_kept(
    api: SandboxBotApi, bot: RunningBot, analyst_key: Key
) -> None:
    user, first = await begin(bot, api, "youth_placement")
    safe = await press_first(user, first, 2)
    follow_up = await press(user, safe, "Ibland")
    assert "Vill du berätta" in (follow_up.text or "")
    mark = user.mark()
    await user.send_text("Första versionen")
    await wait_question(user, mark)
    sent = user.last_message_id
    assert sent is not None

    mark = user.mark()
    await user.edit_text(sent, "Andra versionen")
    reply = await user.wait_for_message("Jag såg att du ändrade ett meddelande.", after=mark)
    assert "Jag sparar det du skickade först." in (reply.text or "")
    await all_handled(user)
    assert answers_by_question(bot, analyst_key)["safe_more"]["value"] == "Första versionen"
    assert await position(bot, user) == "listened"


async def test_a_redelivered_update_is_acted_on_once(
    api: SandboxBotApi, bot: RunningBot, analyst_key: Key
) -> None:
    user, first = await begin(bot, api, "youth_placement")
    safe = await press_first(user, first, 2)
    follow_up = await press(user, safe, "Sällan eller aldrig")
    mark = user.mark()
    typed = await user.send_text("Det var stökigt på kvällarna")
    listened = await wait_question(user, mark)

    mark = user.mark()
    await api.redeliver(typed)
    await all_handled(user)
    assert texts_after(user, mark) == [listened.text]  # where the person is; no complaint
    assert values(bot, analyst_key)["safe_more"] == "Det var stökigt på kvällarna"
    assert await position(bot, user) == "listened"

    # Back takes the answer away; the old update, delivered once more, must not bring it back.
    mark = user.mark()
    await user.press("← Tillbaka")  # on the copy the redelivery showed: the live one
    assert (await wait_question(user, mark)).text == follow_up.text
    await api.redeliver(typed)
    await all_handled(user)
    assert "safe_more" not in answers_by_question(bot, analyst_key)
    assert await position(bot, user) == "safe_more"

    # A button press delivered twice is one answer too.
    mark = user.mark()
    await user.send_text("Det var stökigt")
    listened = await wait_question(user, mark)
    pressed = await user.press("Ja, alltid", message=listened)
    await all_handled(user)
    await api.redeliver(pressed)
    await all_handled(user)
    assert answers_by_question(bot, analyst_key)["listened"]["value"] == "always"
    assert await position(bot, user) == "reach_worker"


async def test_only_the_newest_question_keeps_its_buttons(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    user, first = await begin(bot, api, "youth_placement")
    safe = await press_first(user, first, 2)
    closed_before = api.method_counts["editMessageReplyMarkup"]
    follow_up = await press(user, safe, "Sällan eller aldrig")  # a free-text question next
    assert not safe.buttons()  # the press's own edit took them: no extra call
    assert api.method_counts["editMessageReplyMarkup"] == closed_before

    mark = user.mark()
    await user.send_text("Det var stökigt på kvällarna")  # typed: the question stays as sent
    listened = await wait_question(user, mark)
    await user.wait_for_message(lambda m: m.message_id == follow_up.message_id and not m.buttons())
    assert listened.buttons()

    mark = user.mark()
    await user.send_command("/nosuchcommand")  # the question is shown again
    again = await wait_question(user, mark)
    await user.wait_for_message(lambda m: m.message_id == listened.message_id and not m.buttons())
    assert again.text == listened.text and again.buttons()


# --------------------------------------------------------------------------- going back and on


async def test_back_changes_the_last_answer_and_keeps_one_sealed_answer_per_question(
    api: SandboxBotApi, bot: RunningBot, analyst_key: Key
) -> None:
    user, first = await begin(bot, api, "meeting_feedback")
    assert "← Tillbaka" not in first.button_texts()  # nothing to go back to yet
    second = await press(user, first, "Ja, helt och hållet")
    as_asked = second.text
    third = await press(user, second, "Ja, för det mesta")

    again = await press(user, third, "← Tillbaka")
    assert again.text == as_asked
    assert list(answers_by_question(bot, analyst_key)) == ["knew_plan"]
    assert await position(bot, user) == "listened"

    await press(user, again, "Bara lite")
    assert values(bot, analyst_key) == {"knew_plan": "fully", "listened": "little"}
    assert await position(bot, user) == "length"


async def test_skip_on_any_question_is_stored_as_skipped(
    api: SandboxBotApi, bot: RunningBot, analyst_key: Key
) -> None:
    user, first = await begin(bot, api, "income_support_followup")
    assert "Hoppa över" in first.button_texts()  # no shipped question is required
    second = await press(user, first, "Ja, helt och hållet")
    await press(user, second, "Hoppa över")
    assert "✓ Överhoppad" in (second.text or "")
    skipped = answers_by_question(bot, analyst_key)["easy_contact"]
    assert (skipped["status"], skipped["value"]) == ("skipped", None)
    assert await position(bot, user) == "listened"


async def test_rather_not_answer_on_a_sensitive_question_is_stored_as_declined(
    api: SandboxBotApi, bot: RunningBot, analyst_key: Key
) -> None:
    user, first = await begin(bot, api, "youth_placement")
    assert "Vill inte svara" not in first.button_texts()
    safe = await press_first(user, first, 2)
    after = await press(user, safe, "Vill inte svara")
    assert "✓ Sparat" in (safe.text or "")  # a discreet flow never shows the answer
    declined = answers_by_question(bot, analyst_key)["safe"]
    assert (declined["status"], declined["value"]) == ("declined", None)
    assert "Har de vuxna där lyssnat på dig?" in (after.text or "")  # no follow-up
    assert await position(bot, user) == "listened"


@pytest.mark.parametrize(
    ("press_label", "next_text", "total"),
    [
        ("Ja", "Visste du i förväg vad som skulle hända på mötet med teamet?", 10),
        ("Nej", "Hur lätt är det att få kontakt med din handläggare på jobbcentret?", 9),
        ("Hoppa över", "Hur lätt är det att få kontakt med din handläggare på jobbcentret?", 9),
    ],
    ids=["yes-shows-follow-up", "no-hides-it", "skip-hides-it"],
)
async def test_a_follow_up_question_appears_only_when_its_condition_holds(
    api: SandboxBotApi, bot: RunningBot, press_label: str, next_text: str, total: int
) -> None:
    user, first = await begin(bot, api, "rehab_job_dk")
    team_meeting = await press_first(user, first, 3)
    assert "rehabiliteringsteamet" in (team_meeting.text or "")
    after = await press(user, team_meeting, press_label)
    assert next_text in (after.text or "")
    assert (after.text or "").startswith(f"Fråga 5 av {total}")


async def test_multi_choice_takes_several_ticks_up_to_its_limit(
    api: SandboxBotApi, bot: RunningBot, analyst_key: Key
) -> None:
    user, first = await begin(bot, api, "income_support_followup")
    question = await press_first(user, first, 6)
    assert "Välj högst 3 svar. Tryck sedan på Klar." in (question.text or "")

    async def tick(label: str) -> str | None:
        """Press an option; the toast if the bot refused it, else None once the tick shows."""
        edits, answered = question.edit_count, len(user.callback_answers)
        await user.press(label, message=question)
        answer = await user.wait_for_callback_answer(after=answered)
        if answer["text"] is None:
            await user.wait_for_message(lambda m: m is question and m.edit_count > edits)
        return toast_text(answer)

    assert await tick("Klar") == (
        "Välj minst ett svar först, eller tryck på Hoppa över om den knappen finns."
    )
    for label in ("Pengar till hyra", "Samtalen med handläggaren", "Hjälp med skulder"):
        assert await tick(label) is None
    assert question.button_texts().count("✅ Pengar till hyra och mat") == 1
    assert await tick("Hjälp med andra myndigheter") == "Du kan välja högst 3."
    assert await tick("Samtalen med handläggaren") is None  # untick
    assert await tick("Hjälp med andra myndigheter") is None
    assert answers_by_question(bot, analyst_key).get("helped_most") is None  # not until Klar

    mark = user.mark()
    await user.press("Klar", message=question)
    await wait_question(user, mark)
    assert (
        "✓ Ditt svar: Pengar till hyra och mat, Hjälp med skulder eller budget, "
        "Hjälp med andra myndigheter" in (question.text or "")
    )
    assert answers_by_question(bot, analyst_key)["helped_most"]["value"] == [
        "money",
        "debt",
        "agencies",
    ]
    assert await position(bot, user) == "overall"
