"""Groups, supergroups and channels: the bot says once where to write, then leaves.

The real bot runs against the sandbox Bot API. Order is shown with conditions, never with
time: the sandbox can hold the bot's leaveChat (`SandboxGroup.leave_gate`), so a test sees
what the bot does while a group's work is still pending. Group updates wait in the group's
own line (telegram/update_order.py), so a made-up press in the group, once answered, shows
that every group update before it was handled.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden

from conftest import RunningBot
from journey_steps import ops, start_and_consent, table_count, wait_question
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.groups import SandboxGroup
from rostbot.sandbox.people import SandboxUser

PRIVATE_ONLY = {
    "sv": "Jag pratar bara med en person i taget, i en privat chatt.",
    "da": "Jeg taler kun med én person ad gangen, i en privat chat.",
}
LEAVING = {
    "sv": "Jag sparar inget från den här gruppen och lämnar den nu.",
    "da": "Jeg gemmer intet fra denne gruppe og forlader den nu.",
}
PERSON_TABLES = ("respondents", "consents", "runs", "sealed_answers", "declines")


async def _barrier(group: SandboxGroup, person: SandboxUser) -> int:
    """Press in the group (the bot must still be there); wait with `_handled` for its answer.

    The press waits in the group's line behind everything sent there before it; once it is
    answered, all of that was handled.
    """
    answered = len(person.callback_answers)
    assert await group.press_data(person, 1, "barrier") > 0
    return answered


async def _handled(person: SandboxUser, answered: int) -> None:
    await person.wait_for_callback_answer(after=answered)


async def test_a_group_gets_one_message_however_much_is_written_and_the_bot_leaves(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    greta = api.user(first_name="Greta", language_code="sv")
    olle = api.user(first_name="Olle", language_code="sv")
    # An admin bot sees every message, not only commands (privacy mode does not apply).
    group = api.group("Föräldragruppen", "supergroup", bot_is_admin=True)
    group.leave_gate = asyncio.Event()  # the bot stays until every message below is sent
    sends_before = api.method_counts["sendMessage"]
    for n in range(12):
        await group.send_text(greta if n % 2 else olle, f"hej alla {n}")
        await group.send_command(greta, "/start")
    assert [member.first_name for member in group.members] == ["Olle", "Greta"]
    barrier = await _barrier(group, greta)
    group.leave_gate.set()
    await _handled(greta, barrier)
    await group.wait_until_bot_left()

    [told] = group.inbox
    assert PRIVATE_ONLY["sv"] in told.content and LEAVING["sv"] in told.content
    assert f"@{api.bot_username}" in told.content and not told.buttons()
    # One send in all (none tried and refused after leaving), one leave.
    assert api.method_counts["sendMessage"] - sends_before == 1
    assert api.method_counts["leaveChat"] == 1
    # Gone: nothing written there reaches the bot any more.
    assert await group.send_command(greta, "/start") == 0
    assert await group.press_data(greta, told.message_id, "x") == 0
    assert not greta.inbox and not olle.inbox
    for table in PERSON_TABLES:
        assert table_count(bot.settings.db_path, table) == 0, table


async def test_a_group_flood_never_holds_up_the_same_persons_private_chat(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    [code] = await bot.invite("meeting_feedback")
    greta = api.user(first_name="Greta", language_code="sv")
    question = await start_and_consent(greta, code, yes_text="Ja, jag vill vara med", age_yes="Ja")
    group = api.group("Föräldragruppen", "supergroup", bot_is_admin=True)
    group.leave_gate = asyncio.Event()
    flood = [await group.send_text(greta, f"meddelande {n}") for n in range(30)]
    assert all(flood)
    # The bot has told the group and is leaving it; its other 29 messages wait behind that.
    await group.wait_until_leaving()

    answered = len(greta.callback_answers)
    mark = greta.mark()
    first_answer = next(label for op, _, label in ops(question) if op == "c")
    await greta.press(first_answer, message=question)
    await greta.wait_for_callback_answer(after=answered)
    following = await wait_question(greta, mark)
    # Answered while the group's work was still pending: her private chat did not queue.
    assert group.leaves_waiting == 1 and group.bot_is_member
    assert following.message_id != question.message_id

    group.leave_gate.set()
    await group.wait_until_bot_left()
    assert len(group.inbox) == 1
    assert PRIVATE_ONLY["sv"] not in "".join(greta.texts())


async def test_a_bot_added_to_a_group_says_where_to_write_and_leaves(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    mette = api.user(first_name="Mette", language_code="da")
    group = api.group("Forældregruppen", with_bot=False)
    assert await group.add_bot(by=mette) > 0
    told = await group.wait_for_message(PRIVATE_ONLY["da"])
    assert LEAVING["da"] in told.content
    await group.wait_until_bot_left()
    assert len(group.inbox) == 1
    # my_chat_member and the service message both came; the group was told once.
    assert api.method_counts["leaveChat"] == 1


async def test_channel_posts_are_left_without_a_word(api: SandboxBotApi, bot: RunningBot) -> None:
    editor = api.user(first_name="Redaktion")
    channel = api.group("Nyheter", "channel")
    assert await channel.send_text(editor, "Ny vecka, nya tider") > 0
    await channel.wait_until_bot_left()
    added = api.group("Kanal två", "channel", with_bot=False)
    await added.add_bot(by=editor)
    await added.wait_until_bot_left()
    assert channel.inbox == [] and added.inbox == []
    assert await channel.send_text(editor, "Hallå?") == 0


# --------------------------------------------------------------------------- the sandbox


@pytest.fixture
async def raw_bot(api: SandboxBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as bot:
        yield bot


async def test_sandbox_leave_chat_keeps_telegrams_rules(api: SandboxBotApi, raw_bot: Bot) -> None:
    eva = api.user(first_name="Eva")
    for kind in ("group", "supergroup", "channel"):
        chat = api.group(f"En {kind}", kind)
        await raw_bot.send_message(chat.id, "hej")
        assert await raw_bot.leave_chat(chat.id) is True
        assert not chat.bot_is_member
        # The bot hears of its own leaving (my_chat_member, from itself) ...
        [update] = await raw_bot.get_updates(offset=-1)
        change = update.my_chat_member
        assert change is not None and change.chat.id == chat.id
        assert change.new_chat_member.status == "left"
        assert change.from_user.id == api.bot_id
        # ... and of nothing after it; writing there is refused as Telegram refuses it.
        assert await chat.send_text(eva, f"@{api.bot_username} hallå") == 0
        not_member = f"Forbidden: bot is not a member of the {kind} chat"
        with pytest.raises(Forbidden, match=f"^{re.escape(not_member)}$"):
            await raw_bot.send_message(chat.id, "hej igen")
        with pytest.raises(Forbidden, match=re.escape(not_member)):
            await raw_bot.leave_chat(chat.id)
    with pytest.raises(BadRequest, match=r"(?i)private chats"):
        await raw_bot.leave_chat(eva.id)


async def test_sandbox_adding_the_bot_sends_my_chat_member_and_the_service_message(
    api: SandboxBotApi, raw_bot: Bot
) -> None:
    eva, ulf = api.user(first_name="Eva"), api.user(first_name="Ulf")
    group = api.group("Personalgruppen", "supergroup", with_bot=False)
    assert await group.send_text(eva, "/start") == 0  # the bot is not there yet
    with pytest.raises(Forbidden, match="bot is not a member of the supergroup chat"):
        await raw_bot.send_message(group.id, "hej")
    await raw_bot.get_updates(offset=-1)  # nothing from before
    await group.add_bot(by=ulf)
    assert await group.add_member(api.user(first_name="Nils")) > 0
    updates = await raw_bot.get_updates()
    added = updates[-3].my_chat_member
    assert added is not None and added.from_user.id == ulf.id
    assert (added.old_chat_member.status, added.new_chat_member.status) == ("left", "member")
    service = updates[-2].message
    assert service is not None and [u.id for u in service.new_chat_members] == [api.bot_id]
    joined = updates[-1].message
    assert joined is not None and [u.first_name for u in joined.new_chat_members] == ["Nils"]
    assert [m.first_name for m in group.members] == ["Eva", "Ulf", "Nils"]
    await raw_bot.send_message(group.id, "hej")  # a member may write again
