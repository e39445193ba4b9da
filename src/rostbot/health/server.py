"""The health endpoint of a running bot: `GET /healthz` and `GET /metrics`, off by default.

`ROSTBOT_HEALTH_LISTEN=127.0.0.1:9310` turns it on for `rostbot run`. It answers on that
address only (keep it on the loopback or a management network: it has no login), holds no
personal data, and never calls the Bot API: a probe cannot spend Telegram's rate limit.

* `/healthz`: 200 `ok` when the bot takes updates (getUpdates answered within the last
  `HEALTHY_POLL_SECONDS`; with a webhook, when the Application runs) and the database
  answers within `DATABASE_SECONDS`; else 503 with one line per problem.
* `/metrics`: Prometheus' text format (rostbot.health.metrics).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from aiohttp import web
from telegram.ext import Application

from rostbot.config import ConfigError
from rostbot.health.metrics import CONTENT_TYPE, BotMetrics
from rostbot.journey.services import Services
from rostbot.store.database import StoreError

log = logging.getLogger(__name__)

# Long polling asks every 10 s and waits up to 10 s more for an answer; three missed rounds
# in a row is a bot that does not hear Telegram.
HEALTHY_POLL_SECONDS = 60.0
DATABASE_SECONDS = 5.0


class HealthEndpoint:
    """The HTTP server of /healthz and /metrics; `stop` ends it (a no-op when it is off)."""

    def __init__(
        self,
        app: Application,  # type: ignore[type-arg]
        services: Services,
        metrics: BotMetrics,
        *,
        polling: bool,
    ) -> None:
        self.app = app
        self.services = services
        self.metrics = metrics
        self.polling = polling
        self.started = time.monotonic()
        self._runner: web.AppRunner | None = None
        self.address: tuple[str, int] | None = None

    async def start(self, host: str, port: int) -> None:
        web_app = web.Application()
        web_app.router.add_get("/healthz", self._healthz)
        web_app.router.add_get("/metrics", self._metrics)
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise ConfigError(
                f"cannot listen on ROSTBOT_HEALTH_LISTEN {host}:{port}: "
                f"{exc.strerror or type(exc).__name__}"
            ) from None
        self._runner = runner
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        bound = sockets[0].getsockname() if sockets else (host, port)
        self.address = (str(bound[0]), int(bound[1]))
        log.info("health endpoint on http://%s:%d (/healthz, /metrics)", *self.address)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def problems(self) -> list[str]:
        """What keeps the bot from being healthy now; empty when it is."""
        found = []
        if not self.app.running:
            found.append("the bot is not running")
        elif self.polling:
            since = self.metrics.seconds_since_polled()
            waited = time.monotonic() - self.started if since is None else since
            if waited > HEALTHY_POLL_SECONDS:
                found.append(f"getUpdates has not answered for {int(waited)} s")
        try:
            async with asyncio.timeout(DATABASE_SECONDS):
                await self.services.db.fetch_one("SELECT 1")
        except TimeoutError:
            found.append(f"the database did not answer within {DATABASE_SECONDS:g} s")
        except StoreError as exc:
            found.append(f"the database does not answer: {exc}")
        return found

    async def _healthz(self, request: web.Request) -> web.Response:
        found = await self.problems()
        if found:
            return web.Response(status=503, text="".join(f"{line}\n" for line in found))
        return web.Response(text="ok\n")

    async def _metrics(self, request: web.Request) -> web.Response:
        try:
            async with asyncio.timeout(DATABASE_SECONDS):
                await self.metrics.refresh(datetime.now(UTC))
        except (TimeoutError, StoreError) as exc:
            # the counters still go out; the queue sizes keep their last values
            log.warning("metrics: the database did not answer (%s)", type(exc).__name__)
        return web.Response(body=self.metrics.exposition(), headers={"Content-Type": CONTENT_TYPE})


@asynccontextmanager
async def health_endpoint(
    app: Application,  # type: ignore[type-arg]
    services: Services,
) -> AsyncIterator[HealthEndpoint | None]:
    """/healthz and /metrics while the block runs, if ROSTBOT_HEALTH_LISTEN is set."""
    listen = services.settings.health_listen
    if listen is None:
        yield None
        return
    metrics = BotMetrics(app, services)
    polling = not services.settings.webhook_url
    endpoint = HealthEndpoint(app, services, metrics, polling=polling)
    await endpoint.start(*listen)
    try:
        yield endpoint
    finally:
        await endpoint.stop()
