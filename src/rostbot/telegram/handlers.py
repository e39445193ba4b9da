"""Handlers: one job each, turning an Update into a journey call and its Answer into replies."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from rostbot.journey import afterwards, chat_log, conversation
from rostbot.journey import callback_data as cb
from rostbot.journey.services import Answer, Person, Services
from rostbot.store.database import StoreError
from rostbot.telegram.delivery import deliver

DELETE_BATCH = 100  # deleteMessages takes at most 100 ids
CLEAR_CHAT = cb.make("x")  # the button that offers to clear the chat

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE


def services_of(context: Context) -> Services:
    services = context.bot_data["services"]
    assert isinstance(services, Services)
    return services


def person_of(update: Update) -> Person:
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    return Person(user.id, chat.id, user.language_code, update.update_id)


async def _respond(
    update: Update, context: Context, make: Callable[[Services, Person], Awaitable[Answer]]
) -> None:
    services = services_of(context)
    person = person_of(update)
    try:
        answer = await make(services, person)
    except StoreError as exc:
        log.error("store error while handling an update: %s", exc)
        lang = services.guess_language(person, services.pseudonym(person))
        answer = Answer(lang=lang)
        answer.add(
            services.t(
                lang,
                "Sorry, I could not save that just now. "
                "Nothing you saved before is lost. Please try again in a minute.",
            )
        )
        if update.callback_query is not None:
            answer.toast = services.t(lang, "Not saved. Please try again.")
    sent = await deliver(
        context.bot, person.chat_id, answer, update.callback_query, context.bot_data["questions"]
    )
    _remember(services, person, update, sent)


def _remember(services: Services, person: Person, update: Update, sent: list[int]) -> None:
    """Note the message numbers of this exchange, so that /clear can delete them later.

    In memory; written behind, every few seconds, for everyone at once (chat_log).
    """
    incoming = [update.message.message_id] if update.message is not None else []
    chat_log.remember(services, services.pseudonym(person), incoming + sent)


async def on_clear(update: Update, context: Context) -> None:
    """Delete the bot's and the person's messages in this chat (within Telegram's 48 hours)."""
    services = services_of(context)
    person = person_of(update)
    pseudonym = services.pseudonym(person)
    query = update.callback_query
    if query is not None:
        await deliver(context.bot, person.chat_id, Answer(), query)
    ids = await chat_log.take_all(services, pseudonym)
    if update.message is not None:
        ids.append(update.message.message_id)
    for start in range(0, len(ids), DELETE_BATCH):
        batch = ids[start : start + DELETE_BATCH]
        try:
            await context.bot.delete_messages(person.chat_id, batch)
        except TelegramError as exc:
            log.info("deleting messages in a batch failed (%s); one by one", type(exc).__name__)
            for message_id in batch:
                # gone already, or too old: the confirmation says so
                with contextlib.suppress(BadRequest):
                    await context.bot.delete_message(person.chat_id, message_id)
    context.bot_data["questions"].forget(person.chat_id)
    # Sent, and on purpose not noted: clearing keeps no list, not even of this message.
    answer = await afterwards.after_clearing(services, person)
    await deliver(context.bot, person.chat_id, answer)


async def on_start(update: Update, context: Context) -> None:
    """Open an invitation, continue a run, or say what the bot is."""
    code = context.args[0] if context.args else None
    await _respond(update, context, lambda s, p: conversation.on_start(s, p, code))


async def on_text(update: Update, context: Context) -> None:
    """Take a typed answer."""
    assert update.message is not None
    text = update.message.text or ""
    await _respond(update, context, lambda s, p: conversation.on_text(s, p, text))


async def on_press(update: Update, context: Context) -> None:
    """Take a button press (in a private chat; flows never run in groups)."""
    query = update.callback_query
    assert query is not None
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        # The bot puts no buttons in groups: this press is made up. Answer it, act on nothing.
        lang = _group_language(update, context)
        told = conversation.group_answer(services_of(context), lang, context.bot.username)
        toast = Answer(lang=lang, toast=told.replies[0].text)
        await deliver(context.bot, chat.id if chat else 0, toast, query)
        await on_group(update, context)
        return
    data = query.data
    if data == CLEAR_CHAT:
        await on_clear(update, context)
        return
    await _respond(update, context, lambda s, p: conversation.on_press(s, p, data))


async def on_language(update: Update, context: Context) -> None:
    """Offer Swedish or Danish."""
    await _respond(update, context, lambda s, p: conversation.on_language(s, p, None))


async def on_swedish(update: Update, context: Context) -> None:
    """Switch to Swedish."""
    await _respond(update, context, lambda s, p: conversation.on_language(s, p, "sv"))


async def on_danish(update: Update, context: Context) -> None:
    """Switch to Danish."""
    await _respond(update, context, lambda s, p: conversation.on_language(s, p, "da"))


async def on_pause(update: Update, context: Context) -> None:
    """Pause the open flow."""
    await _respond(update, context, conversation.on_pause)


async def on_help(update: Update, context: Context) -> None:
    """List what the bot can do."""
    await _respond(update, context, conversation.on_help)


async def on_my_data(update: Update, context: Context) -> None:
    """Show what is stored about the person."""
    await _respond(update, context, conversation.on_my_data)


async def on_withdraw(update: Update, context: Context) -> None:
    """Ask to confirm withdrawing."""
    await _respond(update, context, conversation.on_withdraw)


async def on_erase(update: Update, context: Context) -> None:
    """Ask to confirm erasing."""
    await _respond(update, context, conversation.on_erase)


async def on_unknown_command(update: Update, context: Context) -> None:
    """Say the command is unknown and show where the person is."""
    await _respond(update, context, conversation.on_unknown_command)


async def on_unsupported(update: Update, context: Context) -> None:
    """Stickers, photos, voice, files, locations: say what works."""
    await _respond(update, context, conversation.on_unsupported)


async def on_edited(update: Update, context: Context) -> None:
    """Explain that edits do not change saved answers."""
    await _respond(update, context, conversation.on_edited)


def _group_language(update: Update, context: Context) -> str:
    user = update.effective_user
    code = user.language_code if user else None
    return services_of(context).guess_language(Person(0, 0, code, update.update_id), "")


async def on_group(update: Update, context: Context) -> None:
    """In a group or supergroup: say once that flows run only in a private chat, and leave.

    Channels are left without a word (a post there would reach every subscriber). Nothing of
    the chat is stored; the chats already left are kept in memory only, for the updates that
    were fetched before leaving (after it, Telegram sends none).
    """
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    change = update.my_chat_member
    if change is not None and change.new_chat_member.status in (
        ChatMemberStatus.LEFT,
        ChatMemberStatus.BANNED,
    ):
        return  # the bot left (or was removed): nothing to do there
    left: set[int] = context.bot_data.setdefault("groups_left", set())
    if chat.id in left:
        return
    left.add(chat.id)
    if chat.type != ChatType.CHANNEL:
        services = services_of(context)
        answer = conversation.group_answer(
            services, _group_language(update, context), context.bot.username
        )
        try:
            await deliver(context.bot, chat.id, answer)
        except TelegramError as exc:  # no right to write there: leaving is what matters
            log.info("telling a group to write privately failed: %s", type(exc).__name__)
    try:
        await context.bot.leave_chat(chat.id)
    except TelegramError as exc:
        log.info("leaving a group failed: %s", type(exc).__name__)


async def on_error(update: object, context: Context) -> None:
    """Log without personal data, and tell the person something went wrong."""
    log.error(
        "error while handling an update: %s", type(context.error).__name__, exc_info=context.error
    )
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != "private":
        return
    services = services_of(context)
    person = person_of(update)
    try:
        # With a Continue button when a flow is open: a reply lost after an answer was
        # saved must not leave the person pressing an old button that is already done.
        answer = await conversation.on_failure(services, person)
    except Exception:  # the store may be what failed
        lang = services.guess_language(person, services.pseudonym(person))
        answer = Answer(lang=lang)
        answer.add(services.t(lang, "Sorry, something went wrong on my side. Please try again."))
    try:
        await deliver(context.bot, person.chat_id, answer)
    except Exception:  # the error path must never raise
        log.warning("could not tell the person about an error")
