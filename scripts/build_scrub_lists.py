"""Rebuild the word lists of src/rostbot/export/names/ from published sources.

Not run by the tests or the export: the lists it writes are committed. Run it again to
refresh them, with local copies of the sources (see docs/export.md, "Where the lists
come from"):

    python scripts/build_scrub_lists.py \
        --scb-first SWEDISH_FEMALE.csv SWEDISH_MALE.csv \
        --dst-first FORNAVNE_KVINDER.txt FORNAVNE_MAEND.txt \
        --se-postal postal_to_municipality.csv --se-municipalities municipalities.csv \
        --dk-postal postals.csv \
        --dictionary /usr/share/dict/swedish /usr/share/dict/danish

* `--scb-first`: Statistics Sweden's table of first names of everyone registered in
  Sweden, 2020 ("förnamn"; `name;count`, `..` for fewer than 10).
* `--dst-first`: Statistics Denmark's first names of women and men, January 2021
  (`NAME<TAB>COUNT`, upper case).
* `--se-postal`, `--se-municipalities`: Swedish postal localities and municipalities.
* `--dk-postal`: Danish postal districts (PostNord's file, `;`-separated).
* `--dictionary`: spelling word lists (Debian's `wswedish` and `wdanish`): a name whose
  lower-case form is a word there is written to the generated part of ambiguous.txt.

The hand-kept parts (surnames, the hand part of ambiguous.txt) are kept as they are.
"""

from __future__ import annotations

import argparse
import csv
import unicodedata
from pathlib import Path

NAMES = Path(__file__).resolve().parent.parent / "src" / "rostbot" / "export" / "names"
LOCALES = Path(__file__).resolve().parent.parent / "locales"
SCB_MIN = 200  # bearers in Sweden: about 4,000 first names
DST_MIN = 100  # bearers in Denmark: about 2,800 first names
# Names whose word sense is rare next to the name (`jens`, `søren`, `linda`: the Danish and
# Swedish spelling lists carry them): not counted as everyday words.
NAMES_FIRST = set(
    [
        "Afrim",
        "Agnar",
        "Agne",
        "Aksel",
        "Albin",
        "Aleksi",
        "Alen",
        "Alfons",
        "Allen",
        "Alvar",
        "Ammar",
        "Anas",
        "Andras",
        "Andre",
        "Andres",
        "Ane",
        "Anes",
        "Anis",
        "Anke",
        "Ann",
        "Arian",
        "Arne",
        "Benjamin",
        "Bodil",
        "Britt",
        "Dan",
        "David",
        "Dieter",
        "Ebba",
        "Erika",
        "Espen",
        "Ester",
        "Evert",
        "Fares",
        "Faten",
        "Firas",
        "Firat",
        "Florin",
        "Frans",
        "Frede",
        "Gloria",
        "Grace",
        "Gusten",
        "Hakan",
        "Hanne",
        "Hannes",
        "Helga",
        "Helle",
        "Hellen",
        "Helmer",
        "Henna",
        "Henry",
        "Henryk",
        "Hilde",
        "Hulda",
        "Inger",
        "Jan",
        "Jarl",
        "Jens",
        "Jon",
        "Karen",
        "Karolin",
        "Kåre",
        "Lisa",
        "Lise",
        "Lisen",
        "Linda",
        "Lotta",
        "Lotte",
        "Lotten",
        "Mads",
        "Malte",
        "Maren",
        "Maya",
        "Meja",
        "Milan",
        "Mille",
        "Moses",
        "Murad",
        "Murat",
        "Nasser",
        "Nelson",
        "Nick",
        "Oliver",
        "Olle",
        "Oscar",
        "Osman",
        "Palle",
        "Pascal",
        "Petar",
        "Rene",
        "Rita",
        "Samer",
        "Sander",
        "Sidse",
        "Silas",
        "Sven",
        "Svend",
        "Søren",
        "Tilde",
        "Tina",
        "Tora",
        "Trine",
        "Tue",
        "Ture",
        "Tuva",
        "Valborg",
        "Valter",
        "Vilde",
    ]
)
# English words that are also names (answers are sometimes written in English).
ENGLISH = set(
    [
        "this",
        "said",
        "long",
        "will",
        "may",
        "can",
        "did",
        "do",
        "so",
        "see",
        "say",
        "man",
        "art",
        "bill",
        "mark",
        "hope",
        "grace",
        "rose",
        "iris",
        "joy",
        "guy",
        "ray",
        "dean",
        "ken",
        "lee",
        "jack",
        "nick",
        "tom",
        "don",
        "van",
        "miles",
        "sun",
        "son",
        "love",
        "river",
        "set",
        "alias",
    ]
)
GENERATED_MARK = "# --- generated below this line by scripts/build_scrub_lists.py ---"


