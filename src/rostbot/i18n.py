"""UI strings from gettext catalogs (`locales/{sv,da}/LC_MESSAGES/rostbot.po`) and dates.

Catalogs are read with babel at start-up, so no compile step is needed. The
msgid is the English source text; handlers never hold Swedish or Danish words.
Placeholders use `{name}` and are filled with `str.format`. A text with a number in it
has plural forms (`msgid_plural`, `msgstr[0]`, `msgstr[1]`), chosen by the catalog's
`Plural-Forms` rule, as gettext's `ngettext` does.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.messages.pofile import read_po

LANGUAGES: tuple[str, ...] = ("sv", "da")
DOMAIN = "rostbot"


class CatalogError(Exception):
    """A catalog is missing or unreadable."""


def locales_dir() -> Path:
    """Where the catalogs live: `ROSTBOT_LOCALES`, else the package's `locales/` (in a
    checkout a link to the repository's `locales/`; in an installed wheel, a copy)."""
    override = os.environ.get("ROSTBOT_LOCALES")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent / "locales"


PluralRule = Callable[[int], int]


def _english_plural(n: int) -> int:
    return 0 if n == 1 else 1


class Translations:
    """All UI strings in every language, looked up by English msgid."""

    def __init__(
        self,
        catalogs: dict[str, dict[str, str]],
        plurals: dict[str, dict[str, tuple[str, ...]]] | None = None,
        rules: dict[str, PluralRule] | None = None,
    ) -> None:
        self._catalogs = catalogs
        self._plurals = plurals or {}  # lang -> singular msgid -> the forms
        self._rules = rules or {}

    @classmethod
    def load(cls, directory: Path | None = None) -> Translations:
        directory = directory or locales_dir()
        catalogs: dict[str, dict[str, str]] = {}
        plurals: dict[str, dict[str, tuple[str, ...]]] = {}
        rules: dict[str, PluralRule] = {}
        for lang in LANGUAGES:
            path = directory / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
            try:
                with path.open("rb") as handle:
                    catalog = read_po(handle, locale=lang)
            except (OSError, ValueError) as exc:
                raise CatalogError(f"cannot read catalog {path}: {exc}") from None
            catalogs[lang] = {
                str(m.id): str(m.string)
                for m in catalog
                if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
            }
            plurals[lang] = {
                str(m.id[0]): tuple(str(form) for form in m.string)
                for m in catalog
                if isinstance(m.id, tuple)
                and isinstance(m.string, tuple)
                and all(m.string)
                and not m.fuzzy
            }
            rules[lang] = gettext.c2py(catalog.plural_expr)
        return cls(catalogs, plurals, rules)

    def text(self, lang: str, msgid: str, **values: object) -> str:
        """The msgid in `lang`, with placeholders filled; the English msgid if untranslated."""
        template = self._catalogs.get(lang, {}).get(msgid, msgid)
        return template.format(**values) if values else template

    def plural(self, lang: str, singular: str, plural: str, count: int, **values: object) -> str:
        """`ngettext`: the form for `count` in `lang`, with `{count}` and placeholders filled."""
        forms = self._plurals.get(lang, {}).get(singular)
        if forms:
            index = self._rules.get(lang, _english_plural)(count)
            template = forms[min(index, len(forms) - 1)]
        else:
            template = singular if count == 1 else plural
        return template.format(count=count, **values)

    def has(self, lang: str, msgid: str | tuple[str, str]) -> bool:
        if isinstance(msgid, tuple):
            return msgid[0] in self._plurals.get(lang, {})
        return msgid in self._catalogs.get(lang, {})


def normalise_language(code: str | None, default: str = "sv") -> str:
    """Map Telegram's `language_code` (e.g. 'da', 'sv-SE', 'nb') to a supported language."""
    if code:
        base = code.split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return default


def default_language_for_zone(tz: str) -> str:
    return "da" if tz == "Europe/Copenhagen" else "sv"


def format_when(moment: datetime, lang: str, tz: str) -> str:
    """A date and time in the person's language and the service's time zone."""
    local = moment.astimezone(ZoneInfo(tz))
    return f"{format_date(local, 'long', locale=lang)} {format_time(local, 'short', locale=lang)}"


def format_day(moment: datetime, lang: str, tz: str) -> str:
    return str(format_date(moment.astimezone(ZoneInfo(tz)), "long", locale=lang))


def N_(msgid: str) -> str:
    """Mark a constant as a UI string for extraction; it is translated where it is shown."""
    return msgid
