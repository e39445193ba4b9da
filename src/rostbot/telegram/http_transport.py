"""How the bot talks HTTP to the Bot API: python-telegram-bot's request interface on aiohttp.

python-telegram-bot ships one networking backend, on httpx, and invites others through
`telegram.request.BaseRequest`. Measured with bench/load.py, the httpx stack (httpx,
httpcore, h11, anyio, cookie handling) was the larger part of the bot's CPU time per
update; aiohttp, already a dependency for the sandbox's web page, does the same work with
its C parser for well under half the CPU (docs/benchmarks.md has the figures).

Only the transport changes: python-telegram-bot still builds every request, reads every
answer and raises its own errors (`TimedOut`, `NetworkError`), so retries, rate limits
and error handling above this layer are unchanged.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter

import aiohttp
from telegram import Update
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import JSONDict, ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from rostbot.log_hygiene import public

log = logging.getLogger(__name__)

# python-telegram-bot's own defaults for its httpx backend, kept so behaviour is the same.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
JSON_HEADERS = {"Content-Type": "application/json"}
Headers = dict[str, str] | None


class AiohttpRequest(BaseRequest):
    """A pool of keep-alive connections to the Bot API; one instance per kind of use.

    aiohttp has no separate write timeout: the connect and read timeouts bound a request,
    and the pool timeout bounds the wait for a free connection (added to connect).
    """

    def __init__(
        self,
        *,
        pool_size: int = 256,
        connect_timeout: float | None = CONNECT_TIMEOUT,
        read_timeout: float | None = READ_TIMEOUT,
        pool_timeout: float | None = POOL_TIMEOUT,
    ) -> None:
        self._pool_size = pool_size
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None
        # Calls that failed since the start, by kind ('refused', 'rate_limited', 'server',
        # 'timeout', 'network'): rostbot.health.metrics shows them.
        self.failures: Counter[str] = Counter()

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
                cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets no cookies
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("this AiohttpRequest is not initialized")
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = (
            self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        )
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            body, headers = _body(request_data)
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                if response.status >= 400:
                    self.failures[_failure(response.status)] += 1
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's timeouts are TimeoutErrors (Python 3.11+)
            self.failures["timeout"] += 1
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            self.failures["network"] += 1
            raise NetworkError(f"aiohttp.{type(exc).__name__}") from exc


def _failure(status: int) -> str:
    if status == 429:
        return "rate_limited"
    return "server" if status >= 500 else "refused"


def _body(request_data: RequestData | None) -> tuple[aiohttp.FormData | bytes | None, Headers]:
    """The parameters as one JSON object (the Bot API takes JSON for every call without
    files: one `json.dumps` instead of a JSON string per field, then URL-encoding), or a
    multipart form, encoded as python-telegram-bot encodes it, when files go along."""
    if request_data is None:
        return None, None
    files = request_data.multipart_data
    if not files:
        return json.dumps(request_data.parameters, ensure_ascii=False).encode(), JSON_HEADERS
    form = aiohttp.FormData(quote_fields=False)  # file names as UTF-8, as httpx sends them
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in files.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form, None


class PollingRequest(AiohttpRequest):
    """The one connection for getUpdates; an update the library cannot read is skipped.

    python-telegram-bot reads a getUpdates answer as a whole (`Update.de_list`): one update
    it cannot read (a malformed field, a type a newer Bot API changed) fails the batch, is
    logged with every name and text in it, and the updater asks again with the same offset,
    for ever, and nobody gets an answer. Reading every update twice to find such a one would
    cost each update a second parse; instead this connection notes the highest update id of
    each answer it hands on. If the next getUpdates asks for those updates again, the answer
    was not read, and this time each update is read on its own: one that fails is replaced
    by its bare update id (which python-telegram-bot reads, no handler takes, and the next
    offset confirms), counted in `skipped` and logged in one line without its content.
    """

    def __init__(self) -> None:
        super().__init__(pool_size=1)
        self.skipped = 0  # updates skipped since the start
        self.answered_at: float | None = None  # time.monotonic() of the last good answer
        self._handed_up_to: int | None = None  # highest update id of the last answer
        self._asked_again = False

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        offset = request_data.parameters.get("offset") if request_data is not None else None
        self._asked_again = self._handed_up_to is not None and (
            not isinstance(offset, int) or offset <= self._handed_up_to
        )
        return await super().do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )

    def parse_json_payload(self, payload: bytes) -> JSONDict:  # type: ignore[override]
        answer: JSONDict = BaseRequest.parse_json_payload(payload)
        updates = answer.get("result")
        if answer.get("ok") is not True or not isinstance(updates, list):
            return answer  # an error answer: python-telegram-bot raises its error
        self.answered_at = time.monotonic()
        if self._asked_again:
            answer["result"] = updates = self._readable(updates)
        ids = [i for i in map(_update_id, updates) if i is not None]
        if ids:
            self._handed_up_to = max(ids)
        return answer

    def _readable(self, updates: list[object]) -> list[object]:
        readable: list[object] = []
        skipped: list[int] = []
        for update in updates:
            try:
                Update.de_json(update, None)  # type: ignore[arg-type]
            except Exception:
                update_id = _update_id(update)
                if update_id is not None:  # without one it cannot even be confirmed
                    readable.append({"update_id": update_id})
                    skipped.append(update_id)
                continue
            readable.append(update)
        if skipped:
            self.skipped += len(skipped)
            log.warning(
                "skipped %d update(s) the library cannot read (update_id %s); %d since the start",
                len(skipped),
                public(", ".join(str(i) for i in skipped)),
                self.skipped,
            )
        return readable


def _update_id(update: object) -> int | None:
    value = update.get("update_id") if isinstance(update, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def bot_api_requests() -> tuple[AiohttpRequest, PollingRequest]:
    """One pool for the bot's calls and one connection for getUpdates (long polling)."""
    return AiohttpRequest(), PollingRequest()
