"""Scrubbing free text: what is replaced, what is left alone, and how it is counted."""

from __future__ import annotations

import pytest

from rostbot.export.scrub import scrub


def luhn_digit(nine: str) -> str:
    """The check digit a Swedish personnummer's first nine digits call for."""
    total = 0
    for i, ch in enumerate(nine):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def personnummer(yymmdd: str, serial3: str) -> str:
    return yymmdd + "-" + serial3 + luhn_digit(yymmdd + serial3)


def wrong_check(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


VALID = personnummer("811218", "987")


@pytest.mark.parametrize(
    "written",
    [
        VALID,
        VALID.replace("-", ""),
        "19" + VALID,
        "19" + VALID.replace("-", ""),
        VALID.replace("-", "+"),  # over 100 years old
    ],
)
def test_a_valid_personnummer_is_replaced_in_every_way_it_is_written(written: str) -> None:
    result = scrub(f"Mitt nummer är {written}.")
    assert result.text == "Mitt nummer är [personnummer]."
    assert result.counts == {"personnummer": 1}


def test_a_samordningsnummer_is_told_apart_by_its_day_plus_60() -> None:
    number = personnummer("811278", "123")  # 18 December + 60
    assert scrub(f"nr {number}").text == "nr [samordningsnummer]"


def test_a_wrong_check_digit_or_an_impossible_date_is_not_a_personnummer() -> None:
    assert "[personnummer]" not in scrub(f"kod {wrong_check(VALID)}").text
    impossible = personnummer("811332", "123")  # month 13
    assert "[personnummer]" not in scrub(f"kod {impossible}").text


def test_a_danish_cpr_number_with_a_real_date_is_replaced() -> None:
    result = scrub("Mit CPR er 310589-1234, og det andet er 3105891235.")
    assert result.text == "Mit CPR er [cpr], og det andet er [cpr]."
    assert result.counts == {"cpr": 2}


def test_a_cpr_shaped_number_with_no_real_date_is_left_alone() -> None:
    assert scrub("sag 320589-1234").text == "sag 320589-1234"


@pytest.mark.parametrize(
    "phone",
    [
        "070-123 45 67",
        "0701234567",
        "08-123 456 78",
        "+46 70 123 45 67",
        "+46701234567",
        "0046 70 123 45 67",
        "+45 12 34 56 78",
        "12 34 56 78",
        "12345678",
    ],
)
def test_swedish_and_danish_phone_numbers_are_replaced(phone: str) -> None:
    result = scrub(f"Ring {phone} i morgon")
    assert result.text == "Ring [phone] i morgon"
    assert result.counts == {"phone": 1}


def test_e_mail_and_web_addresses_are_replaced_and_punctuation_is_kept() -> None:
    result = scrub(
        "Skriv till anna.s@example.se eller se https://kommun.se/stod, www.borger.dk och hej.nu!"
    )
    assert result.text == "Skriv till [email] eller se [url], [url] och [url]!"
    assert result.counts == {"email": 1, "url": 3}


def test_names_from_the_lists_are_replaced_also_in_the_genitive() -> None:
    result = scrub("Min handläggare Anna Svensson var bra, men Mettes kollega Jensen svarade inte.")
    assert result.text == (
        "Min handläggare [name] [name] var bra, men [name] kollega [name] svarade inte."
    )
    assert result.counts == {"name": 4}


def test_names_that_are_also_words_are_kept_at_the_start_of_a_sentence() -> None:
    # "Bo" is a name and the verb "to live"; "Hans" is a name and "his".
    assert scrub("Bo hemma är svårt.").text == "Bo hemma är svårt."
    assert scrub("Jag pratade med Bo igår.").text == "Jag pratade med [name] igår."
    assert scrub("Det var svårt. Hans mamma hjälpte.").text == "Det var svårt. Hans mamma hjälpte."


def test_lower_case_words_and_ordinary_capitalised_words_are_left_alone() -> None:
    text = "Jag fick hjälp. Socialtjänsten i Malmö lyssnade på mig, anna."
    assert scrub(text).text == text


def test_plain_numbers_amounts_and_years_are_left_alone() -> None:
    text = "Jag fick 4500 kr i maj 2025 och väntade 3 veckor."
    assert scrub(text).text == text
    assert scrub(text).counts == {}


def test_several_kinds_in_one_answer_are_all_counted() -> None:
    result = scrub(f"Jag heter Zlatan, {VALID}, mejl z@x.dk, tel 0701234567.")
    assert result.text == "Jag heter [name], [personnummer], mejl [email], tel [phone]."
    assert result.counts == {"personnummer": 1, "phone": 1, "email": 1, "name": 1}
