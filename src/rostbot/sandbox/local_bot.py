"""The sandbox's embedded defaults and its running bot, shared by the web page and the terminal.

Owns what `rostbot sandbox` needs before anyone chats: a data folder with the SQLite file,
demo analyst keys and a server secret made on first run, settings that point the real bot
at the local Bot API stand-in (no token, no internet), and the lifespan that runs both.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from rostbot.config import ConfigError, Settings
from rostbot.crypto.analyst_keys import generate_keypair
from rostbot.crypto.server_secret import ServerSecret
from rostbot.invitations import issue_codes, link
from rostbot.journey.services import Services
from rostbot.runtime import open_services, serve
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.store.run_lock import running_alone

REPO_FLOWS = Path(__file__).resolve().parents[3] / "flows"
DEMO_PRIVATE_KEY = "analyst-demo.key"
# The simulated coordinator's Telegram id: below the ids the stand-in hands out to new
# users, so it never collides, and listed in the settings' coordinators.
COORDINATOR_ID = 7_000_000_000
START_TIMEOUT = 30.0
DATABASE_NAME = "rostbot.sqlite3"


def demo_files(data: Path) -> tuple[Path, Path]:
    """Make (once) the demo analyst key pair and the server secret; return their paths."""
    data.mkdir(parents=True, exist_ok=True)
    private = data / DEMO_PRIVATE_KEY
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
        db_path=data / DATABASE_NAME,
        flows_dir=flows_dir,
        analyst_key_paths=(public_key,),
        secret_file=secret,
        coordinators=frozenset({COORDINATOR_ID}),
        organisation="Demokommunen",
        contact="dataskydd@demokommunen.example",
        organizer_email="kalender@demokommunen.example",
    )


@dataclass
class LocalBot:
    """The stand-in Bot API and the real bot polling it, both running."""

    api: SandboxBotApi
    services: Services
    data: Path
    bot: asyncio.Task[None]  # ends only when stopped, or when the bot fails

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def demo_private_key(self) -> Path:
        return self.data / DEMO_PRIVATE_KEY

    async def invitation_link(self, flow_id: str, unit: str = "demo") -> str:
        """A fresh single-use letter link for a flow the running bot knows."""
        if flow_id not in self.services.flows:
            raise KeyError(flow_id)
        [code] = await issue_codes(
            self.services.db, flow_id=flow_id, unit=unit, provider=None, count=1
        )
        return link(self.api.bot_username, code)


def _check_folder(data: Path) -> None:
    if data.exists() and not data.is_dir():
        raise ConfigError(f"--data {data} is a file: name a folder (it is made if missing)")


@asynccontextmanager
async def local_bot(
    *, data: Path, flows: Path | None, api_port: int = 0
) -> AsyncIterator[LocalBot]:
    """Start the stand-in and the real bot; yield once the bot polls; stop both at the end.

    One sandbox per data folder: a second one on the same folder stops before it starts
    anything (`AlreadyRunning`).
    """
    _check_folder(data)
    with running_alone(data / DATABASE_NAME, where=data):
        async with SandboxBotApi(port=api_port) as api:
            settings = sandbox_settings(api, data, flows)
            async with open_services(settings) as services:
                stop = asyncio.Event()
                bot = asyncio.create_task(
                    serve(services, token=api.token, stop=stop, poll_timeout=5)
                )
                polling = asyncio.create_task(api.wait_until_polling(timeout=START_TIMEOUT))
                try:
                    await asyncio.wait({bot, polling}, return_when=asyncio.FIRST_COMPLETED)
                    if bot.done():
                        bot.result()  # raises what stopped the bot from starting
                    polling.result()
                    yield LocalBot(api, services, data, bot)
                finally:
                    polling.cancel()
                    stop.set()
                    with contextlib.suppress(asyncio.CancelledError):
                        await bot
