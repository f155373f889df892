"""Demo field work: visits to about two thirds of the assigned businesses since the year began, and
enrolments for a share of them (small demo: with a one-page PDF as the enrolment notice)."""

import datetime
import random
import uuid

from django.db import transaction
from django.utils import timezone

from assignments.models import Assignment
from fieldwork.models import (
    KOYOU_KINDS,
    ROUSAI_KINDS,
    TOPICS,
    Enrolment,
    EnrolmentKind,
    Evidence,
    EvidenceKind,
    Method,
    Outcome,
    Visit,
)
from lib import uploads
from lib.pdf import report
from org.models import FiscalYear
from roster.models import Business, BusinessStatus, StatusChange

METHODS = [Method.DIRECT] * 8 + [Method.PHONE, Method.LETTER]
LAST_OUTCOMES = [Outcome.EXPLAINED] * 4 + [Outcome.ABSENT] * 2 + [Outcome.WILL_ENROL, Outcome.REFUSED]
KINDS = [EnrolmentKind.UNIFIED_BOTH] * 6 + [EnrolmentKind.UNIFIED_ROUSAI] * 3 + [EnrolmentKind.UNIFIED_KOYOU]


@transaction.atomic
def seed(*, size: str, seed: int) -> dict:
    rng = random.Random(seed)
    today = timezone.localdate()
    fiscal_year = FiscalYear.for_date(today)
    # Branch by branch: a branch that has visits keeps them, and one seeded later (the national demo
    # after the small one) gets its own.
    visited_branches = set(Visit.objects.values_list("business__branch", flat=True).distinct())
    assigned = list(
        Business.objects.filter(
            assigned_to__isnull=False, status__in=[BusinessStatus.ON_ROSTER, BusinessStatus.ALLOCATED]
        )
        .exclude(branch__in=visited_branches)
        .select_related("prefecture", "assigned_to__person__user")
        .order_by("pk")
    )
    # Visits come after the assignment they are made under (the assignments' demo dates it).
    assigned_on = {
        business: timezone.localdate(at)
        for business, at in Assignment.objects.filter(ended_at=None)
        .exclude(business__branch__in=visited_branches)
        .values_list("business", "assigned_at")
    }
    visits, enrolments, changes, statuses = [], [], [], {}
    for business in assigned:
        promoter = business.assigned_to
        if rng.random() < 0.35 or promoter is None or promoter.person.user is None:
            continue
        start = assigned_on.get(business.pk, fiscal_year.start) + datetime.timedelta(days=1)
        span = (today - start).days + 1
        if span < 1:
            continue
        days = sorted(start + datetime.timedelta(days=rng.randrange(span)) for _ in range(rng.randint(1, 3)))
        for i, day in enumerate(days):
            last = i == len(days) - 1
            visits.append(
                Visit(
                    business=business,
                    appointment=promoter,
                    visited_on=day,
                    visited_at=datetime.time(rng.randint(9, 16), rng.choice([0, 15, 30, 45])),
                    method=Method.DIRECT if i == 0 else rng.choice(METHODS),
                    met=rng.choice(["代表者", "総務担当者", "事務員", ""]),
                    topics=rng.sample(list(TOPICS), rng.randint(2, 5)),
                    outcome=rng.choice(LAST_OUTCOMES) if last else Outcome.ABSENT,
                    next_action="" if last else "再訪して説明",
                    client_key=uuid.UUID(int=rng.getrandbits(128), version=4),
                    recorded_by=promoter.person.user,
                )
            )
        status = BusinessStatus.REFUSED if visits[-1].outcome == Outcome.REFUSED else BusinessStatus.VISITED
        if status == BusinessStatus.VISITED and rng.random() < 0.45:
            kind = rng.choice(KINDS)
            # D-6: one insurance of the two leaves the business 一部成立, still to be visited.
            status = BusinessStatus.ENROLLED if kind == EnrolmentKind.UNIFIED_BOTH else BusinessStatus.PARTIAL
            enrolments.append(
                Enrolment(
                    business=business,
                    kind=kind,
                    insurance_number=f"{business.prefecture.code}101{rng.randrange(10**6):06d}000",
                    enrolled_on=min(days[-1] + datetime.timedelta(days=rng.randint(3, 30)), today),
                    appointment=promoter,
                    recorded_by=promoter.person.user,
                )
            )
        statuses[business.pk] = (business.status, status, days[0])
    Visit.objects.bulk_create(visits, batch_size=5000)
    for enrolment in enrolments:
        enrolment.covers_rousai = enrolment.kind in ROUSAI_KINDS
        enrolment.covers_koyou = enrolment.kind in KOYOU_KINDS
    Enrolment.objects.bulk_create(enrolments, batch_size=5000)
    for target in (
        BusinessStatus.VISITED,
        BusinessStatus.REFUSED,
        BusinessStatus.ENROLLED,
        BusinessStatus.PARTIAL,
    ):
        Business.objects.filter(pk__in=[pk for pk, (_, to, _) in statuses.items() if to == target]).update(
            status=target
        )
    for pk, (before, after, _) in statuses.items():
        changes.append(
            StatusChange(
                business_id=pk, from_status=before, to_status=BusinessStatus.VISITED, reason="デモの訪問"
            )
        )
        if after != BusinessStatus.VISITED:
            changes.append(
                StatusChange(
                    business_id=pk, from_status=BusinessStatus.VISITED, to_status=after, reason="デモ"
                )
            )
    StatusChange.objects.bulk_create(changes, batch_size=5000)
    if size == "small":
        _notices(enrolments)
    return {"訪問の追加": len(visits), "成立の追加": len(enrolments)}


def _notices(enrolments: list[Enrolment]) -> None:
    """A one-page PDF standing for each enrolment notice, so the evidence pages have something to open."""
    body = report("保険関係成立届（写）デモ", [])
    for enrolment in enrolments:
        Evidence.objects.create(
            enrolment=enrolment,
            kind=EvidenceKind.ENROLMENT_NOTICE,
            filename="保険関係成立届.pdf",
            stored_name=uploads.save(Evidence.folder(), body),
            size=len(body),
            content_type="application/pdf",
            uploaded_by=enrolment.recorded_by,
        )
