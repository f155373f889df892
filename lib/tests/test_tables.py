"""Reading uploaded tables and writing exports that Excel cannot be tricked by."""

import io

import openpyxl
import pytest

from lib import tables


def test_cp932_as_excel_saves_it_decodes_marks_that_shift_jis_would_break():
    # ① 髙 ～ − and half-width ｱ as Excel writes them in a Japanese CSV.
    data = b"\x87\x40\xfb\xfc\x81\x60\x81\x7c\xb1"
    assert tables.decode_csv(data) == "①髙～－ｱ"
    with pytest.raises(UnicodeDecodeError):
        data.decode("shift_jis")


def test_utf8_with_bom_drops_the_bom():
    assert tables.decode_csv("氏名".encode("utf-8-sig")) == "氏名"


@pytest.mark.parametrize("value", ["=1+1", "+81", "-2", "@SUM(A1)", "\tx"])
def test_formula_like_text_is_neutralised(value):
    assert tables.neutralise(value) == "'" + value


def test_numbers_and_plain_text_are_left_alone():
    assert tables.neutralise(-2) == -2
    assert tables.neutralise("山田") == "山田"


def test_xlsx_round_trip_keeps_japanese_and_neutralises():
    data = tables.write_xlsx(["氏名"], [["=cmd()"], ["髙橋"]])
    headers, rows = tables.read_table("x.xlsx", data)
    assert headers == ["氏名"] and rows == [["'=cmd()"], ["髙橋"]]
    assert openpyxl.load_workbook(io.BytesIO(data)).active["A2"].data_type == "s"


def test_an_oversized_upload_is_refused():
    with pytest.raises(tables.TableError, match="大きすぎます"):
        tables.read_table("x.csv", b"a" * (tables.MAX_UPLOAD_BYTES + 1))
