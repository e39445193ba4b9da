"""The report's own words (rostbot.report.words): every text in Swedish and Danish,
the same placeholders in both, and no word that the report never uses."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from rostbot.report.words import REPORT_LANGUAGES, WORDS, Words

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "rostbot" / "report"
# words("key", ...) in the code and w("key", ...) in the template
USE = re.compile(r"""\b(?:words|w)\(\s*["']([a-z_:]+)["']""")
INDICATOR_KEYS = re.compile(r"^indicator:[a-z_]+$")  # looked up by the indicator's name


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(WORDS))
def test_every_word_is_written_in_both_languages_with_the_same_placeholders(key: str) -> None:
    texts = WORDS[key]
    assert set(texts) == set(REPORT_LANGUAGES)
    assert all(text.strip() == text and text for text in texts.values())
    assert _placeholders(texts["sv"]) == _placeholders(texts["da"])


def test_every_word_the_report_uses_exists_and_every_word_is_used() -> None:
    sources = [*PACKAGE.glob("*.py"), *PACKAGE.glob("templates/*.j2")]
    used = {key for path in sources for key in USE.findall(path.read_text(encoding="utf-8"))}
    assert used - set(WORDS) == set()
    unused = {k for k in set(WORDS) - used if not INDICATOR_KEYS.match(k)}
    assert unused == set()


def test_every_standard_indicator_has_a_name() -> None:
    from rostbot.core.flow_model import STANDARD_INDICATORS

    for indicator in STANDARD_INDICATORS:
        assert Words("sv").has(f"indicator:{indicator}")


def test_words_fill_their_placeholders() -> None:
    assert Words("da")("free_text_count", count=3) == "3 svar"
    assert Words("sv")("quarter", q=2, year=2026) == "kvartal 2 2026"
    with pytest.raises(ValueError):
        Words("en")
