"""Fixtures of the page tests: flows to edit, a sandbox on a free port, Debian's Chromium.

Test modules load them with `pytest_plugins = ["page_fixtures"]` (and import nothing from
here, so that pytest can rewrite its asserts).
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from page_steps import CHROMIUM, CHROMIUM_FLAGS
from rostbot.sandbox.local_bot import local_bot
from rostbot.sandbox.webchat.chats import ChatDesk
from rostbot.sandbox.webchat.server import PageServer

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def flows_dir(tmp_path: Path) -> Path:
    """A copy of the shipped flows that a test may edit."""
    folder = tmp_path / "flows"
    shutil.copytree(REPO / "flows", folder)
    return folder


@pytest.fixture
async def sandbox(tmp_path: Path, flows_dir: Path) -> AsyncIterator[PageServer]:
    """What `rostbot sandbox` runs: the stand-in, the real bot, the page on a free port."""
    async with (
        local_bot(data=tmp_path / "data", flows=flows_dir) as local,
        PageServer(ChatDesk(local), 0) as page,
    ):
        yield page


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as driver:
        chromium = await driver.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
        )
        try:
            yield chromium
        finally:
            await chromium.close()
