"""The sandbox Bot API server: a local stand-in for api.telegram.org that a real
python-telegram-bot `Application` talks to over HTTP on 127.0.0.1.

Owns the HTTP surface (`/bot<token>/<method>`, `/file/bot<token>/<path>`), parameter decoding
(JSON, form, multipart, query string), the update queue behind getUpdates (offsets, long polling,
allowed_updates, 409 on a competing poll), rate limiting, and bot-wide state (commands, menu
button, files, callback queries). Chat state lives in `people` (groups and channels in `groups`);
validation rules in `limits`; a webhook and its deliveries, which take the same queue, in
`webhooks`.

    async with SandboxBotApi() as api:
        app = (ApplicationBuilder().token(api.token).base_url(api.base_url)
               .base_file_url(api.base_file_url).build())
        ...
        user = api.user(first_name="Astrid")
        await user.send_command("/start")
        reply = await user.wait_for_message()
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import copy
import itertools
import json
import logging
import mimetypes
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from rostbot.sandbox.faults import Faults
from rostbot.sandbox.groups import SandboxGroup, group_chat_id
from rostbot.sandbox.limits import (
    CHAT_ACTIONS,
    COMMAND_SCOPES,
    MAX_CALLBACK_ANSWER_LENGTH,
    MAX_UPDATES_LIMIT,
    MAX_UPLOAD_BYTES,
    ApiError,
    JSONDict,
    RateLimiter,
    bad_request,
    check_caption,
    check_commands,
    check_language_code,
    check_message_text,
    check_reply_markup,
    inline_keyboard,
    parse_text,
)
from rostbot.sandbox.people import BotMessage, SandboxChat, SandboxUser
from rostbot.sandbox.webhooks import WEBHOOK_CONFLICT, SandboxWebhooks

log = logging.getLogger(__name__)

# Update types delivered when allowed_updates is empty or was never set (per the Bot API docs).
ALL_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
DEFAULT_UPDATE_TYPES = ALL_UPDATE_TYPES - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}
RAW_UPDATE = ""  # queued by push_raw_update: the payload is the update's fields as they are

CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
DELETE_WITHIN = 48 * 3600  # a bot may delete a message in a private chat for 48 hours
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"

MessageListener = Callable[[str, BotMessage], None]
Handler = Callable[["_Params"], Awaitable[Any]]

_FILE_FOLDERS = {
    "photo": "photos",
    "document": "documents",
    "voice": "voice",
    "sticker": "stickers",
}


@dataclass
class _Upload:
    file_name: str
    mime_type: str
    content: bytes


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str | None
    mime_type: str | None
    content: bytes

    def json(self) -> JSONDict:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
        }


@dataclass
class _CallbackQuery:
    presser: SandboxUser
    answered: bool = False


class _Params:
    """A request's parameters, typed the way Telegram coerces them.

    PTB sends form fields where strings are raw and everything else is JSON-encoded, so ints,
    bools and nested objects may arrive as strings; JSON bodies carry them natively.
    """

    def __init__(self, values: dict[str, Any], uploads: dict[str, _Upload]) -> None:
        self._values = values
        self._uploads = uploads

    def raw(self, name: str) -> Any:
        value = self._values.get(name)
        return None if value == "" else value

    def get_str(self, name: str) -> str | None:
        value = self._values.get(name)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise bad_request(f'field "{name}" must be of type String')

    def get_int(self, name: str) -> int | None:
        value = self.raw(name)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            number = float(value) if isinstance(value, float | str) else None
        except ValueError:
            number = None
        if number is None or not number.is_integer():
            raise bad_request(f'field "{name}" must be of type Integer')
        return int(number)

    def get_float(self, name: str) -> float | None:
        value = self.raw(name)
        if value is None:
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be of type Number') from None

    def get_bool(self, name: str) -> bool:
        value = self.raw(name)
        if value is None or isinstance(value, bool):
            return bool(value)
        if isinstance(value, str) and value.lower() in ("true", "1", "false", "0"):
            return value.lower() in ("true", "1")
        if isinstance(value, int):
            return value != 0
        raise bad_request(f'field "{name}" must be of type Boolean')

    def get_json(self, name: str) -> Any:
        value = self.raw(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def upload(self, name: str) -> _Upload | None:
        return self._uploads.get(name)


async def _read_params(request: web.Request) -> _Params:
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, _Upload] = {}
    if request.method == "POST" and request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            if not isinstance(body, dict):
                raise bad_request("JSON object expected")
            values.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for name, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    file_name = value.filename or name
                    mime = value.content_type
                    if not mime or mime == "application/octet-stream":
                        mime = mimetypes.guess_type(file_name)[0] or "application/octet-stream"
                    uploads[name] = _Upload(file_name, mime, value.file.read())
                else:
                    values[name] = value
    return _Params(values, uploads)


class SandboxBotApi:
    """A fake Telegram Bot API server plus the people who talk to the bot through it."""

    def __init__(
        self,
        *,
        token: str = "123456:sandbox-token",
        bot_username: str = "rostbot_sandbox_bot",
        bot_first_name: str = "Rostbot",
        global_rate: float | None = None,
        per_chat_rate: float | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        privacy_mode: bool = True,
        global_burst: float | None = None,
        per_chat_burst: float | None = None,
        faults: Faults | None = None,
    ) -> None:
        bot_id, sep, secret = token.partition(":")
        if not (bot_id.isdigit() and sep and secret):
            raise ValueError("token must look like '<bot id>:<secret>'")
        self.token = token
        self.bot_id = int(bot_id)
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.privacy_mode = privacy_mode  # BotFather's group privacy setting (on by default)
        self.host = host
        self.port = port
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.default_menu_button: JSONDict = {"type": "commands"}
        self.bot_profile: dict[tuple[str, str], str] = {}  # (name|description|..., lang) -> text
        self.method_counts: collections.Counter[str] = collections.Counter()
        self.too_many_requests_sent = 0
        self.faults = faults  # seeded 500s, 429s, slow answers, drops (sandbox/faults.py)
        self.app = web.Application(client_max_size=MAX_UPLOAD_BYTES + (1 << 20))
        self.app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        self.app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)

        self._limiter = RateLimiter(
            global_rate, per_chat_rate, global_burst=global_burst, per_chat_burst=per_chat_burst
        )
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.clock_offset = 0  # seconds added to the real time; tests move it forward
        self._chats: dict[int, SandboxChat] = {}
        self._user_ids = itertools.count(7_000_000_001)  # > 2**32, as real ids now are
        self._group_numbers = itertools.count(1)
        self._updates: collections.deque[tuple[int, str, JSONDict]] = collections.deque()
        self._sent_updates: dict[int, tuple[str, JSONDict]] = {}  # for redeliver()
        self._update_ids = itertools.count(100_000_001)
        self._allowed_updates = DEFAULT_UPDATE_TYPES
        self._allowed_updates_asked: list[str] | None = None  # as last given, for getWebhookInfo
        self.webhooks = SandboxWebhooks(self)  # while one is set, updates are POSTed to it
        self._poll_waiter: asyncio.Future[str] | None = None
        self._polls = asyncio.Condition()  # notified when getUpdates is called, waits or delivers
        self._poll_count = 0
        self._delivered_up_to = 0
        self._query_ids = itertools.count(4_611_686_018_427_387_904)
        self._callback_queries: dict[str, _CallbackQuery] = {}
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._listeners: list[MessageListener] = []
        self._handlers: dict[str, tuple[str, Handler]] = {
            name[5:].lower(): (name[5:], getattr(self, name))
            for name in dir(type(self))
            if name.startswith("_api_")
        }

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        # handler_cancellation: a long poll whose client went away must stop waiting, or it
        # would hold the "current getUpdates" slot and delay shutdown.
        self._runner = web.AppRunner(
            self.app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        log.info("sandbox Bot API listening on %s", self.url)

    async def stop(self) -> None:
        self._closing = True
        self._wake_poll("closing")
        await self.webhooks.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    def add_route(self, method: str, path: str, handler: Callable[..., Any]) -> None:
        """Mount an extra route (e.g. a web chat page); only before `start()`."""
        if self._runner is not None:
            raise RuntimeError("add routes before start()")
        self.app.router.add_route(method, path, handler)

    def add_listener(self, listener: MessageListener) -> None:
        """Call `listener(event, message)` on "sent" / "edited" / "deleted" bot messages."""
        self._listeners.append(listener)

    # ------------------------------------------------------------------ people

    def user(
        self,
        *,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "sv",
        user_id: int | None = None,
    ) -> SandboxUser:
        """A new Telegram user with a private chat; the bot may write only after they do."""
        uid = next(self._user_ids) if user_id is None else user_id
        if uid in self._chats:
            raise ValueError(f"user id {uid} is taken")
        user = SandboxUser(
            self,
            uid,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self._chats[uid] = user
        return user

    def group(
        self,
        title: str = "Group",
        kind: str = "group",
        *,
        bot_is_admin: bool | None = None,
        with_bot: bool = True,
    ) -> SandboxGroup:
        """A chat the bot is a member of (without: `add_bot` adds it). A bot is always an
        admin in channels it posts to."""
        chat_id = group_chat_id(kind, next(self._group_numbers))
        admin = kind == "channel" if bot_is_admin is None else bot_is_admin
        group = SandboxGroup(
            self, chat_id, title=title, kind=kind, bot_is_admin=admin, with_bot=with_bot
        )
        self._chats[chat_id] = group
        return group

    def get_chat(self, chat_id: int) -> SandboxChat:
        return self._chats[chat_id]

    def menu_commands(self, user: SandboxUser) -> list[JSONDict]:
        """Commands a user sees in their private chat, resolved like Telegram's clients do."""
        lang = (user.language_code or "")[:2]
        for scope in (f"chat:{user.id}", "all_private_chats", "default"):
            for language in (lang, ""):
                if (scope, language) in self.commands:
                    return self.commands[(scope, language)]
        return []

    # ------------------------------------------------------------------ the update queue

    def now(self) -> int:
        return int(time.time()) + self.clock_offset

    def bot_user_json(self) -> JSONDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def push_update(self, kind: str, payload: JSONDict) -> int:
        """Queue an update for getUpdates; 0 if allowed_updates filters it out.

        Telegram applies allowed_updates when an update is created, not when it is fetched.
        """
        if kind not in self._allowed_updates:
            return 0
        update_id = next(self._update_ids)
        self._updates.append((update_id, kind, payload))
        self._sent_updates[update_id] = (kind, payload)
        self._wake_poll("update")
        return update_id

    def push_raw_update(self, fields: JSONDict) -> int:
        """Queue an update whose fields (all but update_id) are given as they are, whatever
        allowed_updates says: for tests, an update from a newer Bot API or a malformed one."""
        update_id = next(self._update_ids)
        self._updates.append((update_id, RAW_UPDATE, fields))
        self._sent_updates[update_id] = (RAW_UPDATE, fields)
        self._wake_poll("update")
        return update_id

    def pending_update_count(self) -> int:
        """Updates not yet confirmed by a getUpdates offset."""
        return len(self._updates)

    async def wait_until_polling(self, timeout: float = 10) -> None:
        """Until the bot has called getUpdates at least once."""
        await self._wait_polls(lambda: self._poll_count > 0, timeout, "the bot never polled")

    @property
    def long_polling(self) -> bool:
        """Whether a getUpdates call is waiting for updates right now."""
        return self._poll_waiter is not None and not self._poll_waiter.done()

    async def wait_until_long_polling(self, timeout: float = 10) -> None:
        """Until a getUpdates call is waiting for updates (e.g. before racing a second one)."""
        await self._wait_polls(lambda: self.long_polling, timeout, "no getUpdates is waiting")

    async def wait_until_delivered(self, update_id: int, timeout: float = 10) -> None:
        """Until getUpdates has handed `update_id` to the bot."""
        await self._wait_polls(
            lambda: self._delivered_up_to >= update_id,
            timeout,
            f"update {update_id} was not fetched",
        )

    async def _wait_polls(self, ready: Callable[[], bool], timeout: float, what: str) -> None:
        try:
            async with asyncio.timeout(timeout), self._polls:
                await self._polls.wait_for(ready)
        except TimeoutError:
            raise TimeoutError(f"{what} within {timeout}s") from None

    def _wake_poll(self, reason: str) -> None:
        self.webhooks.wake()
        if self._poll_waiter is not None and not self._poll_waiter.done():
            self._poll_waiter.set_result(reason)

    def new_callback_query(self, presser: SandboxUser) -> str:
        query_id = str(next(self._query_ids))
        self._callback_queries[query_id] = _CallbackQuery(presser)
        return query_id

    def store_file(
        self, kind: str, content: bytes, *, file_name: str | None, mime_type: str | None
    ) -> JSONDict:
        """Keep a file so getFile and the file URL can serve it; returns its File fields."""
        return self._store(kind, content, file_name, mime_type).json()

    def _store(
        self, kind: str, content: bytes, file_name: str | None, mime_type: str | None
    ) -> _StoredFile:
        number = len(self._files) + 1
        ext = ""
        if file_name and "." in file_name:
            ext = file_name[file_name.rfind(".") :]
        elif mime_type:
            ext = mimetypes.guess_extension(mime_type) or ""
        stored = _StoredFile(
            file_id=f"sandbox-{kind}-{number:06d}",
            file_unique_id=f"u{number:06d}",
            file_path=f"{_FILE_FOLDERS.get(kind, 'files')}/file_{number}{ext}",
            file_name=file_name,
            mime_type=mime_type,
            content=content,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    # ------------------------------------------------------------------ HTTP

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error_response(ApiError(401, "Unauthorized"))
        name = request.match_info["method"]
        entry = self._handlers.get(name.lower())  # Bot API method names are case-insensitive
        if entry is None:
            self.method_counts[name] += 1
            log.warning("sandbox Bot API: method %s is not implemented (answering 404)", name)
            return _error_response(ApiError(404, "Not Found"))
        canonical, handler = entry
        self.method_counts[canonical] += 1
        try:
            params = await _read_params(request)
            if self.faults is None:
                result = await handler(params)
            else:
                result = await self.faults.around(canonical, request, lambda: handler(params))
        except ApiError as error:
            if error.status == 429:
                self.too_many_requests_sent += 1
            log.debug("sandbox Bot API: %s -> %s", canonical, error.description)
            return _error_response(error)
        except Exception as error:
            # A sandbox bug: answer like Telegram's rare 500s, with the cause for the developer.
            log.exception("sandbox Bot API: %s failed", canonical)
            return _error_response(ApiError(500, f"Internal Server Error: {error!r}"))
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        stored = self._files_by_path.get(request.match_info["path"])
        if request.match_info["token"] != self.token or stored is None:
            return _error_response(ApiError(404, "Not Found"))
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )

    # ------------------------------------------------------------------ helpers for methods

    def _chat(self, value: Any) -> SandboxChat:
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        try:
            chat_id = int(value)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None  # @usernames of users don't resolve
        chat = self._chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _writable_chat(self, p: _Params) -> SandboxChat:
        """The chat named by chat_id, if the bot may write there (Telegram's 400/403s)."""
        chat = self._chat(p.raw("chat_id"))
        if isinstance(chat, SandboxUser):
            if chat.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if not chat.has_started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        elif isinstance(chat, SandboxGroup):
            chat.check_bot_may_write()
        return chat

    def _throttle(self, chat_id: int) -> None:
        retry_after = self._limiter.acquire(chat_id)
        if retry_after is not None:
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )

    def _markup(self, p: _Params, *, inline_only: bool = False) -> JSONDict | None:
        markup = p.get_json("reply_markup")
        if markup is None:
            return None
        checked = check_reply_markup(markup)
        if inline_only and "inline_keyboard" not in checked:
            raise bad_request("inline keyboard expected")
        return checked

    def _entities(self, p: _Params, name: str) -> list[JSONDict] | None:
        entities = p.get_json(name)
        if entities is None:
            return None
        if not isinstance(entities, list) or not all(
            isinstance(e, dict) and {"type", "offset", "length"} <= e.keys() for e in entities
        ):
            raise bad_request(f"can't parse {name} JSON object")
        return entities

    def _text(self, p: _Params, name: str, entities_name: str) -> tuple[str, list[JSONDict]]:
        return parse_text(
            p.get_str(name) or "", p.get_str("parse_mode"), self._entities(p, entities_name)
        )

    def _reply_to(self, chat: SandboxChat, p: _Params) -> int | None:
        params = p.get_json("reply_parameters")
        if isinstance(params, dict):
            message_id = params.get("message_id")
            allow = bool(params.get("allow_sending_without_reply"))
            if params.get("chat_id") not in (None, chat.chat_id):
                return None  # replies to other chats are shown as quotes; nothing to link
        else:
            message_id = p.get_int("reply_to_message_id")
            allow = p.get_bool("allow_sending_without_reply")
        if message_id is None:
            return None
        if chat.message_json(int(message_id)) is None:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        return int(message_id)

    def _message_json(self, chat: SandboxChat, message: BotMessage) -> JSONDict:
        raw: JSONDict = {"message_id": message.message_id}
        if chat.kind == "channel":
            raw["sender_chat"] = chat.chat_json()
        else:
            raw["from"] = self.bot_user_json()
        raw["chat"] = chat.chat_json()
        raw["date"] = message.date
        if message.edit_date is not None:
            raw["edit_date"] = message.edit_date
        if message.reply_to_message_id is not None:
            replied = chat.message_json(message.reply_to_message_id)
            if replied is not None:
                raw["reply_to_message"] = {
                    k: v for k, v in replied.items() if k != "reply_to_message"
                }
        if message.text is not None:
            raw["text"] = message.text
            if message.entities:
                raw["entities"] = message.entities
        for kind, media in (("document", message.document), ("photo", message.photo)):
            if media is not None:
                raw[kind] = media["sizes"] if kind == "photo" else _file_fields(media)
        if message.caption:
            raw["caption"] = message.caption
            if message.entities:
                raw["caption_entities"] = message.entities
        markup = inline_keyboard(message.reply_markup)
        if markup is not None:
            raw["reply_markup"] = markup
        return raw

    def _emit(self, event: str, message: BotMessage) -> None:
        for listener in self._listeners:
            try:
                listener(event, message)
            except Exception:  # a broken viewer must not fail the bot's request
                log.exception("sandbox Bot API: message listener failed")

    async def _record(self, chat: SandboxChat, message: BotMessage) -> JSONDict:
        markup = message.reply_markup or {}
        if "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup.get("remove_keyboard"):
            chat.reply_keyboard = None
        message.raw = self._message_json(chat, message)
        await chat.record_bot_message(message)
        self._emit("sent", message)
        return message.raw

    async def _edited(self, chat: SandboxChat, message: BotMessage) -> JSONDict:
        message.edit_count += 1
        message.edit_date = self.now()
        message.raw = self._message_json(chat, message)
        await chat.notify()
        self._emit("edited", message)
        return message.raw

    def _editable(self, p: _Params) -> tuple[SandboxChat, BotMessage]:
        if p.raw("chat_id") is None and p.raw("inline_message_id") is not None:
            raise bad_request("MESSAGE_ID_INVALID")  # no inline mode in the sandbox
        chat = self._writable_chat(p)
        message_id = p.get_int("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = chat.bot_message(message_id)
        if message is None:
            if chat.is_user_message(message_id):
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        return chat, message

    # ------------------------------------------------------------------ Bot API methods
    # One `_api_<Name>` coroutine per method; `<Name>` is also the key of method_counts.

    async def _api_getMe(self, p: _Params) -> JSONDict:
        return {
            **self.bot_user_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _api_logOut(self, p: _Params) -> bool:
        return True

    async def _api_close(self, p: _Params) -> bool:
        return True

    async def _api_setWebhook(self, p: _Params) -> bool:
        url = p.get_str("url")
        if url is None:
            raise bad_request('parameter "url" is required')
        self._set_allowed_updates(p)
        if p.get_bool("drop_pending_updates"):
            self._updates.clear()
        await self.webhooks.set(
            url,
            secret_token=p.get_str("secret_token"),
            max_connections=p.get_int("max_connections"),
            ip_address=p.get_str("ip_address"),
        )
        return True

    async def _api_deleteWebhook(self, p: _Params) -> bool:
        if p.get_bool("drop_pending_updates"):
            self._updates.clear()
        await self.webhooks.delete()
        return True

    async def _api_getWebhookInfo(self, p: _Params) -> JSONDict:
        return self.webhooks.info(self.pending_update_count(), self._allowed_updates_asked)

    def _set_allowed_updates(self, p: _Params) -> None:
        allowed = p.get_json("allowed_updates")
        if allowed is not None:
            if not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed):
                raise bad_request("can't parse allowed_updates JSON object")
            self._allowed_updates = (
                frozenset(allowed) & ALL_UPDATE_TYPES if allowed else DEFAULT_UPDATE_TYPES
            )
            self._allowed_updates_asked = allowed or None

    # Deliveries to a webhook (sandbox/webhooks.py) take updates from the same queue.

    def first_pending_update(self) -> tuple[int, JSONDict] | None:
        if not self._updates:
            return None
        update_id, kind, payload = self._updates[0]
        return update_id, _update_json(update_id, kind, payload)

    async def confirm_update(self, update_id: int) -> None:
        if self._updates and self._updates[0][0] == update_id:
            self._updates.popleft()
        async with self._polls:
            self._delivered_up_to = max(self._delivered_up_to, update_id)
            self._polls.notify_all()

    async def _api_getUpdates(self, p: _Params) -> list[JSONDict]:
        if self.webhooks.active:
            raise ApiError(409, WEBHOOK_CONFLICT)
        # A newer getUpdates ends the one still waiting, which then gets 409 (as on Telegram).
        self._wake_poll("conflict")
        async with self._polls:
            self._poll_count += 1
            self._polls.notify_all()
        offset = p.get_int("offset") or 0
        limit = min(max(p.get_int("limit") or MAX_UPDATES_LIMIT, 1), MAX_UPDATES_LIMIT)
        timeout = max(p.get_float("timeout") or 0.0, 0.0)
        self._set_allowed_updates(p)
        if offset > 0:  # confirms every update before `offset`
            while self._updates and self._updates[0][0] < offset:
                self._updates.popleft()
        elif offset < 0:  # keep only the last -offset updates
            while len(self._updates) > -offset:
                self._updates.popleft()
        if not self._updates and timeout > 0 and not self._closing:
            waiter: asyncio.Future[str] = asyncio.get_running_loop().create_future()
            self._poll_waiter = waiter
            async with self._polls:
                self._polls.notify_all()
            try:
                async with asyncio.timeout(timeout):
                    reason = await waiter
            except TimeoutError:
                reason = "timeout"
            finally:
                if self._poll_waiter is waiter:
                    self._poll_waiter = None
            if reason == "conflict":
                raise ApiError(409, CONFLICT)
        batch = list(itertools.islice(self._updates, limit))
        if batch:
            async with self._polls:
                self._delivered_up_to = max(self._delivered_up_to, batch[-1][0])
                self._polls.notify_all()
        return [_update_json(update_id, kind, payload) for update_id, kind, payload in batch]

    async def _api_sendMessage(self, p: _Params) -> JSONDict:
        chat = self._writable_chat(p)
        text, entities = self._text(p, "text", "entities")
        check_message_text(text)
        markup = self._markup(p)
        reply_to = self._reply_to(chat, p)
        self._throttle(chat.chat_id)
        message = BotMessage(
            message_id=chat.allocate_message_id(),
            chat_id=chat.chat_id,
            text=text,
            entities=entities,
            reply_markup=markup,
            date=self.now(),
            parse_mode=p.get_str("parse_mode"),
            reply_to_message_id=reply_to,
        )
        return await self._record(chat, message)

    async def _send_media(self, p: _Params, kind: str) -> JSONDict:
        chat = self._writable_chat(p)
        media = self._media_file(p, kind)
        caption, entities = self._text(p, "caption", "caption_entities")
        check_caption(caption)
        markup = self._markup(p)
        reply_to = self._reply_to(chat, p)
        self._throttle(chat.chat_id)
        media["caption"] = caption or None
        message = BotMessage(
            message_id=chat.allocate_message_id(),
            chat_id=chat.chat_id,
            caption=caption or None,
            entities=entities,
            reply_markup=markup,
            date=self.now(),
            parse_mode=p.get_str("parse_mode"),
            reply_to_message_id=reply_to,
        )
        if kind == "photo":
            message.photo = media
        else:
            message.document = media
        return await self._record(chat, message)

    def _media_file(self, p: _Params, kind: str) -> JSONDict:
        """The file of a send<Media> call: an upload, an attach:// part or a known file_id."""
        value = p.raw(kind)
        part = kind
        if isinstance(value, str) and value.startswith("attach://"):
            part = value[len("attach://") :]
        upload = p.upload(part)
        if upload is not None:
            stored = self._store(kind, upload.content, upload.file_name, upload.mime_type)
        elif isinstance(value, str) and value in self._files:
            stored = self._files[value]
        elif isinstance(value, str) and value.startswith(("http://", "https://")):
            # The sandbox cannot fetch URLs; keep the address as the file name.
            file_name = value.rsplit("/", 1)[-1] or kind
            stored = self._store(kind, b"", file_name, None)
        elif value is None:
            raise bad_request(f"there is no {kind} in the request")
        else:
            raise bad_request("wrong file identifier/HTTP URL specified")
        media: JSONDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": stored.file_name,
            "mime_type": stored.mime_type,
            "content": stored.content,
        }
        if kind == "photo":
            media["sizes"] = [{**stored.json(), "width": 1280, "height": 960}]
        return media

    async def _api_sendDocument(self, p: _Params) -> JSONDict:
        return await self._send_media(p, "document")

    async def _api_sendPhoto(self, p: _Params) -> JSONDict:
        return await self._send_media(p, "photo")

    async def _api_sendChatAction(self, p: _Params) -> bool:
        chat = self._writable_chat(p)
        action = p.get_str("action")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat.chat_actions.append(action)
        return True

    async def _api_editMessageText(self, p: _Params) -> JSONDict:
        chat, message = self._editable(p)
        if message.text is None:
            raise bad_request("there is no text in the message to edit")
        text, entities = self._text(p, "text", "entities")
        check_message_text(text)
        markup = self._markup(p, inline_only=True)  # omitting it removes the keyboard
        if (text, entities, markup) == (
            message.text,
            message.entities,
            inline_keyboard(message.reply_markup),
        ):
            raise bad_request(NOT_MODIFIED)
        self._throttle(chat.chat_id)
        message.text, message.entities, message.reply_markup = text, entities, markup
        message.parse_mode = p.get_str("parse_mode")
        return await self._edited(chat, message)

    async def _api_editMessageCaption(self, p: _Params) -> JSONDict:
        chat, message = self._editable(p)
        if message.text is not None:
            raise bad_request("there is no caption in the message to edit")
        caption, entities = self._text(p, "caption", "caption_entities")
        check_caption(caption)
        markup = self._markup(p, inline_only=True)
        if (caption or None, entities, markup) == (
            message.caption,
            message.entities,
            inline_keyboard(message.reply_markup),
        ):
            raise bad_request(NOT_MODIFIED)
        self._throttle(chat.chat_id)
        message.caption, message.entities, message.reply_markup = caption or None, entities, markup
        for media in (message.document, message.photo):
            if media is not None:
                media["caption"] = message.caption
        return await self._edited(chat, message)

    async def _api_editMessageReplyMarkup(self, p: _Params) -> JSONDict:
        chat, message = self._editable(p)
        markup = self._markup(p, inline_only=True)
        if markup == inline_keyboard(message.reply_markup):
            raise bad_request(NOT_MODIFIED)
        self._throttle(chat.chat_id)
        message.reply_markup = markup
        return await self._edited(chat, message)

    async def _delete(self, chat: SandboxChat, message_id: int) -> bool:
        if (
            isinstance(chat, SandboxGroup)
            and chat.is_user_message(message_id)
            and not chat.bot_is_admin
        ):
            raise bad_request("message can't be deleted")
        shown = chat.message_json(message_id)
        if shown is not None and self.now() - int(shown.get("date", 0)) > DELETE_WITHIN:
            raise bad_request("message can't be deleted")
        message = chat.bot_message(message_id)
        deleted = await chat.delete_message(message_id)
        if message is not None:
            self._emit("deleted", message)
        return deleted

    async def _api_deleteMessage(self, p: _Params) -> bool:
        chat = self._writable_chat(p)
        message_id = p.get_int("message_id")
        if message_id is None or not await self._delete(chat, message_id):
            raise bad_request("message to delete not found")
        return True

    async def _api_deleteMessages(self, p: _Params) -> bool:
        chat = self._writable_chat(p)
        ids = p.get_json("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must be an Array of 1-100 Integers")
        for message_id in ids:  # messages that can't be found or deleted are skipped
            with contextlib.suppress(ApiError):
                await self._delete(chat, int(message_id))
        return True

    async def _api_answerCallbackQuery(self, p: _Params) -> bool:
        query_id = p.get_str("callback_query_id") or ""
        query = self._callback_queries.get(query_id)
        if query is None or query.answered:
            raise bad_request(QUERY_TOO_OLD)
        text = p.get_str("text")
        if text is not None and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answered = True
        await query.presser.record_callback_answer(
            {
                "callback_query_id": query_id,
                "text": text,
                "show_alert": p.get_bool("show_alert"),
                "url": p.get_str("url"),
                "cache_time": p.get_int("cache_time") or 0,
            }
        )
        return True

    async def _api_leaveChat(self, p: _Params) -> bool:
        chat = self._chat(p.raw("chat_id"))
        if not isinstance(chat, SandboxGroup):
            raise bad_request("chat member status can't be changed in private chats")
        await chat.bot_leaves()
        return True

    def _scope_key(self, p: _Params) -> str:
        scope = p.get_json("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in COMMAND_SCOPES:
            raise bad_request("can't parse BotCommandScope JSON object")
        kind = str(scope["type"])
        if kind not in ("chat", "chat_administrators", "chat_member"):
            return kind
        chat = self._chat(scope.get("chat_id"))
        if kind != "chat_member":
            return f"{kind}:{chat.chat_id}"
        user_id = scope.get("user_id")
        if not isinstance(user_id, int) or not isinstance(self._chats.get(user_id), SandboxUser):
            raise bad_request("user not found")
        return f"chat_member:{chat.chat_id}:{user_id}"

    def _commands_key(self, p: _Params) -> tuple[str, str]:
        return self._scope_key(p), check_language_code(p.get_str("language_code"))

    async def _api_setMyCommands(self, p: _Params) -> bool:
        commands = check_commands(p.get_json("commands"))
        key = self._commands_key(p)
        if commands:
            self.commands[key] = commands
        else:
            self.commands.pop(key, None)
        return True

    async def _api_getMyCommands(self, p: _Params) -> list[JSONDict]:
        return copy.deepcopy(self.commands.get(self._commands_key(p), []))

    async def _api_deleteMyCommands(self, p: _Params) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True

    async def _api_setChatMenuButton(self, p: _Params) -> bool:
        button = p.get_json("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise bad_request("can't parse menu button JSON object")
        if p.raw("chat_id") is None:
            self.default_menu_button = (
                {"type": "commands"} if button["type"] == "default" else button
            )
        else:
            chat = self._chat(p.raw("chat_id"))
            chat.menu_button = None if button["type"] == "default" else button
        return True

    async def _api_getChatMenuButton(self, p: _Params) -> JSONDict:
        if p.raw("chat_id") is not None:
            button = self._chat(p.raw("chat_id")).menu_button
            if button is not None:
                return button
        return self.default_menu_button

    async def _api_getChat(self, p: _Params) -> JSONDict:
        chat = self._chat(p.raw("chat_id"))
        return {
            **chat.chat_json(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def _api_getFile(self, p: _Params) -> JSONDict:
        stored = self._files.get(p.get_str("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        return {**stored.json(), "file_path": stored.file_path}

    async def _profile_set(self, p: _Params, field: str, limit: int) -> bool:
        value = p.get_str(field) or ""
        if len(value) > limit:
            raise bad_request(f"{field} is too long")
        key = (field, check_language_code(p.get_str("language_code")))
        if value:
            self.bot_profile[key] = value
        else:
            self.bot_profile.pop(key, None)
        return True

    def _profile_get(self, p: _Params, field: str, default: str = "") -> JSONDict:
        lang = check_language_code(p.get_str("language_code"))
        value = self.bot_profile.get((field, lang), self.bot_profile.get((field, ""), default))
        return {field: value}

    async def _api_setMyName(self, p: _Params) -> bool:
        return await self._profile_set(p, "name", 64)

    async def _api_getMyName(self, p: _Params) -> JSONDict:
        return self._profile_get(p, "name", self.bot_first_name)

    async def _api_setMyDescription(self, p: _Params) -> bool:
        return await self._profile_set(p, "description", 512)

    async def _api_getMyDescription(self, p: _Params) -> JSONDict:
        return self._profile_get(p, "description")

    async def _api_setMyShortDescription(self, p: _Params) -> bool:
        return await self._profile_set(p, "short_description", 120)

    async def _api_getMyShortDescription(self, p: _Params) -> JSONDict:
        return self._profile_get(p, "short_description")

    # ------------------------------------------------------------------ re-delivery

    async def redeliver(self, update_id: int, timeout: float = 10) -> None:
        """Hand the bot an update it already fetched again, with the same update_id.

        Telegram does this when a bot stops before confirming an update (its next getUpdates
        offset). The update is queued while a getUpdates call is waiting, after that call has
        dropped confirmed updates, so the bot gets it even though its offset is past it.
        """
        if update_id not in self._sent_updates:
            raise KeyError(f"no update {update_id} was ever queued")
        kind, payload = self._sent_updates[update_id]
        await self.wait_until_long_polling(timeout)
        self._updates.append((update_id, kind, copy.deepcopy(payload)))
        self._wake_poll("update")


def _update_json(update_id: int, kind: str, payload: JSONDict) -> JSONDict:
    if kind == RAW_UPDATE:
        return {"update_id": update_id, **payload}
    return {"update_id": update_id, kind: payload}


def _file_fields(media: JSONDict) -> JSONDict:
    fields: JSONDict = {
        "file_id": media["file_id"],
        "file_unique_id": media["file_unique_id"],
        "file_size": len(media["content"]),
    }
    if media.get("file_name"):
        fields["file_name"] = media["file_name"]
    if media.get("mime_type"):
        fields["mime_type"] = media["mime_type"]
    return fields


def _error_response(error: ApiError) -> web.Response:
    return web.json_response(error.payload(), status=error.status)
