"""Person names in free text, from the bundled lists of Swedish and Danish names.

The lists (names/*.txt, sources in each file's header and in docs/export.md) are read
once per process. Words are compared case-folded and NFC-normalised, so `Bjørn`,
`BJØRN` and `bjørn`, `Märta` and `märta` are alike. A hyphenated word is a name when each
part is (`Lise-Lotte`, `Anna-Karin`); a trailing genitive `s` is dropped (`Annas`).

The rules (docs/export.md, "Names"):

* a capitalised name is replaced, except
  - a name that is also an everyday word (ambiguous.txt: `Bo`, `Per`, `Hans`, `Liv`,
    `Dina`, `Alla`, ...) at the start of a sentence, unless another name that is no
    everyday word stands next to it (`Per Andersson`), or a finite verb or modal
    (finite_verbs.txt) follows it (`Björn hjälpte mig`, `Bjørn var sød`); the verb rule
    is not used for the words in ambiguous_function_words.txt (pronouns, quantifiers,
    prepositions, adverbs, mass nouns, months: `Alla var`, `Per vecka`, `Liv är`) nor
    for a word in capitals (`LO sa`);
  - a name that is also a town, right after a place preposition (`i Nora`, `fra Lund`);
* a lower-case name is replaced only when it is no everyday word: `märta` and `yngve`
  are replaced, `bo`, `per`, `rut`, `björn` are not, unless such a name stands next to
  it (`bo andersson`) or the verb rule above holds at the start of a sentence
  (`björn ringde`);
* a capitalised word right after a first name that ends like a surname (`-sson`, `-sen`,
  `-berg`, `-ström`, `-qvist`, `-gaard`, ...) is a surname even when no list has it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

Span = tuple[int, int, str]

_GENERATED_MARK = "# --- generated below this line"
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;…\n\"“”«»(\[–—-])\s*$")
_SURNAME_ENDINGS = (
    "sson",
    "son",
    "sen",
    "ssen",
    "berg",
    "ström",
    "strøm",
    "qvist",
    "kvist",
    "gren",
    "lund",
    "holm",
    "dahl",
    "gaard",
    "gård",
    "bäck",
    "stedt",
    "ander",
)
PLACE_PREPOSITIONS = frozenset(
    {
        *("i", "på", "från", "till", "mot", "vid", "utanför", "nära", "runt", "genom"),
        *("över", "fra", "til", "ved", "nær", "omkring", "hos", "udenfor", "mellem"),
        *("in", "at", "near", "from"),
    }
)


@dataclass(frozen=True)
class NameLists:
    first: frozenset[str]
    last: frozenset[str]
    ambiguous: frozenset[str]  # also everyday words: kept at a sentence start, in lower case
    towns: frozenset[str]
    no_verb_rule: frozenset[str]  # ambiguous words naturally followed by a verb (`alla`)
    verbs: frozenset[str]  # finite verb forms and modals (`ringde`, `sagde`, `kan`)


def fold(word: str) -> str:
    return unicodedata.normalize("NFC", word).casefold()


def _read(name: str) -> tuple[set[str], set[str]]:
    """(entries above the generated mark, entries below it), folded."""
    text = (resources.files("rostbot.export") / "names" / name).read_text(encoding="utf-8")
    above: set[str] = set()
    below: set[str] = set()
    target = above
    for line in text.splitlines():
        if line.startswith(_GENERATED_MARK):
            target = below
        elif line.strip() and not line.startswith("#"):
            target.add(fold(line.strip()))
    return above, below


@cache
def name_lists() -> NameLists:
    first = set().union(*_read("sv_first.txt"), *_read("da_first.txt"))
    last = set().union(*_read("sv_last.txt"), *_read("da_last.txt"))
    return NameLists(
        first=frozenset(first),
        last=frozenset(last),
        ambiguous=frozenset(set().union(*_read("ambiguous.txt"))),
        towns=towns(),
        no_verb_rule=frozenset(set().union(*_read("ambiguous_function_words.txt"))),
        verbs=frozenset(set().union(*_read("finite_verbs.txt"))),
    )


@cache
def towns() -> frozenset[str]:
    above, below = _read("towns.txt")
    return frozenset(above | below)


def _name_part(part: str, lists: NameLists) -> str | None:
    """The folded list entry a word part stands for (genitive `s` dropped), or None."""
    if part in lists.first or part in lists.last:
        return part
    if part.endswith("s") and (part[:-1] in lists.first or part[:-1] in lists.last):
        return part[:-1]
    return None


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    text: str
    entries: tuple[str, ...] | None  # folded list entries of its parts, None if no name

    @property
    def capitalised(self) -> bool:
        return all(p[:1].isupper() for p in re.split(r"[-'’]", self.text) if p)

    @property
    def lower(self) -> bool:
        return self.text.islower()


def _words(text: str, lists: NameLists) -> list[_Word]:
    words: list[_Word] = []
    for match in _WORD.finditer(text):
        parts = [fold(p) for p in re.split(r"[-'’]", match.group(0)) if p]
        entries = [_name_part(p, lists) for p in parts]
        found = tuple(e for e in entries if e is not None)
        words.append(
            _Word(
                match.start(),
                match.end(),
                match.group(0),
                found if len(found) == len(parts) else None,
            )
        )
    return words


def _adjacent(words: list[_Word], i: int, text: str) -> bool:
    """Is a clear (not ambiguous) name right before or after word i, with only a space?"""
    lists = name_lists()
    for j in (i - 1, i + 1):
        entries = words[j].entries if 0 <= j < len(words) else None
        if entries is not None:
            a, b = sorted((i, j))
            if text[words[a].end : words[b].start] != " ":
                continue
            if not any(e in lists.ambiguous for e in entries):
                return True
    return False


def _before_verb(words: list[_Word], i: int, text: str) -> bool:
    """Does a finite verb follow ambiguous word i, which is no function word or mass noun?"""
    lists = name_lists()
    word = words[i]
    entries = word.entries or ()
    if fold(word.text) in lists.no_verb_rule or any(e in lists.no_verb_rule for e in entries):
        return False
    if len(word.text) > 1 and word.text.isupper():  # an abbreviation: `LO`, `RUT`
        return False
    if i + 1 >= len(words) or text[word.end : words[i + 1].start].strip(" \t"):
        return False
    return fold(words[i + 1].text) in lists.verbs


def _looks_like_surname(word: _Word, before: _Word | None, text: str) -> bool:
    if before is None or before.entries is None or not word.capitalised:
        return False
    if text[before.end : word.start] != " " or not any(
        e in name_lists().first for e in before.entries
    ):
        return False
    return fold(word.text).endswith(_SURNAME_ENDINGS) and len(word.text) > 4


def names(text: str) -> Iterator[Span]:
    """Spans of the names in the text, by the rules above."""
    lists = name_lists()
    words = _words(text, lists)
    for i, word in enumerate(words):
        before = words[i - 1] if i else None
        if word.entries is None:
            if _looks_like_surname(word, before, text):
                yield word.start, word.end, "name"
            continue
        ambiguous = any(e in lists.ambiguous for e in word.entries)
        at_start = _SENTENCE_START.search(text, max(0, word.start - 6), word.start) is not None
        if word.capitalised:
            if (
                ambiguous
                and at_start
                and not _adjacent(words, i, text)
                and not _before_verb(words, i, text)
            ):
                continue
            town = fold(word.text) in lists.towns
            if town and before is not None and fold(before.text) in PLACE_PREPOSITIONS:
                continue
            yield word.start, word.end, "name"
        elif word.lower and (
            not ambiguous
            or _adjacent(words, i, text)
            or (at_start and _before_verb(words, i, text))
        ):
            yield word.start, word.end, "name"
