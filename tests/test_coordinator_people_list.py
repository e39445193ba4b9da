"""The coordinator's list of who is coming counts 1, 2, 3 down the list as it stands, even
after someone earlier in the booking order has cancelled."""

from __future__ import annotations

from datetime import timedelta

from meeting_steps import FakeClock, invite_and_deliver, meeting_bot, plan, reachable_user, tap
from rostbot.config import Settings
from rostbot.meetings import planning
from rostbot.meetings.office import Office
from rostbot.sandbox.botapi import SandboxBotApi

BOOK = "Boka en plats"


async def test_the_only_person_left_booked_is_number_one(
    api: SandboxBotApi, settings: Settings
) -> None:
    kim = api.user(first_name="Kim", language_code="sv")
    clock = FakeClock()
    async with meeting_bot(api, settings, clock, coordinators=frozenset({kim.id})) as bot:
        start = (clock.now + timedelta(days=3)).replace(tzinfo=None, hour=10, minute=0, second=0)
        [event] = await planning.create(Office.of(bot.services), plan(capacity=2, start=start))
        anna = await reachable_user(api, bot, name="Anna")
        bert = await reachable_user(api, bot, name="Bert")
        await invite_and_deliver(bot, event.event_id)
        more = await tap(anna, BOOK, "Om du vill kan du också")
        await tap(bert, BOOK, "Om du vill kan du också")
        sure = await tap(anna, "Avboka", "Vill du lämna din plats", message=more)
        await tap(anna, "Ja, avboka", "avbokad", message=sure)

        mark = kim.mark()
        await kim.send_command("/samordnare")
        menu = await kim.wait_for_message(lambda m: "Möten" in m.button_texts(), after=mark)
        listing = await tap(kim, "Möten", "Samtal om stödet", message=menu)
        card = await tap(kim, "Samtal om stödet", "Vilka kommer", message=listing)
        people = await tap(kim, "Vilka kommer", "Bokade: 1 av 2.", message=card)
        assert people.content.splitlines()[1:] == ["1. (inget namn)"]
