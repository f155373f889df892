"""Transfer names in half-width katakana as the Zengin format carries them."""

import pytest

from lib.zengin import TransferNameError, to_transfer_kana


@pytest.mark.parametrize(
    ("name", "kana"),
    [
        ("キャノン　タロウ", "ｷﾔﾉﾝ ﾀﾛｳ"),  # no small kana in transfers
        ("やまだ はなこ", "ﾔﾏﾀﾞ ﾊﾅｺ"),
        ("ｶﾞｯｺｳ ｲﾁﾛｳ", "ｶﾞﾂｺｳ ｲﾁﾛｳ"),
        ("オオノ　ユーコ", "ｵｵﾉ ﾕ-ｺ"),
        ("ジョン・スミス", "ｼﾞﾖﾝ.ｽﾐｽ"),
        ("abc ｼｮｳｼﾞ", "ABC ｼﾖｳｼﾞ"),
    ],
)
def test_names_become_transfer_kana(name, kana):
    assert to_transfer_kana(name) == kana


def test_kanji_are_refused_and_named():
    with pytest.raises(TransferNameError) as caught:
        to_transfer_kana("山田 タロウ")
    assert caught.value.characters == "山田"
    assert "山田" in str(caught.value)


def test_a_name_longer_than_thirty_is_refused():
    with pytest.raises(TransferNameError, match="30文字以内"):
        to_transfer_kana("ア" * 31)
