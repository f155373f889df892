"""Council workflows: meeting papers, handovers of hard cases, the outreach plan, and councils overdue."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from councils.models import (
    CouncilFile,
    CouncilMeeting,
    Counterpart,
    Handover,
    MeetingNumber,
    OutreachPlan,
    OutreachPlanMonth,
    deadline,
)
from kit.text import fill
from lib import uploads, wareki
from notices.models import Notice
from notices.services import notify
from org.models import Branch, FiscalYear, InspectionOffice, User
from org.roles import Role
from roster.models import OPEN_STATUSES, Business, BusinessStatus, EndReason, StatusChange
from roster.worklists import leave_worklists

# The fiscal year's months in order, April first.


def file_store(*, actor: User, meeting: CouncilMeeting, filename: str, data: bytes) -> CouncilFile:
    """Keep a meeting paper outside the web root under a random name; it is served only through a check."""
    content_type = uploads.check(filename, data)
    return CouncilFile.keep(
        actor=actor, filename=filename, data=data, content_type=content_type, meeting=meeting
    )


@transaction.atomic
def handover_create(
    *,
    actor: User,
    business: Business,
    reason: str,
    handed_over_on: datetime.date,
    meeting: CouncilMeeting | None = None,
    inspection_office: InspectionOffice | None = None,
) -> Handover:
    """Hand a hard case to the bureau (R-CNL-5): it leaves the branch's worklist and counts as handed over."""
    if not reason.strip():
        raise ValidationError({"reason": "移管の理由を入力してください。"})
    if handed_over_on > timezone.localdate():
        raise ValidationError({"handed_over_on": "移管日に未来の日付は指定できません。"})
    if business.status not in OPEN_STATUSES:
        raise ValidationError(f"状態が「{business.get_status_display()}」の事業所は移管できません。")
    _check_links(business, meeting, inspection_office)
    business.set_status(
        BusinessStatus.HANDED_OVER,
        by=actor,
        reason=fill(StatusChange, "reason", "困難事案の移管：{reason}", reason=reason.strip()),
    )
    leave_worklists(
        actor=actor, businesses=Business.objects.filter(pk=business.pk), reason=EndReason.HANDED_OVER
    )
    return Handover.objects.create(
        business=business,
        fiscal_year=FiscalYear.for_date(handed_over_on),
        handed_over_on=handed_over_on,
        reason=reason.strip(),
        meeting=meeting,
        inspection_office=inspection_office,
        created_by=actor,
    )


def _check_links(
    business: Business, meeting: CouncilMeeting | None, inspection_office: InspectionOffice | None
) -> None:
    if meeting is not None and meeting.branch_id != business.branch_id:
        raise ValidationError({"meeting": "この支部の協議会を選んでください。"})
    if (
        inspection_office is not None
        and inspection_office.bureau.prefecture_id != business.branch.prefecture_id
    ):
        raise ValidationError({"inspection_office": "この支部の都道府県の監督署を選んでください。"})


@transaction.atomic
def handover_answer(
    *,
    actor: User,
    handover: Handover,
    answer: str,
    answered_on: datetime.date,
    meeting: CouncilMeeting | None = None,
    inspection_office: InspectionOffice | None = None,
) -> None:
    """The bureau's answer on a hard case (R-CNL-5), recorded by the branch; the branch's other staff
    and whoever handed the case over are told."""
    if not answer.strip():
        raise ValidationError({"answer": "労働局の回答を入力してください。"})
    if answered_on > timezone.localdate():
        raise ValidationError({"answered_on": "回答日に未来の日付は指定できません。"})
    if answered_on < handover.handed_over_on:
        raise ValidationError({"answered_on": "回答日は移管日より後の日付にしてください。"})
    business = handover.business
    _check_links(business, meeting, inspection_office)
    handover.answer, handover.answered_on, handover.answered_by = answer.strip(), answered_on, actor
    handover.meeting = meeting or handover.meeting
    handover.inspection_office = inspection_office or handover.inspection_office
    handover.save(update_fields=["answer", "answered_on", "answered_by", "meeting", "inspection_office"])
    staff = User.objects.filter(
        Q(pk=handover.created_by_id)
        | Q(branch=business.branch_id, role__in=(Role.BRANCH_ADMIN, Role.BRANCH_STAFF))
    ).exclude(pk=actor.pk)
    for user in staff:
        notify(
            user,
            key=f"handover_answered:{handover.pk}",
            title=fill(Notice, "title", "移管した「{name}」に労働局から回答がありました", name=business.name),
            body=answer.strip()[:300],
            url=reverse("handover_list") + f"?year={handover.fiscal_year.year}",
        )


@transaction.atomic
def plan_save(
    *,
    actor: User,
    branch: Branch,
    fiscal_year: FiscalYear,
    months: dict[int, tuple[int, int]],
    branch_capacity: int,
    bureau_capacity: int,
    adopted_at: CouncilMeeting | None,
    note: str = "",
) -> OutreachPlan:
    """Save the year's outreach plan: {month: (visits, enrolments)} and each side's annual capacity."""
    if adopted_at is not None and (
        adopted_at.branch_id != branch.pk or adopted_at.fiscal_year_id != fiscal_year.pk
    ):
        raise ValidationError({"adopted_at": "この支部・年度の協議会を選んでください。"})
    plan, _ = OutreachPlan.objects.update_or_create(
        branch=branch,
        fiscal_year=fiscal_year,
        defaults={
            "branch_capacity": branch_capacity,
            "bureau_capacity": bureau_capacity,
            "adopted_at": adopted_at,
            "note": note,
            "updated_by": actor,
        },
    )
    for month, (visits, enrolments) in months.items():
        OutreachPlanMonth.objects.update_or_create(
            plan=plan, month=month, defaults={"visits": visits, "enrolments": enrolments}
        )
    return plan


def overdue(branches: Iterable[Branch], today: datetime.date) -> list[dict[str, Any]]:
    """Regular councils (①②③, R-CNL-1) whose month has passed without one being held, per branch.

    The current fiscal year's ①②③ and the last year's ③ (due 31 March, seen only after it).
    """
    this_year = wareki.fiscal_year_of(today)
    years = {y.year: y for y in FiscalYear.objects.filter(year__in=[this_year, this_year - 1])}
    regular = [
        (years[this_year], n) for n in (MeetingNumber.FIRST, MeetingNumber.SECOND, MeetingNumber.THIRD)
    ]
    if this_year - 1 in years:
        regular.append((years[this_year - 1], MeetingNumber.THIRD))
    due = [
        (year, number, deadline(number, year)) for year, number in regular if deadline(number, year) < today
    ]
    if not due:
        return []
    held = set(
        CouncilMeeting.objects.filter(
            branch__in=branches,
            counterpart=Counterpart.BUREAU,
            held_on__isnull=False,
            fiscal_year__in=[year for year, _, _ in due],
        ).values_list("branch_id", "fiscal_year_id", "number")
    )
    return [
        {"branch": branch, "fiscal_year": year, "number": MeetingNumber(number), "deadline": day}
        for branch in branches
        for year, number, day in due
        if (branch.pk, year.pk, number) not in held
    ]
