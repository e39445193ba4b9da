"""At phone width a coordinator's meeting buttons show their whole text, wrapped, and a
cancelled meeting says so first."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.async_api import Browser, expect

from page_steps import (
    PHONE,
    WAIT_MS,
    bot_bubbles,
    chat,
    chromium_missing,
    open_page,
    press,
    say,
    tap,
)
from rostbot.sandbox.webchat.server import PageServer
from system_tools import in_ci

pytest_plugins = ["page_fixtures"]

pytestmark = pytest.mark.skipif(
    chromium_missing() is not None and not in_ci(), reason=chromium_missing() or ""
)

# Every bot button whose text does not fit in it: its text, for the message.
CUT_BUTTONS = """(chat) => [...chat.querySelectorAll('.inline-button')]
    .filter(b => b.checkVisibility() && b.scrollWidth > b.clientWidth)
    .map(b => b.textContent)"""


async def test_meeting_buttons_wrap_at_phone_width_and_a_cancelled_one_says_so_first(
    browser: Browser, sandbox: PageServer
) -> None:
    page = await open_page(browser, sandbox, PHONE)
    await page.get_by_role("button", name="Chatta som samordnare").click()
    kim = chat(page, "Samordnare")
    next_year = datetime.now(UTC).year + 1
    await say(kim, "/samordnare", "Nytt möte")
    await tap(kim, "Nytt möte", "Fokusgrupp")
    await tap(kim, "Fokusgrupp", "Vilket språk")
    await tap(kim, "Svenska", "Skriv rubriken (på svenska)")
    await say(
        kim,
        "Samtal om stödet och familjehemsplaceringsuppföljningsverksamheten",
        "kort beskrivning",
    )
    await say(kim, "Vi pratar om hur stödet kan bli bättre.", "dagordningen")
    await say(kim, "Välkomna och fika", "När börjar")
    await say(kim, f"20/10-{next_year} 10.00", "Hur länge")
    await tap(kim, "3 h", "Skriv adressen")
    await say(kim, "Storgatan 1, Lund", "Hur tar man sig dit")
    await tap(kim, "Hoppa över", "Tillgänglighet")
    await say(kim, "Hiss finns", "Hur många platser")
    await say(kim, "5", "Vem leder mötet")
    await say(kim, "Forskare från universitetet", "Ett möte")
    await tap(kim, "Ett möte", "Spara")
    await tap(kim, "Spara", "Sparat: 1 möte.")
    await tap(kim, "Ställ in mötet", "Vill du ställa in")
    await press(kim, "Ja, ställ in mötet")  # the question becomes the answer, in place
    await expect(bot_bubbles(kim).filter(has_text="Inställda möten: 1.")).to_be_visible(
        timeout=WAIT_MS
    )

    await say(kim, "/samordnare", "Möten")
    await tap(kim, "Möten", "Möten som inte är slut")
    listed = kim.get_by_role("button", name=re.compile("Samtal om stödet")).last
    await expect(listed).to_be_visible(timeout=WAIT_MS)
    label = await listed.text_content()
    assert label is not None and label.startswith("✗ INSTÄLLT · ")
    assert label.endswith("0/5 bokade, 0 väntar")  # the whole line, not cut
    assert await kim.evaluate(CUT_BUTTONS) == []
