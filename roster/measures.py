"""Businesses identified for a year's roster, per branch and month: the identification measure
(R-ROS-2) that target management (targets.measures) shows."""

from django.db.models import Count
from django.db.models.functions import ExtractMonth

from lib import fiscal
from org.models import FiscalYear
from roster.models import EntryOrigin, RosterEntry


def identified_by_month(fiscal_year: FiscalYear, branches: list[int] | None = None) -> dict[int, list[int]]:
    """{branch id: [April … March]}: businesses newly identified or added mid-year to the year's roster."""
    rows = RosterEntry.objects.filter(
        fiscal_year=fiscal_year,
        origin__in=[EntryOrigin.NEW, EntryOrigin.MID_YEAR],
        added_on__range=(fiscal_year.start, fiscal_year.end),
    )
    if branches is not None:
        rows = rows.filter(business__branch__in=branches)
    return fiscal.by_month(
        rows.annotate(m=ExtractMonth("added_on"))
        .values_list("business__branch", "m")
        .annotate(n=Count("pk"))
        .order_by()
    )
