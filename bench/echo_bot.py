"""A bare python-telegram-bot echo bot: the framework's ceiling for bench/load.py.

It makes the same Bot API calls per update as rostbot does on its most common step (a button
press: answer the press, edit the pressed message, send the next message with buttons), and
one sendMessage per text message, but holds no state, no database, no keys and no texts.
It polls with the same settings as `rostbot run` and stops on SIGTERM.

By default it is python-telegram-bot as shipped (its httpx transport, one update at a time).
ECHO_TRANSPORT=rostbot gives it rostbot's aiohttp transport and per-person concurrent
updates instead, so that bench/load.py can also show what rostbot's own work costs on the
same footing.

    ROSTBOT_TOKEN=... ROSTBOT_BOT_API_URL=http://127.0.0.1:PORT/bot python bench/echo_bot.py
"""

from __future__ import annotations

import asyncio
import os
import signal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

Context = ContextTypes.DEFAULT_TYPE


def _keyboard(n: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("Echo", callback_data=f"echo:{n}")]])


START_MESSAGES = int(os.environ.get("ECHO_START_MESSAGES", "1"))


async def on_message(update: Update, context: Context) -> None:
    """Send the text back, with one button to press (/start: in ECHO_START_MESSAGES parts)."""
    assert update.message is not None
    text = update.message.text or "?"
    if text.startswith("/start"):
        for part in range(1, START_MESSAGES):
            await update.message.reply_text(f"{text} ({part})")
    await update.message.reply_text(text, reply_markup=_keyboard(0))


async def on_press(update: Update, context: Context) -> None:
    """Answer the press, edit the pressed message, send a new message with a button."""
    query = update.callback_query
    assert query is not None and query.message is not None
    await query.answer()
    n = int((query.data or "echo:0").split(":")[1]) + 1
    await query.edit_message_text(f"Pressed {n}")
    await context.bot.send_message(query.message.chat.id, f"Echo {n}", reply_markup=_keyboard(n))


def build(token: str, base_url: str) -> Application:  # type: ignore[type-arg]
    builder = ApplicationBuilder().token(token).base_url(base_url)
    if os.environ.get("ECHO_TRANSPORT") == "rostbot":
        from rostbot.telegram.application import with_transport_and_order

        builder = with_transport_and_order(builder)
    app = builder.build()
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.TEXT, on_message))
    app.add_handler(CallbackQueryHandler(on_press))
    return app


async def main() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    app = build(os.environ["ROSTBOT_TOKEN"], os.environ["ROSTBOT_BOT_API_URL"])
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=10)
        await stop.wait()
        await app.updater.stop()
        await app.stop()


if __name__ == "__main__":
    asyncio.run(main())
