"""Scrubbing free text: what is replaced, what is left alone, and how it is counted.

The labelled set (tests/scrub_cases.py) is made with python-stdnum and phonenumbers, and
the scrubbed texts are checked with them again, apart from the scrubber.
"""

from __future__ import annotations

import re

import pytest
from phonenumbers import Leniency, PhoneNumberMatcher
from stdnum import luhn
from stdnum.dk import cpr
from stdnum.se import personnummer as pnr

from rostbot.export.scrub import KINDS, scrub
from scrub_cases import STRUCTURED, Case, cases, score

MARKER = re.compile(r"\[(" + "|".join(KINDS) + r")\]")


def personnummer(yymmdd: str, serial3: str) -> str:
    return yymmdd + "-" + serial3 + luhn.calc_check_digit(yymmdd + serial3)


def wrong_check(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


VALID = personnummer("811218", "987")


def markers(text: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for kind in MARKER.findall(text):
        found[kind] = found.get(kind, 0) + 1
    return found


@pytest.mark.parametrize(
    "written",
    [
        VALID,
        VALID.replace("-", ""),
        VALID.replace("-", " "),
        "19" + VALID,
        "19" + VALID.replace("-", ""),
        "19" + VALID.replace("-", " "),
        VALID.replace("-", "+"),  # 100 years or older
    ],
)
def test_a_valid_personnummer_is_replaced_in_every_way_it_is_written(written: str) -> None:
    result = scrub(f"Mitt nummer är {written}.")
    assert result.text == "Mitt nummer är [personnummer]."
    assert result.counts == {"personnummer": 1}


def test_a_samordningsnummer_is_told_apart_by_its_day_plus_60() -> None:
    number = personnummer("811278", "123")  # 18 December + 60
    assert scrub(f"nr {number}").text == "nr [samordningsnummer]"
    assert scrub(f"nr 19{number.replace('-', ' ')}").text == "nr [samordningsnummer]"


def test_a_number_shaped_like_an_identity_number_but_not_valid_is_still_removed() -> None:
    assert scrub(f"kod {wrong_check(VALID)}").text == "kod [id_number]"
    impossible = personnummer("811332", "123")  # month 13
    assert scrub(f"kod {impossible}").text == "kod [id_number]"
    assert scrub("sag 320589-1234").text == "sag [id_number]"


def test_a_danish_cpr_number_with_a_real_date_is_cpr_whatever_its_check_digit() -> None:
    result = scrub("Mit CPR er 310589-1234, og det andet er 3105891235 eller 310589 1236.")
    assert result.text == "Mit CPR er [cpr], og det andet er [cpr] eller [cpr]."
    assert result.counts == {"cpr": 3}


def test_a_number_valid_both_as_personnummer_and_as_cpr_is_a_personnummer() -> None:
    number = personnummer("010203", "123")  # 3 Feb 2001 in Sweden, 1 Feb 2003 in Denmark
    assert cpr.is_valid(number.replace("-", ""))
    assert scrub(number).text == "[personnummer]"


@pytest.mark.parametrize(
    "phone",
    [
        "070-123 45 67",
        "0701234567",
        "08-123 456 78",
        "+46 70 123 45 67",
        "+46701234567",
        "0046 70 123 45 67",
        "+46 (0)70 123 45 67",
        "+45 32 12 34 56",
        "32 12 34 56",
        "32123456",
        "0045 34 41 23 45",
        "+47 22 12 34 56",  # any valid international number
    ],
)
def test_swedish_danish_and_international_phone_numbers_are_replaced(phone: str) -> None:
    result = scrub(f"Ring {phone} i morgon")
    assert result.text == "Ring [phone] i morgon"
    assert result.counts == {"phone": 1}


@pytest.mark.parametrize(
    "text",
    [
        "Mötet var 2024-05-01.",
        "Jag var där 2023-2024.",
        "Det kostade 1 200 kr.",
        "Vi fick 12 000 kronor.",
        "Vi ses kl 14.30.",
        "Öppet kl 9-11.",
        "Mötet är i rum 3012.",
        "45 % var nöjda.",
        "Jag fick 4500 kr i maj 2025 och väntade 3 veckor.",
        "Bidraget var 12345678 kr.",
    ],
)
def test_dates_years_amounts_times_rooms_and_shares_are_not_phone_numbers(text: str) -> None:
    assert scrub(text).text == text


def test_e_mail_and_web_addresses_are_replaced_and_punctuation_is_kept() -> None:
    result = scrub(
        "Skriv till anna.s@example.se eller se https://kommun.se/stod, www.borger.dk och hej.nu!"
    )
    assert result.text == "Skriv till [email] eller se [url], [url] och [url]!"
    assert result.counts == {"email": 1, "url": 3}


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("Jag bor på Storgatan 12 i Lund.", "Jag bor på [address] i Lund."),
        ("Adress: Kungsvägen 3B, 123 45 Lund.", "Adress: [address], [address]."),
        ("Jeg bor på Nørregade 12, 3. tv, 2100 København Ø.", "Jeg bor på [address], [address]."),
        ("Send det til DK-2100.", "Send det til [address]."),
        ("Skicka till SE-123 45.", "Skicka till [address]."),
        ("Jag bor i Malmö.", "Jag bor i Malmö."),
        ("Storgatan är fin.", "Storgatan är fin."),
    ],
)
def test_street_addresses_and_postcodes_are_replaced_towns_alone_are_not(
    text: str, scrubbed: str
) -> None:
    assert scrub(text).text == scrubbed


