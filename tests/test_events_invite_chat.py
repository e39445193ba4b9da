"""The coordinator's Invite in the chat: choose who, see how many, then send.

Real bot, sandbox Bot API, a coordinator tapping as in Telegram. People who may be
contacted come from earlier flows (flow, unit and provider sit in each run's encrypted
state); the chat's filters step through what is found among them.
"""

from __future__ import annotations

import json

from conftest import RunningBot
from meeting_steps import (
    FakeClock,
    add_reachable,
    meeting_bot,
    outbox_settled,
    plan,
    tap,
    tap_in_place,
)
from rostbot.config import Settings
from rostbot.journey.services import Person
from rostbot.meetings import planning
from rostbot.meetings.office import Office
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import BotMessage, SandboxUser
from rostbot.store import runs
from rostbot.store.runs import FlowRun


async def _person_from_flow(
    api: SandboxBotApi, bot: RunningBot, name: str, flow: str, unit: str, lang: str = "sv"
) -> SandboxUser:
    """Someone who answered `flow` for `unit` and agreed to be contacted later."""
    office = Office.of(bot.services)
    user = api.user(first_name=name, language_code=lang)
    user.has_started = True  # they wrote to the bot before
    pseudonym = bot.services.pseudonym(Person(user.id, user.id, lang, 0))
    await add_reachable(office.db, office.secret, pseudonym, lang=lang, chat_id=user.id)
    run_id = f"run-{name}"
    state = office.secret.encrypt(
        json.dumps({"engine": {}, "unit": unit, "provider": None, "lang": lang}).encode(),
        f"run-state:{run_id}",
    )
    async with office.db.transaction() as tx:
        await runs.create(
            tx,
            FlowRun(run_id, f"resp-{name}", pseudonym, flow, 1, "finished", state, 3, "d", "d"),
            None,
        )
    return user


async def _open_invite(kim: SandboxUser) -> BotMessage:
    mark = kim.mark()
    await kim.send_command("/samordnare")
    menu = await kim.wait_for_message(lambda m: "Möten" in m.button_texts(), after=mark)
    listing = await tap(kim, "Möten", "Samtal om stödet", message=menu)
    card = await tap(kim, "Samtal om stödet", "Bjud in", message=listing)
    return await tap(kim, "Bjud in", "Vem ska få inbjudan", message=card)


async def test_filters_narrow_the_invitation_and_only_send_sends(
    api: SandboxBotApi, settings: Settings
) -> None:
    kim = api.user(first_name="Kim", language_code="sv")
    clock = FakeClock()
    async with meeting_bot(api, settings, clock, coordinators=frozenset({kim.id})) as bot:
        office = Office.of(bot.services)
        await planning.create(office, plan())
        anna = await _person_from_flow(api, bot, "Anna", "income_support_followup", "sodra")
        bert = await _person_from_flow(api, bot, "Bert", "income_support_followup", "norra")
        cai = await _person_from_flow(api, bot, "Cai", "youth_placement", "sodra")

        choice = await _open_invite(kim)
        assert "Frågor: alla" in choice.content and "Enhet: alla" in choice.content
        assert "Passar in: 3. Inte inbjudna än: 3." in choice.content

        # Questionnaire: all -> the first flow found (income support), edited in place.
        mark = kim.mark()
        choice = await tap_in_place(kim, "Frågor ↻", "Passar in: 2.", choice)
        assert kim.mark() == mark  # the same message, changed: no new one
        # Unit: all -> norra
        choice = await tap_in_place(kim, "Enhet ↻", "Enhet: norra", choice)
        assert "Passar in: 1. Inte inbjudna än: 1." in choice.content
        assert await outbox_settled(bot) == {}  # nothing queued while choosing

        await tap_in_place(kim, "Skicka inbjudningar: 1", "Inbjudningar på väg: 1.", choice)
        await outbox_settled(bot)
        assert len(bert.inbox) == 1 and anna.inbox == [] and cai.inbox == []


async def test_send_after_the_choice_was_lost_shows_it_again_and_sends_nothing(
    api: SandboxBotApi, settings: Settings
) -> None:
    kim = api.user(first_name="Kim", language_code="sv")
    clock = FakeClock()
    async with meeting_bot(api, settings, clock, coordinators=frozenset({kim.id})) as bot:
        office = Office.of(bot.services)
        await planning.create(office, plan())
        anna = await _person_from_flow(api, bot, "Anna", "income_support_followup", "sodra")
        choice = await _open_invite(kim)
        bot.services.dialogues.clear()  # what a restart does to an open choice
        again = await tap(kim, "Skicka inbjudningar: 1", "Vem ska få inbjudan", message=choice)
        assert "Passar in: 1." in again.content
        assert await outbox_settled(bot) == {} and anna.inbox == []
        await tap_in_place(kim, "Skicka inbjudningar: 1", "Inbjudningar på väg: 1.", again)
        await outbox_settled(bot)
        assert len(anna.inbox) == 1


async def test_a_filter_with_nothing_else_to_choose_says_so_and_leaves_the_screen(
    api: SandboxBotApi, settings: Settings
) -> None:
    kim = api.user(first_name="Kim", language_code="sv")
    clock = FakeClock()
    async with meeting_bot(api, settings, clock, coordinators=frozenset({kim.id})) as bot:
        await planning.create(Office.of(bot.services), plan())  # a meeting in Swedish only
        choice = await _open_invite(kim)  # nobody may be contacted yet
        assert "Passar in: 0. Inte inbjudna än: 0." in choice.content
        edits = api.method_counts["editMessageText"]
        nobody = "Inget annat att välja: ingen som får kontaktas har något annat värde här."
        for button, toast in (
            ("Frågor ↻", nobody),
            ("Enhet ↻", nobody),
            ("Utförare ↻", nobody),
            ("Språk ↻", "Inget annat att välja: mötet är på ett språk."),
        ):
            answered = len(kim.callback_answers)
            await kim.press(button, message=choice)
            assert (await kim.wait_for_callback_answer(after=answered))["text"] == toast
        # The screen stays as it was: no edit to the same content was even tried.
        assert api.method_counts["editMessageText"] == edits and choice.edit_count == 0

        # Someone who may be contacted: the questionnaire steps again, edited in place.
        await _person_from_flow(api, bot, "Anna", "income_support_followup", "sodra")
        await tap_in_place(kim, "Frågor ↻", "Passar in: 1.", choice)
        assert choice.edit_count == 1
