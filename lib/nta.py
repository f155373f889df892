"""The NTA corporate-number data (法人番号公表サイト 基本3情報), Unicode CSV as published, into Polars.

No header row, 30 columns (FORMATS.md). A .zip as downloaded is read from its CSV member.
"""

import csv
import io
import zipfile
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


class NtaFormatError(ValueError):
    pass


def _csv_bytes(path: Path) -> bytes:
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.namelist() if m.lower().endswith(".csv")]
            if not members:
                raise NtaFormatError(f"{path.name} に CSV がありません。")
            return archive.read(members[0])
    return path.read_bytes()


def _check_width(source: Path | io.BytesIO) -> None:
    """The published layout has 30 columns; anything else is not NTA data."""
    if isinstance(source, Path):
        with source.open(encoding="utf-8", errors="replace", newline="") as handle:
            first = handle.readline()
    else:
        first = source.getvalue().split(b"\n", 1)[0].decode("utf-8", errors="replace")
    width = len(next(csv.reader([first]), []))
    if width != len(COLUMNS):
        raise NtaFormatError(
            f"法人番号データ（Unicode版CSV）ではありません：列の数が{width}です（法人番号データは30列）。"
        )


def read(path: Path, columns: list[str] | None = None) -> pl.DataFrame:
    """Every row of an NTA full or diff file, as text; only ``columns`` if given (saves memory)."""
    path = Path(path)
    source = io.BytesIO(_csv_bytes(path)) if path.suffix.lower() == ".zip" else path
    _check_width(source)
    # Selected columns come back in file order, under generated names: name them by position.
    columns = sorted(columns or COLUMNS, key=COLUMNS.index)
    try:
        frame = pl.read_csv(
            source,
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
    consumes it. A .zip is unpacked to a temporary file beside nothing else first."""
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
