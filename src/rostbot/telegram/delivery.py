"""The one place that sends messages: turns an Answer into Bot API calls."""

from __future__ import annotations

import logging

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
from rostbot.telegram.open_questions import COORDINATOR, FLOW, OpenQuestions

log = logging.getLogger(__name__)
MAX_TEXT = 4096
MAX_CAPTION = 1024


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in reply.buttons]
    )


def not_modified(exc: BadRequest) -> bool:
    """Telegram's 400 for an edit to exactly what the message already shows: not an error.

    Its text is "Bad Request: message is not modified: specified new message content and
    reply markup are exactly the same as a current content and reply markup of the message".
    """
    return "message is not modified" in exc.message.lower()


def _fit(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


async def deliver(
    bot: ExtBot[None],
    chat_id: int,
    answer: Answer,
    query: CallbackQuery | None = None,
    questions: OpenQuestions | None = None,
) -> list[int]:
    """Answer the pressed button (if any), apply edits, then send new messages in order.

    With `questions`, a new flow question takes the buttons off the question sent before
    it in this chat, and a coordinator's new message with buttons those of the coordinator
    message before it (unless the press just edited that message, which took them already).
    Returns the message ids of the new messages sent.
    """
    if query is not None:
        try:
            await query.answer(text=answer.toast[:200] if answer.toast else None)
        except BadRequest:
            log.info("a button press expired before it was answered")
        except TelegramError as exc:
            # Only a spinner is left on the button: the next question matters more.
            log.warning("answering a button press failed: %s", type(exc).__name__)
    pressed = query.message if query is not None else None
    # The pressed message, when this answer edits it: its buttons go with the edit.
    edited_id = (
        pressed.message_id if pressed is not None and any(r.edit for r in answer.replies) else None
    )
    sent: list[int] = []
    for reply in answer.replies:
        try:
            if reply.edit:
                if isinstance(pressed, Message):
                    await _edit(bot, pressed, reply)
                continue
            message_id = await send(bot, chat_id, reply)
        except Forbidden:
            log.info("a person has blocked the bot; nothing more is sent")
            return sent
        except TelegramError as exc:
            log.warning("sending failed: %s", type(exc).__name__)
            raise
        sent.append(message_id)
        lane = _lane(answer, reply)
        if lane is not None and questions is not None:
            before = questions.swap(chat_id, message_id, lane)
            if before is not None and before != edited_id:
                await _close(bot, chat_id, before)
    return sent


def _lane(answer: Answer, reply: Reply) -> str | None:
    """Which live message a new one replaces: a flow question, a coordinator's, or none."""
    if reply.question:
        return FLOW
    if answer.coordinator and reply.buttons:
        return COORDINATOR
    return None


async def _close(bot: ExtBot[None], chat_id: int, message_id: int) -> None:
    """Take the buttons off an older message; a failure leaves them (stale, handled)."""
    try:
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)
    except BadRequest as exc:  # gone, or without buttons already
        if not not_modified(exc):
            log.debug("an older question could not be closed: %s", type(exc).__name__)
    except TelegramError as exc:
        log.info("taking the buttons off an older question failed: %s", type(exc).__name__)


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
        if not_modified(exc):
            log.debug("an edit left a message as it was")
        elif "not found" not in exc.message.lower():
            raise
