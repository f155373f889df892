"""Tables users exchange with Excel: reading uploaded CSV and .xlsx, writing exports safely."""

import csv
import datetime
import io
import itertools
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar
from xml.etree import ElementTree
from xml.parsers import expat

import openpyxl
from defusedxml import ElementTree as DefusedET
from python_calamine import CalamineWorkbook

T = TypeVar("T")

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# What any list people exchange fits in, checked before a sheet is read into memory: the largest
# real list is a 100,000-row roster of a dozen columns (bench/roster_import.py). The .xlsx reader
# holds every cell from A1 to the last one used, so a file with one cell far away (XFD1048576)
# would ask for hundreds of gigabytes; the limits are on the position of the last cell, not on
# the sheet's declared dimension, which the file itself may state falsely.
MAX_ROWS = 100_000  # data rows, under the header in the first row
MAX_COLUMNS = 200
MAX_CELLS = 5_000_000  # rows × columns
# An .xlsx is a zip: refuse one that would inflate beyond these. The sizes its headers state are
# checked first, then the bytes are counted as they are inflated, because a header may lie. The
# largest real list, a 100,000-row roster, unpacks to about 40 MB; its XML compresses some ten to
# twenty times, a zip bomb hundreds of times.
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
_UNREADABLE = (
    "文字コードを判別できません。UTF-8 または Shift_JIS（Excelの「CSV（コンマ区切り）」）で保存してください。"
)
_BROKEN_XLSX = "Excelファイル（.xlsx）として読めません。ファイルが壊れていないか確認してください。"


class TableError(ValueError):
    """The file as a whole cannot be read; the message says why, in Japanese."""


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) or cp932, as Excel saves CSV in Japan.

    cp932, not shift_jis: Python's shift_jis fails on ① and 髙 and maps ～ and − differently.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TableError(
            "UTF-16（Excelの「Unicode テキスト」）のファイルは読み込めません。"
            "UTF-8 または Shift_JIS（Excelの「CSV（コンマ区切り）」）で保存してください。"
        )
    # NUL bytes mean UTF-16 without its mark or a binary file, which cp932 would "decode" into nonsense.
    if b"\x00" in data:
        raise TableError(_UNREADABLE)
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(_UNREADABLE)


def _too_many_rows(row: int) -> TableError:
    return TableError(
        f"行数が上限（見出しを除き{MAX_ROWS:,}行）を超えています（{row:,}行目にデータがあります）。"
        "ファイルを分けて取り込んでください。"
    )


def _too_many_columns(column: int) -> TableError:
    return TableError(
        f"列数が上限（{MAX_COLUMNS:,}列）を超えています（{column:,}列目にデータがあります）。"
        "取り込む列だけにしてください。"
    )


def _check_extent(rows: int, columns: int) -> None:
    """Refuse a table whose last used cell lies beyond the limits (``rows`` counts the header)."""
    if rows > MAX_ROWS + 1:
        raise _too_many_rows(rows)
    if columns > MAX_COLUMNS:
        raise _too_many_columns(columns)
    if rows * columns > MAX_CELLS:
        raise TableError(
            f"セルの数（行数×列数）が上限（{MAX_CELLS:,}）を超えています（{rows:,}行×{columns:,}列）。"
            "ファイルを分けて取り込んでください。"
        )


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    """The rows of a CSV, refused as soon as one lies beyond the limits (a million short lines fit
    in the upload size; they are never all held)."""
    try:
        for number, row in enumerate(csv.reader(io.StringIO(decode_csv(data), newline="")), start=1):
            _check_extent(number, len(row))
            yield row
    except csv.Error as error:
        raise TableError(f"CSVとして読めません：{error}") from None


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


_CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")
# The worksheet elements that place a cell; a name may carry a namespace prefix (x:c).
_ROW, _CELL, _CONTENT = 1, 2, 3
_PLACING = {"row": _ROW, "c": _CELL, "v": _CONTENT, "is": _CONTENT, "f": _CONTENT}


