"""Invitation benchmark: the real bot invites N people through a sandbox Bot API that enforces
Telegram-like limits (30 messages a second overall, 1 a second per chat), and is restarted
half-way.

Two phases on the same sandbox limits, in the same run:
  1. baseline: a bare python-telegram-bot Bot with the same AIORateLimiter sends one message
     to each of N chats, as fast as it is allowed (no database, no outbox);
  2. rostbot: `rostbot events invite` queues N invitations; the real Application (same code
     as `rostbot run`) sends them from its outbox; at half-way the bot is stopped and started
     again, as an operator's restart would.

Printed: achieved send rate as a share of the allowed rate (target >= 90 %), rostbot's rate
as a ratio of the baseline's, 429 responses, duplicates and losses (targets 0 and 0), read
from what the sandbox actually received.

    .venv/bin/python bench/invitations.py                  # 3,000 participants
    .venv/bin/python bench/invitations.py --people 300     # quick

Nothing leaves 127.0.0.1; every wait has a timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import itertools
import logging
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from telegram.ext import AIORateLimiter, ExtBot

from rostbot.config import Settings
from rostbot.core.meeting_model import Details, Place
from rostbot.crypto.analyst_keys import generate_keypair
from rostbot.crypto.server_secret import ServerSecret
from rostbot.meetings import planning
from rostbot.meetings.office import Office
from rostbot.runtime import open_services, serve
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import BotMessage
from rostbot.store import outbox, respondents
from rostbot.store.database import Database

REPO = Path(__file__).resolve().parents[1]
ALLOWED_RATE = 30.0  # messages per second, Telegram's broadcast limit
MAX_PEOPLE = 20_000


@dataclass
class Arrivals:
    """What the sandbox received: per chat, and when."""

    per_chat: collections.Counter[int] = field(default_factory=collections.Counter)
    times: list[float] = field(default_factory=list)
    _waiters: list[tuple[int, asyncio.Event]] = field(default_factory=list)

    def listener(self, event: str, message: BotMessage) -> None:
        if event == "sent":
            self.per_chat[message.chat_id] += 1
            self.times.append(time.monotonic())
            for count, reached in self._waiters:
                if len(self.times) >= count:
                    reached.set()

    async def wait_for(self, count: int, timeout: float) -> None:
        reached = asyncio.Event()
        self._waiters.append((count, reached))
        if len(self.times) >= count:
            reached.set()
        await asyncio.wait_for(reached.wait(), timeout)

    @property
    def count(self) -> int:
        return len(self.times)

    def seconds(self) -> float:
        return self.times[-1] - self.times[0] if len(self.times) > 1 else 0.0


async def baseline(people: int) -> tuple[float, int]:
    """A bare PTB bot with AIORateLimiter: (seconds from first to last message, 429s)."""
    async with SandboxBotApi(global_rate=ALLOWED_RATE, per_chat_rate=1) as api:
        arrivals = Arrivals()
        api.add_listener(arrivals.listener)
        users = [api.user(first_name=f"P{i}") for i in range(people)]
        for user in users:
            user.has_started = True
        bot = ExtBot(
            api.token,
            base_url=api.base_url,
            rate_limiter=AIORateLimiter(overall_max_rate=ALLOWED_RATE, max_retries=5),
        )
        async with bot:
            slots = asyncio.Semaphore(8)

            async def send(chat_id: int) -> None:
                async with slots:
                    await bot.send_message(chat_id, "Inbjudan till ett frukostmöte")

            await asyncio.gather(*(send(u.id) for u in users))
        return arrivals.seconds(), api.too_many_requests_sent


async def add_people(db: Database, secret: ServerSecret, chat_ids: list[int]) -> None:
    """People who answered a flow and agreed to be contacted, as the journey stores them."""
    async with db.transaction() as tx:
        for chat_id in chat_ids:
            pseudonym = secret.pseudonym("telegram-user", chat_id)
            await respondents.ensure(tx, pseudonym, "sv", "2026-01-01")
            await respondents.add_consent(
                tx,
                pseudonym,
                kind="contact",
                flow_id="income_support_followup",
                flow_version=1,
                text_hash="bench",
                lang="sv",
                choices={"contact": True},
                given_at="2026-01-01T00:00:00+00:00",
            )
            handle = secret.encrypt(str(chat_id).encode(), f"contact:{pseudonym}")
            await respondents.set_contact_handle(tx, pseudonym, handle)


class Bot:
    """The real Application, as `rostbot run` starts it, in a task we can stop and restart."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        async with open_services(self.settings) as services:
            await serve(services, token=self.settings.token or "", stop=self._stop, poll_timeout=1)

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await asyncio.wait_for(self._task, timeout=60)


