"""Shared fixtures: real keys, a real SQLite file, the sandbox Bot API and the real bot."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from rostbot.config import Settings
from rostbot.crypto.analyst_keys import AnalystPrivateKey, generate_keypair, load_private_key
from rostbot.crypto.server_secret import ServerSecret
from rostbot.invitations import make_invitations
from rostbot.journey.services import Services, utc_now
from rostbot.runtime import open_services, serve
from rostbot.sandbox.botapi import SandboxBotApi

REPO = Path(__file__).resolve().parents[1]
FLOWS = REPO / "flows"


@pytest.fixture
def analyst_key(tmp_path: Path) -> tuple[Path, AnalystPrivateKey]:
    """A real analyst key pair: (public key path, private key)."""
    private_path = tmp_path / "keys" / "analyst.key"
    generate_keypair(private_path)
    return Path(str(private_path) + ".pub"), load_private_key(private_path)


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "server.secret"
    ServerSecret.generate(path)
    return path


@pytest.fixture
def settings(
    tmp_path: Path, analyst_key: tuple[Path, AnalystPrivateKey], secret_file: Path
) -> Settings:
    return Settings(
        token="123456:sandbox-token",
        db_path=tmp_path / "rostbot.sqlite3",
        flows_dir=FLOWS,
        analyst_key_paths=(analyst_key[0],),
        secret_file=secret_file,
        organisation="Testkommunen",
        contact="dataskydd@testkommunen.example",
    )


@pytest.fixture
async def api() -> AsyncIterator[SandboxBotApi]:
    async with SandboxBotApi() as sandbox:
        yield sandbox


class RunningBot:
    """The real python-telegram-bot Application, polling the sandbox over HTTP."""

    def __init__(
        self, api: SandboxBotApi, settings: Settings, clock: Callable[[], datetime]
    ) -> None:
        self.api = api
        self.settings = replace(settings, token=api.token, bot_api_url=api.base_url.rstrip("/"))
        self.clock = clock
        self._stop: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._services: Services | None = None
        self._ready = asyncio.Event()

    @property
    def services(self) -> Services:
        assert self._services is not None
        return self._services

    async def start(self) -> None:
        self._stop = asyncio.Event()
        self._ready = asyncio.Event()
        self._task = asyncio.create_task(self._run())
        ready = asyncio.create_task(self._ready.wait())
        done, _ = await asyncio.wait(
            {ready, self._task}, timeout=60, return_when=asyncio.FIRST_COMPLETED
        )
        if self._task in done:
            ready.cancel()
            self._task.result()  # raises what stopped the start
        assert ready in done, "the bot did not start in 15 s"

    async def _run(self) -> None:
        async with open_services(self.settings, clock=self.clock) as services:
            self._services = services
            self._ready.set()
            assert self._stop is not None
            await serve(services, token=self.settings.token or "", stop=self._stop, poll_timeout=1)

    async def stop(self) -> None:
        if self._stop is not None and self._task is not None:
            self._stop.set()
            await asyncio.wait_for(self._task, timeout=60)
        self._task = None
        self._services = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def invite(
        self,
        flow_id: str,
        unit: str = "unit-a",
        provider: str | None = None,
        count: int = 1,
        *,
        cohort: str | None = None,
        wave: str | None = None,
    ) -> list[str]:
        """Invitation codes, made as `rostbot invite` makes them."""
        links = await make_invitations(
            self.settings,
            bot=self.api.bot_username,
            flow_id=flow_id,
            unit=unit,
            provider=provider,
            count=count,
            cohort=cohort,
            wave=wave,
        )
        return [link.split("?start=")[1] for link in links]


@contextlib.asynccontextmanager
async def running_bot(
    api: SandboxBotApi, settings: Settings, clock: Callable[[], datetime] = utc_now
) -> AsyncIterator[RunningBot]:
    """The real bot with these settings and this clock, started; stopped at the end."""
    running = RunningBot(api, settings, clock)
    await running.start()
    try:
        yield running
    finally:
        with contextlib.suppress(Exception):
            await running.stop()


@pytest.fixture
async def bot(api: SandboxBotApi, settings: Settings) -> AsyncIterator[RunningBot]:
    async with running_bot(api, settings) as running:
        yield running


@pytest.fixture
async def fast_bot(api: SandboxBotApi, settings: Settings) -> AsyncIterator[RunningBot]:
    """The real bot without its own pacing (the sandbox does not throttle), already polling."""
    running = RunningBot(api, replace(settings, send_rate=0), utc_now)
    await running.start()
    await api.wait_until_long_polling()
    try:
        yield running
    finally:
        api.faults = None
        with contextlib.suppress(Exception):
            await running.stop()
