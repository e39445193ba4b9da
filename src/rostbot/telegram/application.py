"""All wiring in one place: build the python-telegram-bot Application."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeAllPrivateChats, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from rostbot.i18n import N_
from rostbot.journey.services import Services
from rostbot.telegram import handlers, meeting_handlers
from rostbot.telegram.http_transport import bot_api_requests
from rostbot.telegram.open_questions import OpenQuestions
from rostbot.telegram.update_order import PerPersonUpdateProcessor

# What getUpdates asks for: everything a handler below takes, and my_chat_member, so that
# the bot hears when it is added to a group (and leaves it). Named, because Telegram
# otherwise keeps whatever the previous poller with this token asked for.
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CHANNEL_POST,
    Update.EDITED_CHANNEL_POST,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
]

# Commands per language: (name, msgid of the description, handler). The
# language switch has a command in each language, besides /language.
COMMANDS: dict[str, list[tuple[str, str]]] = {
    "sv": [
        ("start", N_("Begin or continue")),
        ("pause", N_("Take a break")),
        ("sprak", N_("Choose language")),
        ("dansk", N_("Switch to Danish")),
        ("minadata", N_("See what is stored about me")),
        ("aterkalla", N_("Withdraw and stop all contact")),
        ("radera", N_("Erase my data")),
        ("rensa", N_("Delete the messages in this chat")),
        ("hjalp", N_("Help")),
    ],
    "da": [
        ("start", N_("Begin or continue")),
        ("pause", N_("Take a break")),
        ("sprog", N_("Choose language")),
        ("svenska", N_("Switch to Swedish")),
        ("minedata", N_("See what is stored about me")),
        ("traektilbage", N_("Withdraw and stop all contact")),
        ("slet", N_("Erase my data")),
        ("ryd", N_("Delete the messages in this chat")),
        ("hjaelp", N_("Help")),
    ],
}
ALIASES: dict[str, list[str]] = {
    "language": ["language", "sprak", "sprog"],
    "swedish": ["svenska", "svensk"],
    "danish": ["dansk"],
    "pause": ["pause", "paus"],
    "help": ["help", "hjalp", "hjaelp"],
    "mydata": ["mydata", "minadata", "minedata"],
    "withdraw": ["withdraw", "aterkalla", "traektilbage"],
    "erase": ["erase", "radera", "slet"],
    "clear": ["clear", "rensa", "ryd"],
}


async def register_commands(app: Application) -> None:  # type: ignore[type-arg]
    """Publish the command menu per language (setMyCommands)."""
    services: Services = app.bot_data["services"]
    scope = BotCommandScopeAllPrivateChats()
    for lang, commands in COMMANDS.items():
        menu = [BotCommand(name, services.t(lang, text)) for name, text in commands]
        await app.bot.set_my_commands(menu, scope=scope, language_code=lang)
        if lang == "sv":
            await app.bot.set_my_commands(menu, scope=scope)


def with_transport_and_order(builder: ApplicationBuilder) -> ApplicationBuilder:  # type: ignore[type-arg]
    """rostbot's Bot API transport (aiohttp) and update order (concurrent, per person in order).

    Also used by bench/echo_bot.py, so that its "same footing" baseline stays the same.
    """
    calls, polling = bot_api_requests()
    return (
        builder.request(calls)
        .get_updates_request(polling)
        .concurrent_updates(PerPersonUpdateProcessor())
    )


def build_application(
    services: Services, *, token: str, base_url: str, base_file_url: str
) -> Application:  # type: ignore[type-arg]
    """The bot, with every handler wired and the services at hand."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry the token
    app = (
        with_transport_and_order(ApplicationBuilder())
        .token(token)
        .base_url(base_url)
        .base_file_url(base_file_url)
        .rate_limiter(AIORateLimiter(overall_max_rate=services.settings.send_rate, max_retries=5))
        .build()
    )
    app.bot_data["services"] = services
    # Which flow question and which coordinator message have live buttons, per chat.
    app.bot_data["questions"] = OpenQuestions()
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS | filters.ChatType.CHANNEL
    message = filters.UpdateType.MESSAGE
    app.add_handlers(
        [
            # Groups and channels: told once (not channels), then left; see on_group.
            MessageHandler(groups, handlers.on_group),
            ChatMemberHandler(handlers.on_group, ChatMemberHandler.MY_CHAT_MEMBER),
            CommandHandler(
                "start",
                meeting_handlers.on_start_with_coordinator_code,
                filters=private & message & filters.Regex(r"^/start(@\w+)? coord-"),
            ),
            CommandHandler("start", handlers.on_start, filters=private & message),
            CommandHandler(
                meeting_handlers.COORDINATOR_COMMANDS,
                meeting_handlers.on_coordinator,
                filters=private & message,
            ),
            CommandHandler(ALIASES["language"], handlers.on_language, filters=private & message),
            CommandHandler(ALIASES["swedish"], handlers.on_swedish, filters=private & message),
            CommandHandler(ALIASES["danish"], handlers.on_danish, filters=private & message),
            CommandHandler(ALIASES["pause"], handlers.on_pause, filters=private & message),
            CommandHandler(ALIASES["help"], handlers.on_help, filters=private & message),
            CommandHandler(ALIASES["mydata"], handlers.on_my_data, filters=private & message),
            CommandHandler(ALIASES["withdraw"], handlers.on_withdraw, filters=private & message),
            CommandHandler(ALIASES["erase"], handlers.on_erase, filters=private & message),
            CommandHandler(ALIASES["clear"], handlers.on_clear, filters=private & message),
            CallbackQueryHandler(
                meeting_handlers.on_meeting_press, pattern=meeting_handlers.MEETING_BUTTONS
            ),
            CallbackQueryHandler(handlers.on_press),
            MessageHandler(private & message & filters.COMMAND, handlers.on_unknown_command),
            MessageHandler(
                private & message & filters.TEXT & meeting_handlers.InMeetingDialogue(services),
                meeting_handlers.on_dialogue_text,
            ),
            MessageHandler(private & message & filters.TEXT, handlers.on_text),
            MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, handlers.on_edited),
            MessageHandler(private & message, handlers.on_unsupported),
        ]
    )
    app.add_error_handler(handlers.on_error)
    return app
