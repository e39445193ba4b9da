"""The simulated people on the sandbox page and what their chats show.

Owns the cast (respondents, each opened with a fresh letter link, and one coordinator),
the page's view of every chat in the order a phone shows it (what the person sent, what
the bot sent, edited in place when the bot edits), and the fan-out of live events to
every open page. People act only through the sandbox's Python API (`SandboxUser`), the
same way the tests do, so the bot sees ordinary Telegram updates. Every new person gets a
Telegram id never used on this data folder before (`user_ids`), and the chats are kept in
the data folder (`history`), so a restarted sandbox shows them again and they go on.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from rostbot.sandbox.local_bot import COORDINATOR_ID, LocalBot
from rostbot.sandbox.people import BotMessage, SandboxUser
from rostbot.sandbox.user_ids import new_user_id
from rostbot.sandbox.webchat.destructive import is_destructive
from rostbot.sandbox.webchat.history import HISTORY_FILE, ChatHistoryFile

log = logging.getLogger(__name__)

JSON = dict[str, Any]
Role = Literal["respondent", "coordinator"]
MAX_TEXT = 4096  # what Telegram accepts in one message
SUBSCRIBER_BACKLOG = 1000  # a page that falls this far behind gets a fresh snapshot
TOAST_WAIT = 10.0


class ChatInputError(Exception):
    """Something the page asked for that cannot be done; the message is a short code
    (e.g. "empty-message") that the page turns into words in its language."""


@dataclass
class Item:
    """One line of a chat as the page shows it: a bot message, the person's message, a note."""

    key: str
    sender: Literal["bot", "me", "note"]
    text: str = ""
    bot_message: BotMessage | None = None
    note: str | None = None  # what kind of note ("letter"), translated by the page


@dataclass
class SimulatedPerson:
    key: str  # used in the page's URLs: "p1", "p2", ...
    role: Role
    number: int
    lang: str
    flow_id: str | None
    user: SandboxUser
    items: list[Item] = field(default_factory=list)


def _button_json(button: JSON) -> JSON:
    if "callback_data" in button:
        found = {"text": button["text"], "kind": "callback"}
        if is_destructive(str(button["callback_data"])):
            found["destructive"] = True  # the page never moves the focus onto it
        return found
    if "url" in button:
        return {"text": button["text"], "kind": "url", "url": button["url"]}
    return {"text": button["text"], "kind": "other"}


