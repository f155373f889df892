"""Whole numbers as people type them or a file holds them: ASCII or full-width digits only, within
bounds the database can hold. ``str.isdigit`` is not enough: it accepts ² and ① (which ``int``
then refuses), and 25 nines overflow every integer column."""

import re

# The largest value of an IntegerField / PositiveIntegerField on both SQLite and PostgreSQL.
INT_MAX = 2_147_483_647
# Keys of rows (BigAutoField ids) as they come in a form's list of checked boxes.
ID_MAX = 9_223_372_036_854_775_807
_FULL_WIDTH = str.maketrans("０１２３４５６７８９，", "0123456789,")
_DIGITS = re.compile(r"[0-9]+")
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")


def whole_number(value: object, *, minimum: int = 0, maximum: int = INT_MAX, unit: str = "") -> int:
    """The number ``value`` writes: digits, ASCII or full-width, optionally grouped by commas
    (1,234 / １，２３４) and followed by ``unit`` (円); a whole number from Excel as it comes.
    Raises ValueError with a Japanese message saying what is expected."""
    expected = (
        f"{minimum:,}以上" + (f"{maximum:,}以下" if maximum < INT_MAX else "") + "の整数で入力してください"
    )
    if isinstance(value, bool):
        raise ValueError(f"{expected}（{value}）。")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{expected}（{value:g}）。")
        number = int(value)
    else:
        shown = str(value).strip()
        text = shown.translate(_FULL_WIDTH)
        if unit and text.endswith(unit):
            text = text[: -len(unit)].rstrip()
        if text.endswith(".0") and _DIGITS.fullmatch(text[:-2].replace(",", "")):
            text = text[:-2]  # a whole number Excel or a CSV export wrote as 12.0
        if len(text) > 30 or not (_DIGITS.fullmatch(text) or _GROUPED.fullmatch(text)):
            raise ValueError(f"{expected}（{shown[:30]}）。")
        number = int(text.replace(",", ""))
    if number > maximum:
        raise ValueError(f"{maximum:,}以下で入力してください（{number:,}）。")
    if number < minimum:
        raise ValueError(f"{minimum:,}以上で入力してください（{number:,}）。")
    return number


def digits(text: str) -> str:
    """A code written in digits (postal code, account, insurance number) with full-width digits
    made ASCII; the caller checks the result with ``is_digits``."""
    return text.translate(_FULL_WIDTH).strip()


def is_digits(text: str, length: int | None = None) -> bool:
    """Whether ``text`` is ASCII digits only (of ``length`` if given): ² and ① are not digits."""
    return bool(_DIGITS.fullmatch(text)) and (length is None or len(text) == length)


def key(value: str | None) -> int | None:
    """A row key (or a year, a month) from a query parameter or a posted field: ASCII digits that
    fit a database key, else None."""
    if not value or len(value) > 19 or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if number <= ID_MAX else None


def ids(values: list[str]) -> list[int]:
    """The row keys in a posted list (checked boxes), leaving out anything that is not one."""
    return [number for value in values if (number := key(value)) is not None]
