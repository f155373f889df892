"""Name and address normalisation for matching (issue 4, point 3)."""

import pytest

from lib.corporate_number import is_valid
from lib.normalize import normalize_address, normalize_name


@pytest.mark.parametrize(
    "name",
    [
        "株式会社山田商事",
        "株式会社　山田商事",
        "（株）山田商事",
        "㈱山田商事",
        "(株) 山田商事",
        "山田商事株式会社",
        "山田商事㈱",
    ],
)
def test_legal_form_spellings_and_positions_give_one_core(name):
    assert normalize_name(name)[:2] == ("山田商事", "株式会社")


@pytest.mark.parametrize(
    ("name", "core", "form"),
    [
        ("ﾔﾏﾀﾞｼｮｳｼﾞ(有)", "ヤマダショウジ", "有限会社"),
        ("ＡＢＣ　テクノ合同会社", "ABCテクノ", "合同会社"),
        ("髙橋ヶ丘工業（株）", "高橋ケ丘工業", "株式会社"),
        ("特定非営利活動法人ひまわり", "ヒマワリ", "特定非営利活動法人"),  # hiragana as katakana (issue 17)
        ("㈱ みらい", "ミライ", "株式会社"),
        ("（一社）日本協会", "日本協会", "一般社団法人"),
        ("山田商店", "山田商店", ""),
    ],
)
def test_width_variants_and_other_forms(name, core, form):
    assert normalize_name(name)[:2] == (core, form)


def test_a_branch_office_is_recognised_and_its_label_dropped():
    assert normalize_name("株式会社山田商事 大阪支店") == ("山田商事", "株式会社", True)
    assert normalize_name("山田商店")[2] is False


@pytest.mark.parametrize(
    "address",
    [
        "東京都千代田区霞が関三丁目1番1号",
        "千代田区霞が関3-1-1",
        "東京都千代田区霞が関３－１－１　中央合同庁舎第５号館",
        "東京都千代田区霞が関3丁目1番地の1",
    ],
)
def test_address_notations_give_one_key(address):
    assert normalize_address(address) == "千代田区霞が関3-1-1"


def test_place_names_with_kanji_numerals_are_kept():
    assert normalize_address("東京都三鷹市下連雀九丁目十一番一号") == "三鷹市下連雀9-11-1"
    assert normalize_address("三重県四日市市諏訪町1-5") == "四日市市諏訪町1-5"


@pytest.mark.parametrize("number", ["4011001098993", "7000012050002", "5070001032626", "2120901007402"])
def test_real_corporate_numbers_pass_the_check_digit(number):
    assert is_valid(number)


@pytest.mark.parametrize("number", ["4011001098994", "401100109899", "40110010989930", "401100109899A"])
def test_broken_corporate_numbers_fail(number):
    assert not is_valid(number)
