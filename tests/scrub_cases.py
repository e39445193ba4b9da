"""A labelled test set for `rostbot.export.scrub`, made deterministically, and its scores.

Positives are made with the libraries the scrubber is checked against, not with the
scrubber: Swedish personnummer and samordningsnummer get their check digit from
`stdnum.luhn` and are confirmed by `stdnum.se.personnummer`; Danish CPR numbers are
confirmed by `stdnum.dk.cpr`; phone numbers come from `phonenumbers`' example numbers
(varied in their last digits, kept when `phonenumbers.is_valid_number` says so) in its
NATIONAL, INTERNATIONAL and E164 formats and `00` forms. Names are drawn from the
bundled lists; sentences are Swedish and Danish templates, and hand-made sentences with
names that are also everyday words before a verb (`Björn hjälpte mig`, `Bjørn var sød`).
Negatives are hand-made:
dates, times, amounts, years, year ranges, room numbers, percentages, names that are
also everyday words used as words, towns, and the bot's own texts.

Print the precision/recall table (docs/export.md):

    .venv/bin/python tests/scrub_cases.py
"""

from __future__ import annotations

import datetime
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from stdnum import luhn
from stdnum.dk import cpr
from stdnum.se import personnummer

from rostbot.export.scrub import find
from rostbot.export.scrub_names import fold, name_lists

SEED = 20261123
STRUCTURED = ("personnummer", "samordningsnummer", "cpr", "id_number", "phone")
STRUCTURED += ("email", "url", "address")


@dataclass
class Case:
    text: str
    planted: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, category)


def _fill(template: str, values: list[tuple[str, str]]) -> Case:
    """`template` with `{}` holes filled by (category, value) pairs, positions recorded."""
    pieces = template.split("{}")
    assert len(pieces) == len(values) + 1, template
    text = pieces[0]
    planted = []
    for (category, value), after in zip(values, pieces[1:], strict=True):
        planted.append((len(text), len(text) + len(value), category))
        text += value + after
    return Case(text, planted)


SV = (
    "Mitt nummer är {} om ni behöver det.",
    "Ring mig gärna, jag nås på {} efter lunch.",
    "Handläggaren skrev {} på beslutet.",
    "{} är det som står i journalen.",
    "Skicka det till ({}) tack!",
)
DA = (
    "Mit nummer er {} hvis I skal bruge det.",
    "Ring gerne til mig på {} efter frokost.",
    "Sagsbehandleren skrev {} i brevet.",
    "{} står der i min sag.",
)
SEPARATORS_10 = ("-", "", " ")


def _birth(rng: random.Random, first: int = 1930, last: int = 2020) -> datetime.date:
    start = datetime.date(first, 1, 1).toordinal()
    return datetime.date.fromordinal(rng.randint(start, datetime.date(last, 12, 31).toordinal()))


def _swedish(rng: random.Random, coordination: bool) -> tuple[str, str]:
    """(YYYYMMDD, NNNN) of a valid personnummer, or samordningsnummer (day + 60)."""
    born = _birth(rng)
    day = born.day + (60 if coordination else 0)
    date8 = f"{born.year:04d}{born.month:02d}{day:02d}"
    nine = date8[2:] + f"{rng.randint(0, 999):03d}"
    number = nine + luhn.calc_check_digit(nine)
    if not coordination:
        assert personnummer.is_valid(date8[:2] + number)
    return date8, number[6:]


def _cpr(rng: random.Random) -> str:
    """DDMMYYSSSS with a serial whose first digit fits the century (stdnum's rule)."""
    while True:
        born = _birth(rng, 1940, 2020)
        first = rng.choice("0123" if born.year < 2000 else "4")
        number = born.strftime("%d%m%y") + first + f"{rng.randint(0, 999):03d}"
        if cpr.is_valid(number):
            return number


def _phones(rng: random.Random) -> list[str]:
    written = []
    for region in ("SE", "DK"):
        for kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE):
            example = phonenumbers.example_number_for_type(region, kind)
            assert example is not None
            national = str(example.national_number)
            made = 0
            while made < 6:
                digits = national[:-3] + f"{rng.randint(0, 999):03d}"
                number = phonenumbers.parse("+" + str(example.country_code) + digits)
                if not phonenumbers.is_valid_number(number):
                    continue
                made += 1
                e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
                written += [
                    phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL),
                    phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL),
                    e164,
                    "00" + e164[1:],
                    re.sub(
                        r"\D", "", phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
                    ),
                ]
    return written


