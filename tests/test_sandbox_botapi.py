"""The sandbox Bot API against the real python-telegram-bot over HTTP.

A small PTB Application (echo, /start with buttons, documents both ways) runs against the
sandbox; raw PTB `Bot` calls check the errors Telegram gives; plain HTTP checks the wire format.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.limits import RateLimiter, parse_text
from rostbot.sandbox.people import BotMessage

# --------------------------------------------------------------------------- a small real bot


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_user is not None and update.effective_message is not None
    arg = f" ({context.args[0]})" if context.args else ""
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Ja", callback_data="yes"),
                InlineKeyboardButton("Nej", callback_data="no"),
            ]
        ]
    )
    await update.effective_message.reply_text(
        f"Hej <b>{update.effective_user.first_name}</b>!{arg}",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard,
    )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(f"got {query.data}")
    await query.edit_message_text(f"Du valde {query.data}")


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(f"Du skrev: {update.message.text}")


async def on_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.edited_message is not None
    await update.edited_message.reply_text(f"Ändrat: {update.edited_message.text}")


async def on_doc_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_document(
        b"rad 1\nrad 2\n", filename="rapport.txt", caption="Din rapport"
    )


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.document is not None
    file = await update.message.document.get_file()
    content = await file.download_as_bytearray()
    await update.message.reply_text(
        f"Fick {update.message.document.file_name} ({len(content)} bytes, {bytes(content[:5])!r})"
    )


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    kind = next(
        k
        for k in ("sticker", "photo", "voice", "location", "contact")
        if getattr(update.message, k)
    )
    await update.message.reply_text(f"Fick {kind}")


def build_app(api: SandboxBotApi) -> Application:  # type: ignore[type-arg]
    app = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(CommandHandler("doc", on_doc_command))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.TEXT, on_edit))
    app.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, on_text)
    )
    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    app.add_handler(MessageHandler(filters.ALL & ~filters.COMMAND & ~filters.TEXT, on_other))
    return app


@contextlib.asynccontextmanager
async def polling(app: Application) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=dt.timedelta(seconds=1))
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxBotApi]:
    async with SandboxBotApi() as api:
        yield api


@pytest.fixture
async def ptb_app(sandbox: SandboxBotApi) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    async with polling(build_app(sandbox)) as app:
        await sandbox.wait_until_polling()
        yield app


@pytest.fixture
async def raw_bot(sandbox: SandboxBotApi) -> AsyncIterator[Bot]:
    bot = Bot(sandbox.token, base_url=sandbox.base_url, base_file_url=sandbox.base_file_url)
    async with bot:
        yield bot


# --------------------------------------------------------------------------- conversations


async def test_start_buttons_callback_and_edit_in_place(
    sandbox: SandboxBotApi,
    ptb_app: Application,  # type: ignore[type-arg]
) -> None:
    astrid = sandbox.user(first_name="Astrid", username="astrid", language_code="sv")
    update_id = await astrid.send_command("/start", "abc123")
    assert update_id > 0

    hello = await astrid.wait_for_message("Hej")
    assert hello.text == "Hej Astrid! (abc123)"  # HTML tags become entities, as on Telegram
    assert hello.entities == [{"type": "bold", "offset": 4, "length": 6}]
    assert hello.button_texts() == ["Ja", "Nej"]
    assert hello.button_data("Nej") == "no"
    assert hello.reply_to_message_id is None  # PTB quotes by default in groups only

    await astrid.press("Ja")
    answer = await astrid.wait_for_callback_answer()
    assert answer["text"] == "got yes" and answer["show_alert"] is False

    edited = await astrid.wait_for_message(lambda m: m.edit_count == 1)
    assert edited is hello  # the same object, updated in place
    assert hello.text == "Du valde yes"
    assert hello.buttons() == []  # editing text without reply_markup removes the keyboard
    assert len(astrid.inbox) == 1

    with pytest.raises(AssertionError, match="Ja"):
        await astrid.press("Ja")  # no button left anywhere


async def test_text_echo_and_user_edit(
    sandbox: SandboxBotApi,
    ptb_app: Application,  # type: ignore[type-arg]
) -> None:
    bo = sandbox.user(first_name="Bo", language_code="da")
    mark = bo.mark()
    await bo.send_text("första")
    first = await bo.wait_for_message(after=mark)
    assert first.text == "Du skrev: första"

    await bo.edit_text(bo.last_message_id or 0, "andra")
    changed = await bo.wait_for_message("Ändrat", after=mark)
    assert changed.text == "Ändrat: andra"
    assert bo.texts() == ["Du skrev: första", "Ändrat: andra"]


async def test_documents_both_ways_and_media_updates(
    sandbox: SandboxBotApi,
    ptb_app: Application,  # type: ignore[type-arg]
) -> None:
    cia = sandbox.user(first_name="Cia")
    await cia.send_command("doc")
    sent = await cia.wait_for_message(lambda m: m.document is not None)
    assert sent.document is not None
    assert sent.document["file_name"] == "rapport.txt"
    assert sent.document["mime_type"] == "text/plain"
    assert sent.document["content"] == b"rad 1\nrad 2\n"
    assert sent.caption == sent.document["caption"] == "Din rapport"

    mark = cia.mark()
    await cia.send_document(b"%PDF-1.7 hello", file_name="intyg.pdf")
    got = await cia.wait_for_message(after=mark)
    assert got.text == "Fick intyg.pdf (14 bytes, b'%PDF-')"  # the bot downloaded the file

    mark = cia.mark()
    await cia.send_sticker()
    await cia.send_photo(caption="bild")
    await cia.send_voice()
    await cia.send_location()
    await cia.send_contact()
    replies = await cia.wait_for_messages(5, after=mark)
    assert sorted(m.content for m in replies) == sorted(
        f"Fick {k}" for k in ("sticker", "photo", "voice", "location", "contact")
    )


async def test_commands_per_language_scope(
    sandbox: SandboxBotApi,
    ptb_app: Application,  # type: ignore[type-arg]
) -> None:
    bot = ptb_app.bot
    await bot.set_my_commands([BotCommand("start", "Börja om")], language_code="sv")
    await bot.set_my_commands([BotCommand("start", "Begynd forfra")], language_code="da")
    await bot.set_my_commands(
        [BotCommand("start", "Start"), BotCommand("help", "Help")],
        scope=BotCommandScopeAllPrivateChats(),
    )
    assert sandbox.commands[("default", "sv")] == [{"command": "start", "description": "Börja om"}]
    assert sandbox.commands[("default", "da")][0]["description"] == "Begynd forfra"
    assert [c["command"] for c in sandbox.commands[("all_private_chats", "")]] == ["start", "help"]

    fetched = await bot.get_my_commands(language_code="da")
    assert [(c.command, c.description) for c in fetched] == [("start", "Begynd forfra")]
    assert await bot.get_my_commands(language_code="en") == ()

    # Telegram's resolution: a more specific scope wins over the language of a broader one.
    danish = sandbox.user(language_code="da")
    assert [c["command"] for c in sandbox.menu_commands(danish)] == ["start", "help"]
    await bot.delete_my_commands(scope=BotCommandScopeAllPrivateChats())
    assert sandbox.menu_commands(danish)[0]["description"] == "Begynd forfra"

    for bad in (BotCommand("Start", "x"), BotCommand("a" * 33, "x"), BotCommand("ok", "d" * 257)):
        with pytest.raises(BadRequest):
            await bot.set_my_commands([bad])
    with pytest.raises(BadRequest, match=r"(?i)non-empty"):
        await bot.set_my_commands([BotCommand("ok", " ")])
    assert sandbox.method_counts["setMyCommands"] == 7


async def test_group_privacy_mode(
    sandbox: SandboxBotApi,
    ptb_app: Application,  # type: ignore[type-arg]
) -> None:
    group = sandbox.group("Personalgruppen", "supergroup")
    assert group.id < -1_000_000_000_000
    eva = sandbox.user(first_name="Eva")
    assert await group.send_text(eva, "bara prat") == 0  # privacy mode: not delivered
    assert await group.send_command(eva, "start") > 0
    hello = await group.wait_for_message()
    assert hello.text == "Hej Eva!" and hello.chat_id == group.id
    assert hello.reply_to_message_id == eva.last_message_id
    assert hello.raw["reply_to_message"]["text"] == f"/start@{sandbox.bot_username}"
    await group.press(eva, "Nej")
    assert (await eva.wait_for_callback_answer())["text"] == "got no"
    # Eva wrote in a group only, so the bot still may not open a private chat with her.
    with pytest.raises(Forbidden, match=r"(?i)initiate"):
        await ptb_app.bot.send_message(eva.id, "hej")


async def test_reply_keyboard_press_sends_text(
    sandbox: SandboxBotApi,
    ptb_app: Application,  # type: ignore[type-arg]
) -> None:
    dan = sandbox.user(first_name="Dan")
    await dan.send_text("hej")
    await dan.wait_for_message()
    await ptb_app.bot.send_message(
        dan.id, "Välj", reply_markup=ReplyKeyboardMarkup([["Alternativ A", "Alternativ B"]])
    )
    menu = await dan.wait_for_message("Välj")
    assert menu.keyboard_texts() == ["Alternativ A", "Alternativ B"]
    assert "reply_markup" not in menu.raw  # Telegram keeps only inline keyboards on messages
    mark = dan.mark()
    await dan.press("B")
    assert (await dan.wait_for_message(after=mark)).text == "Du skrev: Alternativ B"


# --------------------------------------------------------------------------- Telegram's errors


async def test_private_chat_access_errors(sandbox: SandboxBotApi, raw_bot: Bot) -> None:
    stranger = sandbox.user(first_name="Främling")
    with pytest.raises(Forbidden, match=r"(?i)bot can't initiate conversation with a user"):
        await raw_bot.send_message(stranger.id, "hej")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await raw_bot.send_message(424242, "hej")

    await stranger.send_text("hej")
    await raw_bot.send_message(stranger.id, "nu går det")
    assert stranger.last().text == "nu går det"

    await stranger.block_bot()
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await raw_bot.send_message(stranger.id, "hallå?")
    updates = await raw_bot.get_updates()
    assert updates[0].message is not None
    assert updates[1].my_chat_member is not None
    assert updates[1].my_chat_member.new_chat_member.status == "kicked"

    await stranger.send_text("förlåt")  # writing again unblocks, as the app's Restart does
    await raw_bot.send_message(stranger.id, "välkommen tillbaka")


async def test_message_validation(sandbox: SandboxBotApi, raw_bot: Bot) -> None:
    user = sandbox.user()
    await user.send_text("hej")

    def keyboard(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("knapp", callback_data=data)]])

    await raw_bot.send_message(user.id, "ok", reply_markup=keyboard("å" * 32))  # 64 bytes
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await raw_bot.send_message(user.id, "x", reply_markup=keyboard("å" * 32 + "a"))
    with pytest.raises(BadRequest, match=r"(?i)Text buttons are unallowed"):
        await raw_bot.send_message(
            user.id, "x", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("bara text")]])
        )
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await raw_bot.send_message(user.id, "  \n ")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await raw_bot.send_message(user.id, "a" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await raw_bot.send_message(user.id, "😀" * 2049)  # 4098 UTF-16 units
    # Markup does not count towards the limit...
    await raw_bot.send_message(user.id, f"<b>{'a' * 4096}</b>", parse_mode=ParseMode.HTML)
    assert user.last().text == "a" * 4096
    # ...and malformed markup is rejected.
    for text, mode in (("<b>oj", "HTML"), ("<x>y</x>", "HTML"), ("1.5", "MarkdownV2")):
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await raw_bot.send_message(user.id, text, parse_mode=mode)
    assert len(user.inbox) == 2  # nothing was stored for the rejected ones


async def test_edit_delete_and_callback_answer_errors(sandbox: SandboxBotApi, raw_bot: Bot) -> None:
    user = sandbox.user()
    await user.send_text("hej")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    sent = await raw_bot.send_message(user.id, "text", reply_markup=markup)

    # Telegram's exact words (python-telegram-bot drops "Bad Request: " and capitalises).
    not_modified = (
        "Message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"
    )
    with pytest.raises(BadRequest, match=f"^{re.escape(not_modified)}$"):
        await raw_bot.edit_message_text("text", user.id, sent.message_id, reply_markup=markup)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await raw_bot.edit_message_text("ny", user.id, 999)
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await raw_bot.edit_message_text("ny", user.id, user.last_message_id)
    edited = await raw_bot.edit_message_reply_markup(user.id, sent.message_id)
    assert not isinstance(edited, bool) and edited.reply_markup is None
    assert user.last().buttons() == [] and user.last().edit_count == 1

    await user.press_data(sent.message_id, "forged")
    (update,) = await raw_bot.get_updates(offset=-1)
    query = update.callback_query
    assert query is not None and query.data == "forged" and query.message is not None
    assert query.message.message_id == sent.message_id
    with pytest.raises(BadRequest, match=r"(?i)MESSAGE_TOO_LONG"):
        await query.answer("x" * 201)
    await query.answer("ok", show_alert=True)
    assert user.callback_answers[-1]["show_alert"] is True
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await query.answer("again")

    assert await raw_bot.delete_message(user.id, sent.message_id)
    assert user.last().deleted
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await raw_bot.delete_message(user.id, sent.message_id)
    await user.press_data(sent.message_id, "late")
    (late,) = await raw_bot.get_updates(offset=update.update_id + 1)
    assert late.callback_query is not None
    assert late.callback_query.message is not None
    assert not late.callback_query.message.is_accessible  # date 0, like Telegram


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_rate_limit_gives_retry_after() -> None:
    async with SandboxBotApi(per_chat_rate=1, global_rate=30) as api:
        bot = Bot(api.token, base_url=api.base_url)
        async with bot:
            first, second = api.user(), api.user()
            await first.send_text("hej")
            await second.send_text("hej")
            await bot.send_message(first.id, "1")
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(first.id, "2")
            retry_after = caught.value.retry_after  # int in PTB 22, timedelta later
            assert retry_after in (1, dt.timedelta(seconds=1))
            await bot.send_message(second.id, "other chats have their own bucket")
            assert api.too_many_requests_sent == 1
            assert first.texts() == ["1"]


def test_rate_limiter_buckets() -> None:
    now = [0.0]
    limiter = RateLimiter(global_rate=2, per_chat_rate=None, clock=lambda: now[0])
    assert limiter.acquire(1) is None and limiter.acquire(2) is None
    assert limiter.acquire(3) == 1  # burst of 2 used up; refused calls cost nothing
    now[0] = 0.5
    assert limiter.acquire(3) is None
    assert limiter.acquire(3) == 1
    slow = RateLimiter(global_rate=None, per_chat_rate=0.1, clock=lambda: now[0])
    assert slow.acquire(1) is None
    assert slow.acquire(1) == 10
    bursty = RateLimiter(global_rate=None, per_chat_rate=1, per_chat_burst=3, clock=lambda: 0.0)
    assert [bursty.acquire(1) for _ in range(4)] == [None, None, None, 1]


# --------------------------------------------------------------------------- getUpdates


async def test_get_updates_offsets_limit_and_long_poll(
    sandbox: SandboxBotApi, raw_bot: Bot
) -> None:
    user = sandbox.user()
    ids = [await user.send_text(f"m{i}") for i in range(4)]
    assert ids == sorted(ids) and len(set(ids)) == 4
    assert [u.update_id for u in await raw_bot.get_updates(limit=2)] == ids[:2]
    assert len(await raw_bot.get_updates()) == 4  # nothing confirmed yet
    assert [u.update_id for u in await raw_bot.get_updates(offset=ids[2])] == ids[2:]
    assert sandbox.pending_update_count() == 2
    assert [u.update_id for u in await raw_bot.get_updates(offset=-1)] == ids[3:]
    assert sandbox.pending_update_count() == 1
    assert await raw_bot.get_updates(offset=ids[3] + 1) == ()

    # A long poll returns as soon as an update arrives...
    poll = asyncio.create_task(raw_bot.get_updates(offset=ids[3] + 1, timeout=5))
    await sandbox.wait_until_long_polling()
    new_id = await user.send_text("vaken?")
    (update,) = await asyncio.wait_for(poll, timeout=30)
    assert update.update_id == new_id and update.message is not None
    assert update.message.text == "vaken?" and update.message.from_user is not None
    assert update.message.from_user.language_code == "sv"
    # ...and with nothing to deliver it answers [] after its timeout.
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await raw_bot.get_updates(offset=new_id + 1, timeout=1) == ()
    # It held the request open (no upper bound: a busy machine is slow, not wrong).
    assert loop.time() - started >= 0.9


async def test_allowed_updates_filter_new_updates(sandbox: SandboxBotApi, raw_bot: Bot) -> None:
    user = sandbox.user()
    await raw_bot.get_updates(allowed_updates=["callback_query"])
    assert await user.send_text("ignored") == 0
    assert await user.press_data(1, "x") > 0
    await raw_bot.get_updates(allowed_updates=[])  # back to the default set
    assert await user.send_text("seen") > 0


async def test_competing_get_updates_gets_409(sandbox: SandboxBotApi, raw_bot: Bot) -> None:
    first = asyncio.create_task(raw_bot.get_updates(timeout=5))
    await sandbox.wait_until_long_polling()
    # A second instance of the bot polls: like Telegram, the newer request wins and the one
    # already waiting is terminated with 409.
    async with Bot(sandbox.token, base_url=sandbox.base_url) as second_instance:
        assert await second_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates request"):
        await asyncio.wait_for(first, timeout=30)


# --------------------------------------------------------------------------- the wire format


async def test_http_encodings_token_and_unknown_method(sandbox: SandboxBotApi) -> None:
    user = sandbox.user()
    await user.send_text("hej")
    base = f"{sandbox.base_url}{sandbox.token}"
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/getMe") as response:
            me = await response.json()
        assert me["ok"] and me["result"]["username"] == sandbox.bot_username
        assert me["result"]["id"] == sandbox.bot_id == 123456

        body = {"chat_id": user.id, "text": "json", "reply_markup": {"remove_keyboard": True}}
        async with http.post(f"{base}/sendMessage", json=body) as response:
            assert (await response.json())["result"]["text"] == "json"
        form = {"chat_id": str(user.id), "text": "form", "disable_notification": "true"}
        async with http.post(f"{base}/SENDMESSAGE", data=form) as response:  # case-insensitive
            assert response.status == 200
        async with http.get(f"{base}/sendMessage", params={"chat_id": user.id, "text": "q"}) as r:
            assert (await r.json())["result"]["chat"]["type"] == "private"
        assert user.texts() == ["json", "form", "q"]

        async with http.get(f"{sandbox.base_url}999:wrong/getMe") as response:
            assert response.status == 401
            assert await response.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }
        async with http.post(f"{base}/fooBar") as response:
            assert response.status == 404
            assert (await response.json())["description"] == "Not Found"
    assert sandbox.method_counts["sendMessage"] == 3 and sandbox.method_counts["fooBar"] == 1

    with pytest.raises(InvalidToken):
        async with Bot("999:wrong", base_url=sandbox.base_url):
            pass


async def test_wait_for_message_times_out_with_inbox(sandbox: SandboxBotApi, raw_bot: Bot) -> None:
    user = sandbox.user()
    await user.send_text("hej")
    await raw_bot.send_message(user.id, "något annat")
    with pytest.raises(TimeoutError, match="något annat"):
        await user.wait_for_message("välkommen", timeout=0.05)
    message: BotMessage = await user.wait_for_message("annat")
    assert message.date > 0 and message.edit_count == 0


def test_parse_modes_strip_markup_and_measure_utf16() -> None:
    text, entities = parse_text("  *fet* och _kursiv_ 😀 [länk](https://a.se)\\!  ", "MarkdownV2")
    assert text == "fet och kursiv 😀 länk!"
    assert [(e["type"], e["offset"], e["length"]) for e in entities] == [
        ("bold", 0, 3),
        ("italic", 8, 6),
        ("text_link", 18, 4),  # after an emoji, offsets count UTF-16 units
    ]
    text, entities = parse_text("a &lt;b&gt; &amp; <i>c</i>", "HTML")
    assert text == "a <b> & c" and entities == [{"type": "italic", "offset": 8, "length": 1}]
    text, entities = parse_text("*fet* _kursiv_", "Markdown")
    assert text == "fet kursiv" and len(entities) == 2
