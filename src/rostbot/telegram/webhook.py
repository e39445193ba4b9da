"""Updates by webhook: Telegram POSTs each update to an HTTP endpoint behind a reverse proxy.

python-telegram-bot's own webhook server (`Updater.start_webhook`) needs tornado; this one is
an aiohttp application that does the same job and hands each update to the same
`Application.update_queue` that polling fills, so everything after it (each person's updates
in order, the handlers, the outbox sender, the flusher) is the same in both modes.

What the endpoint accepts is narrow. A request is taken only if it is a POST to the webhook's
path with Telegram's `X-Telegram-Bot-Api-Secret-Token` header equal to the secret token
(compared in constant time); anything else is answered 403 before its body is read (the
server does not linger to read an unread body, it closes the connection). A taken request
must say it is JSON and hold at most `MAX_UPDATE_BYTES` (else 400 or 413). An update the
library cannot read is answered 200, so Telegram does not send it again and again, and is
logged in one line without its content, as polling does (rostbot.telegram.http_transport).

The secret token is derived from the server secret and the bot token
(`ServerSecret.webhook_secret_token`): it stays the same across restarts, so a delivery
Telegram retries while the bot restarts is taken by the next process, and it is never logged.
"""

from __future__ import annotations

import asyncio
import collections
import hmac
import json
import logging
from urllib.parse import unquote, urlsplit

from aiohttp import web
from telegram import Bot, Update
from telegram.error import BadRequest
from telegram.ext import Application, ExtBot

from rostbot.config import ConfigError, Settings
from rostbot.crypto.server_secret import ServerSecret
from rostbot.log_hygiene import public
from rostbot.telegram.application import ALLOWED_UPDATES

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# An update is a few kilobytes; a message with its reply and entities stays far below this.
MAX_UPDATE_BYTES = 1 << 20
RECENT_UPDATES = 1024  # update ids remembered to take a re-sent update once
STOP_SECONDS = 5.0  # how long a stop waits for requests being answered


def webhook_path(url: str) -> str:
    """The path the endpoint serves: the webhook URL's (a reverse proxy passes it unchanged)."""
    return unquote(urlsplit(url).path) or "/"


class WebhookEndpoint:
    """The aiohttp application that takes updates from Telegram into `queue`."""

    def __init__(
        self, *, path: str, secret_token: str, bot: Bot, queue: asyncio.Queue[object]
    ) -> None:
        self.path = path
        self._secret = secret_token.encode()
        self._bot = bot
        self._queue = queue
        self._recent: collections.OrderedDict[int, None] = collections.OrderedDict()
        self.skipped = 0  # updates skipped since the start
        self.refused = 0  # requests answered 403
        self.app = web.Application(client_max_size=MAX_UPDATE_BYTES)
        # Every path and method comes here: the answer to anything but a delivery is the
        # same 403, so a scanner learns neither the path nor whether it guessed it.
        self.app.router.add_route("*", "/{tail:.*}", self._take)

    def _is_telegram(self, request: web.Request) -> bool:
        if request.method != "POST" or request.path != self.path:
            return False
        given = request.headers.get(SECRET_HEADER, "")
        # surrogatepass: any header text becomes bytes, and none but the token's are equal.
        return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), self._secret)

    async def _take(self, request: web.Request) -> web.Response:
        if not self._is_telegram(request):
            self.refused += 1
            log.info("refused a request to the webhook endpoint (403: not Telegram's)")
            return _answer(403)
        length = request.content_length
        if length is not None and length > MAX_UPDATE_BYTES:
            return _answer(413)
        if request.content_type != "application/json":
            return _answer(400)
        try:
            data = json.loads(await request.read())
        except web.HTTPRequestEntityTooLarge:
            return _answer(413)
        except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested too deep
            return _answer(400)
        if not isinstance(data, dict):
            return _answer(400)
        update_id = _update_id(data)
        if update_id is not None and update_id in self._recent:
            return _answer(200)  # Telegram sent it again (our answer was lost): taken once
        try:
            update = Update.de_json(data, self._bot)
        except Exception:
            self._skip(update_id)
            return _answer(200)
        self._remember(update.update_id)
        if isinstance(self._bot, ExtBot):
            self._bot.insert_callback_data(update)  # as python-telegram-bot's updater does
        await self._queue.put(update)
        return _answer(200)

    def _remember(self, update_id: int) -> None:
        self._recent[update_id] = None
        if len(self._recent) > RECENT_UPDATES:
            self._recent.popitem(last=False)

    def _skip(self, update_id: int | None) -> None:
        self.skipped += 1
        if update_id is not None:
            self._remember(update_id)
        log.warning(
            "skipped 1 update(s) the library cannot read (update_id %s); %d since the start",
            public(update_id if update_id is not None else "unknown"),
            self.skipped,
        )


def _answer(status: int) -> web.Response:
    response = web.Response(status=status)
    if status != 200:
        response.force_close()  # whatever of the body is unread stays unread
    return response


def _update_id(data: dict[str, object]) -> int | None:
    value = data.get("update_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class WebhookServer:
    """The endpoint listening on its address; `stop` stops taking updates.

    The webhook stays set when the bot stops: Telegram keeps the updates that come meanwhile
    and delivers them to the next start (or to polling, which deletes the webhook first).
    """

    def __init__(self, endpoint: WebhookEndpoint, runner: web.AppRunner) -> None:
        self.endpoint = endpoint
        self._runner: web.AppRunner | None = runner

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()  # stops listening, then waits for requests in progress


async def start_webhook(
    app: Application,  # type: ignore[type-arg]
    settings: Settings,
    secret: ServerSecret,
) -> WebhookServer:
    """Listen on the settings' address, then ask Telegram to deliver there (setWebhook).

    A port that cannot be listened on, or a URL the Bot API refuses, stops the start with
    one line (ConfigError). Listening comes first, so the first delivery finds the bot.
    """
    assert settings.webhook_listen is not None
    host, port = settings.webhook_listen
    token = secret.webhook_secret_token(app.bot.token)
    endpoint = WebhookEndpoint(
        path=webhook_path(settings.webhook_url),
        secret_token=token,
        bot=app.bot,
        queue=app.update_queue,
    )
    runner = web.AppRunner(
        endpoint.app, access_log=None, lingering_time=0, shutdown_timeout=STOP_SECONDS
    )
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as exc:
        await runner.cleanup()
        raise ConfigError(
            f"cannot listen on {host}:{port} for the webhook ({exc.strerror or type(exc).__name__})"
        ) from None
    try:
        await app.bot.set_webhook(
            url=settings.webhook_url,
            allowed_updates=ALLOWED_UPDATES,
            drop_pending_updates=False,
            secret_token=token,
        )
    except BadRequest as exc:  # Telegram's reason, e.g. a port it does not deliver to
        await runner.cleanup()
        raise ConfigError(f"the Bot API refused the webhook URL: {exc.message}") from None
    except BaseException:
        await runner.cleanup()
        raise
    log.info(
        "taking updates by webhook at %s, listening on %s:%d",
        public(urlsplit(settings.webhook_url).hostname or ""),
        public(host),
        port,
    )
    return WebhookServer(endpoint, runner)