STREETS_SV = ("Storgatan", "Kungsvägen", "Ringvägen", "Skolgränd", "Stortorget", "Björkstigen")
STREETS_SV += ("Kyrkbacken", "Parkallén", "Sveavägen", "Drottninggatan")
STREETS_DA = ("Nørregade", "Søndervej", "Vesterbrogade", "Strandvejen", "Kirkestræde")
STREETS_DA += ("Rådhuspladsen", "H.C. Andersens Boulevard", "Rosenvænget", "Lindealle")
ADDRESS_SV = ("Jag bor på {} sedan i våras.", "Adressen är {}, skriv dit.", "Kom till {} i morgon.")
ADDRESS_DA = ("Jeg bor på {} nu.", "Adressen er {}, skriv derhen.", "Kom forbi {} i morgen.")


def _addresses(rng: random.Random) -> list[Case]:
    cases = []
    for _ in range(40):
        number = str(rng.randint(1, 140)) + rng.choice(["", "", "B", " A"])
        street = f"{rng.choice(STREETS_SV)} {number}" + rng.choice(["", "", ", 2 tr", ", lgh 1102"])
        cases.append(_fill(rng.choice(ADDRESS_SV), [("address", street)]))
        street = f"{rng.choice(STREETS_DA)} {rng.randint(1, 140)}" + rng.choice(
            ["", "", ", 3. tv", ", st. th", " 2. sal"]
        )
        cases.append(_fill(rng.choice(ADDRESS_DA), [("address", street)]))
    towns_sv = ("Lund", "Malmö", "Umeå", "Göteborg", "Stockholm", "Kiruna")
    towns_da = ("København Ø", "Aarhus C", "Odense", "Aalborg", "Esbjerg", "Vejle")
    for _ in range(15):
        code = f"{rng.randint(100, 989)} {rng.randint(10, 99)}"
        written = rng.choice(
            [
                f"{code} {rng.choice(towns_sv)}",
                f"SE-{code}",
                f"{code.replace(' ', '')} {rng.choice(towns_sv)}",
            ]
        )
        cases.append(_fill("Skicka brevet till {} tack.", [("address", written)]))
        code = str(rng.randint(1000, 9990))
        written = rng.choice([f"{code} {rng.choice(towns_da)}", f"DK-{code}"])
        cases.append(_fill("Send brevet til {} tak.", [("address", written)]))
    return cases


NAME_SV = (
    "Jag pratade med {} igår och det hjälpte.",
    "Min kontaktperson {} ringde tillbaka.",
    "Tack till {} som lyssnade!",
    "Jag och {} var på mötet.",
    "{} var jättebra.",
    "Det var {} som hjälpte mig.",
)
NAME_DA = (
    "Jeg talte med {} i går, og det hjalp.",
    "Min kontaktperson {} ringede tilbage.",
    "Tak til {} som lyttede!",
    "{} var rigtig god.",
    "Det var {} der hjalp mig.",
)
NAME_PAIR = ("Jag träffade {} {} på kontoret.", "Jeg mødte {} {} på kontoret.")


def _names(rng: random.Random) -> list[Case]:
    lists = name_lists()
    folder = Path(__file__).resolve().parent.parent / "src" / "rostbot" / "export" / "names"

    def entries(name: str) -> list[str]:
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        return [x for x in lines if x and not x.startswith("#") and " " not in x]

    first = {"sv": entries("sv_first.txt"), "da": entries("da_first.txt")}
    last = {"sv": entries("sv_last.txt"), "da": entries("da_last.txt")}
    cases = []
    for lang, templates in (("sv", NAME_SV), ("da", NAME_DA)):
        for _ in range(60):
            template = rng.choice(templates)
            name = rng.choice(first[lang])
            cases.append(_fill(template, [("name", name)]))
        for _ in range(20):
            name = rng.choice(first[lang])
            if fold(name) not in lists.ambiguous:  # the rule: lower case only when no word
                cases.append(_fill(rng.choice(templates[:3]), [("name", name.lower())]))
        for _ in range(20):
            pair = [("name", rng.choice(first[lang])), ("name", rng.choice(last[lang]))]
            cases.append(_fill(NAME_PAIR[lang == "da"], pair))
    for written in ("Bjørn", "Märta", "Lise-Lotte", "Øjvind", "Yngve", "Anna-Karin", "Mettes"):
        cases.append(_fill("Jag pratade med {} i telefon.", [("name", written)]))
    cases.append(_fill("Jeg ringede til {} {} i går.", [("name", "Jens"), ("name", "Peter")]))
    return cases


