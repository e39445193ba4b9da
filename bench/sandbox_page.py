"""Sandbox page benchmark: what the web page adds to a tap.

The same running sandbox (stand-in Bot API + the real bot + the page server), two ways
of answering the same flow (`meeting_feedback`, four tapped questions per person):
  1. baseline: the sandbox's Python API taps (`SandboxUser.press_data`) and waits for
     the next question in the chat (`wait_for_message`);
  2. page: an HTTP client does what the page's script does: POST /api/people/<p>/press,
     then waits for the next question to arrive on the server-sent event stream.

Printed: the tap-to-next-question time, median and 95th percentile, for each, and the
page's as a ratio of the baseline's. People answer one after another, so this is the
latency a person feels, not throughput. Nothing leaves 127.0.0.1; every wait has a
timeout.

    .venv/bin/python bench/sandbox_page.py               # 20 people each way
    .venv/bin/python bench/sandbox_page.py --people 5    # quick
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

from rostbot.sandbox.local_bot import LocalBot, local_bot
from rostbot.sandbox.people import BotMessage
from rostbot.sandbox.webchat.chats import ChatDesk
from rostbot.sandbox.webchat.server import PageServer

REPO = Path(__file__).resolve().parents[1]
FLOW = "meeting_feedback"
YES = "Ja, jag vill vara med"
AGE_YES = "Ja"
WAIT = 15.0


def is_question(text: str) -> bool:
    return text.startswith("Fråga ")


def first_button(message: BotMessage) -> str:
    return str(message.buttons()[0][0]["callback_data"])


async def baseline_person(local: LocalBot) -> list[float]:
    """One person through the Python API; the seconds from each tap to the next question."""
    user = local.api.user(first_name="Bench", language_code="sv")
    link = await local.invitation_link(FLOW)
    await user.send_command("/start", link.split("?start=")[1])
    consent = await user.wait_for_message(lambda m: YES in m.button_texts(), timeout=WAIT)
    mark = user.mark()
    await user.press(YES, message=consent)
    age = await user.wait_for_message(lambda m: AGE_YES in m.button_texts(), after=mark)
    mark = user.mark()
    await user.press(AGE_YES, message=age)
    question = await user.wait_for_message(lambda m: is_question(m.content), after=mark)
    times = []
    while len(question.buttons()) > 1 and question.button_texts()[0] != "Hoppa över":
        mark = user.mark()
        start = time.perf_counter()
        await user.press_data(question.message_id, first_button(question))
        question = await user.wait_for_message(
            lambda m: is_question(m.content), after=mark, timeout=WAIT
        )
        times.append(time.perf_counter() - start)
    return times


class PageClient:
    """Does over HTTP what the page's script does, reading the event stream as it goes."""

    def __init__(self, client: aiohttp.ClientSession, url: str) -> None:
        self.client = client
        self.url = url
        self.items: dict[str, list[dict[str, Any]]] = {}
        self.changed = asyncio.Condition()
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        response = await self.client.get(self.url + "events")
        self._reader = asyncio.create_task(self._read(response))

    async def stop(self) -> None:
        if self._reader is not None:
            self._reader.cancel()

    async def _read(self, response: aiohttp.ClientResponse) -> None:
        async for raw in response.content:
            line = raw.decode().strip()
            if not line.startswith("data: "):
                continue
            event = json.loads(line.removeprefix("data: "))
            if event["type"] == "person":
                self.items[event["person"]["key"]] = list(event["person"]["items"])
            elif event["type"] == "item":
                self.items.setdefault(event["person"], []).append(event["item"])
            else:
                continue
            async with self.changed:
                self.changed.notify_all()

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        async with self.client.post(self.url + path, json=body) as response:
            answer: dict[str, Any] = await response.json()
            if response.status != 200:
                raise RuntimeError(f"{path}: {answer}")
            return answer

    async def wait_item(self, person: str, after: int, wanted: Any) -> dict[str, Any]:
        found: list[dict[str, Any]] = []

        def ready() -> bool:
            found[:] = [i for i in self.items.get(person, [])[after:] if wanted(i)][:1]
            return bool(found)

        async with asyncio.timeout(WAIT), self.changed:
            await self.changed.wait_for(ready)
        return found[0]

    async def tap(self, person: str, item: dict[str, Any]) -> None:
        body = {"message_id": item["message_id"], "row": 0, "column": 0}
        await self.post(f"api/people/{person}/press", body)


async def page_person(page: PageClient) -> list[float]:
    """One person through the page's API; the seconds from each tap to the next question."""
    person = (await page.post("api/respondents", {"flow": FLOW, "lang": "sv"}))["person"]

    def has_button(text: str) -> Any:
        return lambda i: any(b["text"] == text for row in i.get("buttons", []) for b in row)

    def question(i: dict[str, Any]) -> bool:
        return i["from"] == "bot" and is_question(i["text"])

    consent = await page.wait_item(person, 0, has_button(YES))
    seen = len(page.items[person])
    await page.tap(person, consent)
    age = await page.wait_item(person, seen, has_button(AGE_YES))
    seen = len(page.items[person])
    await page.tap(person, age)
    current = await page.wait_item(person, seen, question)
    times = []
    while current["buttons"][0][0]["text"] != "Hoppa över" and len(current["buttons"]) > 1:
        seen = len(page.items[person])
        start = time.perf_counter()
        await page.tap(person, current)
        current = await page.wait_item(person, seen, question)
        times.append(time.perf_counter() - start)
    return times


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


async def run(people: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with (
            local_bot(data=Path(folder) / "data", flows=REPO / "flows") as local,
            PageServer(ChatDesk(local), 0) as server,
            aiohttp.ClientSession() as client,
        ):
            baseline: list[float] = []
            for _ in range(people):
                baseline += await baseline_person(local)
            page = PageClient(client, server.url)
            await page.start()
            via_page: list[float] = []
            try:
                for _ in range(people):
                    via_page += await page_person(page)
            finally:
                await page.stop()
    base_median, base_p95 = summary(baseline)
    page_median, page_p95 = summary(via_page)
    print(f"people each way: {people}; taps timed: {len(baseline)} and {len(via_page)}")
    print("| | median ms | p95 ms |")
    print("|---|---|---|")
    print(f"| baseline: Python API tap -> next question | {base_median:.1f} | {base_p95:.1f} |")
    print(
        f"| page: POST tap -> next question on the event stream | {page_median:.1f} "
        f"({page_median / base_median:.2f} x) | {page_p95:.1f} ({page_p95 / base_p95:.2f} x) |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20)
    args = parser.parse_args()
    if not 1 <= args.people <= 500:
        print("--people must be between 1 and 500", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run(args.people))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
