"""Lifespan of a running bot: open every resource, check it, run, close.

Everything is checked before the bot takes its first update: a broken flow
file, a missing key or an unreadable database stops the start with one line.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from rostbot.config import Settings
from rostbot.core.flow_loader import load_flows
from rostbot.crypto.analyst_keys import load_public_keys
from rostbot.crypto.server_secret import SecretFileError, ServerSecret
from rostbot.flow_wordings import log_changes, note_and_compare
from rostbot.health.server import health_endpoint
from rostbot.i18n import Translations
from rostbot.journey.chat_log import Flusher
from rostbot.journey.services import Services, utc_now
from rostbot.meetings.calendar_file import DEFAULT_ORGANIZER_EMAIL
from rostbot.retention import policy_for
from rostbot.retention import schedule as schedule_retention
from rostbot.store.database import Database
from rostbot.telegram.application import build_application, register_commands
from rostbot.telegram.outbox_sender import OutboxSender
from rostbot.telegram.receiving import start_receiving

log = logging.getLogger(__name__)


@asynccontextmanager
async def open_services(
    settings: Settings, *, clock: Callable[[], datetime] = utc_now
) -> AsyncIterator[Services]:
    """Load flows, texts, keys and secret, open the database; close it at the end."""
    flows = load_flows(settings.flows_dir)
    texts = Translations.load()
    if settings.secret_file is None:
        raise SecretFileError("ROSTBOT_SECRET_FILE is not set")
    secret = ServerSecret.load(settings.secret_file)
    keys = load_public_keys(list(settings.analyst_key_paths))
    db = await Database.open(settings.db_path)
    try:
        # A flow file's new wording under an old `version`: warned about, not refused.
        log_changes(await note_and_compare(db, flows, clock().date().isoformat()))
        yield Services(settings, db, flows, secret, keys, texts, clock=clock)
    finally:
        await db.close()


async def serve(
    services: Services,
    *,
    token: str,
    stop: asyncio.Event,
    poll_timeout: int = 10,
) -> None:
    """Take updates until `stop` is set, by polling or by webhook as the settings say."""
    settings = services.settings
    app = build_application(
        services,
        token=token,
        base_url=settings.bot_api_url,
        base_file_url=settings.bot_file_url,
    )
    retention_policy = policy_for(settings)
    try:
        await app.initialize()  # the first Bot API call (getMe)
    except BaseException:
        # python-telegram-bot leaves its connections open when that call fails (Bot API
        # unreachable, token refused); closed here, asyncio has none to complain about.
        await app.bot.shutdown()
        raise
    async with app, health_endpoint(app, services):  # ROSTBOT_HEALTH_LISTEN; off by default
        await register_commands(app)
        # Polling or a webhook, started before the Application: a refused webhook then
        # stops the start with one line (a running Application could not be shut down).
        receiving = await start_receiving(app, services, poll_timeout=poll_timeout)
        await app.start()
        await schedule_retention(app, retention_policy)  # now, then daily
        sender = OutboxSender(app, services)  # invitations, notices, reminders
        await sender.start()
        flusher = Flusher(services)  # message numbers for /clear, written behind
        await flusher.start()
        log.info("rostbot is running as @%s", app.bot.username)
        if not settings.organizer_email:
            log.warning(
                "ROSTBOT_ORGANIZER_EMAIL is not set: calendar files name %s as organiser",
                DEFAULT_ORGANIZER_EMAIL,
            )
        try:
            await stop.wait()
            await sender.stop()
            await receiving.stop()
            await app.stop()
        finally:
            await flusher.stop()  # after the last update and send: what they noted is written
