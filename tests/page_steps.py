"""Steps a person takes on the sandbox page, in a real browser (Playwright + Debian's Chromium).

Written once for the page tests: find a chat, press a button in it, type into it, answer
whatever question the bot shows, as someone looking at the screen would.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from playwright.async_api import Browser, Locator, Page, expect

from rostbot.i18n import Translations
from rostbot.sandbox.webchat.server import PageServer

# Debian's browser, never a downloaded one; ROSTBOT_CHROMIUM names another binary.
CHROMIUM = Path(os.environ.get("ROSTBOT_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's own sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 60_000
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}
TEXTS = Translations.load()
QUESTION = {"sv": re.compile(r"^Fråga \d+ av \d+"), "da": re.compile(r"^Spørgsmål \d+ af \d+")}


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists() and shutil.which(str(CHROMIUM)) is None:
        return f"no Chromium at {CHROMIUM} (CI installs Debian's chromium: see .ci/run)"
    return None


def bot_text(lang: str, msgid: str) -> str:
    return TEXTS.text(lang, msgid)


def chat(page: Page, name: str) -> Locator:
    """The chat panel whose title is `name` (e.g. "Person 1")."""
    return page.locator("section.chat").filter(
        has=page.get_by_role("heading", name=name, exact=True)
    )


def bot_bubbles(panel: Locator) -> Locator:
    return panel.locator("li.from-bot")


async def press(panel: Locator, text: str | re.Pattern[str]) -> None:
    """Tap the newest button called `text` (or matching a pattern) in a chat."""
    button = panel.get_by_role("button", name=text, exact=isinstance(text, str)).last
    await expect(button).to_be_visible(timeout=WAIT_MS)
    await button.click()


async def type_line(panel: Locator, text: str) -> None:
    """Type into the chat's box and press Enter, as on a laptop."""
    box = panel.get_by_role("textbox")
    await box.fill(text)
    await box.press("Enter")
    await expect(panel.locator("li.from-me").last).to_have_text(re.compile(re.escape(text)))


async def start_flow(page: Page, flow_title: str, lang_name: str) -> None:
    """Open a flow as a new person: pick it, pick the person's language, press the button."""
    await page.get_by_label(re.compile("^(Enkät|Spørgeskema)$")).select_option(label=flow_title)
    await page.get_by_label(re.compile("^Personens (språk|sprog)$")).select_option(label=lang_name)
    await page.get_by_role("button", name=re.compile("^(Öppna|Åbn) som ny person$")).click()


async def consent(panel: Locator, lang: str, yes_text: str) -> None:
    """Say yes to taking part and confirm the age."""
    await press(panel, yes_text)
    await press(panel, bot_text(lang, "Yes"))


async def answer_flow(panel: Locator, lang: str, text: str, finished: str) -> int:
    """Answer every question until `finished` shows; return how many were answered.

    Like a person: tap the first answer button, or for "choose one or more" tap one and
    then Done, or type when the question has no answer buttons.
    """
    nav = {bot_text(lang, m) for m in ("Pause", "← Back", "Skip", "I'd rather not answer")}
    done = bot_text(lang, "Done")
    pause = bot_text(lang, "Pause")
    current = bot_bubbles(panel).filter(
        has=panel.page.get_by_role("button", name=pause, exact=True)
    )
    the_end = bot_bubbles(panel).filter(has_text=finished)
    answered: list[str | None] = []
    while True:
        await expect(current.or_(the_end).last).to_be_visible(timeout=WAIT_MS)
        if await the_end.count():
            return len(answered)
        key = await current.last.get_attribute("data-key")
        if key in answered:
            raise AssertionError(f"no new question and no {finished!r} after question {key}")
        question = panel.locator(f'li[data-key="{key}"]')
        await expect(question.locator("p.text")).to_have_text(QUESTION[lang])
        names = [n.strip() for n in await question.get_by_role("button").all_inner_texts()]
        choices = [n for n in names if n not in nav and n != done]
        seen = await bot_bubbles(panel).count()
        if done in names:
            await question.get_by_role("button", name=choices[0], exact=True).click()
            await expect(question).to_contain_text("✅", timeout=WAIT_MS)  # edited in place
            await question.get_by_role("button", name=done, exact=True).click()
        elif choices:
            await question.get_by_role("button", name=choices[0], exact=True).click()
        else:
            await type_line(panel, text)
        if choices:
            # A tapped question is edited in place: its buttons go, a confirmation comes.
            await expect(question.get_by_role("button")).to_have_count(0, timeout=WAIT_MS)
            await expect(question).to_contain_text("✓")
        await expect(bot_bubbles(panel).nth(seen)).to_be_visible(timeout=WAIT_MS)
        answered.append(key)


async def _mark_seen(panel: Locator) -> None:
    await panel.locator("li.from-bot").evaluate_all(
        "bubbles => bubbles.forEach(b => { b.dataset.seen = 'yes'; })"
    )


def _new_bubble(panel: Locator, reply: str) -> Locator:
    return panel.locator("li.from-bot:not([data-seen])").filter(has_text=reply).last


async def say(panel: Locator, text: str, reply: str) -> Locator:
    """Type a line and wait for a new bot message showing `reply` (in its text or buttons)."""
    await _mark_seen(panel)
    await type_line(panel, text)
    bubble = _new_bubble(panel, reply)
    await expect(bubble).to_be_visible(timeout=WAIT_MS)
    return bubble


async def tap(panel: Locator, button: str | re.Pattern[str], reply: str) -> Locator:
    """Tap the newest button called `button`; wait for a new bot message showing `reply`."""
    await _mark_seen(panel)
    await press(panel, button)
    bubble = _new_bubble(panel, reply)
    await expect(bubble).to_be_visible(timeout=WAIT_MS)
    return bubble


async def open_page(browser: Browser, sandbox: PageServer, viewport: dict[str, int]) -> Page:
    """A new browser window on the sandbox's page, in Swedish, keeping the page's errors."""
    context = await browser.new_context(viewport=viewport, locale="sv-SE")
    page = await context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    await page.goto(sandbox.url)
    await expect(page.get_by_role("heading", name="Prova en enkät")).to_be_visible()
    page.set_default_timeout(WAIT_MS)
    page.problems = problems  # type: ignore[attr-defined]
    return page


def page_problems(page: Page) -> list[str]:
    return list(page.problems)  # type: ignore[attr-defined]