def test_names_from_the_lists_are_replaced_also_in_the_genitive() -> None:
    result = scrub("Min handläggare Anna Svensson var bra, men Mettes kollega Jensen svarade inte.")
    assert result.text == (
        "Min handläggare [name] [name] var bra, men [name] kollega [name] svarade inte."
    )
    assert result.counts == {"name": 4}


def test_names_with_nordic_letters_hyphens_rare_names_and_lower_case_are_replaced() -> None:
    text = "Jag pratade med Bjørn, Märta, Lise-Lotte, Øjvind och Yngve; även märta och yngve."
    assert scrub(text).text == (
        "Jag pratade med [name], [name], [name], [name] och [name]; även [name] och [name]."
    )


def test_names_that_are_also_words_are_kept_at_the_start_of_a_sentence_and_in_lower_case() -> None:
    # "Bo" is a name and the verb "to live"; "Hans" is a name and "his".
    assert scrub("Bo hemma är svårt.").text == "Bo hemma är svårt."
    assert scrub("Jag pratade med Bo igår.").text == "Jag pratade med [name] igår."
    assert scrub("Det var svårt. Hans mamma hjälpte.").text == "Det var svårt. Hans mamma hjälpte."
    assert scrub("Bo Andersson ringde.").text == "[name] [name] ringde."
    assert scrub("50 kr per vecka med rut-avdrag").text == "50 kr per vecka med rut-avdrag"
    assert scrub("en björn och en sten").text == "en björn och en sten"


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("Björn hjälpte mig mycket.", "[name] hjälpte mig mycket."),
        ("Bjørn var sød.", "[name] var sød."),
        ("Tove sa att jag kunde ringa.", "[name] sa att jag kunde ringa."),
        ("Sten ringde mig.", "[name] ringde mig."),
        ("Per ringde mig igen", "[name] ringde mig igen"),
        ("Rut hjälpte mig. Bo kan komma.", "[name] hjälpte mig. [name] kan komma."),
        ("björn ringde. tove sagde ja", "[name] ringde. [name] sagde ja"),
        # The next word is no finite verb.
        ("Bo hemma är svårt.", "Bo hemma är svårt."),
        ("Per vecka fick jag 300 kr.", "Per vecka fick jag 300 kr."),
        ("Per uge fik jeg 300 kr.", "Per uge fik jeg 300 kr."),
        ("Hans bil var trasig.", "Hans bil var trasig."),
        ("Rut-avdrag fick vi.", "Rut-avdrag fick vi."),
        # Pronouns, quantifiers, adverbs, mass nouns: naturally followed by a verb.
        ("Alla var snälla mot mig.", "Alla var snälla mot mig."),
        ("Hans var bättre än min.", "Hans var bättre än min."),
        ("Inga kom. Ute var det kallt.", "Inga kom. Ute var det kallt."),
        ("Liv är viktigt. Lykke er at blive hørt.", "Liv är viktigt. Lykke er at blive hørt."),
        ("Ros fick jag inte. Juni var svår.", "Ros fick jag inte. Juni var svår."),
        # An abbreviation in capitals; a verb after a comma or a line break.
        ("RUT är ett avdrag.", "RUT är ett avdrag."),
        ("Sten, grus och sand.\nBo\nvar", "Sten, grus och sand.\nBo\nvar"),
        # Mid-sentence lower case stays as it was.
        ("sen ringde björn och sten var tung", "sen ringde björn och sten var tung"),
    ],
)
def test_a_name_that_is_also_a_word_is_replaced_at_a_sentence_start_before_a_finite_verb(
    text: str, scrubbed: str
) -> None:
    result = scrub(text)
    assert result.text == scrubbed
    assert result.counts == markers(result.text)


