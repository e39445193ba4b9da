"""Updates from different people at once, each person's in order (telegram/update_order.py).

The processor is driven directly with real Update objects; coroutines wait on events
so that the order of handling is decided by the processor alone, never by timing.
End to end, the whole suite runs the bot on this processor (double taps, fuzzed and
re-delivered updates, the last seat of a meeting).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update, User

from rostbot.telegram.update_order import PerPersonUpdateProcessor

TIMEOUT = 5.0


def _update(update_id: int, user_id: int, group: int | None = None) -> Update:
    chat = Chat(user_id, Chat.PRIVATE) if group is None else Chat(group, Chat.SUPERGROUP)
    user = User(user_id, "Test", is_bot=False)
    message = Message(update_id, datetime(2026, 11, 23, tzinfo=UTC), chat, from_user=user)
    return Update(update_id, message=message)


class Handling:
    """Coroutines that note when they start and finish, each held until released."""

    def __init__(self) -> None:
        self.started: list[int] = []
        self.finished: list[int] = []
        self.release: dict[int, asyncio.Event] = {}
        self.changed = asyncio.Condition()

    async def handle(self, update_id: int) -> None:
        self.release[update_id] = gate = asyncio.Event()
        await self._note(self.started, update_id)
        await gate.wait()
        await self._note(self.finished, update_id)

    async def _note(self, into: list[int], update_id: int) -> None:
        async with self.changed:
            into.append(update_id)
            self.changed.notify_all()

    async def wait_started(self, *update_ids: int) -> None:
        async with asyncio.timeout(TIMEOUT), self.changed:
            await self.changed.wait_for(lambda: set(update_ids) <= set(self.started))

    async def finish(self, update_id: int) -> None:
        self.release[update_id].set()
        async with asyncio.timeout(TIMEOUT), self.changed:
            await self.changed.wait_for(lambda: update_id in self.finished)


async def test_one_persons_updates_wait_for_each_other_while_others_go_on() -> None:
    processor = PerPersonUpdateProcessor(max_concurrent_updates=8)
    handling = Handling()
    anna, bo = 101, 202
    tasks = [
        asyncio.create_task(processor.process_update(_update(n, who), handling.handle(n)))
        for n, who in ((1, anna), (2, anna), (3, bo), (4, anna))
    ]
    await handling.wait_started(1, 3)  # Anna's first and Bo's, together
    assert 2 not in handling.started and 4 not in handling.started
    await handling.finish(3)  # Bo is done while Anna's first is still being handled
    assert handling.finished == [3]
    await handling.finish(1)
    await handling.wait_started(2)
    assert 4 not in handling.started  # Anna's third waits for her second
    await handling.finish(2)
    await handling.wait_started(4)
    await handling.finish(4)
    await asyncio.gather(*tasks)
    assert handling.finished == [3, 1, 2, 4]
    assert processor.people_in_progress == 0  # no lock is kept for people who are done


async def test_one_busy_person_never_takes_every_slot() -> None:
    processor = PerPersonUpdateProcessor(max_concurrent_updates=2)
    handling = Handling()
    anna, bo, cai = 101, 202, 303
    anna_taps = [
        asyncio.create_task(processor.process_update(_update(n, anna), handling.handle(n)))
        for n in range(1, 6)
    ]
    await handling.wait_started(1)
    others = [
        asyncio.create_task(processor.process_update(_update(n, who), handling.handle(n)))
        for n, who in ((6, bo), (7, cai))
    ]
    await handling.wait_started(6)  # the second slot goes to Bo, not to Anna's queue
    assert 7 not in handling.started  # both slots in use: Cai waits for one
    await handling.finish(6)
    await handling.wait_started(7)
    await handling.finish(7)
    for n in range(1, 6):
        await handling.wait_started(n)
        await handling.finish(n)
    await asyncio.gather(*anna_taps, *others)
    assert handling.finished == [6, 7, 1, 2, 3, 4, 5]


async def test_updates_without_a_person_are_handled_at_once() -> None:
    processor = PerPersonUpdateProcessor(max_concurrent_updates=4)
    handling = Handling()
    first = asyncio.create_task(processor.process_update(Update(1), handling.handle(1)))
    second = asyncio.create_task(processor.process_update(Update(2), handling.handle(2)))
    await handling.wait_started(1, 2)
    await handling.finish(2)
    await handling.finish(1)
    await asyncio.gather(first, second)
    assert handling.finished == [2, 1]


async def test_a_group_waits_in_its_own_line_never_in_the_persons() -> None:
    processor = PerPersonUpdateProcessor(max_concurrent_updates=8)
    handling = Handling()
    anna, group = 101, -1_002_000_000_001
    tasks = [
        asyncio.create_task(processor.process_update(_update(n, anna, chat), handling.handle(n)))
        for n, chat in ((1, group), (2, group), (3, None), (4, group))
    ]
    # Anna's message in the group is being handled; her private one does not wait for it...
    await handling.wait_started(1, 3)
    await handling.finish(3)
    # ...while the group's own updates still come one after the other.
    assert 2 not in handling.started and 4 not in handling.started
    for n in (1, 2, 4):
        await handling.wait_started(n)
        await handling.finish(n)
    await asyncio.gather(*tasks)
    assert handling.finished == [3, 1, 2, 4]
    assert processor.people_in_progress == 0
