"""Assigning businesses to promoters and instructors: in bulk, split by area, released on revocation (R-PPL-9)."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from assignments.models import Assignment, PromoterArea
from audit.models import AuditEntry
from councils.models import Allocation, Side
from kit import versions
from lib import wareki
from notices.services import notify
from org.models import Branch, FiscalYear, User
from people.models import Appointment, AppointmentRole, AppointmentStatus
from roster.models import OPEN_STATUSES, Business, BusinessStatus, EndReason
from roster.worklists import leaving_worklists

FIELD_APPOINTMENTS = (AppointmentRole.PROMOTER, AppointmentRole.INSTRUCTOR)
VISITED_STATUSES = (BusinessStatus.VISITED, BusinessStatus.REFUSED, BusinessStatus.ENROLLED)


@dataclass
class Result:
    assigned: Counter[Appointment] = field(default_factory=Counter)  # appointment → businesses newly assigned
    unchanged: int = 0  # already with that person
    refused: list[tuple[str, str]] = field(default_factory=list)  # (business, why)
    uncovered: list[Business] = field(default_factory=list)  # split: no one covers the city

    @property
    def total(self) -> int:
        return sum(self.assigned.values())


def check_assignee(appointment: Appointment, branch: Branch, fiscal_year: FiscalYear) -> None:
    """Refuse, naming why, a person who cannot take this branch's businesses this year."""
    name = appointment.person.full_name
    if appointment.role not in FIELD_APPOINTMENTS:
        raise ValidationError(
            f"{name}さんは{appointment.get_role_display()}です。推進員または指導員を選んでください。"
        )
    if appointment.branch_id != branch.pk:
        raise ValidationError(
            f"{name}さんは{appointment.branch.name}の{appointment.get_role_display()}です。"
            f"他の支部の推進員・指導員には{branch.name}の事業所を割り当てられません。"
        )
    if appointment.status == AppointmentStatus.REVOKED:
        when = f"{wareki.format_date(appointment.revoked_on)}に" if appointment.revoked_on else ""
        raise ValidationError(f"{name}さんの委嘱は{when}取り消されています。割り当てできません。")
    if appointment.status != AppointmentStatus.ACTIVE:
        raise ValidationError(f"{name}さんは委嘱中ではありません（{appointment.get_status_display()}）。")
    if appointment.fiscal_year_id != fiscal_year.pk:
        raise ValidationError(
            f"{name}さんの委嘱は{appointment.fiscal_year.label}です。{fiscal_year.label}の割当には使えません。"
        )


def _refusal(business: Business, bureau_ids: set[int]) -> str:
    if business.status not in OPEN_STATUSES:
        return f"状態が「{business.get_status_display()}」のため割り当てできません。"
    if business.pk in bureau_ids:
        return "労働局の手続指導に分担されているため割り当てできません。"
    return ""


@transaction.atomic
def assignments_assign(
    *,
    actor: User,
    branch: Branch,
    fiscal_year: FiscalYear,
    business_ids: Iterable[int],
    appointment: Appointment,
) -> Result:
    """Give the selected businesses of ``branch`` to one promoter or instructor; earlier ones are ended."""
    check_assignee(appointment, branch, fiscal_year)
    return _assign(
        actor=actor, branch=branch, fiscal_year=fiscal_year, plan={appointment: list(business_ids)}
    )


def _assign(
    *, actor: User, branch: Branch, fiscal_year: FiscalYear, plan: dict[Appointment, list[int]]
) -> Result:
    """Carry out {appointment: business ids}; callers hold the transaction and checked the assignees."""
    result = Result()
    wanted = {pk: appointment for appointment, ids in plan.items() for pk in ids}
    # Row locks: two people assigning the same businesses at once end up with one open assignment each.
    businesses = list(
        Business.objects.select_for_update(of=("self",)).filter(pk__in=wanted, branch=branch).order_by("pk")
    )
    bureau_ids = set(
        Allocation.objects.filter(
            entry__business__in=[b.pk for b in businesses], entry__fiscal_year=fiscal_year, side=Side.BUREAU
        ).values_list("entry__business_id", flat=True)
    )
    missing = len(wanted) - len(businesses)
    if missing:
        result.refused.append((f"{missing:,}件", f"{branch.name}の事業所として見つかりません。"))
    moving: dict[Appointment, list[int]] = {}
    for business in businesses:
        appointment = wanted[business.pk]
        reason = _refusal(business, bureau_ids)
        if reason:
            result.refused.append((business.name, reason))
        elif business.assigned_to_id == appointment.pk:
            result.unchanged += 1
        else:
            moving.setdefault(appointment, []).append(business.pk)
    now = timezone.now()
    all_moving = [pk for ids in moving.values() for pk in ids]
    Assignment.objects.filter(business__in=all_moving, ended_at=None).update(
        ended_at=now, ended_by=actor, end_reason=EndReason.REASSIGNED
    )
    Assignment.objects.bulk_create(
        [
            Assignment(business_id=pk, appointment=appointment, assigned_by=actor, assigned_at=now)
            for appointment, ids in moving.items()
            for pk in ids
        ],
        batch_size=2000,
    )
    for appointment, ids in moving.items():
        Business.objects.filter(pk__in=ids).update(assigned_to=appointment)
        result.assigned[appointment] = len(ids)
    # Each person given businesses is told, once a day however many times the branch assigns.
    for user in User.objects.filter(person__appointments__in=[a.pk for a in moving]).distinct():
        notify(
            user,
            key="assigned",
            title="担当事業所が新しく割り当てられました",
            body="担当事業所の一覧で確認してください。",
            url=reverse("worklist"),
        )
    if result.total:
        people = "、".join(f"{a.person.full_name} {n:,}件" for a, n in result.assigned.items())
        AuditEntry.record_event(
            "bulk_change",
            target=Assignment,
            target_repr=f"担当割当 {result.total:,}件（{people}）",
            actor=actor,
            branch_id=branch.pk,
            objects=[pk for ids in moving.values() for pk in ids],
        )
    return result


