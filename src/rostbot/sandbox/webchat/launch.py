"""`rostbot sandbox`: the stand-in Bot API, the real bot and the web chat page, until Ctrl+C."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import webbrowser
from collections.abc import Callable
from pathlib import Path

from rostbot.sandbox.local_bot import local_bot
from rostbot.sandbox.webchat.chats import ChatDesk
from rostbot.sandbox.webchat.server import PageServer


def has_display() -> bool:
    """Whether a graphical browser could open here (not over ssh, in CI or a container)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_in_browser(url: str) -> bool:
    """Open the page in the default browser; False when none could be started."""
    try:
        return webbrowser.open(url, new=2)
    except webbrowser.Error:
        return False


async def run_web_sandbox(
    *,
    data: Path,
    flows: Path | None,
    port: int,
    api_port: int = 0,
    browser: bool = True,
    write: Callable[[str], None] = lambda text: print(text, flush=True),
) -> int:
    """Serve the sandbox page until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, stop.set)
    async with (
        local_bot(data=data, flows=flows, api_port=api_port) as local,
        PageServer(ChatDesk(local), port) as page,
    ):
        write(f"rostbot sandbox: open {page.url} in a browser (Ctrl+C stops)")
        write(f"data and demo keys in {data}; flows from {local.settings.flows_dir}")
        # webbrowser falls back to text browsers in a terminal without a display;
        # those would take over this terminal, so only a real display counts.
        if browser and has_display() and not await asyncio.to_thread(open_in_browser, page.url):
            write("no browser could be opened here: open the address above yourself")
        write("-- ready")
        stopping = asyncio.ensure_future(stop.wait())
        # Ctrl+C, or the bot ending by itself (its error then ends the command).
        await asyncio.wait({stopping, local.bot}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
    write("-- sandbox stopped")
    return 0
