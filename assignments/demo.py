"""Demo assignments: each branch's cities shared out among its promoters, and the branch's share split by area."""

import datetime

from django.db import transaction
from django.utils import timezone

from assignments.models import Assignment, PromoterArea
from assignments.services import active_field_appointments, assignments_split
from councils.models import CouncilMeeting, MeetingNumber, Side
from org.demo import DEMO_LOGINS
from org.models import Branch, FiscalYear, User
from org.roles import Role
from people.models import AppointmentRole
from roster.models import OPEN_STATUSES, Business

DEMO_USERNAMES = {login.username for login in DEMO_LOGINS}


def demo_logins_first(appointments) -> list:
    """The appointments of demo logins first, then the rest in the order they were made."""
    return sorted(
        appointments, key=lambda a: (getattr(a.person.user, "username", None) not in DEMO_USERNAMES, a.pk)
    )


@transaction.atomic
def seed(*, size: str, seed: int) -> dict:
    fiscal_year = FiscalYear.for_date(timezone.localdate())
    assigned = 0
    for branch in Branch.objects.filter(businesses__isnull=False).distinct():
        # The demo logins first: a national branch has more promoters than cities, and the one
        # people try (tokyo_promoter) must have businesses on their worklist.
        promoters = demo_logins_first(
            active_field_appointments(branch, fiscal_year)
            .filter(role=AppointmentRole.PROMOTER)
            .select_related("person__user")
        )
        if not promoters or PromoterArea.objects.filter(appointment__in=promoters).exists():
            continue
        ours = Business.objects.filter(
            branch=branch,
            status__in=OPEN_STATUSES,
            roster_entries__fiscal_year=fiscal_year,
            roster_entries__allocation__side=Side.BRANCH,
        )
        cities = ours.exclude(city_code="").values_list("city_code", "city").distinct().order_by("city_code")
        PromoterArea.objects.bulk_create(
            [
                PromoterArea(appointment=promoters[i % len(promoters)], city_code=code, city=name)
                for i, (code, name) in enumerate(cities)
            ]
        )
        actor = (
            User.objects.filter(branch=branch, role=Role.BRANCH_STAFF).order_by("pk").first()
            or User.objects.filter(role=Role.HQ_ADMIN).order_by("pk").get()
        )
        result = assignments_split(
            actor=actor,
            branch=branch,
            fiscal_year=fiscal_year,
            business_ids=list(ours.values_list("pk", flat=True)),
        )
        assigned += result.total
        _dated_back(branch, fiscal_year)
    return {"担当割当": assigned}


def _dated_back(branch: Branch, fiscal_year: FiscalYear) -> None:
    """The demo's assignments are made now, but its visits span the year: date each assignment a
    week after the first council divided the roster, or after its business was identified if later
    (never in the future), so that no demo visit comes before the assignment it was made under."""
    first = (
        CouncilMeeting.objects.filter(branch=branch, fiscal_year=fiscal_year, number=MeetingNumber.FIRST)
        .values_list("held_on", flat=True)
        .first()
    )
    week = datetime.timedelta(days=7)
    earliest = (first or fiscal_year.start) + week
    today = timezone.localdate()
    rows = list(Assignment.objects.filter(business__branch=branch, ended_at=None).select_related("business"))
    for row in rows:
        day = min(max(earliest, row.business.identified_on + week), today)
        row.assigned_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    Assignment.objects.bulk_update(rows, ["assigned_at"], batch_size=5000)