def test_a_town_is_not_a_name_unless_it_is_also_a_name_and_not_after_a_preposition() -> None:
    assert scrub("Socialtjänsten i Malmö lyssnade.").text == "Socialtjänsten i Malmö lyssnade."
    assert scrub("Jag bor i Nora men pratade med Nora.").text == (
        "Jag bor i Nora men pratade med [name]."
    )


def test_plain_numbers_amounts_and_years_are_left_alone() -> None:
    text = "Jag fick 4500 kr i maj 2025 och väntade 3 veckor."
    assert scrub(text).text == text
    assert scrub(text).counts == {}


def test_several_kinds_in_one_answer_are_all_counted() -> None:
    result = scrub(f"Jag heter Zlatan, {VALID}, mejl z@x.dk, tel 0701234567.")
    assert result.text == "Jag heter [name], [personnummer], mejl [email], tel [phone]."
    assert result.counts == {"personnummer": 1, "phone": 1, "email": 1, "name": 1}


# The labelled set.

POSITIVES, NEGATIVES = cases()


def test_the_labelled_set_is_large_enough() -> None:
    assert len(POSITIVES) >= 500 and len(NEGATIVES) >= 40


@pytest.mark.parametrize("case", POSITIVES, ids=lambda c: c.text[:40])
def test_counts_are_exactly_the_markers_written(case: Case) -> None:
    result = scrub(case.text)
    assert result.counts == markers(result.text)


def test_every_structured_identifier_is_removed() -> None:
    table = score()
    for kind in STRUCTURED:
        assert table[kind].found == table[kind].planted, kind


def test_at_least_95_percent_of_listed_names_are_found() -> None:
    row = score()["name"]
    assert row.found >= 0.95 * row.planted


@pytest.mark.parametrize("text", NEGATIVES)
def test_no_negative_is_changed(text: str) -> None:
    result = scrub(text)
    assert result.text == text and result.counts == {}


def test_stdnum_and_phonenumbers_find_nothing_left_in_the_scrubbed_texts() -> None:
    for case in POSITIVES:
        out = scrub(case.text).text
        digits = re.sub(r"[^\d\[\]]", "", out)  # every digit run, separators dropped
        for run in re.findall(r"\d{10,12}", digits):
            for n in (10, 12):
                for i in range(len(run) - n + 1):
                    window = run[i : i + n]
                    assert not pnr.is_valid(window), out
                    assert n == 12 or not cpr.is_valid(window), out
        for region in ("SE", "DK"):
            found = list(PhoneNumberMatcher(out, region, leniency=Leniency.VALID))
            assert found == [], (out, [m.raw_string for m in found])
