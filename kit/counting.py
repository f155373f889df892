"""Counting rows per branch and month of the fiscal year: the shape every target measure shares
(roster, councils, fieldwork and events each count their own rows with it)."""

from typing import Any

from django.db.models import Count, Min, QuerySet, Sum
from django.db.models.functions import ExtractMonth

from lib import fiscal


def _only(rows: QuerySet[Any], branch: str, branches: list[int] | None) -> QuerySet[Any]:
    return rows if branches is None else rows.filter(**{f"{branch}__in": branches})


def per_month(
    rows: QuerySet[Any], *, branch: str, day: str, branches: list[int] | None
) -> dict[int, list[int]]:
    """{branch id: [April … March]}: the rows counted in the month of their ``day``."""
    return fiscal.by_month(
        _only(rows, branch, branches)
        .annotate(m=ExtractMonth(day))
        .values_list(branch, "m")
        .annotate(n=Count("pk"))
        .order_by()
    )


def sum_per_month(
    rows: QuerySet[Any], *, branch: str, day: str, amount: str, branches: list[int] | None
) -> dict[int, list[int]]:
    """{branch id: [April … March]}: the rows' ``amount`` added up in the month of their ``day``
    (money: premium income in yen)."""
    return fiscal.by_month(
        _only(rows, branch, branches)
        .annotate(m=ExtractMonth(day))
        .values_list(branch, "m")
        .annotate(n=Sum(amount))
        .order_by()
    )


def first_per_month(
    rows: QuerySet[Any], *, each: str, branch: str, day: str, branches: list[int] | None
) -> dict[int, list[int]]:
    """{branch id: [April … March]}: each ``each`` (a business, a person) counted once, in the month
    of its first ``day``."""
    return fiscal.first_in_month(
        _only(rows, branch, branches)
        .values(each)
        .annotate(first=Min(day))
        .values_list(branch, "first")
        .order_by()
    )
