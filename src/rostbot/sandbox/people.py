"""Sandbox people and chats: the Python side of the sandbox Bot API.

Owns everything about a chat that is not HTTP: `SandboxUser` (a Telegram user and their private
chat with the bot), `SandboxChat` (what every chat has; groups and channels are in `groups`)
and `BotMessage` (one message the bot sent, updated in place when the bot edits or deletes it).
Users produce updates shaped like Telegram's; tests read what the bot sent from `inbox` and
wait on it with `wait_for_message`, which sleeps on an asyncio.Condition rather than polling.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import dataclasses
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from rostbot.sandbox.limits import JSONDict, detect_entities

# A tiny valid PNG (1x1 px), used when a test sends a photo without caring what it shows.
_PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
_OGG_STUB = b"OggS\x00\x02" + bytes(20)
_PDF_STUB = b"%PDF-1.4\n% rostbot sandbox\n%%EOF\n"


# How long a person waits for the bot unless told otherwise. Generous on purpose: a wait
# ends as soon as the message is there, and a machine busy with other work can be slow.
WAIT_SECONDS = 60.0


class Hub(Protocol):
    """What people need from the Bot API server (implemented by `SandboxBotApi`)."""

    bot_username: str
    bot_id: int
    privacy_mode: bool

    def bot_user_json(self) -> JSONDict: ...

    def now(self) -> int:
        """Unix time as the server sees it (tests may move it forward)."""
        ...

    def push_update(self, kind: str, payload: JSONDict) -> int: ...

    def new_callback_query(self, presser: SandboxUser) -> str: ...

    def store_file(
        self, kind: str, content: bytes, *, file_name: str | None, mime_type: str | None
    ) -> JSONDict: ...


@dataclass(eq=False)
class BotMessage:
    """One message the bot sent. Edits update this same object (and bump `edit_count`)."""

    message_id: int
    chat_id: int
    text: str | None = None  # plain text as Telegram stores it (parse_mode markup removed)
    reply_markup: JSONDict | None = None  # as the bot sent it (inline or reply keyboard...)
    document: JSONDict | None = None  # file_name, mime_type, content (bytes), caption, file_id
    edit_count: int = 0
    date: int = 0
    entities: list[JSONDict] = field(default_factory=list)
    caption: str | None = None
    photo: JSONDict | None = None  # same keys as `document`
    parse_mode: str | None = None
    edit_date: int | None = None
    deleted: bool = False
    reply_to_message_id: int | None = None
    raw: JSONDict = field(default_factory=dict, repr=False)  # the Message JSON Telegram returns

    @property
    def content(self) -> str:
        """Text, or caption for media messages ("" if neither)."""
        return self.text if self.text is not None else (self.caption or "")

    def buttons(self) -> list[list[JSONDict]]:
        if self.reply_markup is None:
            return []
        rows: list[list[JSONDict]] = self.reply_markup.get("inline_keyboard", [])
        return rows

    def button_texts(self) -> list[str]:
        return [str(button["text"]) for row in self.buttons() for button in row]

    def find_button(self, text: str) -> JSONDict | None:
        """The inline button whose text equals `text`, else the first that contains it."""
        flat = [button for row in self.buttons() for button in row]
        for button in flat:
            if button["text"] == text:
                return button
        for button in flat:
            if text in button["text"]:
                return button
        return None

    def button_data(self, text: str) -> str:
        button = self.find_button(text)
        if button is None or "callback_data" not in button:
            raise AssertionError(
                f"no callback button {text!r} on message {self.message_id}; "
                f"buttons: {self.button_texts()}"
            )
        return str(button["callback_data"])

    def keyboard_texts(self) -> list[str]:
        """Texts of a reply keyboard (not inline) sent with this message."""
        if self.reply_markup is None:
            return []
        return [_key_text(key) for row in self.reply_markup.get("keyboard", []) for key in row]

    def saved(self) -> JSONDict:
        """This message as JSON (file contents in base64), for `from_saved`."""
        fields = dataclasses.asdict(self)
        for kind in ("document", "photo"):
            if fields[kind] is not None:
                fields[kind] = _media_saved(fields[kind])
        return fields

    @classmethod
    def from_saved(cls, saved: JSONDict) -> BotMessage:
        fields = {f.name: saved[f.name] for f in dataclasses.fields(cls) if f.name in saved}
        for kind in ("document", "photo"):
            if fields.get(kind) is not None:
                fields[kind] = _media_loaded(fields[kind])
        return cls(**fields)


def _media_saved(media: dict[str, Any]) -> JSONDict:
    saved = dict(media)
    saved["content"] = base64.b64encode(media.get("content") or b"").decode("ascii")
    return saved


def _media_loaded(saved: dict[str, Any]) -> JSONDict:
    media = dict(saved)
    media["content"] = base64.b64decode(saved.get("content") or "")
    return media


def _key_text(key: object) -> str:
    return str(key["text"]) if isinstance(key, dict) else str(key)


MessagePredicate = Callable[[BotMessage], bool] | str | None


def _matcher(predicate: MessagePredicate) -> Callable[[BotMessage], bool]:
    if predicate is None:
        return lambda message: True
    if isinstance(predicate, str):
        needle = predicate
        return lambda message: needle in message.content
    return predicate


class SandboxChat:
    """State of one chat: all its messages, the bot's messages in order, and waiters."""

    kind: str

    def __init__(self, hub: Hub, chat_id: int) -> None:
        self._hub = hub
        self.chat_id = chat_id
        self.inbox: list[BotMessage] = []  # deleted messages stay, with .deleted set
        self.chat_actions: list[str] = []  # sendChatAction calls, in order
        self.reply_keyboard: JSONDict | None = None  # current reply keyboard shown to users
        self.menu_button: JSONDict | None = None
        self._messages: dict[int, JSONDict] = {}  # message JSON of users' messages
        self._bot_messages: dict[int, BotMessage] = {}
        self._next_message_id = 1
        self._changed = asyncio.Condition()
        # Telegram gives each (user, chat) an opaque chat_instance; one per chat is enough here.
        self.chat_instance = str((chat_id * 2654435761) % (1 << 63) - (1 << 62))

    # ---------------------------------------------------------------- used by the Bot API server

    def chat_json(self) -> JSONDict:
        raise NotImplementedError

    def allocate_message_id(self) -> int:
        # Message ids are per chat and shared by everyone writing in it, as in private chats
        # and basic groups on Telegram.
        message_id = self._next_message_id
        self._next_message_id += 1
        return message_id

    def message_json(self, message_id: int) -> JSONDict | None:
        """Current JSON of any message in this chat (None if unknown or deleted)."""
        bot_message = self._bot_messages.get(message_id)
        if bot_message is not None:
            return None if bot_message.deleted else bot_message.raw
        return self._messages.get(message_id)

    def bot_message(self, message_id: int) -> BotMessage | None:
        message = self._bot_messages.get(message_id)
        return None if message is None or message.deleted else message

    def is_user_message(self, message_id: int) -> bool:
        return message_id in self._messages

    async def record_bot_message(self, message: BotMessage) -> None:
        self._bot_messages[message.message_id] = message
        self.inbox.append(message)
        await self.notify()

    async def delete_message(self, message_id: int) -> bool:
        message = self.bot_message(message_id)
        if message is not None:
            message.deleted = True
        elif self._messages.pop(message_id, None) is None:
            return False
        await self.notify()
        return True

    async def notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def saved(self) -> JSONDict:
        """What this chat holds, as JSON, so that a new server can take it over (`restore`)."""
        return {
            "next_message_id": self._next_message_id,
            "messages": list(self._messages.values()),
            "bot_messages": [message.saved() for message in self.inbox],
            "reply_keyboard": self.reply_keyboard,
            "menu_button": self.menu_button,
        }

    def restore(self, saved: JSONDict) -> None:
        """Take over a chat saved by `saved`: its messages and its next message id, so the
        bot can still edit, delete and get presses on the messages it sent before."""
        self._next_message_id = max(self._next_message_id, int(saved["next_message_id"]))
        for message in saved.get("messages", []):
            self._messages[int(message["message_id"])] = message
        for fields in saved.get("bot_messages", []):
            message = BotMessage.from_saved(fields)
            self._bot_messages[message.message_id] = message
            self.inbox.append(message)
        self.reply_keyboard = saved.get("reply_keyboard")
        self.menu_button = saved.get("menu_button")

    # ---------------------------------------------------------------- reading what the bot sent

    def mark(self) -> int:
        return len(self.inbox)

    def last(self) -> BotMessage:
        if not self.inbox:
            raise AssertionError(f"the bot has sent nothing to chat {self.chat_id}")
        return self.inbox[-1]

    def texts(self) -> list[str]:
        return [message.content for message in self.inbox]

    async def _wait(
        self, ready: Callable[[], bool], timeout: float, what: Callable[[], str]
    ) -> None:
        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(ready)
        except TimeoutError:
            raise TimeoutError(
                f"{what()} within {timeout}s in chat {self.chat_id}; inbox: {self.texts()!r}"
            ) from None

    async def wait_for_message(
        self,
        predicate: MessagePredicate = None,
        *,
        after: int | None = None,
        timeout: float = WAIT_SECONDS,
    ) -> BotMessage:
        """The first bot message at index >= `after` matching `predicate`, waiting for it.

        `predicate` is a function of a BotMessage, or a string the text/caption must contain.
        Edits count: a message edited into matching wakes the waiter.
        """
        matches = _matcher(predicate)
        start = after or 0
        found: list[BotMessage] = []

        def ready() -> bool:
            found[:] = [m for m in self.inbox[start:] if matches(m)][:1]
            return bool(found)

        await self._wait(ready, timeout, lambda: f"no bot message matching {predicate!r}")
        return found[0]

    async def wait_for_messages(
        self, count: int, *, after: int, timeout: float = WAIT_SECONDS
    ) -> list[BotMessage]:
        await self._wait(
            lambda: len(self.inbox) >= after + count,
            timeout,
            lambda: f"expected {count} bot messages after index {after}",
        )
        return self.inbox[after : after + count]

    # ---------------------------------------------------------------- acting in the chat

    def _bot_sees(self, message: JSONDict) -> bool:
        return True

    def _update_kind(self, edited: bool) -> str:
        return "edited_message" if edited else "message"

    async def _post(self, sender: SandboxUser, fields: JSONDict, reply_to: int | None) -> int:
        message: JSONDict = {"message_id": self.allocate_message_id()}
        if self.kind == "channel":
            message["sender_chat"] = self.chat_json()
        else:
            message["from"] = sender.user_json()
        message["chat"] = self.chat_json()
        message["date"] = self._hub.now()
        if reply_to is not None:
            replied = self.message_json(reply_to)
            if replied is None:
                raise AssertionError(f"no message {reply_to} to reply to in chat {self.chat_id}")
            # Telegram does not nest reply_to_message more than one level.
            message["reply_to_message"] = {
                k: v for k, v in replied.items() if k != "reply_to_message"
            }
        message.update(fields)
        self._messages[message["message_id"]] = message
        sender.last_message_id = message["message_id"]
        await sender.before_update_in(self)
        if not self._bot_sees(message):
            return 0
        return self._hub.push_update(self._update_kind(False), copy.deepcopy(message))

    async def _post_text(self, sender: SandboxUser, text: str, reply_to: int | None) -> int:
        fields: JSONDict = {"text": text}
        entities = detect_entities(text)
        if entities:
            fields["entities"] = entities
        return await self._post(sender, fields, reply_to)

    async def _edit(self, sender: SandboxUser, message_id: int, text: str) -> int:
        original = self._messages.get(message_id)
        if original is None or original.get("from", {}).get("id") != sender.id:
            raise AssertionError(f"{sender.first_name} has no message {message_id} to edit")
        edited = {k: v for k, v in original.items() if k != "entities"}
        edited["text"] = text
        entities = detect_entities(text)
        if entities:
            edited["entities"] = entities
        edited["edit_date"] = self._hub.now()
        self._messages[message_id] = edited
        await sender.before_update_in(self)
        if not self._bot_sees(edited):
            return 0
        return self._hub.push_update(self._update_kind(True), copy.deepcopy(edited))

    def _button_owner(self, text: str, message: BotMessage | None) -> tuple[BotMessage, JSONDict]:
        candidates = [message] if message is not None else reversed(self.inbox)
        for candidate in candidates:
            if candidate.deleted:
                continue
            button = candidate.find_button(text)
            if button is not None:
                return candidate, button
        available = {m.message_id: m.button_texts() for m in self.inbox if m.buttons()}
        raise AssertionError(
            f"no inline button {text!r} in chat {self.chat_id}; buttons by message: {available}"
        )

    async def _press(self, presser: SandboxUser, text: str, message: BotMessage | None) -> int:
        keyboard = [] if self.reply_keyboard is None else self.reply_keyboard["keyboard"]
        keys = [key for row in keyboard for key in row]
        searched = [message] if message else [m for m in self.inbox if not m.deleted]
        has_inline = any(m.find_button(text) for m in searched)
        if not has_inline and message is None:
            # Reply-keyboard buttons just send their text (or the user's contact/location).
            key = next((k for k in keys if _key_text(k) == text), None) or next(
                (k for k in keys if text in _key_text(k)), None
            )
            if key is not None:
                return await self._press_key(presser, key)
        owner, button = self._button_owner(text, message)
        if "callback_data" not in button:
            raise AssertionError(
                f"button {button['text']!r} has no callback_data ({sorted(button)}): "
                "pressing it sends the bot no update"
            )
        return await self._callback(presser, owner.message_id, str(button["callback_data"]))

    async def _press_key(self, presser: SandboxUser, key: object) -> int:
        if isinstance(key, dict) and key.get("request_contact"):
            return await self._post(presser, presser.contact_fields(), None)
        if isinstance(key, dict) and key.get("request_location"):
            return await self._post(presser, _location_fields(59.3293, 18.0686), None)
        if self.reply_keyboard is not None and self.reply_keyboard.get("one_time_keyboard"):
            self.reply_keyboard = None
        return await self._post_text(presser, _key_text(key), None)

    async def _callback(self, presser: SandboxUser, message_id: int, data: str) -> int:
        message = self.message_json(message_id)
        if message is None:
            # What Telegram sends for messages the bot can no longer access.
            message = {"chat": self.chat_json(), "message_id": message_id, "date": 0}
        payload: JSONDict = {
            "id": self._hub.new_callback_query(presser),
            "from": presser.user_json(),
            "message": copy.deepcopy(message),
            "chat_instance": self.chat_instance,
            "data": data,
        }
        await presser.before_update_in(self)
        return self._hub.push_update("callback_query", payload)


