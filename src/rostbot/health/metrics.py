"""The running bot's figures for Prometheus: counts and queue sizes, never a person.

Counters count since the bot started (Prometheus handles restarts); gauges are read from the
database when Prometheus asks. Labels are kinds of things (why a Bot API call failed, an
outbox message's state), never a person, chat, flow answer, token or name. The text format
is written by `prometheus_client`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from telegram import Update
from telegram.ext import Application, TypeHandler

from rostbot.health.status import export_waiting, outbox_backlog
from rostbot.journey.services import Services
from rostbot.store import outbox
from rostbot.telegram.http_transport import AiohttpRequest, PollingRequest

CONTENT_TYPE = CONTENT_TYPE_LATEST  # what generate_latest writes
FAILURE_KINDS = ("refused", "rate_limited", "server", "timeout", "network")
OUTBOX_STATES = ("waiting", "sending", "sent", "dropped")
COUNTING_GROUP = -100  # before every handler of rostbot's own (group 0)


def bot_api_requests_of(app: Application) -> tuple[AiohttpRequest | None, PollingRequest | None]:  # type: ignore[type-arg]
    """The Bot API connections of the Application: (calls, getUpdates).

    python-telegram-bot keeps the getUpdates one to itself (`Bot._request[0]`); the figures
    are read from it, never written.
    """
    requests = getattr(app.bot, "_request", ())
    calls = next((r for r in requests if type(r) is AiohttpRequest), None)
    polling = next((r for r in requests if isinstance(r, PollingRequest)), None)
    return calls, polling


class BotMetrics(Collector):
    """Counts updates and errors as they happen; reads queues from the database on request."""

    def __init__(self, app: Application, services: Services) -> None:  # type: ignore[type-arg]
        self.services = services
        self.updates = 0
        self.errors = 0
        self._calls, self._polling = bot_api_requests_of(app)
        self._due = 0
        self._oldest_due_age = 0.0
        self._export_waiting = 0
        self._outbox: dict[str, int] = {}
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(self)
        app.add_handler(TypeHandler(Update, self._count_update), group=COUNTING_GROUP)
        app.add_error_handler(self._count_error)

    async def _count_update(self, update: object, context: object) -> None:
        self.updates += 1

    async def _count_error(self, update: object, context: object) -> None:
        self.errors += 1

    def seconds_since_polled(self) -> float | None:
        """Seconds since getUpdates last answered; None before the first answer."""
        if self._polling is None or self._polling.answered_at is None:
            return None
        return time.monotonic() - self._polling.answered_at

    async def refresh(self, now: datetime) -> None:
        """Read the queue sizes from the database (StoreError if it does not answer)."""
        db = self.services.db
        due, oldest, _later = await outbox_backlog(db, now)
        self._due = due
        self._oldest_due_age = (now - oldest).total_seconds() if oldest is not None else 0.0
        self._export_waiting = await export_waiting(db)
        self._outbox = await outbox.counts(db)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)

    def collect(self) -> Iterator[Metric]:
        yield _counter(
            "rostbot_updates", "Updates received and handed to the handlers", self.updates
        )
        yield _counter(
            "rostbot_handler_errors",
            "Errors raised while handling an update or running a job",
            self.errors,
        )
        yield _counter(
            "rostbot_updates_skipped_unreadable",
            "Updates skipped because python-telegram-bot cannot read them",
            self._polling.skipped if self._polling is not None else 0,
        )
        failed = CounterMetricFamily(
            "rostbot_bot_api_calls_failed",
            "Bot API calls (sends, edits, answers) that failed, by kind",
            labels=["kind"],
        )
        for kind in FAILURE_KINDS:
            failed.add_metric([kind], self._calls.failures[kind] if self._calls else 0)
        yield failed
        states = GaugeMetricFamily(
            "rostbot_outbox_messages",
            "Messages in the outbox by state (dropped: refused by Telegram, given up after "
            "retries, or no longer to be sent)",
            labels=["state"],
        )
        for state in OUTBOX_STATES:
            states.add_metric([state], self._outbox.get(state, 0))
        yield states
        yield GaugeMetricFamily(
            "rostbot_outbox_due_messages",
            "Outbox messages due now and not sent yet (the backlog)",
            value=self._due,
        )
        yield GaugeMetricFamily(
            "rostbot_outbox_oldest_due_age_seconds",
            "How long the oldest message due in the outbox has waited (0: none waiting)",
            value=self._oldest_due_age,
        )
        yield GaugeMetricFamily(
            "rostbot_export_queue_sealed_answers",
            "Sealed answers waiting for the analysts' export",
            value=self._export_waiting,
        )
        polled = self.seconds_since_polled()
        if polled is not None:
            yield GaugeMetricFamily(
                "rostbot_seconds_since_getupdates",
                "Seconds since getUpdates last answered (long polling)",
                value=polled,
            )


def _counter(name: str, text: str, value: float) -> CounterMetricFamily:
    return CounterMetricFamily(name, text, value=value)
