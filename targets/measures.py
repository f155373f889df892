"""The actual figures of each target measure, per branch and month of a fiscal year: the one place
that counts them, so the dashboards, the progress form and the PDF agree (R-TGT-1).

Each measure counts by the rules its issue fixed: direct visits only, each business once in the
year at its first visit (R-VIS-2); enrolments credited to outreach (D-8: no bureau guidance, ex
officio or employment-insurance-only ones, R-VIS-5), as the outreach plan counts them; briefing attendance at briefings held (R-EVT-1); promoters trained
once, in the month of their first session (R-EVT-2); councils held with the bureau (R-CNL-1);
businesses newly identified or added mid-year to the year's roster (R-ROS-2).
"""

from collections import defaultdict

from django.db.models import Count, Min
from django.db.models.functions import ExtractMonth

from councils.models import CouncilMeeting, Counterpart
from councils.services import FISCAL_MONTHS
from events.models import BriefingAttendance, TrainingAttendance
from fieldwork.models import COUNTED_FOR_TARGETS, EXCLUDED_FROM_TARGETS, Enrolment, Method, Visit
from org.models import FiscalYear
from people.models import AppointmentRole, AppointmentStatus
from roster.models import EntryOrigin, RosterEntry
from targets.models import Measure

# Index of each calendar month in the fiscal year: April 0 … March 11.
MONTH_INDEX = {month: i for i, month in enumerate(FISCAL_MONTHS)}


def _by_month(rows) -> dict[int, list[int]]:
    """(branch, calendar month, n) rows → {branch: twelve monthly counts, April first}."""
    table: dict[int, list[int]] = defaultdict(lambda: [0] * 12)
    for branch, month, n in rows:
        table[branch][MONTH_INDEX[month]] += n
    return dict(table)


def _first_in_month(pairs) -> dict[int, list[int]]:
    """(branch, first day) rows, one per counted thing → {branch: monthly counts}."""
    table: dict[int, list[int]] = defaultdict(lambda: [0] * 12)
    for branch, day in pairs:
        table[branch][MONTH_INDEX[day.month]] += 1
    return dict(table)


def monthly(fiscal_year: FiscalYear, measure: str, branches: list[int] | None = None) -> dict[int, list[int]]:
    """{branch id: [April … March]} of one measure, for every branch or the ones asked for."""
    span = (fiscal_year.start, fiscal_year.end)

    def only(queryset, lookup: str):
        return queryset if branches is None else queryset.filter(**{f"{lookup}__in": branches})

    if measure == Measure.IDENTIFIED:
        rows = (
            only(RosterEntry.objects, "business__branch")
            .filter(
                fiscal_year=fiscal_year,
                origin__in=[EntryOrigin.NEW, EntryOrigin.MID_YEAR],
                added_on__range=span,
            )
            .annotate(m=ExtractMonth("added_on"))
            .values_list("business__branch", "m")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return _by_month(rows)
    if measure == Measure.VISITED:
        return _first_in_month(
            only(Visit.objects, "business__branch")
            .filter(method=Method.DIRECT, visited_on__range=span)
            .values("business")
            .annotate(first=Min("visited_on"))
            .values_list("business__branch", "first")
            .order_by()
        )
    if measure == Measure.ENROLLED:
        rows = (
            only(Enrolment.objects, "business__branch")
            .filter(COUNTED_FOR_TARGETS, enrolled_on__range=span)
            .annotate(m=ExtractMonth("enrolled_on"))
            .values_list("business__branch", "m")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return _by_month(rows)
    if measure == Measure.BRIEFING:
        rows = (
            only(BriefingAttendance.objects, "briefing__branch")
            .filter(briefing__fiscal_year=fiscal_year, briefing__held_on__range=span)
            .annotate(m=ExtractMonth("briefing__held_on"))
            .values_list("briefing__branch", "m")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return _by_month(rows)
    if measure == Measure.TRAINED:
        return _first_in_month(
            only(TrainingAttendance.objects, "training__branch")
            .filter(
                training__fiscal_year=fiscal_year,
                appointment__role=AppointmentRole.PROMOTER,
                appointment__status=AppointmentStatus.ACTIVE,
            )
            .values("appointment")
            .annotate(first=Min("training__held_on"))
            .values_list("training__branch", "first")
            .order_by()
        )
    if measure == Measure.COUNCILS:
        rows = (
            only(CouncilMeeting.objects, "branch")
            .filter(fiscal_year=fiscal_year, counterpart=Counterpart.BUREAU, held_on__range=span)
            .annotate(m=ExtractMonth("held_on"))
            .values_list("branch", "m")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return _by_month(rows)
    raise ValueError(measure)


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
    return {
        row["business__branch"]: {key: row[f"n_{key}"] for key in EXCLUDED_FROM_TARGETS} for row in counts
    }


def no_exclusions() -> dict[str, int]:
    return dict.fromkeys(EXCLUDED_FROM_TARGETS, 0)


def sum_exclusions(per_branch) -> list[tuple[str, int]]:
    """The branches' exclusions added up, as (label, number) in the order of D-8's kinds."""
    per_branch = list(per_branch)
    return [(label, sum(b[key] for b in per_branch)) for key, (label, _) in EXCLUDED_FROM_TARGETS.items()]


def cumulative(months: list[int]) -> list[int]:
    total, result = 0, []
    for n in months:
        total += n
        result.append(total)
    return result
