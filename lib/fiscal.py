"""The fiscal calendar (R-ORG-5): April to March, its months and quarters. Plain dates, no Django."""

import datetime
from collections.abc import Hashable, Iterable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)  # what is counted by: a branch id, a person, a city

# The months of a fiscal year in order: April … March.
FISCAL_MONTHS = [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]
# Index of each calendar month in the fiscal year: April 0 … March 11.
MONTH_INDEX = {month: i for i, month in enumerate(FISCAL_MONTHS)}


def month_range(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a calendar month."""
    first = datetime.date(year, month, 1)
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first, following - datetime.timedelta(days=1)


def quarter_range(fiscal_year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a fiscal quarter: Q1 April–June … Q4 January–March."""
    first_month = FISCAL_MONTHS[(quarter - 1) * 3]
    year = fiscal_year + (first_month < 4)
    last_month = FISCAL_MONTHS[(quarter - 1) * 3 + 2]
    return month_range(year, first_month)[0], month_range(year, last_month)[1]


def by_month(rows: Iterable[tuple[K, int, int]]) -> dict[K, list[int]]:
    """(key, calendar month, n) rows → {key: twelve monthly counts, April first}."""
    table: dict[K, list[int]] = {}
    for key, month, n in rows:
        table.setdefault(key, [0] * 12)[MONTH_INDEX[month]] += n
    return table


def first_in_month(pairs: Iterable[tuple[K, datetime.date]]) -> dict[K, list[int]]:
    """(key, first day) rows, one per counted thing → {key: twelve monthly counts, April first}."""
    return by_month((key, day.month, 1) for key, day in pairs)


def cumulative(months: list[int]) -> list[int]:
    """Running totals: [1, 0, 2] → [1, 1, 3]."""
    total, result = 0, []
    for n in months:
        total += n
        result.append(total)
    return result
