"""The sandbox page's "reload flows", in a real browser, in Swedish and Danish.

A flow whose wording changed while its `version` stayed is loaded and warned about, by
flow, version and question id, until the version is raised; a broken flow file's reasons
are in the page's language (file, line and path as `rostbot flows check` gives them), and a
reason no catalog has words for stays English, marked as English.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from page_steps import LAPTOP, chromium_missing, open_page, page_problems
from rostbot.sandbox.webchat.server import PageServer
from system_tools import in_ci
from test_sandbox_page_input import axe_problems

pytest_plugins = ["page_fixtures"]

pytestmark = pytest.mark.skipif(
    chromium_missing() is not None and not in_ci(), reason=chromium_missing() or ""
)

RELOAD = {"sv": "Läs in enkäterna igen", "da": "Indlæs spørgeskemaerne igen"}


def edit(flows_dir: Path, old: str, new: str, name: str = "meeting_feedback.yaml") -> None:
    path = flows_dir / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


async def reload(page: Page, lang: str = "sv") -> None:
    """Press reload and wait for its result (the status is emptied first)."""
    status = page.locator("#flow-status")
    await status.evaluate("element => { element.textContent = ''; }")
    await page.get_by_role("button", name=RELOAD[lang]).click()
    await expect(status).not_to_have_text("")


async def test_a_changed_wording_under_the_same_version_is_shown_until_the_version_is_raised(
    browser: Browser, sandbox: PageServer, flows_dir: Path
) -> None:
    page = await open_page(browser, sandbox, LAPTOP)
    wordings = page.locator("#flow-wordings")

    await reload(page)  # nothing changed since the sandbox started
    await expect(page.locator("#flow-status")).to_contain_text("Enkäterna är inlästa (5 st)")
    await expect(wordings).to_be_hidden()

    edit(flows_dir, "      sv: Kände du att vi lyssnade på dig?\n", "      sv: Lyssnade vi?\n")
    edit(flows_dir, "  sv: >-\n    Vi vill veta", "  sv: >-\n    Vi vill gärna veta")
    await reload(page)
    # Loaded all the same: the bot runs the file as it is.
    await expect(page.locator("#flow-status")).to_contain_text("Enkäterna är inlästa (5 st)")
    await expect(wordings).to_be_visible()
    await expect(wordings.locator("li")).to_have_count(1)
    await expect(wordings).to_have_text(
        "Om mötet (meeting_feedback) version 1: frågan listened; fältet purpose har ändrats "
        "sedan versionen användes första gången. Svar och samtycken med de gamla och de nya "
        "texterna får då samma version. Höj version i enkätfilen."
    )

    await page.get_by_label("Sidans språk").select_option("da")
    await expect(wordings).to_have_text(
        "Om mødet (meeting_feedback) version 1: spørgsmålet listened; feltet purpose er ændret, "
        "siden versionen blev brugt første gang. Svar og samtykker med de gamle og de nye "
        "tekster får så samme version. Hæv version i spørgeskemafilen."
    )
    assert await axe_problems(page) == []

    edit(flows_dir, "version: 1\n", "version: 2\n")
    await reload(page, "da")
    await expect(page.locator("#flow-status")).to_contain_text("Spørgeskemaerne er indlæst")
    await expect(wordings).to_be_hidden()
    # Version 2 is now the one used: the same wording again is quiet on the next reload.
    await reload(page, "da")
    await expect(wordings).to_be_hidden()
    assert page_problems(page) == []


async def test_a_broken_flow_reload_gives_its_reasons_in_swedish_and_danish(
    browser: Browser, sandbox: PageServer, flows_dir: Path
) -> None:
    page = await open_page(browser, sandbox, LAPTOP)
    good = (flows_dir / "meeting_feedback.yaml").read_text(encoding="utf-8")
    broken = (
        good.replace("ask_contact: false", "ask_contact: false\ncolour: blue", 1)  # unknown key
        .replace("    indicator: information\n", "", 1)  # a missing key
        .replace("max_length: 500", "max_length: many", 1)  # the wrong type
        .replace(
            "  - id: comment\n", "  - id: comment\n    show_if: {question: nowhere, equals: x}\n"
        )
        .replace("  - id: length\n", "  - id: listened\n", 1)  # a question id twice
    )
    (flows_dir / "meeting_feedback.yaml").write_text(broken, encoding="utf-8")
    (flows_dir / "broken_yaml.yaml").write_text("id: broken_yaml\ntitle: a: b\n", encoding="utf-8")
    youth = flows_dir / "youth_placement.yaml"  # a version no whole number can be
    youth.write_text(
        re.sub(r"(?m)^version: \d+$", "version: .inf", youth.read_text(encoding="utf-8")),
        encoding="utf-8",
    )

    await reload(page)
    problems = page.locator("#flow-problems")
    await expect(page.locator("#flow-status")).to_contain_text("Enkäterna har fel")
    for swedish in (
        "broken_yaml.yaml, rad 2: fel i YAML-syntaxen: en text med ': ' i sig måste stå inom "
        "citattecken (YAML:s egna ord, på engelska: mapping values are not allowed here)",
        "fältet colour: okänd nyckel 'colour'",
        "fältet questions[0]: en nyckel som måste finnas saknas: indicator",
        "fältet questions[4].max_length: måste vara ett heltal, inte 'many'",
        "fältet questions[4].show_if.question: show_if pekar på en fråga som inte finns: 'nowhere'",
        "fältet questions[2].id: fråge-id 'listened' används två gånger (också questions[1])",
    ):
        await expect(problems).to_contain_text(swedish)
    # A pydantic message no catalog has: English, marked so, and said why.
    english = problems.locator('[lang="en"]')
    await expect(english).to_have_count(1)
    await expect(english).to_have_text("Input should be a finite number")
    await expect(problems).to_contain_text("Input should be a finite number (på engelska)")
    await expect(problems).to_contain_text("Det som är markerat (på engelska) har ingen svensk")

    await page.get_by_label("Sidans språk").select_option("da")
    for danish in (
        "broken_yaml.yaml, linje 2: fejl i YAML-syntaksen: en tekst, der indeholder ': ', skal "
        "have anførselstegn omkring sig",
        "feltet colour: ukendt nøgle 'colour'",
        "feltet questions[0]: en nøgle, der skal være der, mangler: indicator",
        "feltet questions[4].max_length: skal være et helt tal, ikke 'many'",
        "feltet questions[4].show_if.question: show_if peger på et spørgsmål, der ikke findes: "
        "'nowhere'",
        "feltet questions[2].id: spørgsmåls-id 'listened' bruges to gange (også questions[1])",
    ):
        await expect(problems).to_contain_text(danish)
    await expect(problems).to_contain_text("Input should be a finite number (på engelsk)")
    assert await axe_problems(page) == []
    assert page_problems(page) == []
