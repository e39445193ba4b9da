"""`rostbot sandbox --terminal`: the stand-in Bot API, the real bot and a terminal chat.

Embedded defaults: a data folder with SQLite and demo keys made on first run,
no token, no internet. The simulated person types text, `/commands`, or a
number to press a button; lines starting with `:` steer the sandbox itself.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.local_bot import local_bot
from rostbot.sandbox.people import BotMessage, SandboxUser
from rostbot.sandbox.user_ids import new_user_id

HELP = """\
Type a message and press Enter to send it to the bot.
  1, 2, ...       press a button of the newest message that has buttons
  /start, /help   send a command (also /sprak, /minadata, /aterkalla, /radera ...)
  :invite FLOW    open a fresh invitation link for a flow (new person: :reset first)
  :flows          list the flows
  :reset          start over as a new person
  :quit           stop the sandbox"""


class TerminalChat:
    """Prints what the bot sends to one simulated person; turns typed lines into updates."""

    def __init__(
        self, api: SandboxBotApi, lang: str, write: Callable[[str], None], data: Path
    ) -> None:
        self.api = api
        self.lang = lang
        self.data = data
        self.write = write
        self.user = self._new_person()
        api.add_listener(self._on_bot_message)

    def _new_person(self) -> SandboxUser:
        # An id never used on this data folder: the bot's database outlives the run.
        return self.api.user(
            first_name="Demo", language_code=self.lang, user_id=new_user_id(self.data)
        )

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


async def run_terminal_sandbox(*, data: Path, flows: Path | None, lang: str, api_port: int) -> int:
    """Run everything locally with a terminal chat until `:quit` or end of input."""

    def write(text: str) -> None:
        print(text, flush=True)

    async with local_bot(data=data, flows=flows, api_port=api_port) as local:
        api, services = local.api, local.services
        chat = TerminalChat(api, lang, write, data)
        write(f"rostbot sandbox: Bot API stand-in at {api.base_url}, data in {data}")
        write(f"flows: {', '.join(sorted(services.flows))}")
        write(HELP)
        write("-- ready")
        loop = asyncio.get_running_loop()
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
                letter = await local.invitation_link(flow_id)
                write(f"-- letter link: {letter}")
                await chat.user.send_command("/start", letter.split("?start=")[1])
            elif command.startswith(":"):
                write("-- unknown sandbox command; try :invite FLOW, :reset, :quit")
            else:
                await chat.handle(command)
    write("-- sandbox stopped")
    return 0
