"""The sandbox page across restarts: the chats come back and go on; new people are new.

The sandbox is stopped and started again on the same data folder, as a person trying it
does over a few days; Chromium (Debian's, driven by Playwright) shows the page each time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from page_steps import (
    PHONE,
    answer_flow,
    bot_bubbles,
    chat,
    chromium_missing,
    consent,
    open_page,
    say,
    start_flow,
)
from rostbot.sandbox.local_bot import local_bot
from rostbot.sandbox.webchat.chats import ChatDesk
from rostbot.sandbox.webchat.server import PageServer
from system_tools import in_ci

pytest_plugins = ["page_fixtures"]

pytestmark = pytest.mark.skipif(
    chromium_missing() is not None and not in_ci(), reason=chromium_missing() or ""
)

NOTHING_STORED = "Jag sparar ingenting om dig."
# The chat on screen shows its newest message: scrolled to the end of a list longer than it.
SHOWS_NEWEST = """() => {
    const log = document.querySelector('section.chat.active [role="log"]');
    return log !== null && log.scrollHeight > log.clientHeight + 100
        && log.scrollHeight - log.scrollTop - log.clientHeight < 2;
}"""


@asynccontextmanager
async def sandbox_on(data: Path, flows: Path) -> AsyncIterator[PageServer]:
    """`rostbot sandbox --data DATA`, until the block ends (as Ctrl+C ends it)."""
    async with (
        local_bot(data=data, flows=flows) as local,
        PageServer(ChatDesk(local), 0) as page,
    ):
        yield page


def ids_of(sandbox: PageServer) -> set[int]:
    return {person.user.id for person in sandbox.desk.people.values()}


async def shows_newest(page: Page) -> None:
    await page.wait_for_function(SHOWS_NEWEST)


async def test_after_a_restart_the_chats_come_back_and_go_on_and_new_people_are_new(
    browser: Browser, tmp_path: Path, flows_dir: Path
) -> None:
    data = tmp_path / "data"
    async with sandbox_on(data, flows_dir) as first:
        page = await open_page(browser, first, PHONE)
        await start_flow(page, "Om mötet", "danska")
        danish = chat(page, "Person 1")
        await consent(danish, "da", "Ja, jeg vil være med")
        await expect(bot_bubbles(danish).filter(has_text="Spørgsmål 1 af")).to_be_visible()
        earlier = ids_of(first)
        await page.context.close()

    async with sandbox_on(data, flows_dir) as second:
        page = await open_page(browser, second, PHONE)
        danish = chat(page, "Person 1")
        await expect(danish.locator("li.from-note").last).to_contain_text(
            "Sandlådan startades om. Chatten fortsätter här, och databasen har kvar allt."
        )
        await expect(bot_bubbles(danish).filter(has_text="Spørgsmål 1 af")).to_be_visible()
        # At phone width the chat opens at its newest message, also when the page reloads.
        await shows_newest(page)
        await page.reload()
        await expect(danish).to_be_visible()
        await shows_newest(page)

        # The chat goes on where it was: the buttons of the question asked before the
        # restart still answer it, and the bot edits that same message.
        answered = await answer_flow(danish, "da", "Godt møde", finished="Tak")
        assert answered >= 3
        assert ids_of(second) == earlier

        # A new person is new: a new Telegram id, Swedish as chosen, nothing stored.
        await start_flow(page, "Om mötet", "svenska")
        swedish = chat(page, "Person 2")
        await expect(swedish).to_contain_text("Ja, jag vill vara med")
        assert ids_of(second) - earlier, "the new person took an earlier person's id"
        await say(swedish, "/minadata", NOTHING_STORED)
        earlier = ids_of(second)

        # After "Start over" too.
        await page.get_by_role("button", name="Börja om").click()
        await expect(page.locator("section.chat")).to_have_count(0)
        await start_flow(page, "Om mötet", "svenska")
        fresh = chat(page, "Person 1")
        await say(fresh, "/minadata", NOTHING_STORED)
        assert not ids_of(second) & earlier
        earlier |= ids_of(second)
        await page.context.close()

    # Started again once more: the chat of the person after "Start over" is back, and
    # the next new person has an id no one had on this folder.
    async with sandbox_on(data, flows_dir) as third:
        page = await open_page(browser, third, PHONE)
        await expect(page.locator("section.chat")).to_have_count(1)
        await expect(chat(page, "Person 1")).to_contain_text("/minadata")
        await start_flow(page, "Om mötet", "svenska")
        await say(chat(page, "Person 2"), "/minadata", NOTHING_STORED)
        assert len(ids_of(third) - earlier) == 1
        await page.context.close()
