"""The sandbox page in a real browser: a person clicks and types their way through the bot.

Chromium (Debian's, driven by Playwright) opens the page served by the sandbox; the real
bot answers over the stand-in Bot API; the database is a real SQLite file with real keys.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from playwright.async_api import Browser, expect

from page_steps import (
    LAPTOP,
    PHONE,
    WAIT_MS,
    answer_flow,
    bot_bubbles,
    chat,
    chromium_missing,
    consent,
    open_page,
    page_problems,
    press,
    say,
    start_flow,
    tap,
)
from rostbot.sandbox.webchat.server import PageServer
from system_tools import in_ci

pytest_plugins = ["page_fixtures"]
REPO = Path(__file__).resolve().parents[1]

# Outside CI the browser tests skip without Chromium, saying why; in CI they run, and fail
# if .ci/run could not install it.
pytestmark = pytest.mark.skipif(
    chromium_missing() is not None and not in_ci(), reason=chromium_missing() or ""
)

# Every element with its own text: its colour against the first opaque background behind it.
CONTRAST_PROBLEMS = """() => {
    const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
    const lum = ([r, g, b]) => {
        const f = (v) => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const behind = (el) => {
        for (let e = el; e; e = e.parentElement) {
            const c = rgb(getComputedStyle(e).backgroundColor);
            if (c.length < 4 || c[3] > 0) return c;
        }
        return [255, 255, 255];
    };
    const problems = [];
    for (const el of document.querySelectorAll('body *')) {
        const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
        if (!own || !el.checkVisibility() || el.closest('.visually-hidden')) continue;
        const fg = lum(rgb(getComputedStyle(el).color)), bg = lum(behind(el));
        const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        if (ratio < 4.5) problems.push(el.tagName + '.' + el.className + ' ' + ratio.toFixed(2));
    }
    return problems;
}"""


async def test_a_swedish_respondent_answers_a_whole_flow_and_sees_only_sealed_answers_stored(
    browser: Browser, sandbox: PageServer
) -> None:
    page = await open_page(browser, sandbox, LAPTOP)
    await start_flow(page, "Om stödet du fick", "svenska")
    person = chat(page, "Person 1")
    await expect(person.locator("li.from-note")).to_contain_text("https://t.me/")
    await expect(person).to_contain_text("påverkar aldrig ditt ärende")
    await consent(person, "sv", "Ja, jag vill vara med")

    secret = "Handläggaren lyssnade verkligen 4711"
    answered = await answer_flow(person, "sv", secret, finished="Tack för dina svar")
    assert answered >= 5
    # An answered question is edited in place: one bubble per question, marked as changed.
    first = bot_bubbles(person).filter(has_text="Fråga 1 av")
    await expect(first).to_have_count(1)
    await expect(first).to_contain_text("ändrat")

    stored = page.locator("section.stored")
    await page.get_by_role("button", name="Visa igen").click()
    sealed = stored.locator('[data-table="sealed_answers"]')
    await expect(sealed).to_contain_text(f"Visa raderna ({answered})")
    await expect(sealed).to_contain_text("bytes)")
    await expect(stored.locator('[data-table="respondents"]')).to_be_visible()
    assert secret not in await stored.inner_text()

    # The real export, as analysts run it with their private key: anonymous files out,
    # the records marked as exported in the bot's database.
    await page.get_by_role("button", name="Exportera med demonyckeln").click()
    exported = stored.locator("#exported")
    await expect(exported).to_contain_text(f"{answered} nya svar öppnades")
    await expect(exported.locator('[data-file="responses.csv"]')).to_contain_text("1 av 1 rader")
    await expect(exported.locator('[data-file="free_text.csv"]')).to_contain_text(secret)
    # the files begin with a byte-order mark; the page shows the column names without it
    first_column = exported.locator('[data-file="responses.csv"] th').first
    await expect(first_column).to_have_text("response")
    await expect(exported.locator('[data-file="indicators.csv"]')).to_be_visible()
    await expect(sealed.locator("td").filter(has_text="NULL")).to_have_count(0)
    assert page_problems(page) == []


async def test_a_danish_page_and_a_danish_respondent_from_start_to_thanks(
    browser: Browser, sandbox: PageServer
) -> None:
    page = await open_page(browser, sandbox, LAPTOP)
    await page.get_by_label("Sidans språk").select_option("da")
    await expect(page.get_by_role("heading", name="Prøv et spørgeskema")).to_be_visible()
    await expect(page.locator("html")).to_have_attribute("lang", "da")
    await start_flow(page, "Om mødet", "dansk")
    person = chat(page, "Person 1")
    await expect(person).to_contain_text("påvirker aldrig din sag")
    await consent(person, "da", "Ja, jeg vil være med")
    answered = await answer_flow(person, "da", "Mødet var godt", finished="Tak")
    assert answered >= 3
    await expect(person.get_by_role("button", name="Menu")).to_be_visible()
    await expect(person.get_by_role("textbox", name="Skriv til botten")).to_be_visible()

    await page.get_by_role("button", name="Eksportér med demonøglen").click()
    free_text = page.locator('#exported [data-file="free_text.csv"]')
    await expect(free_text).to_contain_text("Mødet var godt")
    assert page_problems(page) == []


async def test_the_commands_menu_sends_a_command_and_the_bot_answers(
    browser: Browser, sandbox: PageServer
) -> None:
    page = await open_page(browser, sandbox, LAPTOP)
    await start_flow(page, "Om mötet", "svenska")
    person = chat(page, "Person 1")
    await consent(person, "sv", "Ja, jag vill vara med")
    await expect(bot_bubbles(person).filter(has_text="Fråga 1 av")).to_be_visible()
    menu = person.get_by_role("button", name="Meny")
    await menu.click()
    await expect(menu).to_have_attribute("aria-expanded", "true")
    await expect(person.locator(".menu-command").first).to_be_focused()
    await person.get_by_role("button", name=re.compile("minadata")).click()
    await expect(person.locator("li.from-me").last).to_have_text(re.compile("/minadata"))
    await expect(menu).to_have_attribute("aria-expanded", "false")
    await expect(bot_bubbles(person).last).to_contain_text("Om mötet")


async def test_at_phone_width_one_chat_fits_the_screen_and_buttons_are_big_enough(
    browser: Browser, sandbox: PageServer, tmp_path: Path
) -> None:
    page = await open_page(browser, sandbox, PHONE)
    await start_flow(page, "Om stödet du fick", "svenska")
    person = chat(page, "Person 1")
    await consent(person, "sv", "Ja, jag vill vara med")
    await press(person, "Ja, helt och hållet")
    await expect(bot_bubbles(person).filter(has_text="Fråga 2 av")).to_be_visible()

    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways at phone width"
    box = await person.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    for button in await person.locator("li.from-bot").last.get_by_role("button").all():
        size = await button.bounding_box()
        assert size is not None and size["height"] >= 40, "a button is too small to tap"

    # The second person's chat replaces the first on a phone; the names switch between them.
    await start_flow(page, "Om mötet", "svenska")
    second = chat(page, "Person 2")
    await expect(second).to_be_visible()
    await expect(person).to_be_hidden()
    await page.get_by_role("button", name="Person 1", exact=True).click()
    await expect(person).to_be_visible()
    await expect(page.get_by_role("button", name="Person 1", exact=True)).to_have_attribute(
        "aria-current", "true"
    )

    await page.evaluate("document.activeElement.blur()")
    await page.evaluate(
        "window.scrollBy(0, document.querySelector('.chats-area').getBoundingClientRect().top)"
    )
    shot = tmp_path / "sandbox-phone.png"
    await page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("ROSTBOT_UPDATE_SCREENSHOTS"):
        shutil.copyfile(shot, REPO / "docs" / "sandbox-phone.png")
    assert page_problems(page) == []


async def test_keyboard_alone_reaches_every_control_in_order_and_answers_with_enter(
    browser: Browser, sandbox: PageServer
) -> None:
    page = await open_page(browser, sandbox, LAPTOP)

    async def focused() -> str:
        # The accessible name as a screen reader announces it: label, aria-label or text.
        return str(
            await page.evaluate(
                """() => {
                const el = document.activeElement;
                const label = el.labels && el.labels.length ? el.labels[0].textContent : null;
                return (label || el.getAttribute('aria-label') || el.textContent || '').trim();
            }"""
            )
        )

    order = []
    for _ in range(8):
        await page.keyboard.press("Tab")
        order.append(await focused())
    assert order == [
        "Till chattarna",
        "Sidans språk",
        "Enkät",
        "Personens språk",
        "Öppna som ny person",
        "Chatta som samordnare",
        "Börja om",
        "Läs in enkäterna igen",
    ]

    await page.get_by_label("Enkät", exact=True).select_option(label="Om mötet")
    await page.get_by_role("button", name="Öppna som ny person").focus()
    await page.keyboard.press("Enter")
    person = chat(page, "Person 1")
    # The bot's buttons take the focus as they arrive, so Enter answers.
    await expect(person.get_by_role("button", name="Ja, jag vill vara med")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(person.get_by_role("button", name="Ja", exact=True)).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(bot_bubbles(person).filter(has_text="Fråga 1 av")).to_be_visible()
    await page.keyboard.press("Enter")
    await expect(bot_bubbles(person).filter(has_text="Fråga 2 av")).to_be_visible()

    # Every control has a name a screen reader can say.
    unnamed = await page.evaluate(
        """() => [...document.querySelectorAll('button, input, select, a[href]')]
            .filter(el => !((el.labels && el.labels.length && el.labels[0].textContent.trim())
                || el.getAttribute('aria-label') || el.textContent.trim()))
            .map(el => el.outerHTML.slice(0, 80))"""
    )
    assert unnamed == []
    tree = await page.locator("body").aria_snapshot()
    assert 'textbox "Skriv till boten"' in tree
    assert 'log "Person 1"' in tree
    assert 'group "Knappar"' in tree

    # Text keeps at least WCAG AA contrast (4.5:1) against what is behind it.
    low = await page.evaluate(CONTRAST_PROBLEMS)
    assert low == []

    # Sending nothing is explained, and nothing is sent.
    mine = await person.locator("li.from-me").count()
    await person.get_by_role("textbox").press("Enter")
    await expect(person.get_by_role("alert")).to_have_text("Skriv något först.")
    assert await person.locator("li.from-me").count() == mine


async def test_reloading_flows_shows_each_problem_and_keeps_the_old_flows_until_fixed(
    browser: Browser, sandbox: PageServer, flows_dir: Path
) -> None:
    page = await open_page(browser, sandbox, LAPTOP)
    flow_file = flows_dir / "meeting_feedback.yaml"
    good = flow_file.read_text(encoding="utf-8")
    flow_file.write_text(good.replace("type: yes_no", "type: yes_maybe"), encoding="utf-8")

    await page.get_by_role("button", name="Läs in enkäterna igen").click()
    await expect(page.get_by_role("status").first).to_contain_text("Enkäterna har fel")
    problems = page.locator("#flow-problems")
    # Where and why, in the page's language (the reasons from the catalogs).
    await expect(problems).to_contain_text(re.compile(r"meeting_feedback\.yaml, rad \d+, fältet"))
    await expect(problems).to_contain_text("okänd frågetyp 'yes_maybe'; använd en av scale")
    await expect(problems.locator('[lang="en"]')).to_have_count(0)

    # The bot still runs the flows it had.
    await start_flow(page, "Om mötet", "svenska")
    await expect(chat(page, "Person 1")).to_contain_text("Ja, jag vill vara med")

    flow_file.write_text(
        good.replace("title:\n  sv: Om mötet", "title:\n  sv: Om mötet (ny)"), encoding="utf-8"
    )
    await page.get_by_role("button", name="Läs in enkäterna igen").click()
    await expect(page.locator("#flow-status")).to_contain_text("Enkäterna är inlästa (5 st)")
    await expect(problems).to_be_hidden()
    await expect(page.get_by_label("Enkät", exact=True)).to_contain_text("Om mötet (ny)")


async def test_coordinator_and_respondent_side_by_side_and_reset_starts_over(
    browser: Browser, sandbox: PageServer
) -> None:
    page = await open_page(browser, sandbox, LAPTOP)
    await start_flow(page, "Om mötet", "svenska")
    respondent, coordinator = chat(page, "Person 1"), chat(page, "Samordnare")
    await expect(respondent).to_contain_text("Ja, jag vill vara med")
    await page.get_by_role("button", name="Chatta som samordnare").click()
    await expect(coordinator.locator("li.from-note")).to_contain_text("Skriv /samordnare")
    await say(coordinator, "/samordnare", "Nytt möte")
    left, right = await respondent.bounding_box(), await coordinator.bounding_box()
    assert left is not None and right is not None
    assert left["x"] + left["width"] <= right["x"], "the chats are not side by side"
    await expect(respondent).to_be_visible()

    await page.get_by_role("button", name="Börja om").click()
    await expect(page.locator("section.chat")).to_have_count(0)
    await expect(page.get_by_text("Ingen chatt än")).to_be_visible()
    await start_flow(page, "Om mötet", "svenska")
    await expect(chat(page, "Person 1")).to_contain_text("Ja, jag vill vara med")


async def test_a_calendar_file_from_the_bot_is_shown_and_downloads(
    browser: Browser, sandbox: PageServer
) -> None:
    page = await open_page(browser, sandbox, LAPTOP)
    await start_flow(page, "Om mötet", "svenska")
    person = chat(page, "Person 1")
    await expect(person).to_contain_text("Ja, jag vill vara med")
    desk = sandbox.desk
    [simulated] = desk.people.values()
    api = desk.local.api
    calendar = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    form = aiohttp.FormData()
    form.add_field("chat_id", str(simulated.user.chat_id))
    form.add_field("caption", "Frukostmöte")
    form.add_field("document", calendar, filename="frukost.ics", content_type="text/calendar")
    # As the bot would send it: sendDocument on the Bot API.
    async with (
        aiohttp.ClientSession() as client,
        client.post(f"{api.base_url}{api.token}/sendDocument", data=form) as response,
    ):
        assert (await response.json())["ok"] is True

    link = person.get_by_role("link", name=re.compile("frukost.ics"))
    await expect(link).to_be_visible()
    await expect(person.locator("li.from-bot").last).to_contain_text("Frukostmöte")
    async with page.expect_download() as waiting:
        await link.click()
    download = await waiting.value
    assert download.suggested_filename == "frukost.ics"
    saved = Path(await download.path())
    assert await asyncio.to_thread(saved.read_bytes) == calendar


async def test_a_participant_books_a_meeting_the_coordinator_planned_on_the_page(
    browser: Browser, sandbox: PageServer
) -> None:
    page = await open_page(browser, sandbox, LAPTOP)
    # A former client answers and agrees to be asked about meetings later.
    await start_flow(page, "Om stödet du fick", "svenska")
    person = chat(page, "Person 1")
    await consent(person, "sv", "Ja, jag vill vara med")
    await answer_flow(person, "sv", "Bra stöd", finished="Tack för dina svar")
    await press(person, "Ja, ni får kontakta mig")
    await expect(person.get_by_role("button", name="Ja, ni får kontakta mig")).to_have_count(0)

    # The coordinator plans a focus group in the chat and invites.
    await page.get_by_role("button", name="Chatta som samordnare").click()
    kim = chat(page, "Samordnare")
    next_year = datetime.now(UTC).year + 1
    await say(kim, "/samordnare", "Nytt möte")
    await tap(kim, "Nytt möte", "Fokusgrupp")
    await tap(kim, "Fokusgrupp", "Vilket språk")
    await tap(kim, "Svenska", "Skriv rubriken (på svenska)")
    await say(kim, "Samtal om stödet", "kort beskrivning")
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
    await say(kim, "/samordnare", "Möten")
    await tap(kim, "Möten", "Samtal om stödet")
    await tap(kim, re.compile("· Samtal om stödet ·"), "Bjud in")
    await tap(kim, "Bjud in", "Skicka inbjudningar: 1")
    await press(kim, "Skicka inbjudningar: 1")  # the choice becomes the report, in place
    report = bot_bubbles(kim).filter(has_text="Inbjudningar på väg: 1.")
    await expect(report).to_be_visible(timeout=WAIT_MS)

    # The invitation reaches the participant's chat; a tap books and brings a calendar file.
    await page.get_by_role("button", name="Person 1", exact=True).click()
    invitation = bot_bubbles(person).filter(has_text="Inbjudan till en fokusgrupp")
    await expect(invitation).to_contain_text("Du får ta en paus eller gå när du vill.")
    await tap(person, "Boka en plats", "Du är bokad")
    calendar = person.get_by_role("link", name=re.compile(r"\.ics"))
    await expect(calendar).to_be_visible()
    async with page.expect_download() as waiting:
        await calendar.click()
    saved = Path(await (await waiting.value).path())
    content = await asyncio.to_thread(saved.read_text, encoding="utf-8")
    assert "BEGIN:VEVENT" in content and "Samtal om stödet" in content

    await page.get_by_role("button", name="Visa igen").click()
    await expect(page.locator('[data-table="bookings"]')).to_contain_text("1 av 1 rader")
    assert page_problems(page) == []