NEGATIVES = (
    "Mötet var den 2024-05-01 och nästa är 2024-06-12.",
    "Jeg var der fra 2023-2024 og igen 2019–2020.",
    "Det kostade 1 200 kr i månaden.",
    "Vi fick 12 000 kronor i bidrag.",
    "Huslejen er 8 500 kroner om måneden.",
    "Vi ses kl 14.30 eller klockan 9.15.",
    "Öppet kl 9-11 och 13-15.",
    "Mødet er kl. 10.00 i lokale 2.14.",
    "Mötet är i rum 3012 på plan 3.",
    "Ungefär 45 % var nöjda, 12,5 procent inte.",
    "Jag fick 4500 kr i maj 2025 och väntade 3 veckor.",
    "Jeg har ventet 18 måneder siden 01.05.2024.",
    "Ärendet från 2019 tog 14 dagar.",
    "Det var 32 personer på mötet och 120 000 kr i budget.",
    "Jag bor i en by utanför stan.",
    "Det kostar 50 kr per vecka.",
    "Vi fick rut-avdrag för städningen.",
    "Bo hemma är svårt när man är sjuk.",
    "Det var svårt. Hans mamma hjälpte till.",
    "Vi såg en björn i skogen.",
    "Stig in och sätt dig.",
    "Han kastade en sten i sjön.",
    "Held og lykke med det hele.",
    "Vi skal tove båden ind.",
    "Livet är svårt ibland, men liv och hälsa går först.",
    "Per person fick vi två timmar.",
    "Jag bor i Malmö och jobbar i Lund.",
    "Vi flyttade till Nora förra året.",
    "Jeg kommer fra Aarhus og bor nu i Odense.",
    "Socialtjänsten i Göteborg lyssnade på mig.",
    "Kommunen svarade efter tre veckor.",
    "Alla var snälla och ingen skrek.",
    "De frågorna var svåra att förstå.",
    "Inga problem alls, tack!",
    "Dina svar sparas inte.",
    "Version 2.1 av appen fungerade bättre.",
    "Jag har 2 barn på 4 och 7 år.",
    "Barnen er 3, 5 og 9 år gamle.",
    "Det tog 1,5 timme varje gång.",
    "Vi var 8 st i gruppen, 1 250 000 kr totalt.",
    # Names that are also everyday words, at the start of a sentence, followed by a word
    # that is no finite verb, or in a sense that is naturally followed by one.
    "Alla var snälla mot mig.",
    "Per vecka fick jag 300 kr.",
    "Bo hemma är svårt.",
    "Hans bil var trasig.",
    "Hans var bättre än min.",
    "Dina svar var bra.",
    "Inga kom till mötet.",
    "Liv är viktigt.",
    "Rut-avdrag fick vi.",
    "RUT är ett avdrag.",
    "Ros fick jag inte, bara kritik.",
    "El är dyrt nu.",
    "Juni var en svår månad.",
    "Ute var det kallt.",
    "Max är tre timmar per vecka.",
    "Sten och grus låg på vägen.",
    "Alle var søde.",
    "Per uge fik jeg 300 kr.",
    "Bo hjemme er svært.",
    "Hans bil var i stykker.",
    "Dine svar var gode.",
    "Liv og helbred kommer først.",
    "Lykke er at blive hørt.",
    "Mine børn fik hjælp.",
    "Min sagsbehandler ringede.",
    "Juli var hård.",
)


# Names that are also everyday words at the start of a sentence, right before a finite
# verb: taken for names, except where the word's everyday sense is itself naturally
# followed by a verb (`Hans` "his", `Liv` "life", `Lykke` "happiness"): those three are
# missed, on purpose (docs/export.md, "Names").
AMBIGUOUS_BEFORE_VERB = (
    "{} hjälpte mig mycket.",
    "{} sa att jag kunde ringa.",
    "{} ringde mig två gånger.",
    "{} ringde mig igen.",
    "{} hjälpte mig med ansökan.",
    "{} kom i tid till mötet.",
    "{} lyssnade verkligen.",
    "{} kunde inte svara på frågan.",
    "{} förstod vad jag menade.",
    "{} var snäll.",
    "{} ringde mig i går.",
    "{} svarade aldrig.",
    "{} var sød.",
    "{} hjalp mig meget.",
    "{} sagde, at jeg kunne ringe.",
    "{} ringede til mig.",
    "{} spurgte, hvordan jeg havde det.",
    "{} kom for sent.",
    "{} lyttede til mig.",
    "{} forstod mig.",
    "{} kunne ikke hjælpe.",
    "{} ringede tilbage.",
    "{} ringde i går och var snäll.",
    "{} ringede i går.",
)
AMBIGUOUS_NAMES = ("Björn", "Tove", "Sten", "Per", "Rut", "Bo", "Dag", "Stig", "Ulf", "Siv")
AMBIGUOUS_NAMES += ("Hans", "Liv", "Bjørn", "Bjørn", "Tove", "Sten", "Per", "Bo", "Bent")
AMBIGUOUS_NAMES += ("Else", "Finn", "Lykke", "björn", "bjørn")


