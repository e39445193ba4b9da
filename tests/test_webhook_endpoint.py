"""The webhook endpoint takes Telegram's deliveries and nothing else.

Each test runs the endpoint (rostbot.telegram.webhook) on 127.0.0.1 in this process and
talks real HTTP to it: with aiohttp's client, or with a bare socket where the point is what
the server does before a body has arrived. The whole bot over a webhook is in
tests/test_webhook_run.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot, Update

from rostbot.config import ConfigError, Settings
from rostbot.crypto.server_secret import ServerSecret
from rostbot.runtime import open_services, serve
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.telegram.webhook import MAX_UPDATE_BYTES, SECRET_HEADER, WebhookEndpoint

SECRET = "s3cret-token_for-tests"
PATH = "/rostbot/updates"
MARKER = "Qwyzzle"  # in names and texts; no library writes it by itself
TOKEN = "123456:sandbox-token"


def message(update_id: int, text: str = "hej") -> dict[str, object]:
    person = {"id": 7_000_000_001, "is_bot": False, "first_name": MARKER}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": 7_000_000_001, "type": "private", "first_name": MARKER},
            "from": person,
            "text": text,
        },
    }


class Served:
    """An endpoint listening on a free port, with the queue it fills."""

    def __init__(self, endpoint: WebhookEndpoint, queue: asyncio.Queue[object], port: int):
        self.endpoint = endpoint
        self.queue = queue
        self.port = port

    def url(self, path: str = PATH) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def post(
        self,
        body: bytes | str,
        *,
        secret: str | None = SECRET,
        path: str = PATH,
        content_type: str = "application/json",
        method: str = "POST",
    ) -> int:
        headers = {"Content-Type": content_type}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        data = body.encode() if isinstance(body, str) else body
        async with (
            aiohttp.ClientSession() as client,
            client.request(method, self.url(path), data=data, headers=headers) as answer,
        ):
            return answer.status

    def taken(self) -> list[Update]:
        updates = []
        while not self.queue.empty():
            update = self.queue.get_nowait()
            assert isinstance(update, Update)
            updates.append(update)
        return updates


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    queue: asyncio.Queue[object] = asyncio.Queue()
    endpoint = WebhookEndpoint(path=PATH, secret_token=SECRET, bot=Bot(TOKEN), queue=queue)
    runner = web.AppRunner(endpoint.app, access_log=None, lingering_time=0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield Served(endpoint, queue, int(runner.addresses[0][1]))
    finally:
        await runner.cleanup()


async def test_a_delivery_with_the_secret_token_goes_into_the_update_queue(
    served: Served,
) -> None:
    assert await served.post(json.dumps(message(100_000_001, "hej då"))) == 200
    [update] = served.taken()
    assert update.update_id == 100_000_001
    assert update.message is not None and update.message.text == "hej då"


@pytest.mark.parametrize(
    ("secret", "path", "method"),
    [
        (None, PATH, "POST"),  # no secret token
        ("wrong", PATH, "POST"),
        (SECRET + "x", PATH, "POST"),
        (SECRET[:-1], PATH, "POST"),
        ("", PATH, "POST"),
        (SECRET, "/rostbot/other", "POST"),  # the right token on another path
        (SECRET, PATH + "/", "POST"),
        (SECRET, PATH, "PUT"),
        (SECRET, PATH, "GET"),
    ],
)
async def test_anything_but_a_post_with_the_secret_token_to_the_path_is_refused(
    served: Served, secret: str | None, path: str, method: str
) -> None:
    body = json.dumps(message(100_000_002))
    assert await served.post(body, secret=secret, path=path, method=method) == 403
    assert served.taken() == []
    assert served.endpoint.refused == 1


async def test_a_refused_request_is_answered_before_its_body_has_arrived(served: Served) -> None:
    """Headers announcing 64 MiB and 64 KiB of it: the 403 comes, the connection closes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
    try:
        writer.write(
            f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"{SECRET_HEADER}: wrong\r\nContent-Length: {64 << 20}\r\n\r\n".encode()
            + b"{" * (64 << 10)
        )
        await writer.drain()
        async with asyncio.timeout(60):
            status_line = await reader.readline()
            rest = await reader.read()  # until the server closes the connection
    finally:
        writer.close()
    assert status_line.startswith(b"HTTP/1.1 403 "), status_line
    assert b"Connection: close" in rest
    assert served.taken() == []


async def test_a_body_over_the_limit_is_refused_without_being_read(served: Served) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
    try:
        writer.write(
            f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"{SECRET_HEADER}: {SECRET}\r\nContent-Length: {MAX_UPDATE_BYTES + 1}\r\n\r\n".encode()
        )
        await writer.drain()
        async with asyncio.timeout(60):
            status_line = await reader.readline()
    finally:
        writer.close()
    assert status_line.startswith(b"HTTP/1.1 413 "), status_line