def split_plan(
    *, branch: Branch, fiscal_year: FiscalYear, business_ids: Iterable[int]
) -> tuple[dict[Appointment, list[int]], list[Business]]:
    """Share the selection evenly among the active promoters covering each business's city.

    Each business goes to the least loaded of those who cover its city, counting what they already
    have open, so the split evens out workloads; ties go to the earlier appointment. Businesses in a
    city no one covers are returned apart.
    """
    appointments = {
        a.pk: a for a in active_field_appointments(branch, fiscal_year).filter(role=AppointmentRole.PROMOTER)
    }
    covering: dict[str, list[int]] = {}
    for pk, city_code in PromoterArea.objects.filter(appointment__in=appointments).values_list(
        "appointment_id", "city_code"
    ):
        covering.setdefault(city_code, []).append(pk)
    load = Counter(
        dict(
            Business.objects.filter(assigned_to__in=appointments, status__in=OPEN_STATUSES)
            .values_list("assigned_to")
            .annotate(n=Count("pk"))
        )
    )
    plan: dict[Appointment, list[int]] = {}
    uncovered = []
    selected = Business.objects.filter(pk__in=list(business_ids), branch=branch).order_by("city_code", "pk")
    for business in selected.only("pk", "city_code", "name", "assigned_to"):
        candidates = sorted(covering.get(business.city_code, []))
        if not candidates:
            uncovered.append(business)
            continue
        if business.assigned_to_id in candidates:
            load[business.assigned_to_id] -= 1  # it moves within the same pool; do not count it twice
        chosen = min(candidates, key=lambda pk: (load[pk], pk))
        load[chosen] += 1
        plan.setdefault(appointments[chosen], []).append(business.pk)
    return plan, uncovered


@transaction.atomic
def assignments_split(
    *, actor: User, branch: Branch, fiscal_year: FiscalYear, business_ids: Iterable[int]
) -> Result:
    plan, uncovered = split_plan(branch=branch, fiscal_year=fiscal_year, business_ids=business_ids)
    result = _assign(actor=actor, branch=branch, fiscal_year=fiscal_year, plan=plan)
    result.uncovered = uncovered
    return result


@receiver(leaving_worklists, dispatch_uid="assignments-end")
def assignments_end(
    sender: object, *, actor: User, businesses: QuerySet[Business], reason: str, **kwargs: Any
) -> int:
    """End the open assignments of ``businesses`` (a queryset) leaving their worklists (roster.worklists)."""
    return Assignment.objects.filter(business__in=businesses, ended_at=None).update(
        ended_at=timezone.now(), ended_by=actor, end_reason=reason
    )


def areas_set(
    *, actor: User, appointment: Appointment, cities: list[tuple[str, str]], read: list[str] | None = None
) -> None:
    """Replace the cities a promoter or instructor covers with (code, name) pairs.

    ``read``: the city codes the page showed; if the areas changed since, nothing is saved
    (versions.Stale): two staff choosing areas at once do not overwrite each other."""
    with transaction.atomic():
        if read is not None:
            Appointment.objects.select_for_update().filter(pk=appointment.pk).first()
            now = PromoterArea.objects.filter(appointment=appointment).values_list("city_code", flat=True)
            if sorted(now) != sorted(read):
                raise versions.Stale
        PromoterArea.objects.filter(appointment=appointment).exclude(
            city_code__in=[code for code, _ in cities]
        ).delete()
        for code, name in cities:
            PromoterArea.objects.get_or_create(
                appointment=appointment, city_code=code, defaults={"city": name}
            )


def active_field_appointments(branch: Branch, fiscal_year: FiscalYear) -> QuerySet[Appointment]:
    return Appointment.objects.filter(
        branch=branch, fiscal_year=fiscal_year, role__in=FIELD_APPOINTMENTS, status=AppointmentStatus.ACTIVE
    ).select_related("person")


def workload(branch: Branch, fiscal_year: FiscalYear) -> list[dict[str, Any]]:
    """Each promoter's and instructor's businesses: assigned now, visited, and still open."""
    appointments = (
        Appointment.objects.filter(branch=branch, fiscal_year=fiscal_year, role__in=FIELD_APPOINTMENTS)
        .exclude(status__in=[AppointmentStatus.REQUESTED, AppointmentStatus.REFUSED])
        .select_related("person")
        .annotate(
            assigned=Count("assigned_businesses"),
            visited=Count("assigned_businesses", filter=Q(assigned_businesses__status__in=VISITED_STATUSES)),
            open=Count(
                "assigned_businesses",
                filter=Q(
                    assigned_businesses__status__in=[
                        BusinessStatus.IDENTIFIED,
                        BusinessStatus.ON_ROSTER,
                        BusinessStatus.ALLOCATED,
                    ]
                ),
            ),
        )
        .order_by("role", "person__full_name_kana")
    )
    areas: dict[int, list[str]] = {}
    for pk, city in PromoterArea.objects.filter(appointment__in=appointments).values_list(
        "appointment_id", "city"
    ):
        areas.setdefault(pk, []).append(city)
    return [{"appointment": a, "areas": areas.get(a.pk, [])} for a in appointments]
