"""The sandbox Bot API's webhooks behave as Telegram's: setWebhook, deliveries, retries.

A small aiohttp server in this process stands for the bot's endpoint and answers as each
test tells it; python-telegram-bot's `Bot` makes the Bot API calls over HTTP.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import BadRequest, Conflict

from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.webhooks import SECRET_HEADER, WEBHOOK_CONFLICT

SECRET = "a-secret_token"
WAIT = 60


class Receiver:
    """Records each POST (secret header, update) and answers with `status(n)` for the n-th."""

    def __init__(self, status: Callable[[int], int] = lambda n: 200) -> None:
        self.status = status
        self.posts: list[tuple[str | None, dict[str, object]]] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.hold = asyncio.Event()
        self.hold.set()
        self.changed = asyncio.Condition()
        self.port = 0

    async def take(self, request: web.Request) -> web.Response:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            update = await request.json()
            self.posts.append((request.headers.get(SECRET_HEADER), update))
            async with self.changed:
                self.changed.notify_all()
            await self.hold.wait()
            return web.Response(status=self.status(len(self.posts)))
        finally:
            self.in_flight -= 1

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def ids(self) -> list[object]:
        return [update["update_id"] for _, update in self.posts]

    async def wait_for(self, posts: int) -> None:
        async with asyncio.timeout(WAIT), self.changed:
            await self.changed.wait_for(lambda: len(self.posts) >= posts)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    taker = Receiver()
    app = web.Application()
    app.router.add_post("/hook", taker.take)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    taker.port = int(runner.addresses[0][1])
    try:
        yield taker
    finally:
        taker.hold.set()
        await runner.cleanup()


@pytest.fixture
async def bot(api: SandboxBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url) as client:
        yield client


async def test_while_a_webhook_is_set_updates_are_posted_with_the_secret_and_polling_is_refused(
    api: SandboxBotApi, bot: Bot, receiver: Receiver
) -> None:
    assert await bot.set_webhook(
        receiver.url, secret_token=SECRET, allowed_updates=["message", "callback_query"]
    )
    with pytest.raises(Conflict) as refused:
        await bot.get_updates()
    assert str(refused.value) == WEBHOOK_CONFLICT
    user = api.user()
    first = await user.send_text("one")
    second = await user.send_text("two")
    await receiver.wait_for(2)
    await api.wait_until_delivered(second, timeout=WAIT)
    assert receiver.ids() == [first, second]
    assert [secret for secret, _ in receiver.posts] == [SECRET, SECRET]
    assert receiver.posts[0][1]["message"]["text"] == "one"  # type: ignore[index]
    info = await bot.get_webhook_info()
    assert info.url == receiver.url
    assert info.pending_update_count == 0
    assert info.max_connections == 40
    assert info.allowed_updates == ("message", "callback_query")
    assert info.last_error_message is None


async def test_updates_go_one_at_a_time_in_order(
    api: SandboxBotApi, bot: Bot, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url)
    receiver.hold.clear()  # the first delivery waits for an answer
    user = api.user()
    sent = [await user.send_text(str(n)) for n in range(5)]
    await receiver.wait_for(1)
    assert api.pending_update_count() == 5  # none confirmed before its answer
    receiver.hold.set()
    await api.wait_until_delivered(sent[-1], timeout=WAIT)
    assert receiver.ids() == sent
    assert receiver.most_in_flight == 1
    assert [secret for secret, _ in receiver.posts] == [None] * 5  # none was set


async def test_a_failed_delivery_is_tried_again_and_the_error_shows_in_the_info(
    api: SandboxBotApi, bot: Bot, receiver: Receiver
) -> None:
    receiver.status = lambda n: 500 if n <= 2 else 200
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    user = api.user()
    first = await user.send_text("one")
    second = await user.send_text("two")
    await api.wait_until_delivered(second, timeout=WAIT)
    assert receiver.ids() == [first, first, first, second]
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    assert info.last_error_date is not None
    assert api.webhooks.failures == 2 and api.webhooks.given_up == []


async def test_a_delivery_that_keeps_failing_is_given_up_after_a_bounded_number_of_tries(
    api: SandboxBotApi, bot: Bot, receiver: Receiver
) -> None:
    api.webhooks.max_attempts = 3
    receiver.status = lambda n: 403 if n <= 3 else 200
    await bot.set_webhook(receiver.url)
    user = api.user()
    lost = await user.send_text("lost")
    kept = await user.send_text("kept")
    await api.wait_until_delivered(kept, timeout=WAIT)
    assert receiver.ids() == [lost, lost, lost, kept]
    assert api.webhooks.given_up == [lost]
    assert api.pending_update_count() == 0


async def test_a_webhook_nobody_listens_on_keeps_its_updates_for_polling_after_delete(
    api: SandboxBotApi, bot: Bot
) -> None:
    await bot.set_webhook("http://127.0.0.1:9/hook")  # the discard port: refused
    user = api.user()
    sent = await user.send_text("waiting")
    await api.webhooks.wait_until(lambda: api.webhooks.failures >= 2, WAIT, "no failures")
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Connection refused"
    assert info.pending_update_count == 1
    assert await bot.delete_webhook()  # pending updates kept: drop_pending_updates not given
    assert (await bot.get_webhook_info()).url == ""
    [update] = await bot.get_updates()
    assert update.update_id == sent
    assert update.message is not None and update.message.text == "waiting"


async def test_setting_an_empty_url_deletes_the_webhook(
    api: SandboxBotApi, bot: Bot, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url)
    assert api.webhooks.active
    await bot.set_webhook("")
    assert not api.webhooks.active
    assert await bot.get_updates() == ()


@pytest.mark.parametrize(
    ("url", "secret", "says"),
    [
        ("ftp://127.0.0.1/hook", None, "HTTPS URL must be provided"),
        ("http:///hook", None, "HTTPS URL must be provided"),
        ("http://127.0.0.1/hook", "has spaces", "secret token contains unallowed characters"),
        ("http://127.0.0.1/hook", "x" * 257, "secret token contains unallowed characters"),
    ],
)
async def test_a_bad_webhook_is_refused(
    api: SandboxBotApi, bot: Bot, url: str, secret: str | None, says: str
) -> None:
    with pytest.raises(BadRequest, match=f"(?i){says}"):
        await bot.set_webhook(url, secret_token=secret)
    assert not api.webhooks.active


async def test_drop_pending_updates_on_set_webhook(
    api: SandboxBotApi, bot: Bot, receiver: Receiver
) -> None:
    user = api.user()
    await user.send_text("old")
    await bot.set_webhook(receiver.url, drop_pending_updates=True)
    fresh = await user.send_text("new")
    await api.wait_until_delivered(fresh, timeout=WAIT)
    assert receiver.ids() == [fresh]
    assert json.dumps(receiver.posts).count("old") == 0
