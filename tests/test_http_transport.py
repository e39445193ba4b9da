"""rostbot's Bot API transport (aiohttp under python-telegram-bot) against the sandbox.

The whole suite runs the bot on this transport; these tests pin what it must do on its
own: forms and multipart uploads as Telegram reads them, Telegram's errors raised as
python-telegram-bot's, and timeouts and dropped connections as TimedOut and NetworkError
with no token in the message.
"""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, TimedOut

from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.faults import FaultPlan, Faults
from rostbot.telegram.http_transport import AiohttpRequest


def _bot(api: SandboxBotApi, **timeouts: float) -> Bot:
    return Bot(api.token, base_url=api.base_url, request=AiohttpRequest(**timeouts))


async def test_messages_buttons_and_files_arrive_as_sent(api: SandboxBotApi) -> None:
    user = api.user(first_name="Lina")
    await user.send_text("hej")
    async with _bot(api) as bot:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ja å", callback_data="y")]])
        sent = await bot.send_message(user.id, "Hej Lina – välkommen 👋", reply_markup=keyboard)
        await bot.send_document(
            user.id, document=b"BEGIN:VCALENDAR\r\n", filename="möte.ics", caption="Kalender"
        )
    message, document = user.inbox[-2:]
    assert message.message_id == sent.message_id
    assert message.text == "Hej Lina – välkommen 👋"
    assert message.button_data("Ja å") == "y"
    assert document.document is not None
    assert document.document["content"] == b"BEGIN:VCALENDAR\r\n"
    assert document.document["file_name"] == "möte.ics"
    assert document.caption == "Kalender"


async def test_telegram_errors_become_python_telegram_bot_errors(api: SandboxBotApi) -> None:
    stranger = api.user()  # never wrote to the bot
    async with _bot(api) as bot:
        with pytest.raises(Forbidden):
            await bot.send_message(stranger.id, "hej")
        await stranger.send_text("hej")
        with pytest.raises(BadRequest):
            await bot.send_message(stranger.id, "x" * 5000)


async def test_a_slow_answer_is_timed_out_and_the_next_call_works(api: SandboxBotApi) -> None:
    user = api.user()
    await user.send_text("hej")
    async with _bot(api, read_timeout=0.2) as bot:
        api.faults = Faults(
            FaultPlan(slow=1.0, delay=1.0, limit=1, methods=frozenset({"sendMessage"}))
        )
        with pytest.raises(TimedOut):
            await bot.send_message(user.id, "slow")
        api.faults = None
        await bot.send_message(user.id, "fast")
    assert user.texts()[-1] == "fast"


async def test_a_dropped_connection_is_a_network_error_without_the_token(
    api: SandboxBotApi,
) -> None:
    user = api.user()
    await user.send_text("hej")
    async with _bot(api) as bot:
        api.faults = Faults(FaultPlan(drop_before=1.0, limit=1))
        with pytest.raises(NetworkError) as caught:
            await bot.send_message(user.id, "lost")
        assert api.token not in str(caught.value)
        assert api.token.split(":")[1] not in repr(caught.value)
        await bot.send_message(user.id, "after the drop")
    assert user.texts()[-1] == "after the drop"


async def test_an_unreachable_bot_api_is_a_network_error() -> None:
    async with SandboxBotApi() as api:
        url, token = api.base_url, api.token
    bot = Bot(token, base_url=url, request=AiohttpRequest(connect_timeout=1.0))
    with pytest.raises(NetworkError) as caught:
        await bot.initialize()
    assert token not in str(caught.value)


async def test_a_request_object_not_initialized_says_so(api: SandboxBotApi) -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(api.base_url + "/getMe", "POST")
