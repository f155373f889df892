"""R-ENR-5: the labour insurance number's parts and the mistakes people make typing it."""

import pytest

from lib import insurance_number


def test_a_number_is_read_with_hyphens_or_full_width_digits_R_ENR_5():
    number = insurance_number.parse("１３-1-01-123456-000", "13")
    assert str(number) == "13101123456000"
    assert number.display == "13-1-01-123456-000"
    assert (number.office, number.base, number.branch) == ("01", "123456", "000")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1310112345600", "14桁"),
        ("13101123456000X", "14桁"),
        ("48101123456000", "都道府県"),
        ("27101123456000", "事業所の都道府県（13）と異なります"),
        ("13201123456000", "所掌"),
    ],
)
def test_malformed_numbers_are_refused_with_the_reason(text, message):
    with pytest.raises(ValueError, match=message):
        insurance_number.parse(text, "13")
