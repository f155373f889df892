"""Reading the municipality from an address (lib.cities), as imports and area division use it."""

import pytest

from lib import cities


@pytest.mark.parametrize(
    ("address", "prefecture", "city"),
    [
        ("東京都新宿区西新宿2-8-1", "東京都", "新宿区"),
        ("新宿区西新宿2-8-1", "東京都", "新宿区"),  # the prefecture left out
        ("　東京都八王子市元本郷町3-24-1", "東京都", "八王子市"),  # a full-width space first
        ("北海道当別町白樺町58-9", "北海道", "石狩郡当別町"),  # the county left out
        ("大阪府大阪市北区梅田1-1-1", "大阪府", "大阪市北区"),  # the ward, not only the city
        ("ｼﾝｼﾞｭｸ区", "東京都", None),  # a reading is not a name
        ("", "東京都", None),
    ],
)
def test_the_city_an_address_starts_with(address, prefecture, city):
    found = cities.city_of(address, prefecture)
    assert (found.name if found else None) == city


def test_a_city_written_in_another_width_is_found_after_normalising():
    # 神 as a CJK compatibility ideograph (U+FA19), as some old systems write it: the name as
    # written is no city, its normal form is.
    assert cities.city_of("兵庫県\ufa19戸市中央区加納町6-5-1", "兵庫県").name == "神戸市中央区"
