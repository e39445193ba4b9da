"""/mydata lists a person's meetings by when they are, not by when they were booked."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from meeting_steps import FakeClock, invite_and_deliver, meeting_bot, plan, reachable_user, tap
from rostbot.config import Settings
from rostbot.meetings import planning
from rostbot.meetings.office import Office
from rostbot.sandbox.botapi import SandboxBotApi

BOOK = "Boka en plats"


async def test_my_data_lists_the_earliest_meeting_first(
    api: SandboxBotApi, settings: Settings
) -> None:
    clock = FakeClock()
    async with meeting_bot(api, settings, clock) as bot:
        office = Office.of(bot.services)
        day = (clock.now + timedelta(days=3)).replace(tzinfo=None, hour=10, minute=0, second=0)
        base = plan(start=day)
        late_details = replace(base.details, title={"sv": "Senare samtal"})
        early_details = replace(base.details, title={"sv": "Tidigare samtal"})
        [late] = await planning.create(
            office, replace(base, start=day + timedelta(days=7), details=late_details)
        )
        anna = await reachable_user(api, bot, name="Anna")
        await invite_and_deliver(bot, late.event_id)
        await tap(anna, BOOK, "Du är bokad")
        [early] = await planning.create(office, replace(base, details=early_details))
        await invite_and_deliver(bot, early.event_id)
        await tap(anna, BOOK, "Du är bokad: ”Tidigare samtal”")

        mark = anna.mark()
        await anna.send_command("/minadata")
        mine = await anna.wait_for_message("Det här sparar jag om dig", after=mark)
        assert mine.content.index("Tidigare samtal") < mine.content.index("Senare samtal")