async def test_a_streamed_body_over_the_limit_is_refused(served: Served) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"update_id": 1, "padding": "'
        for _ in range(MAX_UPDATE_BYTES // 65536 + 1):
            yield b"x" * 65536
        yield b'"}'

    headers = {"Content-Type": "application/json", SECRET_HEADER: SECRET}
    async with aiohttp.ClientSession() as client:
        try:
            async with client.post(served.url(), data=chunks(), headers=headers) as answer:
                status = answer.status
        except aiohttp.ClientOSError:  # the server may close before the last chunk is sent
            status = 413
    assert status == 413
    assert served.taken() == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("not json", "application/json"),
        (b"\xff\xfe{}", "application/json"),
        ("[1, 2]", "application/json"),
        ('"update"', "application/json"),
        ("[" * 200_000 + "]" * 200_000, "application/json"),  # deeper than json can read
        (json.dumps(message(100_000_003)), "text/plain"),
        (json.dumps(message(100_000_003)), "application/x-www-form-urlencoded"),
    ],
)
async def test_a_body_that_is_not_a_json_object_is_a_bad_request(
    served: Served, body: str | bytes, content_type: str
) -> None:
    assert await served.post(body, content_type=content_type) == 400
    assert served.taken() == []


async def test_an_unreadable_update_is_answered_ok_skipped_and_logged_without_content(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="rostbot")
    unreadable = message(100_000_004, f"I am {MARKER}")
    unreadable["message"]["date"] = "yesterday"  # type: ignore[index]
    assert await served.post(json.dumps(unreadable)) == 200  # or Telegram sends it for ever
    assert await served.post(json.dumps({"no_update_id": MARKER})) == 200
    assert await served.post(json.dumps(message(100_000_005, "next"))) == 200
    assert [u.update_id for u in served.taken()] == [100_000_005]
    assert served.endpoint.skipped == 2
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert lines == [
        "skipped 1 update(s) the library cannot read (update_id 100000004); 1 since the start",
        "skipped 1 update(s) the library cannot read (update_id unknown); 2 since the start",
    ]
    assert MARKER not in caplog.text


async def test_an_update_telegram_sends_again_is_taken_once(served: Served) -> None:
    body = json.dumps(message(100_000_006))
    assert await served.post(body) == 200
    assert await served.post(body) == 200
    assert [u.update_id for u in served.taken()] == [100_000_006]


# ----------------------------------------------------------------------------- the secret


def test_the_secret_token_is_stable_per_server_secret_and_bot_token(secret_file: Path) -> None:
    secret = ServerSecret.load(secret_file)
    token = secret.webhook_secret_token(TOKEN)
    assert token == ServerSecret.load(secret_file).webhook_secret_token(TOKEN)  # a restart
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)  # what Telegram allows (1-256 of these)
    assert secret.webhook_secret_token("123456:another-token") != token
    assert ServerSecret(b"x" * 32).webhook_secret_token(TOKEN) != token
    assert token not in secret_file.read_text()


# --------------------------------------------------------------------- the bot, in-process


async def free_port() -> int:
    """A port nothing listens on now (taken by the bot a moment later)."""
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = int(server.sockets[0].getsockname()[1])
    server.close()
    await server.wait_closed()
    return port


async def test_the_bot_sets_its_webhook_and_answers_through_it(
    api: SandboxBotApi, settings: Settings, secret_file: Path
) -> None:
    port = await free_port()
    url = f"http://127.0.0.1:{port}/rostbot/updates"
    settings = replace(
        settings,
        token=api.token,
        bot_api_url=api.base_url.rstrip("/"),
        send_rate=0,
        webhook_url=url,
        webhook_listen=("127.0.0.1", port),
    )
    stop = asyncio.Event()
    async with open_services(settings) as services:
        running = asyncio.create_task(serve(services, token=api.token, stop=stop))
        try:
            webhook = await api.webhooks.wait_until_set(timeout=60)
            assert webhook.url == url
            assert webhook.secret_token == services.secret.webhook_secret_token(api.token)
            user = api.user(first_name=MARKER)
            mark = user.mark()
            await user.send_command("/start")
            reply = await user.wait_for_message(after=mark, timeout=60)
            assert "Testkommunen" in reply.content
            assert api.method_counts["getUpdates"] == 0
            info = await api_call(api, "getWebhookInfo")
            assert info["url"] == url and info["pending_update_count"] == 0
            assert "last_error_message" not in info
        finally:
            stop.set()
            await asyncio.wait_for(running, 60)
    assert api.webhooks.active  # Telegram keeps the webhook, and queues for the next start


async def test_a_port_in_use_stops_the_start_with_one_line(
    api: SandboxBotApi, settings: Settings
) -> None:
    taken = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = int(taken.sockets[0].getsockname()[1])
    settings = replace(
        settings,
        token=api.token,
        bot_api_url=api.base_url.rstrip("/"),
        webhook_url=f"http://127.0.0.1:{port}/hook",
        webhook_listen=("127.0.0.1", port),
    )
    try:
        async with open_services(settings) as services:
            with pytest.raises(ConfigError) as refused:
                await serve(services, token=api.token, stop=asyncio.Event())
    finally:
        taken.close()
        await taken.wait_closed()
    assert str(refused.value).startswith(f"cannot listen on 127.0.0.1:{port} for the webhook (")
    assert not api.webhooks.active  # Telegram was never told


async def api_call(api: SandboxBotApi, method: str, **params: object) -> dict[str, object]:
    async with (
        aiohttp.ClientSession() as client,
        client.post(f"{api.base_url}{api.token}/{method}", json=params) as answer,
    ):
        body = await answer.json()
    assert body["ok"], body
    result: dict[str, object] = body["result"]
    return result
