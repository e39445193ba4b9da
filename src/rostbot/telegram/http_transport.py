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

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

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
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's timeouts are TimeoutErrors (Python 3.11+)
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}") from exc


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


def bot_api_requests() -> tuple[AiohttpRequest, AiohttpRequest]:
    """One pool for the bot's calls and one connection for getUpdates (long polling)."""
    return AiohttpRequest(), AiohttpRequest(pool_size=1)
