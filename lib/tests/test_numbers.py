"""Whole numbers from forms and files: ASCII or full-width digits only, within bounds."""

import pytest

from lib import corporate_number, numbers


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("12", 12),
        ("１２", 12),
        (" 7 ", 7),
        ("1,234", 1234),
        ("１，２３４", 1234),
        ("12.0", 12),
        (12.0, 12),
        (3, 3),
    ],
)
def test_digits_as_people_type_them_are_read(typed, read):
    assert numbers.whole_number(typed) == read


@pytest.mark.parametrize("typed", ["²", "①", "٣", "二", "-3", "1e3", "12.5", 12.5, "1,23", True, "0x10", ""])
def test_anything_else_is_refused_in_japanese(typed):
    with pytest.raises(ValueError, match="0以上の整数で入力してください"):
        numbers.whole_number(typed)


def test_a_number_beyond_what_the_database_holds_is_refused_not_overflowed():
    with pytest.raises(ValueError, match=r"2,147,483,647以下で入力してください"):
        numbers.whole_number("9" * 25)
    with pytest.raises(ValueError, match=r"999以下で入力してください（1,000）"):
        numbers.whole_number("1000", minimum=1, maximum=999)
    assert numbers.whole_number("1,000円", unit="円") == 1000


def test_keys_from_a_request_are_ascii_digits_that_fit_a_key():
    assert numbers.ids(["1", "²", "２", "x", "9" * 25, "9" * 5000, "", "42"]) == [1, 42]
    assert numbers.key("²") is None and numbers.key(None) is None and numbers.key("2026") == 2026


def test_codes_in_digits_are_ascii_digits_only():
    assert numbers.digits(" １５１００５３ ") == "1510053" and numbers.is_digits("1510053", 7)
    assert not numbers.is_digits("²" * 7, 7) and not numbers.is_digits("١٢٣")
    assert not corporate_number.is_valid("²" * 13)
