"""Councils held with the labour bureau, per branch and month (R-CNL-1), for target management."""

from councils.models import CouncilMeeting, Counterpart
from kit import counting
from org.models import FiscalYear


def councils_by_month(fiscal_year: FiscalYear, branches: list[int] | None = None) -> dict[int, list[int]]:
    """{branch id: [April … March]}: councils with the bureau held in the year."""
    rows = CouncilMeeting.objects.filter(
        fiscal_year=fiscal_year,
        counterpart=Counterpart.BUREAU,
        held_on__range=(fiscal_year.start, fiscal_year.end),
    )
    return counting.per_month(rows, branch="branch", day="held_on", branches=branches)
