"""One running bot per database: a second `rostbot run` or `rostbot sandbox` refuses to start.

Two bots on one database would both poll (Telegram answers both with 409 Conflict) and both
send the one outbox. The second one stops with one line naming the database and the first
one's pid, before it calls the Bot API; a bot killed with SIGKILL leaves nothing that stops
the next start.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import aiohttp
import pytest

from rostbot.config import Settings
from rostbot.sandbox.bot_process import ROSTBOT_RUN, BotProcess, run_env
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.store.run_lock import AlreadyRunning, lock_path, running_alone

TIMEOUT = 120  # a busy two-core machine starts a Python with all of rostbot slowly


@dataclass(frozen=True)
class Ended:
    code: int | None
    out: str
    err: str


async def run_to_the_end(command: list[str], env: dict[str, str], cwd: Path) -> Ended:
    process = await asyncio.create_subprocess_exec(
        *command,
        env=env,
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), TIMEOUT)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    return Ended(process.returncode, out.decode(), err.decode())


async def answered(api: SandboxBotApi) -> str:
    """What a new person's /start gets back: only a bot that polls answers."""
    user = api.user(language_code="sv")
    mark = user.mark()
    await user.send_command("/start")
    return (await user.wait_for_message(after=mark, timeout=TIMEOUT)).content


# ------------------------------------------------------------------------ the lock itself


def test_the_lock_is_held_once_per_database_and_names_its_holder(tmp_path: Path) -> None:
    database = tmp_path / "data" / "rostbot.sqlite3"
    other_name = tmp_path / "same.sqlite3"
    other_name.symlink_to(database)
    with running_alone(database) as lock:
        assert lock == tmp_path / "data" / "rostbot.sqlite3.lock"
        assert lock.read_text() == f"{os.getpid()}\n"
        with pytest.raises(AlreadyRunning) as refused, running_alone(database):
            pass
        assert str(refused.value) == (
            f"cannot start: another rostbot is already running on {database} (pid {os.getpid()})"
        )
        # The same file under another name is the same database.
        with (
            pytest.raises(AlreadyRunning, match=re.escape(f"running on {tmp_path / 'data'} (")),
            running_alone(other_name, where=tmp_path / "data"),
        ):
            pass
    assert lock.read_text() == ""  # a clean stop leaves no pid behind
    with running_alone(other_name):  # free again
        assert lock_path(other_name) == lock


# ------------------------------------------------------------------------------- rostbot run


async def test_a_second_bot_on_the_same_database_refuses_and_the_first_goes_on(
    api: SandboxBotApi, settings: Settings, tmp_path: Path
) -> None:
    env = run_env(replace(settings, send_rate=0), api, ROSTBOT_LOG_LEVEL="WARNING")
    async with BotProcess(env, log=tmp_path / "first.log") as first:
        await api.wait_until_polling(timeout=TIMEOUT)
        said_hello = api.method_counts["getMe"]

        second = await run_to_the_end(list(ROSTBOT_RUN), env, tmp_path)

        assert second.code == 2
        assert second.out == ""
        assert second.err.splitlines() == [
            f"rostbot: cannot start: another rostbot is already running on "
            f"{settings.db_path} (pid {first.pid})"
        ]
        assert api.method_counts["getMe"] == said_hello  # it never called the Bot API
        assert "Testkommunen" in await answered(api)  # the first one still answers
        assert first.returncode is None
        assert lock_path(settings.db_path).read_text() == f"{first.pid}\n"
        status = await first.stop(timeout=TIMEOUT)
    assert status == 0, (tmp_path / "first.log").read_text()[-2000:]


async def test_after_a_sigkill_the_next_bot_takes_over(
    api: SandboxBotApi, settings: Settings, tmp_path: Path
) -> None:
    env = run_env(replace(settings, send_rate=0), api, ROSTBOT_LOG_LEVEL="WARNING")
    crashed = BotProcess(env, log=tmp_path / "bot.log")
    await crashed.start()
    try:
        await api.wait_until_polling(timeout=TIMEOUT)
        await crashed.kill(timeout=TIMEOUT)
    finally:
        await crashed.stop()
    assert lock_path(settings.db_path).read_text() == f"{crashed.pid}\n"  # left behind

    async with BotProcess(env, log=tmp_path / "bot.log") as next_bot:
        assert "Testkommunen" in await answered(api)
        assert next_bot.returncode is None
        assert lock_path(settings.db_path).read_text() == f"{next_bot.pid}\n"
        status = await next_bot.stop(timeout=TIMEOUT)
    assert status == 0, (tmp_path / "bot.log").read_text()[-2000:]


# --------------------------------------------------------------------------- rostbot sandbox


def sandbox_env() -> dict[str, str]:
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ROSTBOT_") and k not in ("DISPLAY", "WAYLAND_DISPLAY")
    }


SANDBOX = [sys.executable, "-m", "rostbot", "sandbox", "--no-browser", "--port", "0"]


class Sandbox:
    """A `rostbot sandbox` process on a data folder, read until it is ready."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []

    @classmethod
    async def start(cls, data: Path, cwd: Path) -> Sandbox:
        process = await asyncio.create_subprocess_exec(
            *SANDBOX,
            "--data",
            str(data),
            cwd=cwd,
            env=sandbox_env(),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        return cls(process)

    async def ready(self) -> str:
        """The page's address, once the sandbox printed `-- ready`."""
        assert self.process.stdout is not None
        url = None
        async with asyncio.timeout(TIMEOUT):
            while True:
                raw = await self.process.stdout.readline()
                assert raw, f"the sandbox ended: {self.lines}"
                line = raw.decode()
                self.lines.append(line)
                if line.startswith("rostbot sandbox: open "):
                    url = line.split("open ", 1)[1].split()[0]
                if line.strip() == "-- ready":
                    assert url is not None, self.lines
                    return url

    async def page_status(self, url: str) -> int:
        async with aiohttp.ClientSession() as client, client.get(url) as page:
            return page.status

    async def end(self, sig: signal.Signals) -> int:
        if self.process.returncode is None:
            self.process.send_signal(sig)
        assert self.process.stdout is not None
        await asyncio.wait_for(self.process.stdout.read(), TIMEOUT)
        return await asyncio.wait_for(self.process.wait(), TIMEOUT)

    async def __aenter__(self) -> Sandbox:
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


async def test_a_second_sandbox_on_the_same_folder_refuses_and_a_killed_one_is_taken_over(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    async with await Sandbox.start(data, tmp_path) as first:
        url = await first.ready()

        second = await run_to_the_end([*SANDBOX, "--data", str(data)], sandbox_env(), tmp_path)

        assert second.code == 2
        assert second.out == ""
        assert second.err.splitlines() == [
            f"rostbot: cannot start: another rostbot is already running on {data} "
            f"(pid {first.process.pid})"
        ]
        assert await first.page_status(url) == 200  # the first one still serves its page
        assert await first.end(signal.SIGKILL) == -signal.SIGKILL

    async with await Sandbox.start(data, tmp_path) as after_the_crash:
        url = await after_the_crash.ready()
        assert await after_the_crash.page_status(url) == 200
        assert await after_the_crash.end(signal.SIGINT) == 0
    # Another folder is another sandbox: the lock is per data folder.
    async with (
        await Sandbox.start(data, tmp_path) as one,
        await Sandbox.start(tmp_path / "other", tmp_path) as other,
    ):
        await asyncio.gather(one.ready(), other.ready())
        assert await one.end(signal.SIGINT) == 0
        assert await other.end(signal.SIGINT) == 0
