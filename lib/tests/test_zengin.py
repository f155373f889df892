"""Transfer names in half-width katakana as the Zengin format carries them."""

import dataclasses
import datetime as _dt

import pytest

from lib.zengin import (
    Payment,
    Requester,
    TransferFileError,
    TransferNameError,
    not_a_bank_day,
    to_transfer_kana,
    transfer_file,
)


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


# The 総合振込 file, byte by byte (FORMATS.md).

FEDERATION = Requester(
    code="1234567890",
    name="ｾﾞﾝｺｸﾛｳﾎﾚﾝ",
    bank_code="0001",
    bank_name="ミズホ",
    branch_code="001",
    branch_name="トウキヨウエイギヨウブ",
    account_type="1",
    account_number="7654321",
)


def _payments():
    return [
        Payment(
            "0005",
            "ミツビシユーエフジエイ",
            "123",
            "シンジユク",
            "1",
            "1234567",
            "ﾔﾏﾀﾞ ﾀﾛｳ",
            2520,
            "0000000001",
        ),
        Payment("9900", "ユウチヨ", "019", "ゼロイチキユウ", "1", "0012345", "ｻﾄｳ ﾊﾅｺ", 9450),
    ]


def _records(body: bytes) -> list[bytes]:
    assert body.endswith(b"\r\n")
    records = body.split(b"\r\n")[:-1]
    assert b"\n".join(records).count(b"\r") == 0  # CRLF only, never a lone CR or LF
    return records


def test_every_record_is_120_bytes_in_order_header_data_trailer_end():
    records = _records(transfer_file(FEDERATION, _dt.date(2026, 7, 15), _payments()))
    assert [len(r) for r in records] == [120] * 5
    assert [r[:1] for r in records] == [b"1", b"2", b"2", b"8", b"9"]


def test_the_header_carries_the_requester_and_the_transfer_date():
    header = _records(transfer_file(FEDERATION, _dt.date(2026, 7, 15), _payments()))[0].decode("cp932")
    assert header[:4] == "1210"
    assert header[4:14] == "1234567890"
    assert header[14:54] == "ｾﾞﾝｺｸﾛｳﾎﾚﾝ".ljust(40)
    assert header[54:58] == "0715"
    assert header[58:62] == "0001" and header[62:77] == "ﾐｽﾞﾎ".ljust(15)
    assert header[77:80] == "001" and header[80:95] == "ﾄｳｷﾖｳｴｲｷﾞﾖｳﾌﾞ".ljust(15)
    assert header[95:103] == "17654321" and header[103:] == " " * 17


def test_a_data_record_has_each_field_in_place():
    data = _records(transfer_file(FEDERATION, _dt.date(2026, 7, 15), _payments()))[1].decode("cp932")
    assert data[1:5] == "0005" and data[5:20] == "ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ".ljust(15)[:15]
    assert data[20:23] == "123" and data[23:38] == "ｼﾝｼﾞﾕｸ".ljust(15)
    assert data[38:42] == "0000" and data[42] == "1" and data[43:50] == "1234567"
    assert data[50:80] == "ﾔﾏﾀﾞ ﾀﾛｳ".ljust(30)
    assert data[80:90] == "0000002520"
    assert data[90] == "0" and data[91:111] == "0000000001".ljust(20) and data[111] == "7"
    assert data[112:] == " " * 8


def test_the_trailer_counts_and_totals_the_data_records():
    records = _records(transfer_file(FEDERATION, _dt.date(2026, 7, 15), _payments()))
    trailer = records[3].decode("cp932")
    assert trailer[1:7] == "000002" and trailer[7:19] == "000000011970" and trailer[19:] == " " * 101
    assert records[4] == b"9" + b" " * 119


def test_characters_are_half_width_katakana_in_cp932_single_bytes():
    body = transfer_file(FEDERATION, _dt.date(2026, 7, 15), _payments())
    assert all(byte < 0x80 or 0xA1 <= byte <= 0xDF for byte in body)


def test_a_name_that_cannot_be_carried_or_does_not_fit_is_refused():
    bad = [Payment("0005", "ミツビシ", "123", "シンジユク", "1", "1234567", "山田太郎", 100)]
    with pytest.raises(TransferFileError, match="受取人名に振込に使えない文字"):
        transfer_file(FEDERATION, _dt.date(2026, 7, 15), bad)
    long_name = [Payment("0005", "ミツビシ", "123", "シンジユク", "1", "1234567", "ｱ" * 31, 100)]
    with pytest.raises(TransferFileError, match="半角30文字以内"):
        transfer_file(FEDERATION, _dt.date(2026, 7, 15), long_name)
    with pytest.raises(TransferFileError, match="1円以上"):
        transfer_file(FEDERATION, _dt.date(2026, 7, 15), [dataclasses.replace(_payments()[0], amount=0)])


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (_dt.date(2026, 7, 15), ""),  # Wednesday
        (_dt.date(2026, 7, 18), "土曜日"),
        (_dt.date(2026, 7, 20), "海の日"),
        (_dt.date(2026, 12, 31), "年末年始の休業日"),
        (_dt.date(2027, 1, 4), ""),
    ],
)
def test_transfers_are_made_on_bank_business_days_only(day, reason):
    assert not_a_bank_day(day) == reason
