"""Every text a respondent reads is plain: LIX at most 40, at most three sentences.

LIX (läsbarhetsindex) = words per sentence + 100 × share of words longer than six
letters. Below 40 is easy text (children's books, plain news). It says little about a
button or a heading of a few words, where one long word decides the figure, so texts
of fewer than eight words are left out. A message holds at most three sentences
(list lines such as commands or bullets do not count); the longer notice behind
"Read more" and the few messages listed below may hold more, each for the reason given.

Coordinator texts (the coordinator chat, the invitation tool) are not measured here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from rostbot.core.flow_loader import load_flow_file
from rostbot.core.flow_model import Flow, RatingQuestion, Text
from rostbot.i18n import LANGUAGES

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "src" / "rostbot"
FLOWS = REPO / "flows"
KEYWORDS = {"t": (2,), "N_": None, "tn": (2, 3)}
COORDINATOR_FILES = frozenset(
    {
        "meetings/coordinator_chat.py",
        "meetings/invite_chat.py",
        "meetings/interview_draft_chat.py",
        "meetings/interview_offer_chat.py",
        "meetings/interviewer_chat.py",
        "results/chat.py",
    }
)
MAX_LIX = 40
MAX_SENTENCES = 3
MIN_WORDS = 8

# Messages that may hold more than three sentences, by msgid (the singular for a plural).
LONGER_ALLOWED: dict[str, str] = {
    "You said no thanks before. I store only that, so that I do not ask again. Send /erase "
    "to delete it.\n\nIf you change your mind, open the link in the letter again.": "two "
    "short paragraphs: what is kept and how to delete it, then how to come back",
    "Done. You have withdrawn. I will not contact you again. The answers you gave are kept "
    "sealed and used only for groups. To delete them too, send /erase.": "one message "
    "says what stops, what stays and how to delete it too, so that nothing is missed",
}

WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
LIST_LINE = re.compile(r"^\s*(?:[/•–-]|\d+[.)])")


def plain(text: str) -> str:
    """Placeholders and commands read as one short word each."""
    return re.sub(r"/\w+", "x", re.sub(r"\{[^}]*\}", "x", text))


def lix(text: str) -> float:
    """Words per sentence + 100 × long words / words; sentences end at . ! ? : or a line."""
    text = plain(text)
    words = WORD.findall(text)
    parts = [p for p in re.split(r"[.!?:;]+(?=\s|$)|\n+|•", text) if WORD.search(p)]
    long_words = sum(len(w) > 6 for w in words)
    return len(words) / max(1, len(parts)) + 100 * long_words / max(1, len(words))


def sentences(text: str) -> int:
    """Prose sentences: list lines (commands, bullets) are not counted."""
    prose = " ".join(line for line in text.splitlines() if not LIST_LINE.match(line))
    return len([p for p in re.split(r"[.!?]+(?=\s|$)", plain(prose)) if WORD.search(p)])


@cache
def respondent_msgids() -> frozenset[str]:
    """Msgids (singular for plurals) used outside the coordinator-only files."""
    files: dict[str, set[str]] = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(SOURCE), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        key = message if isinstance(message, str) else str(message[0])
        files.setdefault(key, set()).add(filename)
    return frozenset(m for m, where in files.items() if not where <= COORDINATOR_FILES)


def catalog_texts(lang: str) -> Iterator[tuple[str, str]]:
    """(msgid, translated text) of every respondent-facing entry, each plural form."""
    path = REPO / "locales" / lang / "LC_MESSAGES" / "rostbot.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else str(message.id[0])
        if msgid not in respondent_msgids():
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            yield msgid, str(text)


def flow_texts(flow: Flow) -> Iterator[tuple[str, Text]]:
    for key in ("title", "purpose", "intro", "outro"):
        yield key, getattr(flow, key)
    if flow.support is not None:
        yield "support", flow.support
    for q in flow.questions:
        yield f"{q.id}.text", q.text
        if q.help is not None:
            yield f"{q.id}.help", q.help
        if isinstance(q, RatingQuestion):
            yield f"{q.id}.low", q.low
            yield f"{q.id}.high", q.high


def too_hard(text: str) -> str | None:
    if len(WORD.findall(plain(text))) >= MIN_WORDS and lix(text) > MAX_LIX:
        return f"LIX {lix(text):.0f}"
    return None


def test_lix_of_known_texts() -> None:
    # 6 words, 1 sentence, 1 long word ("hjälpen"): 6 + 100/6
    assert lix("Tack för att du gav hjälpen.") == pytest.approx(6 + 100 / 6)
    assert sentences("Hej! Så här gör du:\n/start – börja\n/paus – vila") == 2
    assert sentences("Ny tid för {title}: {when}. Du har kvar din plats.") == 2


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_respondent_message_is_easy_to_read(lang: str) -> None:
    hard = []
    for msgid, text in catalog_texts(lang):
        problem = too_hard(text)
        if problem:
            hard.append(f"{problem}: {text!r}")
        if sentences(text) > MAX_SENTENCES and msgid not in LONGER_ALLOWED:
            hard.append(f"{sentences(text)} sentences: {text!r}")
    assert not hard, "\n".join(hard)


@pytest.mark.parametrize("path", sorted(FLOWS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_flow_text_is_easy_to_read(path: Path) -> None:
    flow = load_flow_file(path)
    hard = []
    for where, text in flow_texts(flow):
        for lang in flow.languages:
            problem = too_hard(text.get(lang))
            if problem:
                hard.append(f"{where} ({lang}): {problem}: {text.get(lang)!r}")
    assert not hard, "\n".join(hard)


def test_the_allow_list_is_still_needed() -> None:
    longer = {m for lang in LANGUAGES for m, t in catalog_texts(lang) if sentences(t) > 3}
    assert set(LONGER_ALLOWED) <= longer, set(LONGER_ALLOWED) - longer