class _SheetExtent:
    """The last row and column holding a cell of one worksheet, found by streaming its XML (expat,
    no tree kept) and refused at the first cell beyond the limits. Positions are those the cells
    state (``r="XFD1048576"``) or, where a file leaves them out, the next row or column, as every
    reader counts them; the declared ``<dimension>`` is not believed."""

    def __init__(self) -> None:
        self.row = self.column = 0
        self.rows = self.columns = 0
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self.start
        self.parser.StartDoctypeDeclHandler = self.doctype  # no DTD, so no entity expansion

    def doctype(self, *args: object) -> None:
        raise TableError(_BROKEN_XLSX)

    def start(self, name: str, attributes: dict[str, str]) -> None:
        # Called for each of millions of elements: the common names are looked up first.
        kind = _PLACING.get(name) or _PLACING.get(name.rpartition(":")[2])
        if kind == _CELL:
            found = _CELL_REF.fullmatch(attributes.get("r", ""))
            if found:
                self.column, self.row = _column_number(found[1]), int(found[2])
            else:
                self.column += 1
        elif kind == _CONTENT:  # the cell holds something; a styled empty cell is not read
            if self.row > self.rows or self.column > self.columns:
                self.rows, self.columns = max(self.rows, self.row), max(self.columns, self.column)
                _check_extent(self.rows, self.columns)
        elif kind == _ROW:
            stated = attributes.get("r", "")
            self.row = int(stated) if stated.isascii() and stated.isdigit() else self.row + 1
            self.column = 0

    def feed(self, chunk: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(chunk, final)
        except expat.ExpatError:
            raise TableError(_BROKEN_XLSX) from None


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The path of the workbook's first sheet (the one read), from the package's relationships."""

    def parse(path: str) -> ElementTree.Element | None:
        # Read within the sizes the headers state (checked before); a lie shows as a bad CRC.
        try:
            element: ElementTree.Element = DefusedET.fromstring(archive.read(path))
        except (KeyError, DefusedET.ParseError, ValueError, zipfile.BadZipFile, zlib.error, EOFError):
            return None
        return element

    def target(rels_path: str, base: str, wanted: Callable[[ElementTree.Element], bool]) -> str | None:
        rels = parse(rels_path)
        for rel in [] if rels is None else rels:
            if wanted(rel):
                path = rel.get("Target", "")
                return (
                    path.lstrip("/")
                    if path.startswith("/")
                    else posixpath.normpath(posixpath.join(base, path))
                )
        return None

    book_path = target("_rels/.rels", "", lambda rel: rel.get("Type", "").endswith("/officeDocument"))
    book = parse(book_path) if book_path else None
    if book_path is None or book is None:
        return None
    sheet = next((e for e in book.iter() if e.tag.rpartition("}")[2] == "sheet"), None)
    rel_id = next(
        (v for k, v in (sheet.attrib.items() if sheet is not None else []) if k.endswith("}id")), None
    )
    base = posixpath.dirname(book_path)
    rels_path = posixpath.join(base, "_rels", posixpath.basename(book_path) + ".rels")
    return target(rels_path, base, lambda rel: rel.get("Id") == rel_id)


def _check_xlsx(data: bytes) -> tuple[int, int]:
    """Refuse an .xlsx before any reader takes memory for it: too many parts, more bytes unpacked
    than a real list (stated, then counted while inflating), a broken zip, or a first sheet whose
    last cell lies beyond the limits on rows, columns and cells. Returns the first sheet's last
    used row and column."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise TableError(_BROKEN_XLSX) from None
    entries = archive.infolist()
    if len(entries) > MAX_XLSX_ENTRIES:
        raise TableError("Excelファイルの内部構造が大きすぎるため読み込めません。")
    too_big = TableError(
        f"Excelファイルの展開後のサイズが上限（{MAX_XLSX_UNCOMPRESSED_BYTES // 1024 // 1024}MB）を超えるため読み込めません。"
    )
    if sum(entry.file_size for entry in entries) > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise too_big
    if any(
        entry.file_size > 1024 * 1024 and entry.file_size > MAX_XLSX_RATIO * max(entry.compress_size, 1)
        for entry in entries
    ):
        raise TableError(
            "Excelファイルの圧縮率が通常ではありえない値のため読み込めません（不正なファイルの可能性）。"
        )
    sheet = _first_sheet(archive)
    if sheet not in {entry.filename for entry in entries}:
        sheet = None  # not named, or named wrongly: every sheet is looked at
    unpacked = rows = columns = 0
    for entry in entries:
        # The first sheet's extent is found as it inflates; without relationships to name it, every sheet's.
        extent = (
            _SheetExtent()
            if entry.filename == sheet or (sheet is None and "worksheets/" in entry.filename)
            else None
        )
        try:
            with archive.open(entry) as member:
                while chunk := member.read(1024 * 1024):
                    unpacked += len(chunk)
                    if unpacked > MAX_XLSX_UNCOMPRESSED_BYTES:
                        raise too_big
                    if extent is not None:
                        extent.feed(chunk)
            if extent is not None:
                extent.feed(b"", final=True)
                rows, columns = max(rows, extent.rows), max(columns, extent.columns)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
            raise TableError(_BROKEN_XLSX) from None
    return rows, columns


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

    Cells are stripped strings, except dates from Excel, which stay dates. A file beyond the limits
    (MAX_ROWS, MAX_COLUMNS, MAX_CELLS, the unpacked size) is refused before it is read into memory.
    A control character refuses the file, unless the caller checks each cell itself
    (``suspicious``) and asks its user.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise TableError(f"ファイルが大きすぎます（上限 {MAX_UPLOAD_BYTES // 1024 // 1024}MB）。")
    name = filename.lower()
    if name.endswith(".csv"):
        rows = [[_cell(v) for v in row] for row in _csv_rows(data)]
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
    """The header row of an uploaded .csv or .xlsx and up to ``rows`` rows after it: the rows are
    for people to look at beside the column mapping, and the import's task reads the whole file.
    The file is checked against the same limits as ``read_table`` first, so a list refused later is
    refused here at once; the .xlsx sheet is then streamed (openpyxl's read-only mode) no wider
    than its last used column. Every cell is text, and a control character shows as its visible
    symbol."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise TableError(f"ファイルが大きすぎます（上限 {MAX_UPLOAD_BYTES // 1024 // 1024}MB）。")
    name = filename.lower()
    if name.endswith(".csv"):
        for _ in _csv_rows(data):  # the limits, in one pass that keeps nothing
            pass
        lines: Iterator[Any] = csv.reader(io.StringIO(decode_csv(data), newline=""))
        first = next((row for row in lines if any(cell.strip() for cell in row)), None)
        head = list(itertools.islice(lines, rows))
    elif name.endswith(".xlsx"):
        last_row, last_column = _check_xlsx(data)
        if not last_row:
            raise TableError("ファイルにデータがありません。")
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            # Bounded by the cells found, not by the dimension the file declares.
            lines = book.worksheets[0].iter_rows(max_row=last_row, max_col=last_column, values_only=True)
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