def _ambiguous_names() -> list[Case]:
    return [
        _fill(template, [("name", name)])
        for template, name in zip(AMBIGUOUS_BEFORE_VERB, AMBIGUOUS_NAMES, strict=True)
    ]


def _locale_negatives() -> list[str]:
    texts = []
    root = Path(__file__).resolve().parent.parent / "locales"
    for po in sorted(root.glob("*/LC_MESSAGES/*.po")):
        for line in po.read_text(encoding="utf-8").splitlines():
            if line.startswith('msgstr "') and "{" not in line and len(line) > 20:
                texts.append(line[len('msgstr "') : -1].replace("\\n", "\n"))
    return texts


def cases() -> tuple[list[Case], list[str]]:
    """(positive cases, negative texts), the same on every run."""
    rng = random.Random(SEED)
    positives: list[Case] = []
    for _ in range(40):
        date8, serial = _swedish(rng, coordination=False)
        born_long_ago = int(date8[:4]) <= datetime.date.today().year - 100
        form = rng.choice(["10", "12"])
        sep = rng.choice(("-", "", " ", "+") if born_long_ago and form == "10" else SEPARATORS_10)
        written = (date8[2:] if form == "10" else date8) + sep + serial
        positives.append(_fill(rng.choice(SV), [("personnummer", written)]))
    for _ in range(20):
        date8, serial = _swedish(rng, coordination=True)
        written = rng.choice([date8[2:], date8]) + rng.choice(SEPARATORS_10) + serial
        positives.append(_fill(rng.choice(SV), [("samordningsnummer", written)]))
    for _ in range(40):
        number = _cpr(rng)
        written = number[:6] + rng.choice(SEPARATORS_10) + number[6:]
        positives.append(_fill(rng.choice(DA), [("cpr", written)]))
    for _ in range(20):  # shaped like an identity number, check digit or date wrong
        date8, serial = _swedish(rng, coordination=False)
        wrong = serial[:3] + str((int(serial[3]) + rng.randint(1, 9)) % 10)
        written = rng.choice([date8[2:], date8]) + rng.choice(("-", "+")[:1]) + wrong
        positives.append(_fill(rng.choice(SV), [("id_number", written)]))
    for phone in _phones(rng):
        template = rng.choice(SV if phone.startswith(("0", "+46", "0046")) else DA)
        positives.append(_fill(template, [("phone", phone)]))
    for user, domain in (("anna.s", "kommun.se"), ("jens_p", "borger.dk"), ("x+y", "mail.com")):
        positives.append(_fill("Skriv till {} när som helst.", [("email", f"{user}@{domain}")]))
    for url in ("https://kommun.se/stod", "www.borger.dk", "minsida.nu", "http://x.dk/a?b=c"):
        positives.append(_fill("Läs mer på {} om du vill.", [("url", url)]))
    positives += _addresses(rng)
    positives += _names(rng)
    positives += _ambiguous_names()
    return positives, [*NEGATIVES, *_locale_negatives()]


@dataclass
class Score:
    planted: int = 0
    found: int = 0  # planted items wholly inside replaced spans
    same_label: int = 0  # of those, items replaced by a marker of their own category
    marked: int = 0  # replaced spans of this kind
    marked_right: int = 0  # of those, spans that cover a planted item (any category)


def score() -> dict[str, Score]:
    """Per category: recall of planted items; per kind: precision of what was replaced."""
    positives, negatives = cases()
    table: dict[str, Score] = {}
    for case in positives:
        spans = find(case.text)
        for start, end, category in case.planted:
            row = table.setdefault(category, Score())
            row.planted += 1
            covered = sum(min(end, e) - max(start, s) for s, e, _ in spans if s < end and e > start)
            row.found += covered >= end - start
            row.same_label += any(s <= start and e >= end and k == category for s, e, k in spans)
        for s, e, kind in spans:
            row = table.setdefault(kind, Score())
            row.marked += 1
            row.marked_right += any(s < end and e > start for start, end, _ in case.planted)
    for text in negatives:
        for _, _, kind in find(text):
            table.setdefault(kind, Score()).marked += 1
    return table


def main() -> None:
    positives, negatives = cases()
    print(f"{len(positives)} positive cases, {len(negatives)} negative texts\n")
    print("| kind | planted | found | recall | same label | replaced | precision |")
    print("|---|---|---|---|---|---|---|")
    for kind, row in sorted(score().items()):
        recall = f"{row.found / row.planted:.1%}" if row.planted else "–"
        precision = f"{row.marked_right / row.marked:.1%}" if row.marked else "–"
        print(
            f"| {kind} | {row.planted} | {row.found} | {recall} | {row.same_label} "
            f"| {row.marked} | {precision} |"
        )


if __name__ == "__main__":
    main()
