"""`rostbot sandbox`: the stand-in Bot API, the real bot and a terminal chat, all local.

Embedded defaults: a data folder with SQLite and demo keys made on first run,
no token, no internet. The simulated person types text, `/commands`, or a
number to press a button; lines starting with `:` steer the sandbox itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable
from pathlib import Path

from rostbot.config import Settings
from rostbot.crypto.analyst_keys import generate_keypair
from rostbot.crypto.server_secret import ServerSecret
from rostbot.invitations import make_invitations
from rostbot.runtime import open_services, serve
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import BotMessage, SandboxUser

REPO_FLOWS = Path(__file__).resolve().parents[3] / "flows"
HELP = """\
Type a message and press Enter to send it to the bot.
  1, 2, ...       press a button of the newest message that has buttons
  /start, /help   send a command (also /sprak, /minadata, /aterkalla, /radera ...)
  :invite FLOW    open a fresh invitation link for a flow (new person: :reset first)
  :flows          list the flows
  :reset          start over as a new person
  :quit           stop the sandbox"""


def demo_files(data: Path) -> tuple[Path, Path]:
    """Make (once) the demo analyst key pair and the server secret; return their paths."""
    data.mkdir(parents=True, exist_ok=True)
    private = data / "analyst-demo.key"
    if not private.exists():
        generate_keypair(private)
    secret = data / "server.secret"
    if not secret.exists():
        ServerSecret.generate(secret)
    return Path(str(private) + ".pub"), secret


def sandbox_settings(api: SandboxBotApi, data: Path, flows: Path | None) -> Settings:
    public_key, secret = demo_files(data)
    flows_dir = flows or (Path("flows") if Path("flows").is_dir() else REPO_FLOWS)
    return Settings(
        token=api.token,
        bot_api_url=api.base_url.rstrip("/"),
        db_path=data / "rostbot.sqlite3",
        flows_dir=flows_dir,
        analyst_key_paths=(public_key,),
        secret_file=secret,
        organisation="Demokommunen",
        contact="dataskydd@demokommunen.example",
    )


class TerminalChat:
    """Prints what the bot sends to one simulated person; turns typed lines into updates."""

    def __init__(self, api: SandboxBotApi, lang: str, write: Callable[[str], None]) -> None:
        self.api = api
        self.lang = lang
        self.write = write
        self.user = self._new_person()
        api.add_listener(self._on_bot_message)

    def _new_person(self) -> SandboxUser:
        return self.api.user(first_name="Demo", language_code=self.lang)

    def reset(self) -> None:
        self.user = self._new_person()
        self.write("-- you are a new person now")

    def _on_bot_message(self, event: str, message: BotMessage) -> None:
        if message.chat_id != self.user.chat_id or event == "deleted":
            return
        label = "bot" if event == "sent" else "bot (edited)"
        self.write(f"{label}> {message.text or ''}".replace("\n", "\n     "))
        numbered = [text for row in message.buttons() for text in (b["text"] for b in row)]
        if numbered:
            self.write("     " + "  ".join(f"[{i}] {t}" for i, t in enumerate(numbered, 1)))

    def _newest_with_buttons(self) -> BotMessage | None:
        for message in reversed(self.user.inbox):
            if message.buttons():
                return message
        return None

    async def handle(self, line: str) -> None:
        """Send one typed line as the simulated person."""
        line = line.strip()
        if line.isdigit():
            message = self._newest_with_buttons()
            texts = [b["text"] for row in (message.buttons() if message else []) for b in row]
            number = int(line)
            if message is None or not 1 <= number <= len(texts):
                self.write("-- no such button")
                return
            await self.user.press(texts[number - 1], message=message)
        elif line.startswith("/"):
            command, _, arg = line.partition(" ")
            await self.user.send_command(command, arg.strip() or None)
        elif line:
            await self.user.send_text(line)


async def run_sandbox(*, data: Path, flows: Path | None, lang: str, port: int) -> int:
    """Run everything locally until `:quit` or end of input."""

    def write(text: str) -> None:
        print(text, flush=True)

    async with SandboxBotApi(port=port) as api:
        settings = sandbox_settings(api, data, flows)
        async with open_services(settings) as services:
            stop = asyncio.Event()
            bot = asyncio.create_task(serve(services, token=api.token, stop=stop, poll_timeout=5))
            chat = TerminalChat(api, lang, write)
            write(f"rostbot sandbox: Bot API stand-in at {api.base_url}, data in {data}")
            write(f"flows: {', '.join(sorted(services.flows))}")
            write(HELP)
            write("-- ready")
            loop = asyncio.get_running_loop()
            try:
                while True:
                    line = await loop.run_in_executor(None, sys.stdin.readline)
                    if not line or line.strip() in (":quit", ":q"):
                        break
                    command = line.strip()
                    if command == ":flows":
                        write("-- " + ", ".join(sorted(services.flows)))
                    elif command == ":reset":
                        chat.reset()
                    elif command.startswith(":invite"):
                        flow_id = command.removeprefix(":invite").strip()
                        if flow_id not in services.flows:
                            write("-- which flow? " + ", ".join(sorted(services.flows)))
                            continue
                        [link] = await make_invitations(
                            settings,
                            bot=api.bot_username,
                            flow_id=flow_id,
                            unit="demo",
                            provider=None,
                            count=1,
                        )
                        write(f"-- letter link: {link}")
                        await chat.user.send_command("/start", link.split("?start=")[1])
                    elif command.startswith(":"):
                        write("-- unknown sandbox command; try :invite FLOW, :reset, :quit")
                    else:
                        await chat.handle(command)
            finally:
                stop.set()
                with contextlib.suppress(asyncio.CancelledError):
                    await bot
    write("-- sandbox stopped")
    return 0
