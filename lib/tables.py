"""Tables users exchange with Excel: reading uploaded CSV and .xlsx, writing exports safely."""

import csv
import datetime
import io
import itertools
import re
import zipfile
from collections.abc import Iterable
from typing import Any, TypeVar

import openpyxl
from python_calamine import CalamineWorkbook

T = TypeVar("T")

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# An .xlsx is a zip: refuse one that would inflate beyond these before any XML is parsed. The
# largest real list, a 100,000-row roster, unpacks to about UNPACKED_100K (bench/roster_import.py);
# its XML compresses some ten to twenty times, a zip bomb hundreds of times.
MAX_XLSX_UNCOMPRESSED_BYTES = 120 * 1024 * 1024
MAX_XLSX_RATIO = 60
MAX_XLSX_ENTRIES = 2000
# A cell starting with one of these is run as a formula by Excel (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# C0 control characters other than tab and line breaks (and NUL): no list has a use for them, a
# promoter's phone shows them as garbage, and openpyxl refuses to write them.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Text cells joined by a character of the private use area: one search finds whether any of them is
# suspicious (``suspicious_in``, over a whole list); the joiner counts as a cell's start.
_JOINER = "\ue000"
_ANY_SUSPICIOUS = re.compile(CONTROL.pattern + r"|(?:^|\ue000)[=+\-@]")


class TableError(ValueError):
    """The file as a whole cannot be read; the message says why, in Japanese."""


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) or cp932, as Excel saves CSV in Japan.

    cp932, not shift_jis: Python's shift_jis fails on ① and 髙 and maps ～ and − differently.
    """
    # NUL bytes mean UTF-16 or a binary file, which cp932 would "decode" into nonsense.
    if b"\x00" in data:
        raise TableError(
            "文字コードを判別できません。UTF-8 または Shift_JIS（Excelの「CSV（コンマ区切り）」）で保存してください。"
        )
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(
        "文字コードを判別できません。UTF-8 または Shift_JIS（Excelの「CSV（コンマ区切り）」）で保存してください。"
    )


def _check_xlsx(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise TableError(
            "Excelファイル（.xlsx）として読めません。ファイルが壊れていないか確認してください。"
        ) from None
    entries = archive.infolist()
    if len(entries) > MAX_XLSX_ENTRIES:
        raise TableError("Excelファイルの内部構造が大きすぎるため読み込めません。")
    if sum(entry.file_size for entry in entries) > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise TableError("Excelファイルの展開後のサイズが上限を超えるため読み込めません。")
    if any(
        entry.file_size > 1024 * 1024 and entry.file_size > MAX_XLSX_RATIO * max(entry.compress_size, 1)
        for entry in entries
    ):
        raise TableError(
            "Excelファイルの圧縮率が通常ではありえない値のため読み込めません（不正なファイルの可能性）。"
        )


def _cell(value: object) -> str | datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def read_table(
    filename: str, data: bytes, *, keep_control_characters: bool = False
) -> tuple[list[str], list[list[Any]]]:
    """The header row and the data rows of an uploaded .csv or .xlsx (first sheet).

    Cells are stripped strings, except dates from Excel, which stay dates. A control character
    refuses the file, unless the caller checks each cell itself (``suspicious``) and asks its user.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise TableError(f"ファイルが大きすぎます（上限 {MAX_UPLOAD_BYTES // 1024 // 1024}MB）。")
    name = filename.lower()
    if name.endswith(".csv"):
        try:
            rows = [[_cell(v) for v in row] for row in csv.reader(io.StringIO(decode_csv(data), newline=""))]
        except csv.Error as error:
            raise TableError(f"CSVとして読めません：{error}") from None
    elif name.endswith(".xlsx"):
        _check_xlsx(data)
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            rows = [
                [_cell(v) for v in row] for row in book.get_sheet_by_index(0).to_python(skip_empty_area=False)
            ]
        except Exception as error:  # calamine reports a broken workbook with its own exception types
            raise TableError(f"Excelファイルを読み込めません：{error}") from None
    else:
        raise TableError("CSV（.csv）または Excel（.xlsx）のファイルを指定してください。")
    if not keep_control_characters:
        _refuse_control_characters(rows)
    rows = [row for row in rows if any(cell != "" for cell in row)]
    if not rows:
        raise TableError("ファイルにデータがありません。")
    headers = [str(h).strip() for h in rows[0]]
    return headers, rows[1:]


