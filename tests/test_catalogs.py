"""Every UI string exists in Swedish and Danish, and the catalogs hold nothing else.

The msgids are extracted from the code with babel, exactly as `pybabel extract` would
with the project's keywords: `t(lang, msgid, ...)`, `N_(msgid)` and, for a text with a
number in it, `tn(lang, singular, plural, count, ...)`, whose catalog entry has plural
forms (`msgid_plural`, `msgstr[0]`, `msgstr[1]`).
"""

from __future__ import annotations

import re
import string
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from rostbot.i18n import LANGUAGES, Translations
from system_tools import need

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "src" / "rostbot"
LOCALES = REPO / "locales"
KEYWORDS = {"t": (2,), "N_": None, "tn": (2, 3)}
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"
MsgId = str | tuple[str, str]

# Texts that may equal their English msgid, by language (a word both languages share).
SAME_AS_ENGLISH: dict[str, frozenset[str]] = {
    "sv": frozenset(),
    "da": frozenset({"Pause", "Interview"}),
}


@cache
def code_msgids() -> dict[MsgId, tuple[str, int]]:
    """Every msgid in the code (a plural one as (singular, plural)), with where it occurs."""
    found: dict[MsgId, tuple[str, int]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(SOURCE), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        if isinstance(message, tuple):
            singular, plural = message
            assert isinstance(singular, str) and isinstance(plural, str), (filename, lineno)
            found.setdefault((singular, plural), (filename, lineno))
        else:
            assert isinstance(message, str), (filename, lineno, message)
            found.setdefault(message, (filename, lineno))
    return found


def forms(message: Message) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs: one for a plain entry, one per plural form for a plural one."""
    if isinstance(message.id, tuple):
        assert isinstance(message.string, tuple), message.id
        singular, plural = message.id
        return [(singular if i == 0 else plural, str(s)) for i, s in enumerate(message.string)]
    return [(str(message.id), str(message.string))]


def catalog_path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / "rostbot.po"


@cache
def catalog(lang: str) -> Catalog:
    with catalog_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang)


def entries(lang: str) -> Iterator[Message]:
    """Every real entry (not the header)."""
    for message in catalog(lang):
        if message.id:
            yield message


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_the_code_has_ui_strings() -> None:
    ids = code_msgids()
    assert len(ids) > 50
    # The extraction sees both keywords.
    assert "Question {number} of {total}" in ids  # services.t(lang, ...)
    assert "This question cannot be skipped." in ids  # N_(...)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_ui_string_is_translated(lang: str) -> None:
    messages = {m.id: m for m in entries(lang)}
    missing = []
    for msgid, (filename, lineno) in sorted(code_msgids().items(), key=str):
        message = messages.get(msgid)
        if message is None or not all(s for _, s in forms(message)) or message.fuzzy:
            state = "missing" if message is None else "fuzzy" if message.fuzzy else "empty"
            missing.append(f"{filename}:{lineno}: {state}: {msgid!r}")
    assert not missing, f"untranslated in {lang}:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_running_bot_sees_every_translation(lang: str) -> None:
    texts = Translations.load(LOCALES)
    assert [m for m in code_msgids() if not texts.has(lang, m)] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_stale_entries(lang: str) -> None:
    stale = [m.id for m in entries(lang) if m.id not in code_msgids()]
    assert not stale, f"{catalog_path(lang)} has entries the code no longer uses: {stale}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_duplicate_entries(lang: str) -> None:
    ids = [
        line
        for line in catalog_path(lang).read_text(encoding="utf-8").splitlines()
        if line.startswith("msgid ")
    ]
    # Multi-line msgids start with `msgid ""` too; compare the parsed entries instead.
    parsed = [m.id for m in entries(lang)]
    assert len(parsed) == len(set(parsed))
    assert len(ids) == len(parsed) + 1  # + the header


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match(lang: str) -> None:
    wrong = []
    for message in entries(lang):
        for msgid, msgstr in forms(message):
            if placeholders(msgid) != placeholders(msgstr):
                wrong.append(
                    f"{msgid!r}: {sorted(placeholders(msgid))} != {sorted(placeholders(msgstr))}"
                )
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_entries_have_a_form_for_one_and_for_many(lang: str) -> None:
    header = catalog_path(lang).read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert f'"Plural-Forms: {PLURAL_FORMS}\\n"' in header
    plural = [m for m in entries(lang) if isinstance(m.id, tuple)]
    assert plural, "no plural entries: the keyword `tn` finds nothing"
    for message in plural:
        assert isinstance(message.string, tuple) and len(message.string) == 2, message.id
        assert all(message.string), message.id
    texts = Translations.load(LOCALES)
    singular, many = next(m.id for m in plural if "sealed" in str(m.id))
    one, three = (texts.plural(lang, singular, many, n) for n in (1, 3))
    assert one.startswith("• 1 svar") and three.startswith("• 3 svar") and one != three


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_format_with_the_codes_values(lang: str) -> None:
    # Filling every placeholder must work (no stray braces, no positional fields).
    for message in entries(lang):
        for msgid, msgstr in forms(message):
            values = {name: "X" for name in placeholders(msgid)}
            msgstr.format(**values)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_babel_check_finds_no_errors(lang: str) -> None:
    errors = [(m.id, [str(e) for e in errs]) for m, errs in catalog(lang).check() if errs]
    assert errors == []
    assert str(catalog(lang).locale) == lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_msgfmt_check_format(lang: str, tmp_path: Path) -> None:
    msgfmt = need("gettext", "msgfmt")
    path = catalog_path(lang)
    plain = subprocess.run(
        [msgfmt, "--check-format", "--check-domain", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert plain.returncode == 0, plain.stderr
    # msgfmt checks placeholders only in entries flagged with their format: flag every
    # entry that has `{...}` as python-brace-format and let msgfmt compare them too.
    copy = Catalog(locale=lang, domain="rostbot", fuzzy=False)
    for message in entries(lang):
        flags = set(message.flags)
        if any(placeholders(msgid) for msgid, _ in forms(message)):
            flags.add("python-brace-format")
        copy.add(message.id, message.string, flags=flags)
    assert len(copy) == len(list(entries(lang)))
    out = tmp_path / "flagged.po"
    with out.open("wb") as handle:
        write_po(handle, copy)
    checked = subprocess.run(
        [msgfmt, "--check-format", "-o", "/dev/null", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_are_not_english(lang: str) -> None:
    same = [
        m.id
        for m in entries(lang)
        if str(m.string).strip().casefold() == str(m.id).strip().casefold()
        and m.id not in SAME_AS_ENGLISH[lang]
    ]
    assert not same, f"{lang} texts still in English: {same}"


def test_the_allow_list_is_still_needed() -> None:
    for lang, allowed in SAME_AS_ENGLISH.items():
        texts = {m.id: m.string for m in entries(lang)}
        for msgid in allowed:
            assert texts.get(msgid) == msgid, f"{msgid!r} in {lang} is no longer English"


def test_swedish_and_danish_catalogs_cover_the_same_ids() -> None:
    assert {m.id for m in entries("sv")} == {m.id for m in entries("da")}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_command_a_text_names_exists(lang: str) -> None:
    from rostbot.telegram.application import ALIASES, COMMANDS

    known = {"start"} | {name for names in ALIASES.values() for name in names}
    known |= {name for commands in COMMANDS.values() for name, _ in commands}
    command = re.compile(r"(?<![\w:/.])/([A-Za-z_]+)\b")
    named = {
        (msgid, name)
        for m in entries(lang)
        for msgid, msgstr in forms(m)
        for name in command.findall(f"{msgid} {msgstr}")
    }
    assert named, "no text names a command: the pattern is broken"
    assert [pair for pair in named if pair[1] not in known] == []
