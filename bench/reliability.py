"""Heavier reliability runs than the test suite's: many respondents, several crashes, more faults.

    .venv/bin/python bench/reliability.py crash  --respondents 1000 --kills 3
    .venv/bin/python bench/reliability.py faults --respondents 500 --share 0.15

crash:  `rostbot run` in its own process is killed with SIGKILL `--kills` times while the
        respondents answer; after each kill the script checks that every answer the bot had
        acknowledged is in the database, then starts the bot again.
faults: the sandbox Bot API fails a share of all calls (500s, 429s with retry_after, slow
        answers, connections dropped before or after acting), seeded.

Both end by checking that everyone finished and that each person's answers are stored
exactly once, as given, and print what happened. Exit status 1 if a check fails.
Bounded: at most 5,000 respondents and --max-seconds in all; only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import logging
import sqlite3
import sys
import tempfile
import time
from collections.abc import Coroutine
from pathlib import Path

from rostbot.config import Settings
from rostbot.core.flow_loader import load_flows
from rostbot.crypto.analyst_keys import AnalystPrivateKey, generate_keypair, load_private_key
from rostbot.crypto.sealing import SealContext, open_sealed
from rostbot.crypto.server_secret import ServerSecret
from rostbot.i18n import Translations
from rostbot.invitations import make_invitations
from rostbot.sandbox.bot_process import BotProcess, run_env, stoppable
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.faults import FaultPlan, Faults
from rostbot.sandbox.respondent import SimulatedRespondent, Walk

REPO = Path(__file__).resolve().parents[1]
Answers = frozenset[tuple[str, object]]


def _hashable(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _answers(chosen: dict[str, object]) -> Answers:
    return frozenset((q, _hashable(v)) for q, v in chosen.items())


def stored_by_pseudonym(settings: Settings, key: AnalystPrivateKey) -> dict[str, Answers]:
    """Each run's stored answers (opened with the private key), keyed by the run's pseudonym."""
    connection = sqlite3.connect(settings.db_path)
    connection.row_factory = sqlite3.Row
    try:
        runs = dict(connection.execute("SELECT response_id, pseudonym FROM runs").fetchall())
        rows = connection.execute("SELECT * FROM sealed_answers").fetchall()
    finally:
        connection.close()
    found: dict[str, list[tuple[str, object]]] = collections.defaultdict(list)
    for row in rows:
        context = SealContext(
            row["record_id"],
            row["response_id"],
            row["flow_id"],
            row["flow_version"],
            row["question_id"],
        )
        opened = json.loads(open_sealed(row["sealed"], key, context))
        found[runs[row["response_id"]]].append((opened["question_id"], _hashable(opened["value"])))
    doubled = [p for p, pairs in found.items() if len(pairs) != len({q for q, _ in pairs})]
    if doubled:
        raise AssertionError(f"{len(doubled)} runs hold a question twice")
    return {pseudonym: frozenset(pairs) for pseudonym, pairs in found.items()}


class Run:
    """Keys, database, invitations and respondents of one reliability run."""

    def __init__(self, args: argparse.Namespace, work: Path, api: SandboxBotApi) -> None:
        private = work / "analyst.key"
        generate_keypair(private)
        ServerSecret.generate(work / "server.secret")
        self.key = load_private_key(private)
        self.secret = ServerSecret.load(work / "server.secret")
        self.settings = Settings(
            db_path=work / "rostbot.sqlite3",
            flows_dir=REPO / "flows",
            analyst_key_paths=(Path(str(private) + ".pub"),),
            secret_file=work / "server.secret",
            organisation="Benchkommunen",
            send_rate=0,
        )
        self.args = args
        self.api = api
        self.work = work
        self.flow = load_flows(self.settings.flows_dir)[args.flow]
        self.acknowledged = 0
        self.threshold = 0
        self.reached = asyncio.Event()  # set when `acknowledged` reaches `threshold`

    async def respondents(self, timeout: float) -> tuple[list[SimulatedRespondent], list[str]]:
        links = await make_invitations(
            self.settings,
            bot=self.api.bot_username,
            flow_id=self.flow.id,
            unit="bench",
            provider=None,
            count=self.args.respondents,
        )
        texts = Translations.load()
        people = [
            SimulatedRespondent(
                self.api.user(language_code="da" if i % 2 else "sv"),
                self.flow,
                texts,
                seed=i,
                reply_timeout=timeout,
                max_recoveries=60,
                on_acknowledged=self._count,
            )
            for i in range(self.args.respondents)
        ]
        return people, [link.split("?start=")[1] for link in links]

    def _count(self) -> None:
        self.acknowledged += 1
        if self.acknowledged >= self.threshold:
            self.reached.set()

    async def until_acknowledged(self, count: int) -> None:
        self.threshold, self.reached = count, asyncio.Event()
        if self.acknowledged < count:
            await self.reached.wait()

    def pseudonym(self, person: SimulatedRespondent) -> str:
        return self.secret.pseudonym("telegram-user", person.user.id)

    def check_acknowledged_stored(self, people: list[SimulatedRespondent]) -> int:
        """Every answer acknowledged so far is stored; returns how many were checked."""
        stored = stored_by_pseudonym(self.settings, self.key)
        missing = 0
        checked = 0
        for person in people:
            seen = _answers(person.walk.acknowledged)
            checked += len(seen)
            missing += len(seen - stored.get(self.pseudonym(person), frozenset()))
        if missing:
            raise AssertionError(f"{missing} acknowledged answers are not in the database")
        return checked

    def check_end(self, people: list[SimulatedRespondent], walks: list[Walk]) -> None:
        unfinished = sum(not walk.finished for walk in walks)
        if unfinished:
            raise AssertionError(f"{unfinished} respondents did not finish")
        stored = stored_by_pseudonym(self.settings, self.key)
        wrong = sum(
            stored.get(self.pseudonym(p), frozenset()) != _answers(p.walk.given) for p in people
        )
        if wrong:
            raise AssertionError(f"{wrong} respondents' stored answers differ from what they gave")
        if len(stored) != len(people):
            raise AssertionError(f"{len(stored)} runs with answers for {len(people)} people")


def bounded(
    people: list[SimulatedRespondent], codes: list[str], concurrency: int
) -> list[Coroutine[None, None, Walk]]:
    """Everyone's walk, at most `concurrency` at a time (people do not all write at once)."""
    gate = asyncio.Semaphore(concurrency)

    async def walk(person: SimulatedRespondent, code: str) -> Walk:
        async with gate:
            return await person.run(code)

    return [walk(p, c) for p, c in zip(people, codes, strict=True)]


