"""Reading uploaded tables and writing exports that Excel cannot be tricked by."""

import datetime
import io
import zipfile

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


def test_control_characters_become_visible_symbols_so_every_export_writes():
    data = tables.write_xlsx(["氏名"], [["推進\x0b太郎\x00"], ["=1+1"]])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [cell.value for cell in sheet["A"]] == ["氏名", "推進␋太郎␀", "'=1+1"]
    assert tables.write_csv(["氏名"], [["a\x1fb"]]).decode("utf-8-sig").splitlines()[1] == "a␟b"


def test_a_control_character_in_an_xlsx_cell_is_refused():
    book = openpyxl.Workbook()
    book.active.append(["名称", "住所"])
    book.active.append(["PLACEHOLDER", "東京都"])
    buffer = io.BytesIO()
    book.save(buffer)
    # openpyxl will not write a control character; Excel escapes it as _x000B_ in the XML.
    source, target = zipfile.ZipFile(io.BytesIO(buffer.getvalue())), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            out.writestr(item, source.read(item).replace(b"PLACEHOLDER", b"A_x000B_B"))
    with pytest.raises(tables.TableError, match=r"2行目・1列目（名称）に制御文字（U\+000B）"):
        tables.read_table("list.xlsx", target.getvalue())


def test_an_xlsx_inflating_far_beyond_any_real_list_is_refused_before_parsing():
    # Ten megabytes of one character pack into a few kilobytes: no sheet of real data does that.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<x>" + "a" * (10 * 1024 * 1024) + "</x>")
    assert len(buffer.getvalue()) < 100_000
    for read in (tables.read_table, tables.read_head):
        with pytest.raises(tables.TableError, match="圧縮率"):
            read("bomb.xlsx", buffer.getvalue())


def test_the_headers_and_first_rows_alone_are_read_for_the_upload_page():
    data = tables.write_xlsx(["事業所名", "所在地", "人数"], [["A商事", "東京都", 12]] * 1000)
    assert tables.read_head("list.xlsx", data, rows=2) == (
        ["事業所名", "所在地", "人数"],
        [["A商事", "東京都", "12"], ["A商事", "東京都", "12"]],
    )
    csv_data = "\r\n名称,住所\r\nA,B\x07\r\n".encode("cp932")
    assert tables.read_head("list.csv", csv_data) == (["名称", "住所"], [])
    # Shown to people: a control character as its visible symbol.
    assert tables.read_head("list.csv", csv_data, rows=5) == (["名称", "住所"], [["A", "B␇"]])


@pytest.mark.parametrize(
    "cells",
    [
        ["ミライ商事", "=1+1"],
        ["ミライ商事", "東京都", "+81-3-0000-0000"],
        ["-5", "東京都"],
        ["ミライ商事", "@SUM(A1)"],
        ["ミラ\x0bイ商事", "東京都"],
        ["ミライ商事", datetime.date(2026, 4, 1), "東京都\x00"],
    ],
)
def test_a_row_with_a_suspicious_cell_is_found_in_one_search(cells):
    assert tables.suspicious_in(cells)
    assert any(tables.suspicious(cell) for cell in cells)


@pytest.mark.parametrize(
    "cells",
    [
        ["ミライ商事", "東京都新宿区西新宿1-2-3", "03-0000-0000"],
        ["株式会社ミライ", "", "info@mirai.example"],
        ["ミライ商事", datetime.date(2026, 4, 1), 12],
        [],
    ],
)
def test_a_row_without_one_needs_no_look_at_its_cells(cells):
    assert not tables.suspicious_in(cells)
    assert not any(tables.suspicious(cell) for cell in cells)
