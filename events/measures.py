"""The events' figures for target management (R-EVT-1, R-EVT-2, R-EVT-4, R-TGT-2), per branch and year.

Briefing attendance and promoters trained are counted here by month; target management
(targets.measures) shows the same counts, so the overview here and the dashboards agree.
"""

import math

from django.db.models import Count, Sum

from events.models import (
    Briefing,
    BriefingAttendance,
    Dispatch,
    DispatchKind,
    EventSettings,
    TrainingAttendance,
)
from fieldwork.measures import visited_by_month
from kit import counting
from org.models import FiscalYear
from people.models import Appointment, AppointmentRole, AppointmentStatus


def briefing_by_month(fiscal_year: FiscalYear, branches: list[int] | None = None) -> dict[int, list[int]]:
    """{branch id: [April … March]}: businesses attending briefings held in the year (R-EVT-1)."""
    rows = BriefingAttendance.objects.filter(
        briefing__fiscal_year=fiscal_year, briefing__held_on__range=(fiscal_year.start, fiscal_year.end)
    )
    return counting.per_month(rows, branch="briefing__branch", day="briefing__held_on", branches=branches)


def trained_by_month(fiscal_year: FiscalYear, branches: list[int] | None = None) -> dict[int, list[int]]:
    """{branch id: [April … March]}: active promoters trained, once, in the month of their first session (R-EVT-2)."""
    rows = TrainingAttendance.objects.filter(
        training__fiscal_year=fiscal_year,
        appointment__role=AppointmentRole.PROMOTER,
        appointment__status=AppointmentStatus.ACTIVE,
    )
    return counting.first_per_month(
        rows, each="appointment", branch="training__branch", day="training__held_on", branches=branches
    )


def briefing_attendance(fiscal_year: FiscalYear, branches: list[int] | None = None) -> dict[int, int]:
    """Businesses that attended briefings held in the year, per branch."""
    return {branch: sum(months) for branch, months in briefing_by_month(fiscal_year, branches).items()}


def businesses_visited(fiscal_year: FiscalYear, branches: list[int] | None = None) -> dict[int, int]:
    """Businesses visited directly in the year, per branch (R-VIS-2)."""
    return {branch: sum(months) for branch, months in visited_by_month(fiscal_year, branches).items()}


def briefing_targets(fiscal_year: FiscalYear, branches: list[int] | None = None) -> dict[int, int]:
    """R-EVT-1: about 20% (HQ's figure for the year) of the businesses visited, rounded up."""
    percent = EventSettings.of(fiscal_year).briefing_percent
    return {
        branch: math.ceil(n * percent / 100)
        for branch, n in businesses_visited(fiscal_year, branches).items()
    }


def briefings_held(fiscal_year: FiscalYear) -> dict[int, int]:
    return dict(
        Briefing.objects.filter(fiscal_year=fiscal_year, held_on__isnull=False)
        .values_list("branch")
        .annotate(n=Count("pk"))
        .order_by()
    )


def promoters(fiscal_year: FiscalYear) -> dict[int, int]:
    """Active promoters appointed for the year, per branch."""
    return dict(
        Appointment.objects.filter(
            fiscal_year=fiscal_year, role=AppointmentRole.PROMOTER, status=AppointmentStatus.ACTIVE
        )
        .values_list("branch")
        .annotate(n=Count("pk"))
        .order_by()
    )


def promoters_trained(fiscal_year: FiscalYear) -> dict[int, int]:
    """Promoters (active that year) who attended a training of the year, per branch."""
    return {branch: sum(months) for branch, months in trained_by_month(fiscal_year).items()}


def seminars(fiscal_year: FiscalYear, dispatches=None) -> dict:
    """Seminar dispatches and their participants, and consultation sessions, against R-TGT-2's targets."""
    dispatches = Dispatch.objects.filter(fiscal_year=fiscal_year) if dispatches is None else dispatches
    by_kind = {
        kind: (n, people or 0)
        for kind, n, people in dispatches.values_list("kind")
        .annotate(n=Count("pk"), people=Sum("participants"))
        .order_by()
    }
    settings = EventSettings.of(fiscal_year)
    seminar = by_kind.get(DispatchKind.SEMINAR, (0, 0))
    return {
        "dispatches": seminar[0],
        "participants": seminar[1],
        "consultations": by_kind.get(DispatchKind.CONSULTATION, (0, 0))[0],
        "dispatch_target": settings.dispatch_target,
        "participant_target": settings.participant_target,
    }