async def crash(args: argparse.Namespace, run: Run) -> dict[str, object]:
    people, codes = await run.respondents(timeout=6.0)
    env = run_env(run.settings, run.api, ROSTBOT_LOG_LEVEL="WARNING")
    total = args.respondents * len(run.flow.questions)
    # Kill points spread over the run, e.g. 3 kills: at 1/4, 2/4 and 3/4 of all answers.
    kill_at = [total * (k + 1) // (args.kills + 1) for k in range(args.kills)]
    bot = BotProcess(env, log=run.work / "bot.log")
    await bot.start()
    walking = asyncio.gather(*bounded(people, codes, args.concurrency))
    checked = []
    downtime = 0.0
    try:
        for threshold in kill_at:
            await run.until_acknowledged(threshold)
            await bot.kill()
            killed = time.perf_counter()
            checked.append(run.check_acknowledged_stored(people))
            bot = BotProcess(env, log=run.work / "bot.log")
            await bot.start()
            await run.api.wait_until_long_polling(timeout=60)
            downtime += time.perf_counter() - killed
        walks = await walking
    finally:
        walking.cancel()
        status = await bot.stop()
    run.check_end(people, walks)
    return {
        "kills": args.kills,
        "acknowledged answers checked at each kill": checked,
        "seconds from kill to polling again (sum)": round(downtime, 1),
        "recoveries by respondents": sum(w.recoveries for w in walks),
        "final exit status": status,
    }


async def faults(args: argparse.Namespace, run: Run) -> dict[str, object]:
    people, codes = await run.respondents(timeout=15.0)
    env = run_env(run.settings, run.api, ROSTBOT_LOG_LEVEL="ERROR")
    share = args.share
    plan = FaultPlan(
        server_error=share * 0.3,
        too_many_requests=share * 0.05,
        slow=share * 0.35,
        delay=0.3,
        drop_before=share * 0.15,
        drop_after=share * 0.15,
        seed=args.seed,
    )
    injected = Faults(plan)
    async with BotProcess(env, log=run.work / "bot.log") as bot:
        await run.api.wait_until_long_polling(timeout=60)
        run.api.faults = injected
        walks = await asyncio.gather(*bounded(people, codes, args.concurrency))
        run.api.faults = None
        alive = bot.returncode is None
    run.check_end(people, walks)
    if not alive:
        raise AssertionError("the bot exited under faults")
    return {
        "faults injected": dict(injected.counts),
        "recoveries by respondents": sum(w.recoveries for w in walks),
        "bot still running at the end": alive,
    }


async def main(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="rostbot-reliability-") as folder:
        async with SandboxBotApi(host="127.0.0.1") as api:
            run = Run(args, Path(folder), api)
            scenario = crash if args.scenario == "crash" else faults
            try:
                async with asyncio.timeout(args.max_seconds):
                    figures = await scenario(args, run)
            except (AssertionError, TimeoutError) as exc:
                print(f"FAILED: {exc or 'time limit reached'}", file=sys.stderr)
                return 1
    figures = {
        "scenario": args.scenario,
        "respondents": args.respondents,
        "flow": args.flow,
        **figures,
        "all finished, each answer stored once as given": True,
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", choices=["crash", "faults"])
    parser.add_argument("--respondents", type=int, default=500)
    parser.add_argument("--flow", default="meeting_feedback")
    parser.add_argument("--kills", type=int, default=3, help="crash: SIGKILLs during the run")
    parser.add_argument("--share", type=float, default=0.15, help="faults: share of calls hit")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--concurrency", type=int, default=50, help="people answering at once")
    parser.add_argument("--max-seconds", type=float, default=1800.0)
    args = parser.parse_args(argv)
    if not 1 <= args.respondents <= 5000:
        parser.error("--respondents must be 1..5000")
    if not 1 <= args.kills <= 20:
        parser.error("--kills must be 1..20")
    if not 0 < args.share <= 0.5:
        parser.error("--share must be above 0 and at most 0.5")
    return args


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    sys.exit(asyncio.run(stoppable(main(parse_args()))))