def _read(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _title(name: str) -> str:
    """`POUL-ERIK` -> `Poul-Erik`, `ANNE MARIE` -> `Anne Marie`."""
    return "-".join(" ".join(w.capitalize() for w in p.split(" ")) for p in name.split("-"))


def _clean(name: str) -> str:
    return unicodedata.normalize("NFC", name.strip().strip("'´`"))


def scb_first(paths: list[Path]) -> set[str]:
    found: set[str] = set()
    for path in paths:
        for row in csv.reader(_read(path).splitlines()[1:], delimiter=";"):
            if len(row) == 2 and row[1].strip().isdigit() and int(row[1]) >= SCB_MIN:
                name = _clean(row[0])
                if name.replace("-", "").isalpha():
                    found.add(name)
    return found


def dst_first(paths: list[Path]) -> set[str]:
    found: set[str] = set()
    for path in paths:
        for line in _read(path).splitlines():
            parts = line.strip().split("\t")
            if len(parts) == 2 and parts[1].isdigit() and int(parts[1]) >= DST_MIN:
                name = _clean(parts[0])
                if name.replace("-", "").isalpha():
                    found.add(_title(name))
    return found


def towns(se_postal: Path, se_municipalities: Path, dk_postal: Path) -> set[str]:
    found: set[str] = set()
    for row in csv.DictReader(_read(se_postal).splitlines()):
        found.add(_clean(row["locality"]).title())
    for row in csv.DictReader(_read(se_municipalities).splitlines()):
        found.add(_clean(row["municipality_name_short"]))
    for row in csv.DictReader(_read(dk_postal).splitlines(), delimiter=";"):
        found.add(_clean(row["BYNAVN"]))
    return {t for t in found if t and t[0].isalpha()}


def _hand_part(path: Path) -> list[str]:
    """The lines of a list file above the generated part (its header and hand entries)."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return lines[: lines.index(GENERATED_MARK)] if GENERATED_MARK in lines else lines


def _entries(lines: list[str]) -> set[str]:
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def _write(path: Path, header: list[str], names: set[str]) -> None:
    body = sorted(names, key=lambda n: (n.casefold(), n))
    path.write_text("\n".join([*header, *body]) + "\n", encoding="utf-8")
    print(f"{path.name}: {len(body)}")


def everyday_words(dictionaries: list[Path]) -> set[str]:
    words: set[str] = set()
    for path in dictionaries:
        words.update(w for w in _read(path).split() if w.islower())
    words.update(ENGLISH)
    for po in LOCALES.glob("*/LC_MESSAGES/*.po"):
        for line in po.read_text(encoding="utf-8").splitlines():
            if line.startswith(("msgstr", '"')):
                words.update(w.lower() for w in line.replace("\\n", " ").split() if w.isalpha())
    return words


def _swedish_patronymics(first: set[str]) -> set[str]:
    """Karl -> Karlsson, Nils -> Nilsson."""
    return {n + ("son" if n.endswith("s") else "sson") for n in first if n.isalpha()}


def _danish_patronymics(first: set[str]) -> set[str]:
    """Peder -> Pedersen, Jens -> Jensen, Rasmus -> Rasmussen."""
    made: set[str] = set()
    for n in first:
        if n.isalpha():
            made.add(n + "sen")
            if n.endswith("s"):
                made.add(n + "en")
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scb-first", nargs="+", type=Path, required=True)
    parser.add_argument("--dst-first", nargs="+", type=Path, required=True)
    parser.add_argument("--se-postal", type=Path, required=True)
    parser.add_argument("--se-municipalities", type=Path, required=True)
    parser.add_argument("--dk-postal", type=Path, required=True)
    parser.add_argument("--dictionary", nargs="+", type=Path, required=True)
    args = parser.parse_args()

    sv = scb_first(args.scb_first)
    _write(
        NAMES / "sv_first.txt",
        [
            "# Swedish first names borne by at least 200 people registered in Sweden, 2020.",
            "# Source: Statistics Sweden (SCB), name statistics, table of first names",
            "# (förnamn) of everyone registered, 2020, as copied in the GitHub repository",
            "# juhosalmi/name_generator, names/swedish_{female,male}.csv. SCB publishes its",
            "# statistics under Creative Commons Attribution 4.0 (CC BY 4.0). Names only;",
            "# the counts are not kept. Built by scripts/build_scrub_lists.py.",
        ],
        sv,
    )
    da = dst_first(args.dst_first)
    _write(
        NAMES / "da_first.txt",
        [
            "# Danish first names borne by at least 100 people in Denmark, January 2021.",
            "# Source: Danmarks Statistik (Statistics Denmark), first names of women and men",
            "# (fornavne til kvinder / mænd, januar 2021), as shared in the GitHub repository",
            "# sarahleegaardpoulsen/22_Skam_Names, FirstNames_2021_{F,M}.txt. Danmarks",
            "# Statistik's data may be used freely with the source stated (its terms follow",
            "# CC BY 4.0). Names only, written in title case; the counts are not kept.",
            "# Built by scripts/build_scrub_lists.py.",
        ],
        da,
    )
    _write(
        NAMES / "towns.txt",
        [
            "# Swedish and Danish towns: never scrubbed as names unless also a person's name,",
            "# and then kept after a place preposition (`i Nora`, `fra Lund`).",
            "# Sources: Swedish postal localities and municipalities (SCB codes), GitHub",
            "# repository sjbrg/swedish-geodata, CC0 1.0; Danish postal districts (PostNord's",
            "# postal number file), GitHub repository DanielZambelli/dk-postals, ISC licence.",
            "# Built by scripts/build_scrub_lists.py.",
        ],
        towns(args.se_postal, args.se_municipalities, args.dk_postal),
    )

    words = everyday_words(args.dictionary)
    for path, forms in (
        (NAMES / "sv_last.txt", _swedish_patronymics),
        (NAMES / "da_last.txt", _danish_patronymics),
    ):
        hand_part = _hand_part(path)
        made = {f for f in forms(sv | da) if f.casefold() not in words} - _entries(hand_part)
        _write(
            path,
            [
                *hand_part,
                GENERATED_MARK,
                "# Patronymic forms of the first names in sv_first.txt and da_first.txt, less",
                "# those that are everyday words (krisen, klassen, tusen, dansen, ...).",
            ],
            made,
        )
    ambiguous_path = NAMES / "ambiguous.txt"
    hand = _hand_part(ambiguous_path)
    surnames = _entries(_hand_part(NAMES / "sv_last.txt")) | _entries(
        _hand_part(NAMES / "da_last.txt")
    )
    names = sv | da | surnames
    clash = {n for n in names if n.casefold() in words} - _entries(hand) - NAMES_FIRST
    _write(
        ambiguous_path,
        [
            *hand,
            GENERATED_MARK,
            "# Names whose lower-case form is a word in Debian's Swedish or Danish spelling",
            "# lists (wswedish, wdanish; GPL-2+: only this intersection is kept) or in the",
            "# bot's own texts (locales/).",
        ],
        clash,
    )


if __name__ == "__main__":
    main()
