"""Businesses identified for a year's roster, per branch and month: the identification measure
(R-ROS-2) that target management (targets.measures) shows."""

from kit import counting
from org.models import FiscalYear
from roster.models import EntryOrigin, RosterEntry


def identified_by_month(fiscal_year: FiscalYear, branches: list[int] | None = None) -> dict[int, list[int]]:
    """{branch id: [April … March]}: businesses newly identified or added mid-year to the year's roster."""
    rows = RosterEntry.objects.filter(
        fiscal_year=fiscal_year,
        origin__in=[EntryOrigin.NEW, EntryOrigin.MID_YEAR],
        added_on__range=(fiscal_year.start, fiscal_year.end),
    )
    return counting.per_month(rows, branch="business__branch", day="added_on", branches=branches)
