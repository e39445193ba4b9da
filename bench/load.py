"""Load benchmark: simulated respondents walk real flows against the real bot, in its own process.

This process runs the sandbox Bot API on 127.0.0.1 and the simulated respondents (who talk to
the bot only through it); `rostbot run` runs as a separate process with ROSTBOT_BOT_API_URL
pointing at the sandbox. In the same run, the bare python-telegram-bot echo bot
(bench/echo_bot.py) gets the same number and kinds of updates from the same number of people
on the same sandbox. Figures are printed, with rostbot/echo as the headline ratio.

    .venv/bin/python bench/load.py                                  # 200 respondents, quick
    .venv/bin/python bench/load.py --respondents 1000 --rounds 3 --same-transport
    .venv/bin/python bench/load.py --respondents 10000 --concurrency 200
    .venv/bin/python bench/load.py --memory --respondents 10000     # half-finished flows held
    .venv/bin/python bench/load.py --profile bench/out/profile.txt  # pyinstrument on the bot

Bounded: at most 20,000 respondents, every wait has a timeout, and the whole run stops after
--max-seconds. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from rostbot.config import Settings
from rostbot.core.flow_loader import load_flows
from rostbot.crypto.analyst_keys import generate_keypair
from rostbot.crypto.server_secret import ServerSecret
from rostbot.i18n import Translations
from rostbot.invitations import make_invitations
from rostbot.journey.consent import CONSENT_PARTS
from rostbot.sandbox.bot_process import ROSTBOT_RUN, BotProcess, run_env, stoppable
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import SandboxUser
from rostbot.sandbox.respondent import SimulatedRespondent, Walk

REPO = Path(__file__).resolve().parents[1]
ECHO_BOT = (sys.executable, str(REPO / "bench" / "echo_bot.py"))
MAX_RESPONDENTS = 20_000
MB = 1024 * 1024


@dataclass
class Phase:
    """Figures of one bot under one load."""

    name: str
    respondents: int = 0
    finished: int = 0
    updates: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    recoveries: int = 0
    rss_start: int = 0
    rss_end: int = 0
    rss_peak: int = 0
    bot_cpu: float = 0.0
    load_cpu: float = 0.0  # this process: sandbox + simulated people
    calls: int = 0  # Bot API calls the bot made, getUpdates aside
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    def percentile(self, p: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1]

    def summary(self) -> dict[str, object]:
        return {
            "name": self.name,
            "respondents": self.respondents,
            "finished": self.finished,
            "updates": self.updates,
            "updates_per_s": round(self.rate, 1),
            "p50_ms": round(self.percentile(50) * 1000, 1),
            "p95_ms": round(self.percentile(95) * 1000, 1),
            "p99_ms": round(self.percentile(99) * 1000, 1),
            "rss_peak_mb": round(self.rss_peak / MB, 1),
            "bot_cpu_ms_per_update": round(self.bot_cpu / max(self.updates, 1) * 1000, 2),
            "calls_per_update": round(self.calls / max(self.updates, 1), 2),
            **self.extra,
        }

    def lines(self) -> list[str]:
        return [
            f"{self.name}: {self.respondents} respondents ({self.finished} done), "
            f"{self.updates} updates in {self.seconds:.1f} s = {self.rate:.1f} updates/s",
            f"  update -> reply: p50 {self.percentile(50) * 1000:.1f} ms, "
            f"p95 {self.percentile(95) * 1000:.1f} ms, p99 {self.percentile(99) * 1000:.1f} ms"
            f" ({len(self.latencies)} replies, {self.recoveries} lost and recovered)",
            f"  bot RSS: start {self.rss_start / MB:.1f} MB, end {self.rss_end / MB:.1f} MB, "
            f"peak {self.rss_peak / MB:.1f} MB",
            f"  CPU per update: bot {self.bot_cpu / max(self.updates, 1) * 1000:.2f} ms, "
            f"sandbox+people {self.load_cpu / max(self.updates, 1) * 1000:.2f} ms "
            f"(bot busy {self.bot_cpu / max(self.seconds, 1e-9) * 100:.0f}% of one core)",
            f"  Bot API calls per update: {self.calls / max(self.updates, 1):.2f}",
            *(f"  {name}: {value:.2f}" for name, value in self.extra.items()),
        ]


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _measured(
    phase: Phase, bot: BotProcess, load: Callable[[], Awaitable[None]], max_seconds: float
) -> None:
    """Run `load` against the running bot, recording time, CPU and memory around it."""
    phase.rss_start = bot.memory()[0]
    cpu_bot, cpu_self = bot.cpu_seconds(), _own_cpu()
    started = time.perf_counter()
    try:
        async with asyncio.timeout(max_seconds):
            await load()
    except TimeoutError:
        print(f"{phase.name}: stopped at the time limit ({max_seconds:.0f} s)", file=sys.stderr)
    phase.seconds = time.perf_counter() - started
    phase.bot_cpu = bot.cpu_seconds() - cpu_bot
    phase.load_cpu = _own_cpu() - cpu_self
    phase.rss_end, phase.rss_peak = bot.memory()


async def _bounded(count: int, concurrency: int, one: Callable[[int], Awaitable[None]]) -> None:
    gate = asyncio.Semaphore(concurrency)

    async def run(i: int) -> None:
        async with gate:
            await one(i)

    await asyncio.gather(*(run(i) for i in range(count)))


def _collect(phase: Phase, walk: Walk) -> None:
    phase.updates += walk.updates
    phase.latencies += walk.latencies
    phase.recoveries += walk.recoveries
    phase.finished += walk.finished


# ---------------------------------------------------------------------- rostbot


async def rostbot_phase(
    api: SandboxBotApi, settings: Settings, args: argparse.Namespace, work: Path, name: str
) -> tuple[Phase, list[int]]:
    """Respondents walk `args.flow` to the end (or half-way with --memory) against rostbot."""
    flow = load_flows(settings.flows_dir)[args.flow]
    texts = Translations.load()
    links = await make_invitations(
        settings,
        bot=api.bot_username,
        flow_id=flow.id,
        unit="bench",
        provider=None,
        count=args.respondents,
    )
    codes = [link.split("?start=")[1] for link in links]
    users = [api.user(language_code="sv" if i % 2 else "da") for i in range(args.respondents)]
    stop_after = len(flow.questions) // 2 if args.memory else None
    shapes: list[int] = []
    phase = Phase(name, respondents=args.respondents)
    warm_up = Phase("warm-up")

    async def one(i: int, into: Phase) -> None:
        respondent = SimulatedRespondent(
            users[i], flow, texts, seed=i, reply_timeout=args.reply_timeout
        )
        walk = await respondent.run(codes[i], stop_after=stop_after)
        _collect(into, walk)
        shapes.append(walk.updates)

    command = profiled(args.profile) if args.profile else ROSTBOT_RUN
    env = run_env(settings, api, ROSTBOT_LOG_LEVEL="WARNING")
    async with BotProcess(env, command=command, log=work / "rostbot.log") as bot:
        await api.wait_until_long_polling(timeout=60)
        first = 0
        if args.memory:
            # Some flows first, so that what is measured is growth, not start-up.
            first = min(200, args.respondents // 10)
            await _bounded(first, args.concurrency, lambda i: one(i, warm_up))
        phase.respondents = args.respondents - first
        calls = _calls(api)
        await _measured(
            phase,
            bot,
            lambda: _bounded(phase.respondents, args.concurrency, lambda i: one(i + first, phase)),
            args.max_seconds,
        )
        phase.calls = _calls(api) - calls
        if args.memory:
            open_flows = args.respondents - phase.finished - warm_up.finished
            phase.extra["open flows held by the bot"] = float(open_flows)
            phase.extra["RSS growth per open flow (kB)"] = (
                (phase.rss_end - phase.rss_start) / max(phase.respondents, 1) / 1024
            )
        exit_status = await bot.stop(timeout=60)
    phase.extra["sealed answers in the database"] = float(
        _count(settings.db_path, "sealed_answers")
    )
    if exit_status not in (0, None):
        print(f"rostbot exited with {exit_status}; see {work / 'rostbot.log'}", file=sys.stderr)
    return phase, shapes


def _calls(api: SandboxBotApi) -> int:
    """Bot API calls so far, not counting getUpdates (the polling itself)."""
    return sum(api.method_counts.values()) - api.method_counts["getUpdates"]


def profiled(out: Path) -> tuple[str, ...]:
    """`rostbot run` under pyinstrument, which writes its report when the bot stops.

    The report's format follows the file name: .txt, .html, .pyisession (reload it with
    `pyinstrument --load FILE --show-all`) ...
    """
    return (
        sys.executable,
        "-m",
        "pyinstrument",
        "--outfile",
        str(out),
        "-m",
        "rostbot",
        "run",
    )


def _count(db_path: Path, table: str) -> int:
    connection = sqlite3.connect(db_path)
    try:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        connection.close()


# ---------------------------------------------------------------------- echo


async def echo_walk(user: SandboxUser, updates: int, timeout: float) -> Walk:
    """The same shape of conversation as a rostbot walk: /start, presses, one text at the end."""
    walk = Walk()

    async def act(send: Callable[[], Awaitable[int]]) -> None:
        mark = user.mark()
        await send()
        started = time.perf_counter()
        walk.updates += 1
        await user.wait_for_message(lambda m: bool(m.buttons()), after=mark, timeout=timeout)
        walk.latencies.append(time.perf_counter() - started)

    async def press_newest() -> int:
        last = user.last()
        return await user.press_data(last.message_id, last.button_data("Echo"))

    await act(lambda: user.send_command("/start", "echo"))
    for _ in range(max(updates - 2, 0)):
        await act(press_newest)
    await act(lambda: user.send_text("Det var bra 👍"))
    walk.finished = True
    return walk


async def echo_phase(
    api: SandboxBotApi, args: argparse.Namespace, work: Path, shapes: list[int], name: str
) -> Phase:
    """The echo bot, as shipped; "echo-same-calls" answers /start with as many messages as
    rostbot does; "echo-rostbot-transport" runs on rostbot's transport and update order."""
    phase = Phase(name, respondents=len(shapes))
    users = [api.user(language_code="sv") for _ in shapes]

    async def one(i: int) -> None:
        _collect(phase, await echo_walk(users[i], shapes[i], args.reply_timeout))

    start_messages = len(CONSENT_PARTS) + 1 if name.startswith("echo-same-calls") else 1
    transport = "rostbot" if name.startswith("echo-rostbot-transport") else "stock"
    env = run_env(
        Settings(),
        api,
        ROSTBOT_LOG_LEVEL="WARNING",
        ECHO_START_MESSAGES=str(start_messages),
        ECHO_TRANSPORT=transport,
    )
    async with BotProcess(env, command=ECHO_BOT, log=work / "echo.log") as bot:
        await api.wait_until_long_polling(timeout=60)
        calls = _calls(api)
        await _measured(
            phase, bot, lambda: _bounded(len(shapes), args.concurrency, one), args.max_seconds
        )
        phase.calls = _calls(api) - calls
    return phase


