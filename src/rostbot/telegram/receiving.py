"""Where updates come from: long polling (the default) or a webhook (`ROSTBOT_WEBHOOK_URL`).

Both put updates into the Application's update queue; nothing after it knows which one ran.
Polling deletes a webhook left by an earlier webhook run: python-telegram-bot's
`start_polling` calls deleteWebhook (without dropping pending updates) before its first
getUpdates, which Telegram refuses while a webhook is set.
"""

from __future__ import annotations

from typing import Protocol

from telegram.ext import Application, Updater

from rostbot.journey.services import Services
from rostbot.telegram.application import ALLOWED_UPDATES
from rostbot.telegram.webhook import start_webhook


class Receiving(Protocol):
    async def stop(self) -> None:
        """Take no more updates; those already taken stay in the queue."""


class Polling:
    """python-telegram-bot's updater, long polling getUpdates."""

    def __init__(self, updater: Updater) -> None:
        self._updater = updater

    async def start(self, poll_timeout: int) -> None:
        await self._updater.start_polling(
            poll_interval=0.0, timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES
        )

    async def stop(self) -> None:
        if self._updater.running:
            await self._updater.stop()


async def start_receiving(
    app: Application,  # type: ignore[type-arg]
    services: Services,
    *,
    poll_timeout: int,
) -> Receiving:
    """Start taking updates as the settings say: by webhook if one is set, else by polling."""
    if services.settings.webhook_url:
        return await start_webhook(app, services.settings, services.secret)
    assert app.updater is not None
    polling = Polling(app.updater)
    await polling.start(poll_timeout)
    return polling
