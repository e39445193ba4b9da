"""Only a coordinator's newest message keeps its buttons: each new menu, card or step takes
them off the one before, and a press on an older one (a second phone, a slow screen, a
forged press) is answered as old in the coordinator's language and changes nothing.
Through the sandbox Bot API and the real bot."""

from __future__ import annotations

from meeting_steps import FakeClock, db_rows, meeting_bot, plan, say, tap
from rostbot.config import Settings
from rostbot.meetings import planning
from rostbot.meetings.draft import Draft
from rostbot.meetings.office import Office
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import BotMessage, SandboxUser

OLD_SV = "Den här knappen är gammal, så inget har ändrats. Använd det senaste meddelandet."
OLD_DA = "Denne knap er gammel, så intet er ændret. Brug den nyeste besked."


async def closed(user: SandboxUser, message: BotMessage) -> None:
    """Wait until `message` shows no buttons any more."""
    await user.wait_for_message(
        lambda m: m.message_id == message.message_id and not m.buttons(), timeout=60
    )


async def press_old(user: SandboxUser, message: BotMessage, data: str) -> str:
    """Press `data` on `message` as a phone still showing it would; the toast, and that
    no message came with it."""
    answered = len(user.callback_answers)
    mark = user.mark()
    await user.press_data(message.message_id, data)
    toast = str((await user.wait_for_callback_answer(after=answered)).get("text"))
    assert user.mark() == mark, user.texts()[mark:]
    return toast


async def test_each_new_coordinator_message_takes_the_buttons_off_the_one_before(
    api: SandboxBotApi, settings: Settings
) -> None:
    kim = api.user(first_name="Kim", language_code="sv")
    clock = FakeClock()
    async with meeting_bot(api, settings, clock, coordinators=frozenset({kim.id})) as bot:
        [event] = await planning.create(Office.of(bot.services), plan())
        mark = kim.mark()
        await kim.send_command("/samordnare")
        menu = await kim.wait_for_message(lambda m: "Möten" in m.button_texts(), after=mark)
        listing = await tap(kim, "Möten", "Samtal om stödet", message=menu)
        await closed(kim, menu)
        card = await tap(kim, "Samtal om stödet", "Ställ in mötet", message=listing)
        await closed(kim, listing)
        # A list of who is coming has no buttons: the card stays the one to use.
        await tap(kim, "Vilka kommer", "Bokade: 0 av 17", message=card)
        sure = await tap(kim, "Ställ in mötet", "Vill du ställa in", message=card)
        await closed(kim, card)
        card_again = await tap(kim, "Nej, gå tillbaka", "Ställ in mötet", message=sure)
        await closed(kim, sure)

        # The meeting dialogue: every step, pressed or typed, takes over from the one before.
        menu_again = await say(kim, "/samordnare", "Nytt möte")
        await closed(kim, card_again)
        kind = await tap(kim, "Nytt möte", "Fokusgrupp", message=menu_again)
        language = await tap(kim, "Fokusgrupp", "Vilket språk", message=kind)
        await closed(kim, kind)
        title = await tap(kim, "Svenska", "Skriv rubriken", message=language)
        await say(kim, "Samtal om maten", "kort beskrivning")
        await closed(kim, title)

        # None of the older buttons does anything now, whatever it says.
        e = event.event_id
        assert await press_old(kim, sure, f"o:c:{e}:y") == OLD_SV  # "Yes, cancel"
        assert await press_old(kim, card, f"o:v:{e}:-") == OLD_SV  # "Move"
        assert await press_old(kim, card, f"o:i:{e}:-") == OLD_SV  # "Invite"
        assert await press_old(kim, menu, "o:n:-:-") == OLD_SV  # "New meeting"
        assert await press_old(kim, kind, "o:d:kind:breakfast") == OLD_SV
        assert await press_old(kim, language, "o:q:-:-") == OLD_SV  # "Stop"
        [row] = db_rows(bot.settings.db_path, "SELECT status FROM events")
        assert row["status"] == "scheduled"
        assert db_rows(bot.settings.db_path, "SELECT * FROM outbox") == []
        [draft] = bot.services.dialogues.values()
        assert isinstance(draft, Draft)
        assert draft.answers == {
            "kind": "focus_group",
            "languages": "sv",
            "title_sv": "Samtal om maten",
        }

        # The live step still works.
        await tap(kim, "Hoppa över", "dagordningen")


async def test_an_old_button_is_explained_in_danish_and_the_role_is_checked_first(
    api: SandboxBotApi, settings: Settings
) -> None:
    mette = api.user(first_name="Mette", language_code="da")
    eve = api.user(first_name="Eve", language_code="sv")
    clock = FakeClock()
    async with meeting_bot(api, settings, clock, coordinators=frozenset({mette.id})) as bot:
        [event] = await planning.create(
            Office.of(bot.services), plan(languages=("da",), tz="Europe/Copenhagen")
        )
        menu = await say(mette, "/koordinator", "Nyt møde")
        listing = await tap(mette, "Møder", "Samtale om støtten", message=menu)
        await closed(mette, menu)
        assert await press_old(mette, menu, "o:l:-:-") == OLD_DA
        await tap(mette, "Samtale om støtten", "Aflys mødet", message=listing)

        # Someone who is not a coordinator learns nothing, old button or not.
        mark = eve.mark()
        await eve.send_command("/start")
        any_message = await eve.wait_for_message("Öppna länken i brevet", after=mark)
        for data in ("o:n:-:-", f"o:c:{event.event_id}:y"):
            assert await press_old(eve, any_message, data) == "Jag förstår inte den knappen."
        assert bot.services.dialogues == {}
