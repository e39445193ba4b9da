"""Handlers for meetings: coordinator commands and buttons, participants' buttons, and
typed answers inside a meeting dialogue. Each turns an Update into one call."""

from __future__ import annotations

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.ext import filters

from rostbot.journey import callback_data as cb
from rostbot.journey import conversation
from rostbot.journey.services import Answer, Person, Services
from rostbot.meetings import coordinator_chat, participant_chat
from rostbot.results import chat as results_chat
from rostbot.telegram import handlers
from rostbot.telegram.handlers import Context, _respond
from rostbot.telegram.open_questions import COORDINATOR, OpenQuestions

COORDINATOR_COMMANDS = ["coordinator", "samordnare", "koordinator"]
MEETING_BUTTONS = r"^[ov]:"


async def on_coordinator(update: Update, context: Context) -> None:
    """Open the coordinator menu, or redeem a code given after the command."""
    arg = context.args[0] if context.args else None
    await _respond(update, context, lambda s, p: coordinator_chat.on_command(s, p, arg))


async def on_start_with_coordinator_code(update: Update, context: Context) -> None:
    """/start coord-...: a coordinator's one-time code from `rostbot coordinators add`."""
    code = context.args[0] if context.args else ""
    await _respond(update, context, lambda s, p: coordinator_chat.on_start_code(s, p, code))


async def on_meeting_press(update: Update, context: Context) -> None:
    """A coordinator's or a participant's button (private chats only)."""
    query = update.callback_query
    assert query is not None
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        await handlers.on_press(update, context)  # made up: the bot puts no buttons in groups
        return
    data = query.data
    press = cb.parse(data)
    if press is None:
        await _respond(update, context, lambda s, p: conversation.on_press(s, p, data))
    elif press.kind == "o":
        live = _is_live_coordinator_message(context, chat.id, query)
        await _respond(
            update, context, lambda s, p: coordinator_chat.on_press(s, p, press.parts, live)
        )
    else:
        await _respond(update, context, lambda s, p: participant_chat.on_press(s, p, press.parts))


def _is_live_coordinator_message(context: Context, chat_id: int, query: CallbackQuery) -> bool:
    """Whether the press is on the coordinator's newest message with buttons (or none is
    known, as after a restart): buttons of older ones are old, whatever they say."""
    questions: OpenQuestions = context.bot_data["questions"]
    live = questions.live(chat_id, COORDINATOR)
    return live is None or (query.message is not None and query.message.message_id == live)


async def on_dialogue_text(update: Update, context: Context) -> None:
    """A typed answer inside a meeting dialogue (a draft, a new time, an alias, needs)."""
    assert update.message is not None
    text = update.message.text or ""

    async def answer(s: Services, p: Person) -> Answer:
        for handler in (coordinator_chat.on_text, results_chat.on_text, participant_chat.on_text):
            given = await handler(s, p, text)
            if given is not None:
                return given
        return await conversation.on_text(s, p, text)

    await _respond(update, context, answer)


class InMeetingDialogue(filters.MessageFilter):
    """Messages from someone who is in the middle of a meeting dialogue."""

    def __init__(self, services: Services) -> None:
        super().__init__(name="InMeetingDialogue")
        self.services = services

    def filter(self, message: Message) -> bool:
        user = message.from_user
        if user is None or not self.services.dialogues:
            return False
        return self.services.secret.pseudonym("telegram-user", user.id) in self.services.dialogues
