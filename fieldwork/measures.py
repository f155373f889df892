"""Outreach per branch and month, for target management (targets.measures) and the events' targets:
businesses visited directly, each once in the year at its first visit (R-VIS-2), and enrolments
credited to outreach (D-8, R-VIS-5), with those left out shown beside them."""

from typing import Any

from django.db.models import Count

from fieldwork.models import COUNTED_FOR_TARGETS, EXCLUDED_FROM_TARGETS, Enrolment, Method, Visit
from kit import counting
from org.models import FiscalYear


def visited_by_month(fiscal_year: FiscalYear, branches: list[int] | None = None) -> dict[int, list[int]]:
    """{branch id: [April … March]}: businesses visited directly, in the month of their first visit."""
    visits = Visit.objects.filter(
        method=Method.DIRECT, visited_on__range=(fiscal_year.start, fiscal_year.end)
    )
    return counting.first_per_month(
        visits, each="business", branch="business__branch", day="visited_on", branches=branches
    )


def enrolled_by_month(fiscal_year: FiscalYear, branches: list[int] | None = None) -> dict[int, list[int]]:
    """{branch id: [April … March]}: enrolments credited to outreach (D-8)."""
    rows = Enrolment.objects.filter(
        COUNTED_FOR_TARGETS, enrolled_on__range=(fiscal_year.start, fiscal_year.end)
    )
    return counting.per_month(rows, branch="business__branch", day="enrolled_on", branches=branches)


def excluded_by_branch(
    fiscal_year: FiscalYear, branches: list[int] | None = None
) -> dict[int, dict[str, int]]:
    """D-8: per branch, the year's enrolments left out of the enrolment measure, by kind."""
    rows = Enrolment.objects.filter(enrolled_on__range=(fiscal_year.start, fiscal_year.end))
    if branches is not None:
        rows = rows.filter(business__branch__in=branches)
    counts = (
        rows.values("business__branch")
        .annotate(**{f"n_{key}": Count("pk", filter=q) for key, (_, q) in EXCLUDED_FROM_TARGETS.items()})
        .order_by()
    )
    found: dict[int, dict[str, int]] = {}
    for row in counts:
        values: dict[str, Any] = dict(row)
        found[values["business__branch"]] = {key: values[f"n_{key}"] for key in EXCLUDED_FROM_TARGETS}
    return found


def no_exclusions() -> dict[str, int]:
    return dict.fromkeys(EXCLUDED_FROM_TARGETS, 0)


def sum_exclusions(per_branch) -> list[tuple[str, int]]:
    """The branches' exclusions added up, as (label, number) in the order of D-8's kinds."""
    per_branch = list(per_branch)
    return [(label, sum(b[key] for b in per_branch)) for key, (label, _) in EXCLUDED_FROM_TARGETS.items()]
