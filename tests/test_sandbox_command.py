"""`rostbot sandbox`: one command, embedded defaults, a terminal chat that reaches the real bot."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

SANDBOX = [
    sys.executable,
    "-c",
    "from rostbot.cli import main; raise SystemExit(main(['sandbox', '--data', 'data']))",
]


class Terminal:
    """The sandbox process, with a way to wait for a line it prints."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []

    async def expect(self, fragment: str, timeout: float = 20) -> str:
        async with asyncio.timeout(timeout):
            for line in self.lines:
                if fragment in line:
                    return line
            assert self.process.stdout is not None
            while True:
                raw = await self.process.stdout.readline()
                if not raw:
                    raise AssertionError(
                        f"sandbox ended before printing {fragment!r}: {self.lines}"
                    )
                line = raw.decode()
                self.lines.append(line)
                if fragment in line:
                    return line

    async def type(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((line + "\n").encode())
        await self.process.stdin.drain()


async def test_sandbox_makes_its_own_keys_and_chats_with_the_real_bot(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROSTBOT_")}
    process = await asyncio.create_subprocess_exec(
        *SANDBOX,
        cwd=tmp_path,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    terminal = Terminal(process)
    try:
        await terminal.expect("-- ready")
        assert (tmp_path / "data" / "analyst-demo.key").exists()
        assert (tmp_path / "data" / "analyst-demo.key.pub").exists()
        assert (tmp_path / "data" / "server.secret").exists()
        await terminal.type("/start")
        await terminal.expect("brevet")
        await terminal.type(":invite meeting_feedback")
        await terminal.expect("[1] Ja, jag vill vara med")
        await terminal.type("1")
        await terminal.expect("13 år eller äldre")
        await terminal.type("1")
        await terminal.expect("Fråga 1 av")
        await terminal.type(":quit")
        await terminal.expect("-- sandbox stopped")
        assert await asyncio.wait_for(process.wait(), timeout=20) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
