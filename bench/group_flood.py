"""Group flood benchmark: does a busy group slow one person's private chat with the bot?

The real bot (the same `Application` as `rostbot run`, with its AIORateLimiter) runs against
the sandbox Bot API. A person is in a flow in their private chat. Measured, in the same run:
  1. baseline: they press an answer; time to the press's answer and to the next question;
  2. flood: the same person first sends 30 commands in a group the bot is in (an admin, so
     every message reaches it), then presses the next answer at once; the same two times,
     and how many messages the bot posted in the group.

    .venv/bin/python bench/group_flood.py

Nothing leaves 127.0.0.1; every wait has a timeout.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

from rostbot.config import Settings
from rostbot.crypto.analyst_keys import generate_keypair
from rostbot.crypto.server_secret import ServerSecret
from rostbot.invitations import make_invitations
from rostbot.runtime import open_services, serve
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import BotMessage, SandboxUser

REPO = Path(__file__).resolve().parents[1]
FLOOD = 30
TIMEOUT = 120.0


def _first_answer(question: BotMessage) -> str:
    return question.button_texts()[0]


async def _press_and_time(user: SandboxUser, question: BotMessage) -> tuple[float, float]:
    """Seconds from a press to its answer, and to the next question."""
    answered, mark = len(user.callback_answers), user.mark()
    began = time.monotonic()
    await user.press(_first_answer(question), message=question)
    await user.wait_for_callback_answer(after=answered, timeout=TIMEOUT)
    to_answer = time.monotonic() - began
    await user.wait_for_message(lambda m: bool(m.buttons()), after=mark, timeout=TIMEOUT)
    return to_answer, time.monotonic() - began


async def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        async with SandboxBotApi() as api:
            ServerSecret.generate(folder / "server.secret")
            generate_keypair(folder / "analyst.key")
            settings = Settings(
                token=api.token,
                bot_api_url=api.base_url.rstrip("/"),
                db_path=folder / "rostbot.sqlite3",
                flows_dir=REPO / "flows",
                analyst_key_paths=(folder / "analyst.key.pub",),
                secret_file=folder / "server.secret",
            )
            stop = asyncio.Event()
            async with open_services(settings) as services:
                task = asyncio.create_task(serve(services, token=api.token, stop=stop))
                await api.wait_until_long_polling(TIMEOUT)
                [link] = await make_invitations(
                    settings,
                    bot=api.bot_username,
                    flow_id="income_support_followup",
                    unit="unit-a",
                    provider=None,
                    count=1,
                )
                greta = api.user(first_name="Greta", language_code="sv")
                mark = greta.mark()
                await greta.send_command("/start", link.split("?start=")[1])
                consent = await greta.wait_for_message(
                    lambda m: "Ja, jag vill vara med" in m.button_texts(), after=mark
                )
                mark = greta.mark()
                await greta.press("Ja, jag vill vara med", message=consent)
                question = await greta.wait_for_message(
                    lambda m: bool(m.buttons()), after=mark, timeout=TIMEOUT
                )
                if "Ja" in question.button_texts() and "Fråga" not in question.content:
                    mark = greta.mark()
                    await greta.press("Ja", message=question)  # the age question
                    question = await greta.wait_for_message(
                        lambda m: bool(m.buttons()), after=mark, timeout=TIMEOUT
                    )
                base = await _press_and_time(greta, question)
                question = greta.last()

                group = api.group("Föräldragruppen", "supergroup", bot_is_admin=True)
                for _ in range(FLOOD):
                    await group.send_command(greta, "/start")
                flood = await _press_and_time(greta, question)
                await group.wait_until_bot_left()
                stop.set()
                await asyncio.wait_for(task, TIMEOUT)
    print(f"baseline: press answered {base[0]:.3f} s, next question {base[1]:.3f} s")
    print(
        f"after {FLOOD} group commands: press answered {flood[0]:.3f} s, "
        f"next question {flood[1]:.3f} s ({flood[1] / base[1]:.2f} x baseline)"
    )
    print(f"bot messages in the group: {len(group.inbox)}; left the group: yes")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
