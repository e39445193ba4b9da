"""Updates from different people at the same time, each person's updates in order.

python-telegram-bot handles one update after another unless told otherwise; a handler then
sits idle while the database or the Bot API answers, and everyone else waits. Handling
updates concurrently fills those waits, but two updates from one person (a double tap, a
press followed by a typed answer) must still be handled one after the other, in the order
Telegram numbered them. This processor does both: a lock per person, taken in arrival
order (asyncio locks are first come, first served), then one of a bounded number of slots.

Updates from a group, supergroup or channel wait in the line of that chat, not of the person
who wrote there: whatever the bot does in a group (a paced send, leaving) never holds up
anyone's private chat with it, not even that of the person writing in the group.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 64
UNBOUNDED = 1_000_000  # python-telegram-bot's semaphore: never the one that waits


def _person_key(update: object) -> int | None:
    """The line an update waits in: its person, or its chat when that is not a private one.

    Group, supergroup and channel ids are negative and user ids positive: the lines never mix.
    """
    if not isinstance(update, Update):
        return None
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE:
        return chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PerPersonUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across people, sequential within one person.

    python-telegram-bot's own bound (its semaphore, taken before `do_process_update`) is
    set out of reach; the real bound is taken here, after the person's turn has come, so
    that one person tapping fast never fills every slot while others wait.
    """

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(UNBOUNDED)
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        key = _person_key(update)
        if key is None:
            async with self._slots:
                await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # nobody else holds or waits: forget the lock
                del self._waiting[key]
                del self._locks[key]

    @property
    def people_in_progress(self) -> int:
        return len(self._locks)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to close: Application.stop waits for the updates in progress."""
