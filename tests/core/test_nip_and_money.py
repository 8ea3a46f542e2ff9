"""NIP parsing (numbers.parse_nip, used by the signature block) and the money rule ("2.500" in a
juta-rupiah column is thousands; elsewhere "1.234" stays ambiguous)."""
from __future__ import annotations

import datetime as _dt

import pytest

from renstra_desktop.core.errors import ValidationError
from renstra_desktop.core.numbers import parse_nip, parse_number
from renstra_desktop.core.schema import TABLES
from renstra_desktop.core.validation import clean_value

TODAY = _dt.date(2026, 11, 29)


@pytest.mark.parametrize("text", ["19661018 199203 1 001", "196610181992031001", " 19661018  199203 1 001 ",
                                  "19661018\u00a0199203\u00a01\u00a0001"])
def test_a_valid_nip_gives_its_18_digits(text):
    assert parse_nip(text, today=TODAY) == "196610181992031001"


def test_an_empty_nip_is_empty():
    assert parse_nip("") == "" and parse_nip(None) == "" and parse_nip("   ") == ""


@pytest.mark.parametrize("text, says", [
    ("123", "memuat 3 angka"),
    ("1966101819920310011", "memuat 19 angka"),
    ("19661018-199203-1-001", "selain angka"),
    ("19661018 199203 1 00X", "selain angka"),
    ("19661318 199203 1 001", "tanggal lahir"),          # month 13
    ("19660230 199203 1 001", "tanggal lahir"),          # 30 February
    ("18991018 199203 1 001", "tanggal lahir"),          # born 1899
    ("20151018 203303 1 001", "tanggal lahir"),          # a nine-year-old
    ("19661018 197203 1 001", "TMT"),                    # appointed at five
    ("19661018 199213 1 001", "TMT"),                    # month 13
    ("19661018 202712 1 001", "TMT"),                    # in the future
    ("19661018 199203 3 001", "jenis kelamin"),
    ("19661018 199203 1 000", "nomor urut"),
])
def test_a_wrong_nip_says_which_part_is_wrong(text, says):
    with pytest.raises(ValidationError) as err:
        parse_nip(text, today=TODAY)
    message = err.value.message
    assert says in message and "\n" not in message and text.strip() in message


def test_money_fields_are_declared_once_in_the_schema():
    money = {(t.name, f.name) for t in TABLES.values() for f in t.fields if f.money}
    assert money == {("funding", "allocation"), ("funding", "realised")}


def test_a_dot_and_three_digits_is_thousands_in_a_money_column_only():
    allocation = TABLES["funding"].field_map["allocation"]
    assert clean_value(allocation, "2.500") == 2500.0
    assert clean_value(allocation, "1.234,5") == 1234.5
    assert clean_value(allocation, "3,25") == 3.25 and clean_value(allocation, "3.25") == 3.25
    target = TABLES["indicator_target"].field_map["value"]
    with pytest.raises(ValidationError, match="ambigu"):
        clean_value(target, "1.234")
    with pytest.raises(ValidationError, match="ambigu"):
        parse_number("2.500")
    assert parse_number("2.500", money=True) == 2500.0
