"""Sends what the outbox holds: invitations, notices, reminders, feedback offers, results.

One dispatcher claims due rows one at a time and hands each to a sender task
(at most `concurrency` at once); python-telegram-bot's AIORateLimiter paces the
Bot API calls (about 30 a second overall) and retries after a 429's retry_after.
Each row is claimed ('sending'), sent, then marked 'sent' with Telegram's message
id. A stop lets the sends in flight finish and be marked, so a restart half-way
sends nobody a duplicate and loses nobody. After a crash, rows left 'sending' are
sent again (at-least-once): see docs/architecture.md for the window that leaves.

Reminders are rows with a due time. The scheduler (PTB's JobQueue) is rebuilt from
those rows at start-up and after every change: a job only wakes the dispatcher,
the rows stay the truth. Due times are measured on `Services.clock`, so tests can
move a fake clock and call `services.outbox_ready.set()` instead of waiting hours.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes

from rostbot.core.meeting_model import iso_utc, parse_iso_utc
from rostbot.journey import chat_log
from rostbot.journey.services import Services
from rostbot.meetings import booking, notices
from rostbot.meetings.office import Office
from rostbot.results import notice as results_notice
from rostbot.store import outbox, results_messages
from rostbot.store.database import StoreError
from rostbot.store.outbox import OutboxItem
from rostbot.telegram.delivery import send

log = logging.getLogger(__name__)
POLL_SECONDS = 5.0  # rows queued by `rostbot events ...` in another process
NEEDS_SWEEP_SECONDS = 60.0
RETRY_SECONDS = 30
MAX_ATTEMPTS = 6


class OutboxSender:
    """The bot's own sending, started and stopped with the Application."""

    def __init__(
        self,
        app: Application,  # type: ignore[type-arg]
        services: Services,
        *,
        concurrency: int = 8,
    ) -> None:
        self.app = app
        self.services = services
        self.concurrency = concurrency
        self.sent = 0
        self.dropped = 0
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._scheduled: set[str] = set()

    async def start(self) -> None:
        back = await outbox.reclaim_interrupted(self.services.db)
        if back:
            log.warning("%d message(s) were being sent when the bot stopped; sending again", back)
        self._task = asyncio.create_task(self._run(), name="outbox-sender")

    async def stop(self) -> None:
        """Stop claiming rows; let the sends in flight finish and be marked."""
        self._stop.set()
        self.services.outbox_ready.set()
        if self._task is not None:
            await self._task
            self._task = None

    async def _run(self) -> None:
        slots = asyncio.Semaphore(self.concurrency)
        in_flight: set[asyncio.Task[None]] = set()
        swept_at = -NEEDS_SWEEP_SECONDS
        loop = asyncio.get_running_loop()
        ready = self.services.outbox_ready
        while not self._stop.is_set():
            ready.clear()
            try:
                while not self._stop.is_set():
                    await slots.acquire()
                    item = await outbox.claim_next(self.services.db, iso_utc(self.services.clock()))
                    if item is None:
                        slots.release()
                        break
                    task = asyncio.create_task(self._send(item, slots))
                    in_flight.add(task)
                    task.add_done_callback(in_flight.discard)
                if loop.time() - swept_at >= NEEDS_SWEEP_SECONDS:
                    swept_at = loop.time()
                    await booking.forget_needs(Office.of(self.services))
                await self._schedule_wakeups()
            except StoreError as exc:
                log.error("outbox: store error: %s", exc)
            except Exception as exc:  # keep sending: the next round may well work
                log.error("outbox: %s in the sender; trying again shortly", type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ready.wait(), timeout=POLL_SECONDS)
        if in_flight:
            await asyncio.gather(*in_flight, return_exceptions=True)

    async def _send(self, item: OutboxItem, slots: asyncio.Semaphore) -> None:
        db = self.services.db
        now = self.services.clock()
        try:
            if item.kind == results_messages.KIND:
                outgoing = await results_notice.render(self.services, item)
            else:
                outgoing = await notices.render(self.services, item)
            if isinstance(outgoing, notices.Dropped):
                # Event ids and kinds only: nothing here says who the row was for.
                log.info(
                    "outbox: not sending %s for event %s (%s)",
                    item.kind,
                    item.event_id,
                    outgoing.reason,
                )
                await outbox.mark_dropped(db, item.id, iso_utc(now))
                self.dropped += 1
                return
            message_id = await send(self.app.bot, outgoing.chat_id, outgoing.reply)
            await outbox.mark_sent(db, item.id, message_id, iso_utc(self.services.clock()))
            self.sent += 1
            chat_log.remember(self.services, item.pseudonym, [message_id])
        except RetryAfter as exc:
            wait = (
                exc.retry_after
                if isinstance(exc.retry_after, int)
                else int(exc.retry_after.total_seconds())
            )
            await outbox.release(db, item.id, iso_utc(now + timedelta(seconds=wait + 1)))
        except (Forbidden, BadRequest) as exc:
            log.info(
                "outbox: Telegram refused a %s message (%s); dropped", item.kind, type(exc).__name__
            )
            await outbox.mark_dropped(db, item.id, iso_utc(now))
            self.dropped += 1
        except TelegramError as exc:
            if item.attempts >= MAX_ATTEMPTS:
                log.warning(
                    "outbox: giving up a %s message after %d tries", item.kind, item.attempts
                )
                await outbox.mark_dropped(db, item.id, iso_utc(now))
                return
            log.warning("outbox: sending failed (%s); trying again later", type(exc).__name__)
            await outbox.release(db, item.id, iso_utc(now + timedelta(seconds=RETRY_SECONDS)))
        except StoreError as exc:
            log.error("outbox: store error while sending: %s", exc)
        except Exception as exc:  # a bug must not leave the row claimed until the next start
            # The type only: messages of at-rest errors name a pseudonym.
            log.error("outbox: could not send a %s message (%s)", item.kind, type(exc).__name__)
            with contextlib.suppress(StoreError):
                await outbox.mark_dropped(db, item.id, iso_utc(now))
        finally:
            slots.release()

    async def _schedule_wakeups(self) -> None:
        """A JobQueue job for every future due time in the outbox (reminders, mostly)."""
        queue = self.app.job_queue
        if queue is None:
            return
        now = self.services.clock()
        for due in await outbox.next_due_times(self.services.db, iso_utc(now)):
            if due in self._scheduled:
                continue
            self._scheduled.add(due)
            delay = (parse_iso_utc(due) - now).total_seconds()
            queue.run_once(self._wake, when=max(0.0, delay), name=f"outbox-due-{due}")

    async def _wake(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.services.outbox_ready.set()
