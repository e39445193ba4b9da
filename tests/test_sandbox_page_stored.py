"""The "what is stored" view explains itself: per table, per column, and for a thief.

Chromium on the real sandbox page, after a real person answered a real flow: every table is
explained in the page's language (the record of processing's words), each column says how
it is protected, the rows stay collapsed, and the view is short at laptop width.
"""

from __future__ import annotations

import sqlite3

import pytest
from playwright.async_api import Browser, expect

from page_steps import (
    LAPTOP,
    answer_flow,
    chat,
    chromium_missing,
    consent,
    open_page,
    page_problems,
    start_flow,
)
from rostbot.health.processing_record import migration_tables
from rostbot.health.processing_words import TABLES
from rostbot.retention import policy_for
from rostbot.sandbox.webchat.server import PageServer
from rostbot.sandbox.webchat.stored_explained import PAGE_LANGUAGES, UNDESCRIBED, protection
from rostbot.store import database
from rostbot.store.inspection import HIDDEN_TABLES
from system_tools import in_ci
from test_sandbox_page_input import axe_problems

pytest_plugins = ["page_fixtures"]
pytestmark = pytest.mark.skipif(
    chromium_missing() is not None and not in_ci(), reason=chromium_missing() or ""
)

# The view dumped every table raw, about 6,900 px tall at laptop width; now it is short.
SHORT_PX = 3500  # 15 tables; every table added costs about 150 px
MARKS = {
    "sv": {"sealed": "förseglad", "secret": "serverhemlighet", "pseudonym": "pseudonym"},
    "da": {"sealed": "forseglet", "secret": "serverhemmelighed", "pseudonym": "pseudonym"},
}
PLAIN = {"sv": "klartext", "da": "klartekst"}
THIEF = {
    "sv": ("Det här får en tjuv med databasfilen", "Har tjuven också serverhemligheten"),
    "da": ("Det her får en tyv med databasefilen", "Har tyven også serverhemmeligheden"),
}


def migration_columns() -> dict[str, list[str]]:
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute("CREATE TABLE schema_migrations (number INTEGER PRIMARY KEY, name TEXT)")
        for _, _, sql in database._migrations():
            connection.executescript(sql)
        return {
            table: [str(row[1]) for row in connection.execute(f'PRAGMA table_info("{table}")')]
            for table in migration_tables()
            if table not in HIDDEN_TABLES
        }
    finally:
        connection.close()


def test_every_column_of_every_table_the_database_has_is_marked_and_every_table_explained() -> None:
    for table, columns in migration_columns().items():
        for lang in PAGE_LANGUAGES:
            assert table in TABLES[lang], f"{table} has no {lang} description"
        for column in columns:
            assert protection(table, column) != UNDESCRIBED, f"{table}.{column} is not marked"


async def test_the_stored_view_explains_each_table_in_swedish_and_danish_and_stays_short(
    browser: Browser, sandbox: PageServer
) -> None:
    page = await open_page(browser, sandbox, LAPTOP)
    await start_flow(page, "Om stödet du fick", "svenska")
    person = chat(page, "Person 1")
    await consent(person, "sv", "Ja, jag vill vara med")
    answered = await answer_flow(person, "sv", "Bra bemött", finished="Tack för dina svar")
    await page.get_by_role("button", name="Visa igen").click()

    stored = page.locator("section.stored")
    tables = list(migration_columns())
    policy = policy_for(sandbox.desk.local.settings)
    for lang in PAGE_LANGUAGES:
        if lang == "da":
            await page.get_by_label("Sidans språk").select_option("da")
        await expect(stored.locator(".table-explained").first).to_contain_text(
            TABLES[lang]["invitations"].holds[1:]
        )
        for table in tables:
            block = stored.locator(f'[data-table="{table}"]')
            await expect(block.locator(".table-explained")).to_contain_text(
                TABLES[lang][table].holds[1:]  # the page starts it with a capital
            )
        await expect(stored.locator('[data-protection="undescribed"]')).to_have_count(0)
        marks = MARKS[lang]
        for table, column, kind in (
            ("sealed_answers", "sealed", "sealed"),
            ("respondents", "contact_handle", "secret"),
            ("runs", "state", "secret"),
            ("respondents", "pseudonym", "pseudonym"),
        ):
            mark = stored.locator(f'[data-table="{table}"] [data-column="{column}"]')
            await expect(mark).to_have_attribute("data-protection", kind)
            await expect(mark).to_contain_text(marks[kind])
        flow_id = stored.locator('[data-table="runs"] [data-column="flow_id"]')
        await expect(flow_id).to_contain_text(PLAIN[lang])
        # retention as the sandbox runs it, never typed in
        sealed = stored.locator('[data-table="sealed_answers"]')
        await expect(sealed.locator(".table-explained")).to_contain_text(str(policy.grace_days))
        invitations = stored.locator('[data-table="invitations"] .table-explained')
        await expect(invitations).to_contain_text(str(policy.keep_days))
        title, with_secret = THIEF[lang]
        thief = stored.locator("section.thief")
        await expect(thief.get_by_role("heading", name=title)).to_be_visible()
        await expect(thief).to_contain_text(with_secret)

    # Collapsed by default: a few rows, then all of them on request.
    height = await stored.evaluate("e => e.getBoundingClientRect().height")
    print(f"'What is stored' at {LAPTOP['width']} px wide: {height:.0f} px tall")
    assert height < SHORT_PX
    sealed = stored.locator('[data-table="sealed_answers"]')
    rows = sealed.locator("details.stored-rows")
    await expect(rows.locator("tbody tr").first).to_be_hidden()
    await rows.locator("summary").click()
    await expect(rows.locator("tbody tr")).to_have_count(min(3, answered))
    await rows.get_by_role("button", name=f"Vis alle {answered} hentede rækker").click()
    await expect(rows.locator("tbody tr")).to_have_count(answered)
    assert await axe_problems(page) == []
    assert page_problems(page) == []
