"""The NTA corporate-number data (法人番号公表サイト 基本3情報), Unicode CSV as published, into Polars.

No header row, 30 columns (FORMATS.md). A .zip as downloaded is read from its CSV member.
"""

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


def read(path: Path) -> pl.DataFrame:
    """Every row of an NTA full or diff file, all columns as text."""
    data = _csv_bytes(Path(path))
    try:
        frame = pl.read_csv(
            io.BytesIO(data),
            has_header=False,
            new_columns=COLUMNS,
            schema_overrides={name: pl.String for name in COLUMNS},
            encoding="utf8",
            quote_char='"',
        )
    except (pl.exceptions.ComputeError, pl.exceptions.ShapeError, pl.exceptions.SchemaError) as error:
        raise NtaFormatError(f"法人番号データ（Unicode版CSV、30列）として読めません：{error}") from None
    if frame.width != len(COLUMNS):
        raise NtaFormatError(f"列の数が{frame.width}です（法人番号データは30列）。")
    return frame


def current(frame: pl.DataFrame) -> pl.DataFrame:
    """The latest row of each corporation (diff files may hold several; apply in sequence order)."""
    return (
        frame.sort(pl.col("sequence_number").cast(pl.Int64, strict=False))
        .unique(subset="corporate_number", keep="last", maintain_order=True)
        .filter(pl.col("latest") == "1")
    )
