"""Typing, focus and markup on the sandbox page, as a keyboard user and axe-core meet them.

Chromium (Debian's, driven by Playwright) opens the page served by the sandbox; the real
bot answers over the stand-in Bot API.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from page_steps import (
    LAPTOP,
    bot_bubbles,
    bot_text,
    chat,
    chromium_missing,
    consent,
    open_page,
    page_problems,
    start_flow,
)
from rostbot.sandbox.webchat.server import PageServer
from system_tools import in_ci

pytest_plugins = ["page_fixtures"]

# Deque's axe-core, installed by ./test.sh (`npm ci` in tests/axe_js).
AXE = Path(__file__).resolve().parent / "axe_js" / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = pytest.mark.skipif(
    chromium_missing() is not None and not in_ci(), reason=chromium_missing() or ""
)


async def test_shift_enter_makes_a_new_line_and_enter_sends_one_message(
    browser: Browser, sandbox: PageServer
) -> None:
    page = await open_page(browser, sandbox, LAPTOP)
    await page.get_by_role("button", name="Chatta som samordnare").click()
    coordinator = chat(page, "Samordnare")
    box = coordinator.get_by_role("textbox", name="Skriv till boten")
    await expect(box).to_be_focused()
    await page.keyboard.type("Välkomna och fika")
    await page.keyboard.press("Shift+Enter")
    await page.keyboard.type("Samtal om stödet")
    await expect(coordinator.locator("li.from-me")).to_have_count(0)  # not sent yet
    one_line = await box.bounding_box()
    await page.keyboard.press("Shift+Enter")
    await page.keyboard.type("Avslutning")
    grown = await box.bounding_box()
    assert one_line is not None and grown is not None and grown["height"] > one_line["height"]
    await page.keyboard.press("Enter")

    lines = "Välkomna och fika\nSamtal om stödet\nAvslutning"
    mine = coordinator.locator("li.from-me")
    await expect(mine).to_have_count(1)
    await expect(mine.locator("p.text")).to_have_text(lines)
    await expect(box).to_have_value("")
    # The bot got one message, with the new lines in it.
    [simulated] = sandbox.desk.people.values()
    user = simulated.user
    assert user.last_message_id is not None
    sent = user.message_json(user.last_message_id)
    assert sent is not None and sent["text"] == lines
    assert page_problems(page) == []


async def test_after_erase_or_withdraw_the_focus_is_on_going_back_never_on_yes(
    browser: Browser, sandbox: PageServer
) -> None:
    page = await open_page(browser, sandbox, LAPTOP)
    await start_flow(page, "Om mötet", "svenska")
    person = chat(page, "Person 1")
    await consent(person, "sv", "Ja, jag vill vara med")
    await expect(bot_bubbles(person).filter(has_text="Fråga 1 av")).to_be_visible()
    back = bot_text("sv", "No, go back")
    for command, yes in (("/radera", "Yes, erase"), ("/aterkalla", "Yes, withdraw")):
        box = person.get_by_role("textbox")
        await box.focus()
        await page.keyboard.type(command)
        await page.keyboard.press("Enter")
        asking = bot_bubbles(person).filter(has=page.get_by_role("button", name=back)).last
        await expect(asking.get_by_role("button", name=bot_text("sv", yes))).to_be_visible()
        confirm = person.locator(f'li[data-key="{await asking.get_attribute("data-key")}"]')
        await expect(confirm.get_by_role("button", name=back)).to_be_focused()
        # Enter now goes back; nothing is erased or withdrawn.
        seen = await bot_bubbles(person).count()
        await page.keyboard.press("Enter")
        await expect(bot_bubbles(person).nth(seen)).to_be_visible()
    await person.get_by_role("textbox").fill("/minadata")
    await person.get_by_role("textbox").press("Enter")
    stored = bot_bubbles(person).filter(has_text="Det här sparar jag om dig")
    await expect(stored).to_contain_text("Om mötet")
    await expect(stored).not_to_contain_text("återkall")
    assert page_problems(page) == []


async def test_the_letter_link_opens_the_persons_chat_with_start(
    browser: Browser, sandbox: PageServer
) -> None:
    page = await open_page(browser, sandbox, LAPTOP)
    await start_flow(page, "Om mötet", "svenska")
    person = chat(page, "Person 1")
    await expect(bot_bubbles(person)).not_to_have_count(0)
    link = person.locator("li.from-note").get_by_role("link", name=re.compile(r"start="))
    url = await link.get_attribute("href")
    assert url is not None and "?start=" in url
    code = url.split("?start=", 1)[1]
    before = await bot_bubbles(person).count()
    await link.focus()
    await page.keyboard.press("Enter")
    await expect(person.locator("li.from-me").last).to_have_text(re.compile(f"/start {code}$"))
    await expect(bot_bubbles(person).nth(before)).to_be_visible()
    assert page.url == sandbox.url  # the page stays; the chat got the link
    assert page_problems(page) == []


async def test_the_chat_log_wraps_a_list_of_messages(browser: Browser, sandbox: PageServer) -> None:
    page = await open_page(browser, sandbox, LAPTOP)
    await start_flow(page, "Om mötet", "svenska")
    person = chat(page, "Person 1")
    await expect(person.locator('[role="log"] > ol > li').first).to_be_visible()
    # role=log on the list itself hides it from its items (axe-core: listitem).
    assert await page.locator("ol[role], ul[role]").count() == 0
    tree = await person.aria_snapshot()
    assert 'log "Person 1"' in tree
    assert "- list:" in tree or "- list " in tree


async def axe_problems(page: Page) -> list[str]:
    """What axe-core finds serious or critical on the page as it is now (WCAG 2.x A and AA)."""
    if not AXE.is_file():
        reason = "tests/axe_js/node_modules is missing; ./test.sh runs npm ci there"
        if in_ci():
            raise AssertionError(reason)
        pytest.skip(reason)
    # Evaluated through the browser's debugging protocol, which the page's CSP allows.
    await page.evaluate(AXE.read_text(encoding="utf-8"))
    found = await page.evaluate(
        """async () => (await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'wcag22aa', 'best-practice']},
        })).violations.map(v => ({id: v.id, impact: v.impact,
                                 where: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"""
    )
    return [
        json.dumps(problem, ensure_ascii=False)
        for problem in found
        if problem["impact"] in ("serious", "critical")
    ]


async def test_axe_core_finds_nothing_serious_on_the_page_in_use(
    browser: Browser, sandbox: PageServer
) -> None:
    page = await open_page(browser, sandbox, LAPTOP)
    assert await axe_problems(page) == []
    await start_flow(page, "Om mötet", "svenska")
    person = chat(page, "Person 1")
    await consent(person, "sv", "Ja, jag vill vara med")
    await expect(bot_bubbles(person).filter(has_text="Fråga 1 av")).to_be_visible()
    await person.get_by_role("button", name="Meny").click()
    await page.get_by_role("button", name="Chatta som samordnare").click()
    await expect(chat(page, "Samordnare").locator("li.from-note")).to_be_visible()
    await page.get_by_role("button", name="Visa igen").click()
    await expect(page.locator('[data-table="respondents"]')).to_be_visible()
    assert await axe_problems(page) == []
    await page.get_by_label("Sidans språk").select_option("da")
    assert await axe_problems(page) == []


async def test_an_export_that_fails_says_so_in_the_pages_language(
    browser: Browser, sandbox: PageServer
) -> None:
    page = await open_page(browser, sandbox, LAPTOP)
    sandbox.desk.local.demo_private_key.unlink()
    await page.get_by_role("button", name="Exportera med demonyckeln").click()
    failed = page.locator("#exported .page-error")
    await expect(failed).to_contain_text("Exporten gick inte (exportens besked är på engelska):")
    await expect(failed.locator('[lang="en"]')).not_to_be_empty()
    assert page_problems(page) == []