class ChatDesk:
    """Everyone on the page, their chats, and the pages listening for changes."""

    def __init__(self, local: LocalBot) -> None:
        self.local = local
        self.people: dict[str, SimulatedPerson] = {}
        self._by_chat: dict[int, SimulatedPerson] = {}
        self._keys = itertools.count(1)
        self._lines = itertools.count(1)
        self._numbers = {"respondent": itertools.count(1), "coordinator": itertools.count(1)}
        self._coordinator: SandboxUser | None = None
        self._subscribers: set[asyncio.Queue[JSON]] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._history = ChatHistoryFile(local.data / HISTORY_FILE, self._saved)
        self._bring_back(self._history.load())
        local.api.add_listener(self._on_bot_message)

    # ------------------------------------------------------------------ kept across restarts

    def _saved(self) -> JSON:
        return {"people": [self._person_saved(person) for person in self.people.values()]}

    @staticmethod
    def _person_saved(person: SimulatedPerson) -> JSON:
        user = person.user
        return {
            "key": person.key,
            "role": person.role,
            "number": person.number,
            "lang": person.lang,
            "flow": person.flow_id,
            "user": {
                "id": user.id,
                "first_name": user.first_name,
                "language_code": user.language_code,
                "has_started": user.has_started,
                "chat": user.saved(),
            },
            "items": [
                {
                    "key": item.key,
                    "sender": item.sender,
                    "text": item.text,
                    "note": item.note,
                    "message_id": item.bot_message.message_id if item.bot_message else None,
                }
                for item in person.items
            ],
        }

    def _bring_back(self, saved: JSON | None) -> None:
        """Show the chats of the sandbox's last run again, each with a note of the restart."""
        if not saved or not saved.get("people"):
            return
        try:
            for record in saved["people"]:
                self._bring_back_person(record)
        except (KeyError, TypeError, ValueError):
            log.warning("sandbox page: the saved chats could not be read; the page starts empty")
            self.people.clear()
            self._by_chat.clear()
            return
        numbers = {"respondent": 0, "coordinator": 0}
        for person in self.people.values():
            numbers[person.role] = max(numbers[person.role], person.number)
        self._numbers = {role: itertools.count(n + 1) for role, n in numbers.items()}
        keys = [int(key[1:]) for key in self.people if key[1:].isdigit()]
        self._keys = itertools.count(max(keys, default=0) + 1)
        lines = [
            int(match[1])
            for person in self.people.values()
            for item in person.items
            if (match := re.fullmatch(r"[nu](\d+)", item.key))
        ]
        self._lines = itertools.count(max(lines, default=0) + 1)
        for person in self.people.values():
            self.add_note(person, "restart", "")

    def _bring_back_person(self, record: JSON) -> None:
        found = record["user"]
        role: Role = "coordinator" if record["role"] == "coordinator" else "respondent"
        user = self.local.api.user(
            first_name=str(found["first_name"]),
            language_code=found["language_code"],
            user_id=COORDINATOR_ID if role == "coordinator" else int(found["id"]),
        )
        user.restore(found["chat"])
        user.has_started = bool(found["has_started"])
        if role == "coordinator":
            self._coordinator = user
        sent = {message.message_id: message for message in user.inbox}
        person = SimulatedPerson(
            str(record["key"]),
            role,
            int(record["number"]),
            str(record["lang"]),
            record["flow"],
            user,
        )
        for item in record["items"]:
            message_id = item.get("message_id")
            message = sent.get(message_id) if message_id is not None else None
            if item["sender"] == "bot" and message is None:
                continue
            sender: Literal["bot", "me", "note"] = (
                "bot" if item["sender"] == "bot" else "me" if item["sender"] == "me" else "note"
            )
            person.items.append(
                Item(
                    str(item["key"]), sender, str(item.get("text") or ""), message, item.get("note")
                )
            )
        self.people[person.key] = person
        self._by_chat[user.chat_id] = person

    # ------------------------------------------------------------------ live events

    def subscribe(self) -> asyncio.Queue[JSON]:
        """A queue of events for one page; it starts with a snapshot of everything."""
        queue: asyncio.Queue[JSON] = asyncio.Queue(maxsize=SUBSCRIBER_BACKLOG)
        queue.put_nowait(self.snapshot())
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[JSON]) -> None:
        self._subscribers.discard(queue)

    def publish(self, event: JSON) -> None:
        if event["type"] != "toast":
            self._history.changed()
        for queue in self._subscribers:
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                # A page that stopped reading: start it over rather than lose events.
                while not queue.empty():
                    queue.get_nowait()
                queue.put_nowait(self.snapshot())

    def snapshot(self) -> JSON:
        flows = self.local.services.flows
        return {
            "type": "snapshot",
            "bot": self.local.api.bot_username,
            "flows": [
                {
                    "id": flow.id,
                    "title": {lang: flow.title.get(lang) for lang in flow.languages},
                    "languages": list(flow.languages),
                }
                for flow in sorted(flows.values(), key=lambda f: f.id)
            ],
            "people": [self.person_json(person) for person in self.people.values()],
        }

    # ------------------------------------------------------------------ people

    def commands_of(self, person: SimulatedPerson) -> list[JSON]:
        """The command menu Telegram's app would show this person now."""
        commands = self.local.api.menu_commands(person.user)
        return [{"command": c["command"], "description": c["description"]} for c in commands]

    def person_json(self, person: SimulatedPerson) -> JSON:
        return {
            "key": person.key,
            "role": person.role,
            "number": person.number,
            "lang": person.lang,
            "flow": person.flow_id,
            "commands": self.commands_of(person),
            "items": [self.item_json(person, item) for item in person.items],
        }

    def item_json(self, person: SimulatedPerson, item: Item) -> JSON:
        found: JSON = {"key": item.key, "from": item.sender, "text": item.text}
        if item.note is not None:
            found["note"] = item.note
        message = item.bot_message
        if message is None:
            return found
        found["message_id"] = message.message_id
        found["text"] = message.content
        found["edited"] = message.edit_count > 0
        found["deleted"] = message.deleted
        found["buttons"] = [[_button_json(b) for b in row] for row in message.buttons()]
        media = message.document or message.photo
        if media is not None:
            found["file"] = {
                "name": media.get("file_name") or "file",
                "size": len(media.get("content") or b""),
                "url": f"/files/{person.key}/{message.message_id}",
                "image": message.photo is not None,
            }
        return found

    def add_respondent(self, lang: str, flow_id: str | None) -> SimulatedPerson:
        number = next(self._numbers["respondent"])
        user = self.local.api.user(
            first_name=f"Demo {number}",
            language_code=lang,
            user_id=new_user_id(self.local.data),
        )
        return self._add(
            SimulatedPerson(f"p{next(self._keys)}", "respondent", number, lang, flow_id, user)
        )

    def coordinator(self, lang: str) -> SimulatedPerson:
        """The coordinator's chat: one Telegram identity, listed in the bot's coordinators."""
        for person in self.people.values():
            if person.role == "coordinator":
                return person
        if self._coordinator is None:
            self._coordinator = self.local.api.user(
                first_name="Samordnare", language_code=lang, user_id=COORDINATOR_ID
            )
        user = self._coordinator
        user.language_code = lang
        number = next(self._numbers["coordinator"])
        person = self._add(
            SimulatedPerson(f"p{next(self._keys)}", "coordinator", number, lang, None, user)
        )
        self.add_note(person, "coordinator", "")
        return person

    def _add(self, person: SimulatedPerson) -> SimulatedPerson:
        self.people[person.key] = person
        self._by_chat[person.user.chat_id] = person
        self.publish({"type": "person", "person": self.person_json(person)})
        return person

    def reset(self) -> None:
        """Start over: everyone on the page leaves; the database keeps what the bot stored."""
        self.people.clear()
        self._by_chat.clear()
        self._numbers = {"respondent": itertools.count(1), "coordinator": itertools.count(1)}
        self.publish(self.snapshot())

    def person(self, key: str) -> SimulatedPerson:
        person = self.people.get(key)
        if person is None:
            raise ChatInputError("unknown-person")
        return person

    # ------------------------------------------------------------------ acting

    def _append(self, person: SimulatedPerson, item: Item) -> None:
        person.items.append(item)
        self.publish({"type": "item", "person": person.key, "item": self.item_json(person, item)})

    def add_note(self, person: SimulatedPerson, note: str, text: str) -> None:
        self._append(person, Item(f"n{next(self._lines)}", "note", text=text, note=note))

    async def send_text(self, person: SimulatedPerson, text: str) -> None:
        text = text.strip()
        if not text:
            raise ChatInputError("empty-message")
        if len(text) > MAX_TEXT:
            raise ChatInputError("message-too-long")
        await person.user.send_text(text)
        # Nothing awaits between the update going out and this line, so the person's
        # message is listed before the bot can answer it.
        self._append(person, Item(f"u{next(self._lines)}", "me", text=text))

    async def press(self, person: SimulatedPerson, message_id: int, row: int, column: int) -> None:
        """Press one inline button, as a tap in Telegram's app does."""
        message = person.user.bot_message(message_id)
        buttons = message.buttons() if message is not None else []
        if not (0 <= row < len(buttons) and 0 <= column < len(buttons[row])):
            raise ChatInputError("no-such-button")
        data = buttons[row][column].get("callback_data")
        if data is None:
            raise ChatInputError("no-such-button")
        answered = len(person.user.callback_answers)
        await person.user.press_data(message_id, str(data))
        self._watch(self._show_toast(person, answered))

    async def _show_toast(self, person: SimulatedPerson, answered: int) -> None:
        with contextlib.suppress(TimeoutError):
            answer = await person.user.wait_for_callback_answer(after=answered, timeout=TOAST_WAIT)
            if answer.get("text") and person.key in self.people:
                self.publish({"type": "toast", "person": person.key, "text": answer["text"]})

    def _watch(self, coroutine: Any) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        self._subscribers.clear()
        await self._history.close()

    def file_of(self, person: SimulatedPerson, message_id: int) -> JSON | None:
        message = person.user.bot_message(message_id)
        if message is None:
            return None
        return message.document or message.photo

    # ------------------------------------------------------------------ what the bot sends

    def _on_bot_message(self, event: str, message: BotMessage) -> None:
        person = self._by_chat.get(message.chat_id)
        if person is None:
            return
        if event == "sent":
            self._append(person, Item(f"b{message.message_id}", "bot", bot_message=message))
            return
        for item in person.items:
            if item.bot_message is message:
                self.publish(
                    {
                        "type": "item-changed",
                        "person": person.key,
                        "item": self.item_json(person, item),
                    }
                )
                return
