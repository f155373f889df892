"""Changes to an association's membership, incidents and status: atomic, checked, audited (R-ORG-3,
R-PPL-7). The audit trail records every row these write (auditlog)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from associations.models import Incident, IncidentKind, Membership
from kit.text import fill
from lib import wareki
from org.models import Association, AssociationStatus, User


@transaction.atomic
def association_create(
    *, actor: User, association: Association, joined_on: datetime.date | None
) -> Association:
    """Register an association; with ``joined_on`` it is a member from that day."""
    association.is_member = False
    association.save()
    if joined_on is not None:
        membership_join(actor=actor, association=association, joined_on=joined_on)
        association.refresh_from_db()
    return association


@transaction.atomic
def membership_join(*, actor: User, association: Association, joined_on: datetime.date) -> Membership:
    """The association becomes a member from ``joined_on`` (入会)."""
    association = Association.objects.select_for_update().get(pk=association.pk)
    if association.status == AssociationStatus.CLOSED:
        raise ValidationError({"joined_on": "解散・廃止した事務組合は入会できません。"})
    if association.memberships.filter(left_on__isnull=True).exists():
        raise ValidationError({"joined_on": f"{association.name}は既に会員です。"})
    last = association.memberships.order_by("-left_on").values_list("left_on", flat=True).first()
    if last is not None and joined_on < last:
        raise ValidationError(
            {"joined_on": f"前回の退会日（{wareki.format_date(last)}）より前の入会日は登録できません。"}
        )
    membership = Membership.objects.create(association=association, joined_on=joined_on, recorded_by=actor)
    association.is_member = True
    association.save(update_fields=["is_member"])
    return membership


@transaction.atomic
def membership_leave(
    *, actor: User, association: Association, left_on: datetime.date, reason: str = ""
) -> Membership:
    """The association stops being a member on ``left_on`` (退会; the first day it is not one)."""
    association = Association.objects.select_for_update().get(pk=association.pk)
    membership = association.memberships.filter(left_on__isnull=True).first()
    if membership is None:
        raise ValidationError({"left_on": f"{association.name}は会員ではありません。"})
    if left_on <= membership.joined_on:
        raise ValidationError(
            {"left_on": f"退会日は入会日（{wareki.format_date(membership.joined_on)}）より後にしてください。"}
        )
    membership.left_on, membership.leave_reason = left_on, reason
    membership.save(update_fields=["left_on", "leave_reason"])
    association.is_member = False
    association.save(update_fields=["is_member"])
    return membership


FLAGS = {
    IncidentKind.ACCOUNTING_ACCIDENT: "had_accounting_accident",
    IncidentKind.SEIZURE: "had_premium_seizure",
}


@transaction.atomic
def incident_record(
    *, actor: User, association: Association, kind: str, occurred_on: datetime.date, summary: str
) -> Incident:
    """Record an accounting accident or a seizure; from now on R-PPL-7 refuses the association's
    representative as a promoter or instructor (people.rules.eligibility_failures)."""
    incident = Incident.objects.create(
        association=association, kind=kind, occurred_on=occurred_on, summary=summary, recorded_by=actor
    )
    flag = FLAGS[IncidentKind(kind)]
    if not getattr(association, flag):
        setattr(association, flag, True)
        association.save(update_fields=[flag])
    return incident


@transaction.atomic
def association_close(
    *, actor: User, association: Association, closed_on: datetime.date, reason: str
) -> Association:
    """解散・廃止: the association leaves the count of associations from ``closed_on``, and a member
    stops being one that day."""
    if association.memberships.filter(left_on__isnull=True).exists():
        membership_leave(
            actor=actor,
            association=association,
            left_on=closed_on,
            reason=fill(Membership, "leave_reason", "解散・廃止：{reason}", reason=reason),
        )
        association.refresh_from_db()
    association.status, association.closed_on, association.status_reason = (
        AssociationStatus.CLOSED,
        closed_on,
        reason,
    )
    association.save(update_fields=["status", "closed_on", "status_reason"])
    return association
