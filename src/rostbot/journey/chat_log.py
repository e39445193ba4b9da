"""Which messages are in a person's chat, so that /clear can delete them.

Only Telegram's message numbers (local to the chat) and when each was sent. For a
respondent they are stored encrypted at rest, keyed by the pseudonym; for someone who
has not said yes they live in memory only, like their language choice: nothing is
written about a stranger. Numbers older than Telegram's 48-hour limit for deleting
are dropped on every write, since they can no longer be deleted anyway.
"""

from __future__ import annotations

import json
from datetime import timedelta

from rostbot.journey.services import Services
from rostbot.store import chat_messages, respondents

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


async def remember(services: Services, pseudonym: str, message_ids: list[int]) -> None:
    """Add message numbers seen or sent in the person's private chat just now."""
    if not message_ids:
        return
    now = int(services.clock().timestamp())
    new = [(m, now) for m in message_ids]
    memory = services.chat_messages
    async with services.db.transaction() as tx:
        if await respondents.get(tx, pseudonym) is None:
            memory[pseudonym] = _fresh(services, memory.get(pseudonym, []) + new)
            memory.move_to_end(pseudonym)
            while len(memory) > MEMORY_CAP:
                memory.popitem(last=False)
            return
        stored = _decode(services, pseudonym, await chat_messages.get(tx, pseudonym))
        # What was seen before the yes moves from memory into the store.
        entries = _fresh(services, memory.pop(pseudonym, []) + stored + new)
        blob = services.secret.encrypt(json.dumps(entries).encode(), _purpose(pseudonym))
        await chat_messages.put(tx, pseudonym, blob, services.now_iso())


async def take_all(services: Services, pseudonym: str) -> list[int]:
    """Every message number that can still be deleted; forgets them all, keeps nothing."""
    entries = services.chat_messages.pop(pseudonym, [])
    async with services.db.transaction() as tx:
        entries += _decode(services, pseudonym, await chat_messages.get(tx, pseudonym))
        await chat_messages.delete(tx, pseudonym)
    await services.db.drop_old_copies()
    return [m for m, _ in _fresh(services, entries)]


async def holds_any(services: Services, pseudonym: str) -> bool:
    return await chat_messages.get(services.db, pseudonym) is not None


async def keep_in_memory_only(services: Services, pseudonym: str) -> None:
    """Before erasing: the stored numbers move to memory, so that /clear still finds them."""
    async with services.db.transaction() as tx:
        stored = _decode(services, pseudonym, await chat_messages.get(tx, pseudonym))
        await chat_messages.delete(tx, pseudonym)
    if stored:
        memory = services.chat_messages
        memory[pseudonym] = _fresh(services, memory.get(pseudonym, []) + stored)
