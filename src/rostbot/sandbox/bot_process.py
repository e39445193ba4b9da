"""The bot as a separate operating-system process, pointed at a sandbox Bot API.

Owns starting a bot command (by default `rostbot run`) with its settings passed as ROSTBOT_*
variables, reading its memory and CPU time from /proc, killing it hard (SIGKILL, as a crashing
host would) and stopping it politely (SIGTERM). Used by the crash tests and bench/load.py, so
the load generator and the sandbox never share a process (or a GIL) with the bot they measure.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Coroutine, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from rostbot.config import Settings
from rostbot.sandbox.botapi import SandboxBotApi

ROSTBOT_RUN = (sys.executable, "-m", "rostbot", "run")


def run_env(settings: Settings, api: SandboxBotApi, **extra: str) -> dict[str, str]:
    """The environment that makes `rostbot run` use these settings against this sandbox."""
    env = {
        **os.environ,
        "ROSTBOT_TOKEN": api.token,
        "ROSTBOT_BOT_API_URL": api.base_url.rstrip("/"),
        "ROSTBOT_DB": str(settings.db_path),
        "ROSTBOT_FLOWS": str(settings.flows_dir),
        "ROSTBOT_ANALYST_KEY": ",".join(str(p) for p in settings.analyst_key_paths),
        "ROSTBOT_SECRET_FILE": str(settings.secret_file or ""),
        "ROSTBOT_ORGANISATION": settings.organisation,
        "ROSTBOT_CONTACT": settings.contact,
        "ROSTBOT_TZ": settings.tz,
        "ROSTBOT_SEND_RATE": str(settings.send_rate),
    }
    env.update(extra)
    return env


class BotProcess:
    """One bot process; `async with` stops it (politely, then hard) on the way out."""

    def __init__(
        self, env: dict[str, str], *, command: Sequence[str] = ROSTBOT_RUN, log: Path | None = None
    ) -> None:
        self.env = env
        self.command = tuple(command)
        self.log = log
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        output = self.log.open("ab") if self.log is not None else None
        try:
            self.process = await asyncio.create_subprocess_exec(
                *self.command,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=output or asyncio.subprocess.DEVNULL,
                stderr=output or asyncio.subprocess.DEVNULL,
            )
        finally:
            if output is not None:
                output.close()  # the child holds its own copy

    @property
    def pid(self) -> int:
        assert self.process is not None, "start() first"
        return self.process.pid

    @property
    def returncode(self) -> int | None:
        return None if self.process is None else self.process.returncode

    async def kill(self, timeout: float = 10) -> None:
        """SIGKILL: no clean-up, no last getUpdates, no closing of the database."""
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
            await asyncio.wait_for(self.process.wait(), timeout)

    async def stop(self, timeout: float = 20) -> int | None:
        """SIGTERM and wait; SIGKILL if it does not end in time. Returns the exit status."""
        if self.process is None:
            return None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), timeout)
            except TimeoutError:
                await self.kill()
        return self.process.returncode

    def memory(self) -> tuple[int, int]:
        """(current, peak) resident set size in bytes (VmRSS, VmHWM)."""
        fields = _status_fields(self.pid)
        return fields["VmRSS"], fields["VmHWM"]

    def cpu_seconds(self) -> float:
        """User plus system CPU time the process has used so far."""
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        # Fields after the command name (which may hold spaces) start after the last ')'.
        fields = stat[stat.rindex(")") + 2 :].split()
        ticks = int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


def _status_fields(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) * 1024  # reported in kB
    return fields


async def stoppable(work: Coroutine[Any, Any, int]) -> int:
    """Run a script's `work`, cancelled by SIGINT or SIGTERM so that the bot processes it
    started (as `BotProcess`, stopped on the way out) stop too; 130 when stopped."""
    task = asyncio.current_task()
    assert task is not None
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, task.cancel)
    try:
        return await work
    except asyncio.CancelledError:
        print("stopped", file=sys.stderr)
        return 130
