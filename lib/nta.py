"""The NTA corporate-number data (法人番号公表サイト 基本3情報), Unicode CSV as published, into Polars.

No header row, 30 columns (FORMATS.md). A .zip as downloaded is read from its CSV member.
"""

import contextlib
import csv
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import polars as pl

COLUMNS = [
    "sequence_number",
    "corporate_number",
    "process",
    "correct",
    "update_date",
    "change_date",
    "name",
    "name_image_id",
    "kind",
    "prefecture_name",
    "city_name",
    "street_number",
    "address_image_id",
    "prefecture_code",
    "city_code",
    "post_code",
    "address_outside",
    "address_outside_image_id",
    "close_date",
    "close_cause",
    "successor_corporate_number",
    "change_cause",
    "assignment_date",
    "latest",
    "en_name",
    "en_prefecture_name",
    "en_city_name",
    "en_address_outside",
    "furigana",
    "hihyoji",
]
# Processes after which a corporation no longer exists as such (closed, merged away, struck off, deleted).
ENDED_PROCESSES = ["21", "71", "81", "99"]
# Public bodies: the state and local governments (kind 101, 201) are not outreach targets.
PUBLIC_KINDS = ["101", "201"]


# A .zip is unpacked to a temporary file, never into memory, and refused once it inflates beyond
# these: the national full file is about 1 GB of CSV, which zips some four to six times; a zip bomb
# inflates hundreds of times. The bytes are counted as they come, because a zip's headers may lie.
MAX_UNPACKED_BYTES = 2 * 1024 * 1024 * 1024
MAX_RATIO = 20


class NtaFormatError(ValueError):
    pass


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:,.0f}MB" if count >= 1024 * 1024 else f"{count / 1024:,.0f}KB"


@contextlib.contextmanager
def _unpacked(path: Path) -> Iterator[Path]:
    """The CSV member of a downloaded .zip, streamed to a temporary file with a byte cap."""
    broken = NtaFormatError(
        f"{path.name} はZIPファイルとして読めません。ファイルが壊れていないか確認してください。"
    )
    limit = min(MAX_UNPACKED_BYTES, MAX_RATIO * max(path.stat().st_size, 1))
    too_big = NtaFormatError(
        f"{path.name} は展開後のサイズが上限（{_size(limit)}、圧縮前の{MAX_RATIO}倍まで）を"
        "超えるため読み込めません（不正なファイルの可能性）。"
    )
    with contextlib.ExitStack() as stack:
        try:
            archive = stack.enter_context(zipfile.ZipFile(path))
            members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
            if not members:
                raise NtaFormatError(f"{path.name} に CSV がありません。")
            if members[0].file_size > limit:
                raise too_big
            handle = stack.enter_context(tempfile.NamedTemporaryFile(suffix=".csv"))
            written = 0
            with archive.open(members[0]) as member:
                while chunk := member.read(1024 * 1024):
                    written += len(chunk)
                    if written > limit:
                        raise too_big
                    handle.write(chunk)
            handle.flush()
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
            raise broken from None
        yield Path(handle.name)


def _check_width(source: Path) -> None:
    """The published layout has 30 columns of UTF-8; anything else is not NTA data."""
    with source.open("rb") as handle:
        first = handle.readline(64 * 1024)
    if first.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in first:
        raise NtaFormatError(
            "法人番号データ（Unicode版CSV）ではありません：UTF-16 のファイルです（法人番号データは UTF-8）。"
        )
    width = len(next(csv.reader([first.decode("utf-8", errors="replace")]), []))
    if width != len(COLUMNS):
        raise NtaFormatError(
            f"法人番号データ（Unicode版CSV）ではありません：列の数が{width}です（法人番号データは30列）。"
        )


def read(path: Path, columns: list[str] | None = None) -> pl.DataFrame:
    """Every row of an NTA full or diff file, as text; only ``columns`` if given (saves memory)."""
    path = Path(path)
    if path.suffix.lower() == ".zip":
        with _unpacked(path) as unpacked:
            return read(unpacked, columns)
    _check_width(path)
    # Selected columns come back in file order, under generated names: name them by position.
    columns = sorted(columns or COLUMNS, key=COLUMNS.index)
    try:
        frame = pl.read_csv(
            path,
            columns=[COLUMNS.index(c) for c in columns],
            has_header=False,
            infer_schema=False,
            encoding="utf8",
            quote_char='"',
        )
    except (pl.exceptions.ComputeError, pl.exceptions.ShapeError, pl.exceptions.SchemaError) as error:
        raise NtaFormatError(f"法人番号データ（Unicode版CSV、30列）として読めません：{error}") from None
    frame.columns = columns
    return frame


def scan(path: Path, columns: list[str] | None = None) -> pl.LazyFrame:
    """The file as a lazy scan (a national file is a gigabyte of text): read in batches by whatever
    consumes it. A .zip is read whole (``read``), from its member unpacked to a temporary file."""
    path = Path(path)
    if path.suffix.lower() == ".zip":
        return read(path, columns).lazy()
    _check_width(path)
    columns = sorted(columns or COLUMNS, key=COLUMNS.index)
    return pl.scan_csv(
        path,
        has_header=False,
        new_columns=COLUMNS,
        infer_schema=False,
        encoding="utf8",
        quote_char='"',
    ).select(columns)


def current(frame: pl.DataFrame) -> pl.DataFrame:
    """The latest row of each corporation (diff files may hold several; apply in sequence order).

    A full file has one row per corporation already: it is only filtered, not sorted, which
    spares a copy of five million rows.
    """
    if frame["corporate_number"].n_unique() < frame.height:
        frame = frame.sort(pl.col("sequence_number").cast(pl.Int64, strict=False)).unique(
            subset="corporate_number", keep="last", maintain_order=True
        )
    return frame.filter(pl.col("latest") == "1")
