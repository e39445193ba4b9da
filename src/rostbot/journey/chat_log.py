"""Which messages are in a person's chat, so that /clear can delete them.

Only Telegram's message numbers (local to the chat) and when each was sent. For a
respondent they are stored encrypted at rest, keyed by the pseudonym; for someone who
has not said yes they live in memory only, like their language choice: nothing is
written about a stranger. Numbers older than Telegram's 48-hour limit for deleting
are dropped on every write, since they can no longer be deleted anyway.

Written behind, not at once: `remember` only notes the numbers in memory, and the
`Flusher` writes every person's new numbers in one transaction every few seconds
(`Settings.chat_log_flush_seconds`, 2 by default) and once more when the bot stops.
Noting them costs a handled update no write (and no fsync) of its own. The price: if
the bot crashes, the numbers of the last few seconds are lost, and /clear cannot
delete those few messages; the person can still delete them, or the whole chat, in
Telegram. Who is a respondent is decided at the flush: numbers noted before the yes
are stored with the first flush after it, those of someone erased stay in memory.

`take_all` (clearing) and `erasing` take the pending numbers too, under the same
lock as the flush, so a flush never writes a row back after either.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from rostbot.journey.services import Services
from rostbot.store import chat_messages, respondents
from rostbot.store.database import StoreError

log = logging.getLogger(__name__)

DELETABLE = timedelta(hours=48)
MEMORY_CAP = 10_000  # strangers whose message numbers are kept in memory

Entries = list[tuple[int, int]]  # (message_id, unix time sent)


def _purpose(pseudonym: str) -> str:
    return f"chat-messages:{pseudonym}"


def _fresh(services: Services, entries: Entries) -> Entries:
    cutoff = int((services.clock() - DELETABLE).timestamp())
    seen: dict[int, int] = {}
    for message_id, sent in entries:
        if sent > cutoff:
            seen[message_id] = max(sent, seen.get(message_id, 0))
    return sorted(seen.items())


def _decode(services: Services, pseudonym: str, blob: bytes | None) -> Entries:
    if blob is None:
        return []
    raw = json.loads(services.secret.decrypt(blob, _purpose(pseudonym)))
    return [(int(m), int(s)) for m, s in raw]


def _keep_in_memory(services: Services, pseudonym: str, entries: Entries) -> None:
    memory = services.chat_messages
    memory[pseudonym] = _fresh(services, memory.get(pseudonym, []) + entries)
    memory.move_to_end(pseudonym)
    while len(memory) > MEMORY_CAP:
        memory.popitem(last=False)


def remember(services: Services, pseudonym: str, message_ids: list[int]) -> None:
    """Note message numbers seen or sent in the person's private chat just now.

    In memory only; the next flush stores them (for a respondent) or keeps them in
    memory (for anyone else).
    """
    if not message_ids:
        return
    now = int(services.clock().timestamp())
    services.chat_pending.setdefault(pseudonym, []).extend((m, now) for m in message_ids)


async def flush(services: Services) -> int:
    """Write every pending respondent's numbers in one transaction; returns how many people.

    On a store error the numbers stay pending for the next flush, and the error is raised.
    Used by the flusher's timer, at the stop, and by tests.
    """
    try:
        return await _flush(services)
    finally:
        async with services.chat_log_flushed:
            services.chat_log_flushed.notify_all()


async def _flush(services: Services) -> int:
    async with services.chat_log_lock:
        pending, services.chat_pending = services.chat_pending, {}
        if not pending:
            return 0
        stored_for: list[str] = []
        try:
            async with services.db.transaction() as tx:
                for pseudonym, new in pending.items():
                    if await respondents.get(tx, pseudonym) is None:
                        continue
                    blob = await chat_messages.get(tx, pseudonym)
                    stored = _decode(services, pseudonym, blob)
                    # What was seen before the yes moves from memory into the store.
                    before = services.chat_messages.get(pseudonym, [])
                    entries = _fresh(services, before + stored + new)
                    blob = services.secret.encrypt(
                        json.dumps(entries).encode(), _purpose(pseudonym)
                    )
                    await chat_messages.put(tx, pseudonym, blob, services.now_iso())
                    stored_for.append(pseudonym)
        except BaseException:
            # Nothing was written: keep it all for the next flush, oldest first.
            for pseudonym, new in pending.items():
                later = services.chat_pending.get(pseudonym, [])
                services.chat_pending[pseudonym] = _fresh(services, new + later)
            raise
        for pseudonym in stored_for:
            services.chat_messages.pop(pseudonym, None)
        for pseudonym, new in pending.items():
            if pseudonym not in stored_for:
                _keep_in_memory(services, pseudonym, new)  # not a respondent: memory only
        return len(stored_for)


async def take_all(services: Services, pseudonym: str) -> list[int]:
    """Every message number that can still be deleted; forgets them all, keeps nothing."""
    async with services.chat_log_lock:
        entries = services.chat_messages.pop(pseudonym, [])
        entries += services.chat_pending.pop(pseudonym, [])
        async with services.db.transaction() as tx:
            entries += _decode(services, pseudonym, await chat_messages.get(tx, pseudonym))
            await chat_messages.delete(tx, pseudonym)
    await services.db.drop_old_copies()
    return [m for m, _ in _fresh(services, entries)]


async def holds_any(services: Services, pseudonym: str) -> bool:
    """Whether numbers are stored, or noted and stored with the next flush."""
    if services.chat_pending.get(pseudonym):
        return True
    return await chat_messages.get(services.db, pseudonym) is not None


@contextlib.asynccontextmanager
async def erasing(services: Services, pseudonym: str) -> AsyncIterator[None]:
    """Around erasing a person: their numbers move to memory, so that /clear still finds them.

    The stored row is deleted, pending numbers join the memory, and no flush runs until
    the block (the erasing transaction) is over: a flush after it finds no respondent
    and keeps what it holds in memory, so no row is written again.
    """
    async with services.chat_log_lock:
        async with services.db.transaction() as tx:
            stored = _decode(services, pseudonym, await chat_messages.get(tx, pseudonym))
            await chat_messages.delete(tx, pseudonym)
        entries = stored + services.chat_pending.pop(pseudonym, [])
        if entries:
            _keep_in_memory(services, pseudonym, entries)
        yield


class Flusher:
    """Writes the noted message numbers every few seconds; started and stopped with the bot."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="chat-log-flusher")

    async def stop(self) -> None:
        """Stop the timer, then write what is still pending, once."""
        self._stop.set()
        if self._task is not None:
            await self._task
            self._task = None
        await self._flush_logged()

    async def _run(self) -> None:
        interval = self.services.settings.chat_log_flush_seconds
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=interval)
            if not self._stop.is_set():
                await self._flush_logged()

    async def _flush_logged(self) -> None:
        try:
            await flush(self.services)
        except StoreError as exc:  # kept pending; the next flush tries again
            log.warning("could not store message numbers: %s", exc)
        except Exception as exc:  # the bot goes on; only a later /clear may miss some
            log.warning("could not store message numbers (%s)", type(exc).__name__)
