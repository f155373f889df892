"""Demo assignments: each branch's cities shared out among its promoters, and the branch's share split by area."""

from django.db import transaction
from django.utils import timezone

from assignments.models import PromoterArea
from assignments.services import active_field_appointments, assignments_split
from councils.models import Side
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
    return {"担当割当": assigned}
