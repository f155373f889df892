"""Councils held with the labour bureau, per branch and month (R-CNL-1), for target management."""

from django.db.models import Count
from django.db.models.functions import ExtractMonth

from councils.models import CouncilMeeting, Counterpart
from lib import fiscal
from org.models import FiscalYear


def councils_by_month(fiscal_year: FiscalYear, branches: list[int] | None = None) -> dict[int, list[int]]:
    """{branch id: [April … March]}: councils with the bureau held in the year."""
    rows = CouncilMeeting.objects.filter(
        fiscal_year=fiscal_year,
        counterpart=Counterpart.BUREAU,
        held_on__range=(fiscal_year.start, fiscal_year.end),
    )
    if branches is not None:
        rows = rows.filter(branch__in=branches)
    return fiscal.by_month(
        rows.annotate(m=ExtractMonth("held_on")).values_list("branch", "m").annotate(n=Count("pk")).order_by()
    )
