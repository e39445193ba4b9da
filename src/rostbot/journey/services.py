"""What the journey needs at hand: settings, store, flows, keys, texts, clock."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rostbot.config import Settings
from rostbot.core.flow_model import Flow
from rostbot.crypto.analyst_keys import AnalystPublicKey
from rostbot.crypto.server_secret import ServerSecret
from rostbot.i18n import Translations, default_language_for_zone, normalise_language
from rostbot.store.database import Database

PENDING_LANGUAGE_CAP = 10_000


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Person:
    """Who wrote, as Telegram told us; never stored as such."""

    user_id: int
    chat_id: int
    language_code: str | None
    update_id: int


@dataclass(frozen=True)
class Button:
    text: str
    data: str


@dataclass(frozen=True)
class Attachment:
    """A small file sent with a message, such as a calendar file; the text is its caption."""

    filename: str
    content: bytes = field(repr=False)
    mime_type: str = "text/calendar"


@dataclass(frozen=True)
class Reply:
    """One message to send, or (edit=True) the new content of the pressed message."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    edit: bool = False
    document: Attachment | None = None
    question: bool = False  # a flow question: the one whose buttons are live in the chat


@dataclass
class Answer:
    """Everything to send back for one update."""

    replies: list[Reply] = field(default_factory=list)
    toast: str | None = None  # the short note on a pressed button
    lang: str = "sv"
    # For a coordinator: its newest message with buttons becomes the coordinator's live
    # one in the chat, and the one before loses its buttons (rostbot.telegram.open_questions).
    coordinator: bool = False

    def add(self, text: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> None:
        self.replies.append(Reply(text, buttons))


@dataclass
class Services:
    settings: Settings
    db: Database
    flows: dict[str, Flow]
    secret: ServerSecret
    keys: list[AnalystPublicKey]
    texts: Translations
    clock: Callable[[], datetime] = utc_now
    # Language picked before consent lives only in memory: nothing is stored
    # about someone who has not said yes.
    pending_language: OrderedDict[str, str] = field(default_factory=OrderedDict)
    # Message numbers in a stranger's chat (for /clear), in memory only for the same
    # reason; a respondent's are stored encrypted (rostbot.journey.chat_log).
    chat_messages: OrderedDict[str, list[tuple[int, int]]] = field(default_factory=OrderedDict)
    # Numbers noted since the last flush, anyone's; written behind (chat_log.Flusher)
    # under the lock that clearing and erasing take too.
    chat_pending: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    chat_log_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Notified after every flush of those numbers, written or not.
    chat_log_flushed: asyncio.Condition = field(default_factory=asyncio.Condition)
    # Unfinished chat dialogues about meetings (a coordinator's draft, an alias being
    # typed), by pseudonym; in memory only: after a restart that step starts again.
    dialogues: dict[str, object] = field(default_factory=dict)
    # Set when the outbox holds something new to send; the sender waits on it.
    outbox_ready: asyncio.Event = field(default_factory=asyncio.Event)

    def pseudonym(self, person: Person) -> str:
        return self.secret.pseudonym("telegram-user", person.user_id)

    def today(self) -> str:
        return self.clock().date().isoformat()

    def now_iso(self) -> str:
        return self.clock().replace(microsecond=0).isoformat()

    def t(self, lang: str, msgid: str, **values: object) -> str:
        return self.texts.text(lang, msgid, **values)

    def tn(self, lang: str, singular: str, plural: str, count: int, **values: object) -> str:
        """A text with a number in it: the plural form for `count`, `{count}` filled in."""
        return self.texts.plural(lang, singular, plural, count, **values)

    def remember_language(self, pseudonym: str, lang: str) -> None:
        self.pending_language[pseudonym] = lang
        self.pending_language.move_to_end(pseudonym)
        while len(self.pending_language) > PENDING_LANGUAGE_CAP:
            self.pending_language.popitem(last=False)

    def guess_language(self, person: Person, pseudonym: str) -> str:
        if pseudonym in self.pending_language:
            return self.pending_language[pseudonym]
        return normalise_language(person.language_code, default_language_for_zone(self.settings.tz))