async def rostbot_phase(people: int, folder: Path) -> dict[str, float]:
    async with SandboxBotApi(global_rate=ALLOWED_RATE, per_chat_rate=1) as api:
        arrivals = Arrivals()
        api.add_listener(arrivals.listener)
        users = [api.user(first_name=f"P{i}") for i in range(people)]
        for user in users:
            user.has_started = True
        secret_file = folder / "server.secret"
        ServerSecret.generate(secret_file)
        generate_keypair(folder / "analyst.key")
        settings = Settings(
            token=api.token,
            bot_api_url=api.base_url.rstrip("/"),
            db_path=folder / "rostbot.sqlite3",
            flows_dir=REPO / "flows",
            analyst_key_paths=(folder / "analyst.key.pub",),
            secret_file=secret_file,
        )
        secret = ServerSecret.load(secret_file)
        db = await Database.open(settings.db_path)
        try:
            await add_people(db, secret, [u.id for u in users])
            office = Office(db, secret, settings, lambda: datetime.now(UTC))
            start = datetime.now(UTC) + timedelta(days=7)
            [event] = await planning.create(
                office,
                planning.Plan(
                    kind="breakfast",
                    languages=("sv",),
                    details=Details(
                        title={"sv": "Frukostmöte"},
                        agenda={"sv": ("Kaffe", "Samtal")},
                        place=Place("Torget 1"),
                        led_by={"sv": "Brukarrådet"},
                    ),
                    start=start.replace(tzinfo=None, microsecond=0),
                    minutes=90,
                    capacity=min(people, 500),  # seats do not matter here: nobody books
                    tz="Europe/Stockholm",
                ),
            )
            report = await planning.invite(office, event.event_id, planning.Audience())
            assert report.queued == people, report
        finally:
            await db.close()

        bot = Bot(settings)
        began = time.monotonic()
        await bot.start()
        await arrivals.wait_for(people // 2, timeout=people / 10 + 60)
        down_from = time.monotonic()
        await bot.stop()  # an operator's restart, half-way
        at_stop = arrivals.count
        await bot.start()
        down = time.monotonic() - down_from
        await arrivals.wait_for(people, timeout=people / 10 + 120)
        # let anything still queued (a duplicate would be) arrive before counting
        db = await Database.open(settings.db_path)
        try:
            await wait_until_settled(db, timeout=30)
            rows = await outbox.counts(db)
        finally:
            await db.close()
        await bot.stop()
        total = time.monotonic() - began
        # the restart takes the bot away for a moment: that time is not sending time
        gap = _largest_gap(arrivals.times)
        return {
            "seconds": arrivals.seconds() - gap,
            "gap": gap,
            "down": down,
            "total": total,
            "at_stop": at_stop,
            "arrived": arrivals.count,
            "duplicates": sum(n - 1 for n in arrivals.per_chat.values() if n > 1),
            "losses": sum(1 for u in users if arrivals.per_chat[u.id] == 0),
            "too_many": api.too_many_requests_sent,
            "outbox_sent": rows.get("sent", 0),
            "outbox_other": sum(v for k, v in rows.items() if k != "sent"),
        }


def _largest_gap(times: list[float]) -> float:
    return max((b - a for a, b in itertools.pairwise(times)), default=0.0)


async def wait_until_settled(db: Database, timeout: float) -> None:
    # The outbox lives in SQLite, written by the bot: there is nothing to wait on but its rows.
    async with asyncio.timeout(timeout):
        while True:
            counts = await outbox.counts(db)
            if not counts.get("waiting") and not counts.get("sending"):
                return
            await asyncio.sleep(0.1)


async def main(people: int) -> int:
    logging.basicConfig(level=logging.WARNING)
    print(f"invitations to {people} people; sandbox limits 30/s overall, 1/s per chat")
    base_seconds, base_429 = await baseline(people)
    base_rate = (people - 1) / base_seconds if base_seconds else 0.0
    print(
        f"baseline (bare PTB + AIORateLimiter): {base_rate:.1f} msg/s "
        f"= {base_rate / ALLOWED_RATE:.1%} of allowed, 429s: {base_429}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        got = await rostbot_phase(people, Path(tmp))
    rate = (people - 1) / got["seconds"] if got["seconds"] else 0.0
    print(
        f"rostbot (outbox, restarted after {int(got['at_stop'])} sent): {rate:.1f} msg/s "
        f"= {rate / ALLOWED_RATE:.1%} of allowed = {rate / base_rate:.2f} x baseline"
    )
    print(
        f"  429 responses: {int(got['too_many'])}, duplicates: {int(got['duplicates'])}, "
        f"losses: {int(got['losses'])} (outbox: {int(got['outbox_sent'])} sent, "
        f"{int(got['outbox_other'])} other)"
    )
    print(
        f"  sending time {got['seconds']:.1f} s; restart gap {got['gap']:.1f} s "
        f"(bot down {got['down']:.1f} s); wall time {got['total']:.1f} s"
    )
    ok = rate >= 0.9 * ALLOWED_RATE and got["duplicates"] == 0 and got["losses"] == 0
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=3000)
    args = parser.parse_args()
    if not 2 <= args.people <= MAX_PEOPLE:
        print(f"--people must be 2 to {MAX_PEOPLE}", file=sys.stderr)
        raise SystemExit(2)
    raise SystemExit(asyncio.run(main(args.people)))
