"""Name and address normalisation for matching."""

import pytest

from lib.corporate_number import is_valid
from lib.normalize import fold, natural_key, normalize_address, normalize_name, search_text


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
        ("特定非営利活動法人ひまわり", "ヒマワリ", "特定非営利活動法人"),  # hiragana as katakana
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


# The table of examples: each line a spelling people or lists use, and what the
# one definition (lib.normalize) makes of it — for linking (core, form; address key) and search.
NAME_EXAMPLES = [
    # Legal forms, abbreviated, in brackets of either width, before or after, in the bank's kana.
    ("株式会社ミライ", "ミライ", "株式会社"),
    ("ミライ株式会社", "ミライ", "株式会社"),
    ("㈱ミライ", "ミライ", "株式会社"),
    ("（株）ミライ", "ミライ", "株式会社"),
    ("ミライ(株)", "ミライ", "株式会社"),
    ("ｶ)ﾐﾗｲ", "ミライ", "株式会社"),
    ("ﾐﾗｲ(ｶ", "ミライ", "株式会社"),
    ("(ｶ)ﾐﾗｲ", "ミライ", "株式会社"),
    ("ﾕ)ﾐﾗｲ", "ミライ", "有限会社"),
    ("ミライ合同会社", "ミライ", "合同会社"),
    ("（医）みらい会", "ミライ会", "医療法人"),
    # Width, hiragana and katakana, spaces, punctuation.
    ("ﾐﾗｲ", "ミライ", ""),
    ("みらい", "ミライ", ""),
    ("株式会社　ミ ラ イ", "ミライ", "株式会社"),
    ("ＡＢＣ・テクノ", "ABCテクノ", ""),
    ("abcテクノ", "ABCテクノ", ""),
    # 異体字.
    ("髙橋工業", "高橋工業", ""),
    ("山﨑建設", "山崎建設", ""),
    ("濵田水産", "浜田水産", ""),
    ("濱田水産", "浜田水産", ""),
    ("德山商店", "徳山商店", ""),
    ("渡邊設備", "渡辺設備", ""),
    ("渡邉設備", "渡辺設備", ""),
    ("齋藤医院", "斎藤医院", ""),
    ("𠮷田屋", "吉田屋", ""),
    ("栁川鉄工所", "柳川鉄工所", ""),
    ("大澤精機", "大沢精機", ""),
    ("ヶ丘商事", "ケ丘商事", ""),
    # Dashes in names: every width is one long-vowel mark.
    ("ｽｰﾊﾟｰﾏｰｹｯﾄ", "スーパーマーケット", ""),
    ("スｰパー", "スーパー", ""),
]


@pytest.mark.parametrize(("name", "core", "form"), NAME_EXAMPLES)
def test_name_examples_table(name, core, form):
    assert normalize_name(name)[:2] == (core, form)


ADDRESS_EXAMPLES = [
    # 丁目・番・号・番地・の and hyphens of every width.
    ("東京都新宿区西新宿１－２－３", "新宿区西新宿1-2-3"),
    ("東京都新宿区西新宿1丁目2番3号", "新宿区西新宿1-2-3"),
    ("新宿区西新宿一丁目二番三号", "新宿区西新宿1-2-3"),
    ("新宿区西新宿1丁目2番地の3", "新宿区西新宿1-2-3"),
    ("新宿区西新宿1の2の3", "新宿区西新宿1-2-3"),
    ("新宿区西新宿1‐2‐3", "新宿区西新宿1-2-3"),
    ("新宿区西新宿1―2―3", "新宿区西新宿1-2-3"),
    ("新宿区西新宿1ｰ2ｰ3", "新宿区西新宿1-2-3"),
    ("新宿区西新宿1−2−3", "新宿区西新宿1-2-3"),
    # Building names and floors are dropped after the house number.
    ("新宿区西新宿1-2-3　ミライビル5階", "新宿区西新宿1-2-3"),
    ("新宿区西新宿1-2-3 ミライビル 501号室", "新宿区西新宿1-2-3"),
    # 大字・字.
    ("茨城県つくば市大字上野字東123番地", "つくば市上野東123"),
    ("つくば市上野東123", "つくば市上野東123"),
    # 異体字 in place names.
    ("神奈川県茅ヶ崎市本村1-1-1", "茅ケ崎市本村1-1-1"),
]


@pytest.mark.parametrize(("address", "key"), ADDRESS_EXAMPLES)
def test_address_examples_table(address, key):
    assert normalize_address(address) == key


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("ﾐﾗｲ", "株式会社ミライ"), ("みらい", "ミライ（株）"), ("高橋", "髙橋工業"), ("ミライ", "ｶ)ﾐﾗｲ")],
)
def test_search_folds_the_query_as_the_record(typed, stored):
    assert fold(typed) in search_text(stored)


def test_natural_key_reads_runs_of_digits_as_numbers():
    names = ["第10", "第2", "第１", "第1支所2", "第1支所10", "第"]
    assert sorted(names, key=natural_key) == ["第", "第１", "第1支所2", "第1支所10", "第2", "第10"]