def _location_fields(latitude: float, longitude: float) -> JSONDict:
    return {"location": {"latitude": latitude, "longitude": longitude}}


class SandboxUser(SandboxChat):
    """A Telegram user and their private chat with the bot (chat id == user id)."""

    kind = "private"

    def __init__(
        self,
        hub: Hub,
        user_id: int,
        *,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
    ) -> None:
        super().__init__(hub, user_id)
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.callback_answers: list[JSONDict] = []  # answerCallbackQuery payloads, in order
        self.has_started = False  # Telegram lets a bot write only after the user wrote first
        self.blocked = False
        self.last_message_id: int | None = None  # message_id of the last message this user sent

    def user_json(self) -> JSONDict:
        user: JSONDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def chat_json(self) -> JSONDict:
        chat: JSONDict = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat

    def contact_fields(self, phone_number: str = "+46701234567") -> JSONDict:
        contact: JSONDict = {
            "phone_number": phone_number,
            "first_name": self.first_name,
            "user_id": self.id,
        }
        if self.last_name:
            contact["last_name"] = self.last_name
        return {"contact": contact}

    async def before_update_in(self, chat: SandboxChat) -> None:
        """Writing to the bot in private starts the conversation and undoes a block.

        Telegram's apps offer "Restart" on a blocked bot, which unblocks it before sending.
        """
        if chat is not self:
            return
        if self.blocked:
            await self.unblock_bot()
        self.has_started = True

    # ---------------------------------------------------------------- sending

    async def send_text(self, text: str, *, reply_to: int | None = None) -> int:
        """Send a text message; returns the update_id (message id in `last_message_id`)."""
        return await self._post_text(self, text, reply_to)

    async def send_command(self, command: str, arg: str | None = None) -> int:
        command = command if command.startswith("/") else f"/{command}"
        return await self.send_text(f"{command} {arg}" if arg else command)

    async def send_sticker(self, emoji: str = "👍") -> int:
        file = self._hub.store_file("sticker", _PNG_1PX, file_name=None, mime_type="image/webp")
        sticker = {
            **file,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "SandboxStickers",
        }
        return await self._post(self, {"sticker": sticker}, None)

    async def send_photo(
        self, content: bytes = _PNG_1PX, *, caption: str | None = None, width: int = 1280
    ) -> int:
        height = width * 3 // 4
        sizes = []
        for w in (90, 320, width):  # Telegram sends several sizes, smallest first
            file = self._hub.store_file("photo", content, file_name=None, mime_type="image/jpeg")
            sizes.append({**file, "width": w, "height": w * height // width})
        return await self._post(self, {"photo": sizes, **_caption_fields(caption)}, None)

    async def send_voice(self, content: bytes = _OGG_STUB, *, duration: int = 3) -> int:
        file = self._hub.store_file("voice", content, file_name=None, mime_type="audio/ogg")
        voice = {**file, "duration": duration, "mime_type": "audio/ogg"}
        return await self._post(self, {"voice": voice}, None)

    async def send_document(
        self,
        content: bytes = _PDF_STUB,
        *,
        file_name: str = "document.pdf",
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> int:
        mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        file = self._hub.store_file("document", content, file_name=file_name, mime_type=mime)
        document = {**file, "file_name": file_name, "mime_type": mime}
        return await self._post(self, {"document": document, **_caption_fields(caption)}, None)

    async def send_location(self, latitude: float = 59.3293, longitude: float = 18.0686) -> int:
        return await self._post(self, _location_fields(latitude, longitude), None)

    async def send_contact(self, phone_number: str = "+46701234567") -> int:
        """Share one's own contact (as a request_contact button does)."""
        return await self._post(self, self.contact_fields(phone_number), None)

    async def edit_text(self, message_id: int, text: str) -> int:
        """Edit one of this user's messages; the bot gets an `edited_message` update."""
        return await self._edit(self, message_id, text)

    # ---------------------------------------------------------------- buttons

    async def press(self, button_text: str, *, message: BotMessage | None = None) -> int:
        """Press a button: inline button on `message` (default: newest message that has one),
        or else a button of the current reply keyboard. Exact text first, then "contains"."""
        return await self._press(self, button_text, message)

    async def press_data(self, message_id: int, data: str) -> int:
        """Send a callback query with arbitrary data, as a modified client could."""
        return await self._callback(self, message_id, data)

    async def record_callback_answer(self, answer: JSONDict) -> None:
        self.callback_answers.append(answer)
        await self.notify()

    async def wait_for_callback_answer(
        self, *, after: int = 0, timeout: float = WAIT_SECONDS
    ) -> JSONDict:
        """The answerCallbackQuery payload at index `after`, waiting for it."""
        await self._wait(
            lambda: len(self.callback_answers) > after,
            timeout,
            lambda: f"no callback answer at index {after} (answers: {self.callback_answers})",
        )
        return self.callback_answers[after]

    # ---------------------------------------------------------------- blocking

    def _member_change(self, old: str, new: str) -> JSONDict:
        def member(status: str) -> JSONDict:
            result: JSONDict = {"user": self._hub.bot_user_json(), "status": status}
            if status == "kicked":
                result["until_date"] = 0
            return result

        return {
            "chat": self.chat_json(),
            "from": self.user_json(),
            "date": self._hub.now(),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }

    async def block_bot(self) -> None:
        """Block the bot: it gets a my_chat_member update and 403 on later sends."""
        if not self.blocked:
            self.blocked = True
            self._hub.push_update("my_chat_member", self._member_change("member", "kicked"))

    async def unblock_bot(self) -> None:
        if self.blocked:
            self.blocked = False
            self._hub.push_update("my_chat_member", self._member_change("kicked", "member"))


def _caption_fields(caption: str | None) -> JSONDict:
    if not caption:
        return {}
    fields: JSONDict = {"caption": caption}
    entities = detect_entities(caption)
    if entities:
        fields["caption_entities"] = entities
    return fields