def read_head(filename: str, data: bytes, rows: int = 0) -> tuple[list[str], list[list[str]]]:
    """The header row of an uploaded .csv or .xlsx and up to ``rows`` rows after it, reading no
    further: the upload page answers at once whatever the list's size, and the whole file is read
    (and checked) by the import's task. The .xlsx sheet is streamed (openpyxl's read-only mode)
    after the same size checks. The rows are for people to look at: every cell is text, and a
    control character shows as its visible symbol."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise TableError(f"ファイルが大きすぎます（上限 {MAX_UPLOAD_BYTES // 1024 // 1024}MB）。")
    name = filename.lower()
    if name.endswith(".csv"):
        try:
            lines = csv.reader(io.StringIO(decode_csv(data), newline=""))
            first = next((row for row in lines if any(cell.strip() for cell in row)), None)
            head = list(itertools.islice(lines, rows))
        except csv.Error as error:
            raise TableError(f"CSVとして読めません：{error}") from None
    elif name.endswith(".xlsx"):
        _check_xlsx(data)
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            lines = book.worksheets[0].iter_rows(values_only=True)
            first = next((row for row in lines if any(cell not in (None, "") for cell in row)), None)
            head = list(itertools.islice(lines, rows))
            book.close()
        except Exception as error:  # openpyxl reports a broken workbook with many exception types
            raise TableError(f"Excelファイルを読み込めません：{error}") from None
    else:
        raise TableError("CSV（.csv）または Excel（.xlsx）のファイルを指定してください。")
    if first is None:
        raise TableError("ファイルにデータがありません。")
    headers = [str(_cell(cell)) for cell in first]
    _refuse_control_characters([headers])
    shown = [
        [
            CONTROL.sub(lambda m: chr(0x2400 + ord(m.group())), "" if cell is None else str(_cell(cell)))
            for cell in row
        ]
        for row in head
    ]
    return headers, shown


def _refuse_control_characters(rows: list[list[Any]]) -> None:
    """Name the first cell holding a control character, by row and column; nothing is imported."""
    headers = [str(h) for h in rows[0]] if rows else []
    for number, row in enumerate(rows, start=1):
        # One search per row, and only a row that has one is looked at cell by cell.
        if not CONTROL.search("".join(cell for cell in row if isinstance(cell, str))):
            continue
        for column, cell in enumerate(row):
            found = CONTROL.search(cell) if isinstance(cell, str) else None
            if found:
                name = f"（{headers[column]}）" if number > 1 and column < len(headers) else ""
                raise TableError(
                    f"{number}行目・{column + 1}列目{name}に制御文字（U+{ord(found.group()):04X}）が含まれています。"
                    "取り除いてから取り込んでください。"
                )


def suspicious(value: object) -> str:
    """Why a cell should not be stored as it stands, or "": it starts like a spreadsheet formula
    (= + - @), or it holds a control character a phone would show as garbage."""
    if not isinstance(value, str) or not value:
        return ""
    if found := CONTROL.search(value):
        return f"制御文字（U+{ord(found.group()):04X}）を含みます"
    if value.startswith(FORMULA_PREFIXES[:4]):
        return f"先頭が「{value[0]}」です（表計算ソフトが数式として扱います）"
    return ""


def suspicious_in(cells: Iterable[object]) -> bool:
    """Whether ``suspicious`` would name any of ``cells``, in one search: a 100,000-row list is looked
    at cell by cell only when it has one. (A cell holding the joiner itself is only looked at again.)"""
    return _ANY_SUSPICIOUS.search(_JOINER.join(c for c in cells if isinstance(c, str))) is not None


def cleaned(value: str) -> str:
    """The cell without its control characters and without the formula characters it starts with."""
    return CONTROL.sub("", value).lstrip("".join(FORMULA_PREFIXES[:4])).strip()


def neutralise(value: T) -> T | str:
    """Make a text cell inert in Excel and writable: a leading = + - @ or tab gets a quote before it,
    and control characters become their visible symbols (U+000B → ␋), so that no stored value can
    make an export fail."""
    if not isinstance(value, str):
        return value
    text = CONTROL.sub(lambda m: chr(0x2400 + ord(m.group())), value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def write_csv(headers: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """UTF-8 with BOM, which Excel opens as Japanese without asking."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(headers: list[str], rows: Iterable[Iterable[Any]], title: str = "Sheet1") -> bytes:
    return write_workbook([(title, headers, rows)])


def write_workbook(sheets: Iterable[tuple[str, list[str], Iterable[Iterable[Any]]]]) -> bytes:
    """A workbook of several (title, headers, rows) sheets, streamed (write-only) to keep memory flat."""
    book = openpyxl.Workbook(write_only=True)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.append(headers)
        for row in rows:
            sheet.append([neutralise(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
