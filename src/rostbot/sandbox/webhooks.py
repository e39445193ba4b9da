"""Webhooks in the sandbox Bot API: setWebhook, deleteWebhook, getWebhookInfo and delivery.

As on Telegram: while a webhook is set, getUpdates is refused (409) and each update is POSTed
to the webhook's URL as JSON, with the `X-Telegram-Bot-Api-Secret-Token` header when a secret
token was set. Updates go one at a time, in the order of their ids: the next one only after
the webhook answered the one before with a 2xx status (Telegram keeps this order per chat and
may deliver different chats' updates side by side; one line for the whole bot is stricter). A
delivery that fails (no connection, no answer in time, any other status) is tried again after
a pause that doubles up to a cap (Telegram's cap is 60 to 120 seconds; the sandbox's is short
so tests run fast) and is given up after `max_attempts` tries (Telegram gives an update up when
it is about a day old); the last failure shows in getWebhookInfo. An update stays pending until
it is delivered or given up, so deleting the webhook hands what is left to getUpdates.

Unlike api.telegram.org, and like a local Bot API server, plain http:// URLs and any port
are accepted, so a bot on 127.0.0.1 can take deliveries without TLS.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

import aiohttp

from rostbot.sandbox.limits import JSONDict, bad_request

log = logging.getLogger(__name__)

WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
DEFAULT_MAX_CONNECTIONS = 40


class UpdateQueue(Protocol):
    """What deliveries need from the Bot API's update queue (SandboxBotApi)."""

    def first_pending_update(self) -> tuple[int, JSONDict] | None:
        """The oldest update not yet confirmed, as the bot would receive it."""

    async def confirm_update(self, update_id: int) -> None:
        """The bot has it (or it was given up): it leaves the queue."""

    def now(self) -> int: ...


@dataclass(frozen=True)
class Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    ip_address: str | None


class SandboxWebhooks:
    """The webhook of the sandbox's one bot, and the task that delivers to it."""

    def __init__(
        self,
        queue: UpdateQueue,
        *,
        max_attempts: int = 30,
        first_pause: float = 0.05,
        longest_pause: float = 2.0,
        timeout: float = 10.0,
    ) -> None:
        self._queue = queue
        self.max_attempts = max_attempts
        self.first_pause = first_pause
        self.longest_pause = longest_pause
        self.timeout = timeout
        self.webhook: Webhook | None = None
        self.deliveries = 0  # POSTs answered 2xx
        self.failures = 0  # POSTs that failed
        self.given_up: list[int] = []  # update ids dropped after max_attempts
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._changed = asyncio.Condition()  # notified on every change of the above

    @property
    def active(self) -> bool:
        return self.webhook is not None

    def wake(self) -> None:
        """A new update is queued."""
        self._wake.set()

    async def wait_until_set(self, timeout: float = 10) -> Webhook:
        """Until a webhook is set (e.g. by a bot starting in webhook mode); returns it."""
        await self.wait_until(lambda: self.webhook is not None, timeout, "no webhook was set")
        assert self.webhook is not None
        return self.webhook

    async def wait_until_deleted(self, timeout: float = 10) -> None:
        await self.wait_until(lambda: self.webhook is None, timeout, "the webhook is still set")

    async def wait_until(
        self, ready: Callable[[], bool], timeout: float = 10, what: str = "not ready"
    ) -> None:
        """Until `ready()`, looked at whenever the webhook or a delivery's outcome changes."""
        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(ready)
        except TimeoutError:
            raise TimeoutError(f"{what} within {timeout}s") from None

    # ------------------------------------------------------------------ Bot API methods

    async def set(
        self,
        url: str,
        *,
        secret_token: str | None,
        max_connections: int | None,
        ip_address: str | None,
    ) -> None:
        """setWebhook; an empty URL deletes the webhook, as on Telegram."""
        if not url:
            await self.delete()
            return
        try:
            parts = urlsplit(url)
            _ = parts.port
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("https", "http") or not parts.hostname:
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if secret_token is not None and not SECRET_TOKEN.fullmatch(secret_token):
            raise bad_request("secret token contains unallowed characters")
        connections = DEFAULT_MAX_CONNECTIONS if max_connections is None else max_connections
        if not 1 <= connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        await self._stop_delivering()
        self.webhook = Webhook(url, secret_token, connections, ip_address)
        self.last_error_date = self.last_error_message = None
        self._task = asyncio.create_task(self._deliver(self.webhook))
        await self._notify()

    async def delete(self) -> None:
        """deleteWebhook: deliveries stop; pending updates wait for getUpdates."""
        await self._stop_delivering()
        self.webhook = None
        await self._notify()

    def info(self, pending_update_count: int, allowed_updates: list[str] | None) -> JSONDict:
        """getWebhookInfo's WebhookInfo."""
        info: JSONDict = {
            "url": self.webhook.url if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": pending_update_count,
        }
        if self.webhook is not None:
            info["max_connections"] = self.webhook.max_connections
            if self.webhook.ip_address:
                info["ip_address"] = self.webhook.ip_address
            if allowed_updates is not None:
                info["allowed_updates"] = allowed_updates
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info

    async def close(self) -> None:
        await self._stop_delivering()

    # ------------------------------------------------------------------ delivery

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _stop_delivering(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _deliver(self, webhook: Webhook) -> None:
        headers = {"Content-Type": "application/json"}
        if webhook.secret_token is not None:
            headers[SECRET_HEADER] = webhook.secret_token
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            attempts = 0
            while True:
                self._wake.clear()
                pending = self._queue.first_pending_update()
                if pending is None:
                    await self._wake.wait()
                    continue
                update_id, update = pending
                error = await self._post(session, webhook.url, headers, update)
                if error is None:
                    self.deliveries += 1
                    attempts = 0
                    await self._queue.confirm_update(update_id)
                    await self._notify()
                    continue
                self.failures += 1
                attempts += 1
                self.last_error_date = self._queue.now()
                self.last_error_message = error
                await self._notify()
                if attempts >= self.max_attempts:
                    log.info("sandbox webhook: gave up update %d: %s", update_id, error)
                    self.given_up.append(update_id)
                    attempts = 0
                    await self._queue.confirm_update(update_id)
                    continue
                pause = min(self.first_pause * 2 ** (attempts - 1), self.longest_pause)
                await asyncio.sleep(pause)

    async def _post(
        self, session: aiohttp.ClientSession, url: str, headers: dict[str, str], update: JSONDict
    ) -> str | None:
        """POST one update; None when the webhook took it, else Telegram's kind of error."""
        body = json.dumps(update, ensure_ascii=False).encode()
        try:
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except TimeoutError:
            return "Read timeout expired"
        except aiohttp.ClientConnectorError:
            return "Connection refused"
        except aiohttp.ClientError as exc:
            return f"Connection error: {type(exc).__name__}"
