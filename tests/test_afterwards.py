"""After the yes: a clear end to a flow, and a true reply to whatever the person sends later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from conftest import RunningBot
from journey_steps import answer_question, decline, is_question, start_and_consent
from meeting_steps import FakeClock, meeting_bot, outbox_settled, plan, reachable_user
from rostbot.config import Settings
from rostbot.meetings import planning
from rostbot.meetings.office import Office
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import BotMessage, SandboxUser


@dataclass(frozen=True)
class Words:
    lang: str
    take_part: str
    done: str
    known: str
    answered: str
    stranger: str
    contact_no: str
    mydata: str


SV = Words(
    lang="sv",
    take_part="Ja, jag vill vara med",
    done="Du är klar.",
    known="Hej igen!",
    answered="Du har svarat på",
    stranger="Jag sparar ingenting om dig om du inte säger ja",
    contact_no="Nej tack",
    mydata="/minadata",
)
DA = Words(
    lang="da",
    take_part="Ja, jeg vil være med",
    done="Du er færdig.",
    known="Hej igen!",
    answered="Du har svaret på",
    stranger="Jeg gemmer intet om dig, medmindre du siger ja",
    contact_no="Nej tak",
    mydata="/minedata",
)
BOTH = pytest.mark.parametrize("words", [SV, DA], ids=["sv", "da"])


async def answer_all(user: SandboxUser, question: BotMessage, end: str) -> None:
    """Answer every question until a message with `end` in its text or buttons comes."""
    while True:
        mark = user.mark()
        await answer_question(user, question)
        question = await user.wait_for_message(
            lambda m: is_question(m) or end in m.content or end in m.button_texts(), after=mark
        )
        if not is_question(question):
            return


async def finish(bot: RunningBot, user: SandboxUser, flow_id: str, words: Words) -> None:
    [code] = await bot.invite(flow_id)
    first = await start_and_consent(user, code, yes_text=words.take_part, age_yes="Ja")
    await answer_all(user, first, words.done)


@BOTH
async def test_a_flow_without_the_contact_question_ends_with_you_are_done(
    api: SandboxBotApi, bot: RunningBot, words: Words
) -> None:
    user = api.user(language_code=words.lang)
    await finish(bot, user, "meeting_feedback", words)
    done = user.last()
    assert done.text is not None and words.done in done.text
    assert words.mydata in done.text


@BOTH
async def test_the_contact_question_is_followed_by_you_are_done(
    api: SandboxBotApi, bot: RunningBot, words: Words
) -> None:
    user = api.user(language_code=words.lang)
    [code] = await bot.invite("income_support_followup")
    first = await start_and_consent(user, code, yes_text=words.take_part, age_yes="Ja")
    await answer_all(user, first, words.contact_no)
    offer = await user.wait_for_message(lambda m: words.contact_no in m.button_texts())
    assert not any(words.done in (m.text or "") for m in user.inbox)
    mark = user.mark()
    await user.press(words.contact_no, message=offer)
    await user.wait_for_message(lambda m: words.done in (m.text or ""), after=mark)


@BOTH
async def test_after_finishing_text_and_start_get_the_known_person_reply(
    api: SandboxBotApi, bot: RunningBot, words: Words
) -> None:
    user = api.user(language_code=words.lang)
    await finish(bot, user, "meeting_feedback", words)
    for send in (user.send_text("tack!"), user.send_command("/start")):
        mark = user.mark()
        await send
        reply = await user.wait_for_message(lambda m: words.known in (m.text or ""), after=mark)
        assert reply.text is not None and words.answered in reply.text
        rights = await user.wait_for_message(lambda m: words.mydata in (m.text or ""), after=mark)
        texts = " ".join(m.text or "" for m in user.inbox[mark:])
        assert words.stranger not in texts
        assert rights is not reply


@BOTH
async def test_the_chat_names_a_flow_by_its_title_never_by_the_analysts_title(
    api: SandboxBotApi, bot: RunningBot, words: Words
) -> None:
    flow = bot.services.flows["income_support_followup"]
    assert flow.analyst_title is not None
    hidden = {flow.analyst_title.get(lang) for lang in ("sv", "da")}
    user = api.user(language_code=words.lang)
    [code] = await bot.invite(flow.id)
    first = await start_and_consent(user, code, yes_text=words.take_part, age_yes="Ja")
    await answer_all(user, first, words.contact_no)
    mark = user.mark()
    await user.press(words.contact_no)
    await user.wait_for_message(lambda m: words.done in (m.text or ""), after=mark)
    mark = user.mark()
    await user.send_command(words.mydata)
    await user.wait_for_message(lambda m: flow.title.get(words.lang) in (m.text or ""), after=mark)
    mark = user.mark()
    await user.send_text("hej")
    await user.wait_for_message(lambda m: words.known in (m.text or ""), after=mark)

    shown = "\n".join(m.content for m in user.inbox)
    assert flow.title.get(words.lang) in shown
    assert not [title for title in hidden if title in shown]


@BOTH
async def test_a_stranger_still_gets_the_stranger_text(
    api: SandboxBotApi, bot: RunningBot, words: Words
) -> None:
    user = api.user(language_code=words.lang)
    await user.send_text("hej")
    await user.wait_for_message(lambda m: words.stranger in (m.text or ""))
    assert not any(words.known in (m.text or "") for m in user.inbox)


async def test_after_no_thanks_the_text_says_only_the_no_is_stored(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    [code] = await bot.invite("youth_placement")
    user = api.user(language_code="sv")
    await decline(user, code)
    mark = user.mark()
    await user.send_command("/start")
    told = await user.wait_for_message(
        lambda m: "Jag sparar bara det" in (m.text or ""), after=mark
    )
    assert "/radera" in (told.text or "")
    assert not any(SV.stranger in (m.text or "") for m in user.inbox[mark:])


# --------------------------------------------------------------------------- discreet flows


async def test_a_discreet_flow_shows_saved_not_the_answer_and_a_neutral_title(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    user = api.user(language_code="sv")
    [code] = await bot.invite("youth_placement")
    first = await start_and_consent(user, code, yes_text=SV.take_part, age_yes="Ja")
    mark = user.mark()
    edits = first.edit_count
    await answer_question(user, first)
    await user.wait_for_message(
        lambda m: m is first and m.edit_count > edits, after=user.inbox.index(first)
    )
    assert (first.text or "").endswith("✓ Sparat")
    assert "Ditt svar" not in (first.text or "")
    await user.wait_for_message(is_question, after=mark)
    mark = user.mark()
    await user.send_command("/minadata")
    shown = await user.wait_for_message(lambda m: "Några frågor" in (m.text or ""), after=mark)
    assert "placerad" not in (shown.text or "")


@BOTH
async def test_the_end_of_a_discreet_flow_offers_to_clear_the_chat_and_it_works(
    api: SandboxBotApi, bot: RunningBot, words: Words
) -> None:
    offer_text = "Ta bort meddelandena nu" if words.lang == "sv" else "Slet beskederne nu"
    cleared = "Jag sparar ingen lista" if words.lang == "sv" else "Jeg gemmer ingen liste"
    user = api.user(language_code=words.lang)
    [code] = await bot.invite("foster_care_followup")
    first = await start_and_consent(user, code, yes_text=words.take_part, age_yes="Ja")
    await answer_all(user, first, words.contact_no)
    contact = await user.wait_for_message(lambda m: words.contact_no in m.button_texts())
    mark = user.mark()
    await user.press(words.contact_no, message=contact)
    offer = await user.wait_for_message(lambda m: offer_text in m.button_texts(), after=mark)
    assert any(words.done in (m.text or "") for m in user.inbox[mark:])
    mark = user.mark()
    await user.press(offer_text, message=offer)
    done = await user.wait_for_message(lambda m: cleared in (m.text or ""), after=mark)
    assert [m.message_id for m in user.inbox if not m.deleted] == [done.message_id]


async def test_a_person_with_a_booking_hears_about_it_when_they_write(
    api: SandboxBotApi, settings: Settings
) -> None:
    clock = FakeClock()
    async with meeting_bot(api, settings, clock) as bot:
        office = Office.of(bot.services)
        start = clock.now.astimezone(ZoneInfo("Europe/Stockholm")) + timedelta(days=3)
        start = start.replace(hour=10, minute=0, second=0, tzinfo=None)
        [event] = await planning.create(office, plan(capacity=2, start=start))
        anna = await reachable_user(api, bot, name="Anna")
        await planning.invite(office, event.event_id, planning.Audience())
        await outbox_settled(bot)
        [invitation] = anna.inbox
        mark = anna.mark()
        await anna.press("Boka en plats", message=invitation)
        await anna.wait_for_message(lambda m: m.document is not None, after=mark)
        mark = anna.mark()
        await anna.send_text("tack")
        reply = await anna.wait_for_message(lambda m: SV.known in (m.text or ""), after=mark)
        assert "• Bokad: ”Samtal om stödet”" in (reply.text or "")
        assert "• Du har sagt ja till att vi kontaktar dig senare." in (reply.text or "")