# ---------------------------------------------------------------------- main


def _settings(work: Path, send_rate: float) -> Settings:
    private = work / "keys" / "analyst.key"
    generate_keypair(private)
    secret = work / "keys" / "server.secret"
    ServerSecret.generate(secret)
    return Settings(
        db_path=work / "rostbot.sqlite3",
        flows_dir=REPO / "flows",
        analyst_key_paths=(Path(str(private) + ".pub"),),
        secret_file=secret,
        organisation="Benchkommunen",
        send_rate=send_rate,  # 0 by default: measure the bot, not Telegram's pacing
    )


def _median_rate(phases: list[Phase], kind: str) -> float:
    return statistics.median(p.rate for p in phases if p.name.split(" #")[0] == kind)


async def main(args: argparse.Namespace) -> int:
    phases: list[Phase] = []
    with tempfile.TemporaryDirectory(prefix="rostbot-bench-") as folder:
        work = Path(folder)
        settings = _settings(work, args.send_rate)
        async with SandboxBotApi(host="127.0.0.1") as api:
            # Rounds take turns, so that a busy neighbour on the machine slows all alike.
            for n in range(1, args.rounds + 1):
                tag = f" #{n}" if args.rounds > 1 else ""
                rostbot, shapes = await rostbot_phase(api, settings, args, work, f"rostbot{tag}")
                phases.append(rostbot)
                if args.memory or args.no_echo or not shapes:
                    continue
                phases.append(await echo_phase(api, args, work, shapes, f"echo{tag}"))
                if args.same_calls:
                    name = f"echo-same-calls{tag}"
                    phases.append(await echo_phase(api, args, work, shapes, name))
                if args.same_transport:
                    name = f"echo-rostbot-transport{tag}"
                    phases.append(await echo_phase(api, args, work, shapes, name))
    mode = "memory (half-finished flows)" if args.memory else "throughput"
    print(
        f"# bench/load.py {mode}: flow {args.flow}, {args.respondents} respondents, "
        f"concurrency {args.concurrency}, {args.rounds} round(s)"
    )
    for phase in phases:
        print("\n".join(phase.lines()))
    if any(p.name.startswith("echo") for p in phases):
        rostbot_rate = _median_rate(phases, "rostbot")
        ratio = rostbot_rate / _median_rate(phases, "echo")
        medians = " (medians of the rounds)" if args.rounds > 1 else ""
        print(f"headline: rostbot/echo updates per second = {ratio:.2f}{medians}, target >= 0.80")
        if args.same_calls:
            same = rostbot_rate / _median_rate(phases, "echo-same-calls")
            print(f"rostbot/echo making the same Bot API calls per update = {same:.2f}")
        if args.same_transport:
            same = rostbot_rate / _median_rate(phases, "echo-rostbot-transport")
            print(f"rostbot/echo on rostbot's transport and update order = {same:.2f}")
    if args.json:
        args.json.write_text(json.dumps([p.summary() for p in phases], indent=2))
    unfinished = sum(p.respondents - p.finished for p in phases)
    return 1 if unfinished and not args.memory else 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50, help="people answering at once")
    parser.add_argument("--flow", default="meeting_feedback")
    parser.add_argument("--memory", action="store_true", help="leave every flow half-finished")
    parser.add_argument("--no-echo", action="store_true", help="skip the echo bot baseline")
    parser.add_argument("--profile", type=Path, help="profile the bot with pyinstrument")
    parser.add_argument("--reply-timeout", type=float, default=30.0)
    parser.add_argument("--max-seconds", type=float, default=1800.0, help="per phase")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--rounds", type=int, default=1, help="rostbot and echo take turns")
    parser.add_argument(
        "--send-rate",
        type=float,
        default=0.0,
        help="rostbot's ROSTBOT_SEND_RATE (30 is Telegram's pace; 0, the default: none)",
    )
    parser.add_argument(
        "--same-calls",
        action="store_true",
        help="also run the echo bot answering /start with as many messages as rostbot",
    )
    parser.add_argument(
        "--same-transport",
        action="store_true",
        help="also run the echo bot on rostbot's aiohttp transport and per-person concurrency",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.respondents <= MAX_RESPONDENTS:
        parser.error(f"--respondents must be 1..{MAX_RESPONDENTS}")
    if not 1 <= args.rounds <= 9:
        parser.error("--rounds must be 1..9")
    if not 1 <= args.concurrency <= 1000:
        parser.error("--concurrency must be 1..1000")
    return args


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(asyncio.run(stoppable(main(parse_args()))))
