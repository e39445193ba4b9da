"""The one place that sends messages: turns an Answer into Bot API calls."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
)
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ExtBot

from rostbot.journey.services import Answer, Reply

log = logging.getLogger(__name__)
MAX_TEXT = 4096
MAX_CAPTION = 1024


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in reply.buttons]
    )


def _fit(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


async def deliver(
    bot: ExtBot[None], chat_id: int, answer: Answer, query: CallbackQuery | None = None
) -> None:
    """Answer the pressed button (if any), apply edits, and send new messages in order.

    The three go out together: none depends on another, and one round trip instead of
    three is most of what a button press costs the bot (docs/benchmarks.md). A button
    answer that fails only leaves a spinner; a failed edit or message is raised, once the
    others are done, for the error handler.
    """
    results = await asyncio.gather(
        _answer_press(query, answer.toast),
        _apply_edits(bot, query, [r for r in answer.replies if r.edit]),
        _send_in_order(bot, chat_id, [r for r in answer.replies if not r.edit]),
        return_exceptions=True,
    )
    for result in results:
        if isinstance(result, BaseException):
            raise result


async def _answer_press(query: CallbackQuery | None, toast: str | None) -> None:
    if query is None:
        return
    try:
        await query.answer(text=toast[:200] if toast else None)
    except BadRequest:
        log.info("a button press expired before it was answered")
    except TelegramError as exc:
        log.warning("answering a button press failed: %s", type(exc).__name__)


async def _apply_edits(bot: ExtBot[None], query: CallbackQuery | None, edits: list[Reply]) -> None:
    message = query.message if query is not None else None
    if not isinstance(message, Message):
        return
    for reply in edits:
        if not await _sent(_edit(bot, message, reply)):
            return


async def _send_in_order(bot: ExtBot[None], chat_id: int, replies: list[Reply]) -> None:
    for reply in replies:
        if not await _sent(send(bot, chat_id, reply)):
            return


async def _sent(call: Awaitable[object]) -> bool:
    """Await one Bot API call; False when the person has blocked the bot."""
    try:
        await call
    except Forbidden:
        log.info("a person has blocked the bot; nothing more is sent")
        return False
    except TelegramError as exc:
        log.warning("sending failed: %s", type(exc).__name__)
        raise
    return True


async def send(bot: ExtBot[None], chat_id: int, reply: Reply) -> int:
    """Send one new message (a file with a caption when the reply carries one).

    Also used for messages the bot sends on its own (rostbot.telegram.outbox_sender);
    returns Telegram's message id, which the outbox keeps as proof of delivery.
    """
    if reply.document is not None:
        caption = (
            reply.text if len(reply.text) <= MAX_CAPTION else reply.text[: MAX_CAPTION - 1] + "…"
        )
        message = await bot.send_document(
            chat_id,
            document=InputFile(reply.document.content, filename=reply.document.filename),
            caption=caption,
            reply_markup=keyboard(reply),
        )
    else:
        message = await bot.send_message(chat_id, _fit(reply.text), reply_markup=keyboard(reply))
    return int(message.message_id)


async def _edit(bot: ExtBot[None], message: Message, reply: Reply) -> None:
    try:
        await bot.edit_message_text(
            _fit(reply.text),
            chat_id=message.chat_id,
            message_id=message.message_id,
            reply_markup=keyboard(reply),
        )
    except BadRequest as exc:
        # A double tap edits to the same content; an old message may be gone.
        if "not modified" not in str(exc) and "not found" not in str(exc):
            raise
