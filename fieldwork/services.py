"""Recording visits: who may record one for which business and date, and what it does to the business."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from assignments.models import Assignment
from assignments.services import FIELD_APPOINTMENTS
from fieldwork.client_keys import check_client_key
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
from kit.text import fill
from lib import insurance_number, uploads, wareki
from notices.models import Notice
from notices.services import notify
from org.models import User
from people.models import Appointment, AppointmentStatus
from roster.models import OPEN_STATUSES, Business, BusinessStatus

# The status a business moves to after a contact, by outcome; a direct visit is at least 訪問済.
AFTER_OUTCOME = {Outcome.REFUSED: BusinessStatus.REFUSED, Outcome.CLOSED: BusinessStatus.CLOSED}


def field_appointment(user: User, day: datetime.date | None = None) -> Appointment | None:
    """The active promoter or instructor appointment of ``user`` for the fiscal year of ``day``;
    an instructor's first, for whoever holds both."""
    # Ordered by its own columns: the model's default order joins branch and prefecture, which
    # doubled the time of a query every field page makes.
    return (
        Appointment.objects.filter(
            person__user=user,
            fiscal_year__year=wareki.fiscal_year_of(day or timezone.localdate()),
            role__in=FIELD_APPOINTMENTS,
            status=AppointmentStatus.ACTIVE,
        )
        .select_related("person", "branch")
        .order_by("role", "pk")  # "instructor" sorts before "promoter"
        .first()
    )


def _assigned_since(business: Business) -> datetime.date | None:
    current = Assignment.objects.filter(business=business, ended_at=None).first()
    return timezone.localtime(current.assigned_at).date() if current else None


def check_visit(
    *, business: Business, appointment: Appointment, companion: Appointment | None, visited_on: datetime.date
) -> None:
    """Refuse, naming why, a visit that cannot be recorded (R-VIS-1: visits are to assigned businesses)."""
    if business.status not in OPEN_STATUSES:
        raise ValidationError(
            f"この事業所は「{business.get_status_display()}」のため、訪問を記録できません。"
        )
    if business.assigned_to_id not in {appointment.pk, companion.pk if companion else None}:
        raise ValidationError("この事業所はあなた（または同行した推進員）の担当ではありません。")
    if companion is not None and (
        companion.branch_id != appointment.branch_id or companion.pk == appointment.pk
    ):
        raise ValidationError({"companion": "同行者は同じ支部の推進員・指導員を選んでください。"})
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": "訪問日に未来の日付は入力できません。"})
    since = _assigned_since(business)
    if since and visited_on < since:
        raise ValidationError(
            {"visited_on": f"訪問日が担当の割当日（{wareki.format_date(since)}）より前です。"}
        )


@transaction.atomic
def visit_record(
    *, actor: User, appointment: Appointment, business: Business, **fields: Any
) -> tuple[Visit, bool]:
    """Record a visit once per ``client_key``: (visit, True) when new, (the earlier one, False) when sent again."""
    client_key = fields["client_key"]
    check_client_key(actor, client_key)
    earlier = Visit.objects.filter(client_key=client_key).first()
    if earlier is not None:
        if earlier.recorded_by_id != actor.pk:
            raise ValidationError("この送信キーは使用済みです。画面を開き直してください。")
        return earlier, False
    business = Business.objects.select_for_update(of=("self",)).get(pk=business.pk)
    check_visit(
        business=business,
        appointment=appointment,
        companion=fields.get("companion"),
        visited_on=fields["visited_on"],
    )
    fields["topics"] = [t for t in fields.get("topics", []) if t in TOPICS]
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                business=business, appointment=appointment, recorded_by=actor, **fields
            )
    except IntegrityError:
        # The same draft arrived twice at once: the other request recorded it.
        return Visit.objects.get(client_key=client_key), False
    # The business's card shows its visits (how many, the next action): it changed with this one,
    # for the worklist kept under its businesses' latest change and for the API's updated_since. A
    # move of its status has stamped it already.
    if not _move_business(business, visit, actor):
        business.save(update_fields=["updated_at"])
    return visit, True


def _move_business(business: Business, visit: Visit, actor: User) -> bool:
    """Move the business along its workflow after ``visit``; whether it moved (and so was saved)."""
    before = business.status
    reason = f"{visit.get_method_display()}（{wareki.format_date(visit.visited_on)}）：{visit.get_outcome_display()}"
    if visit.method == Method.DIRECT and business.status in (
        BusinessStatus.IDENTIFIED,
        BusinessStatus.ON_ROSTER,
        BusinessStatus.ALLOCATED,
    ):
        if business.status == BusinessStatus.IDENTIFIED:
            business.set_status(BusinessStatus.ON_ROSTER, by=actor, reason=reason)
        business.set_status(BusinessStatus.VISITED, by=actor, reason=reason)
    target = AFTER_OUTCOME.get(Outcome(visit.outcome))
    if (
        target
        and target != business.status
        and target in Business.TRANSITIONS[BusinessStatus(business.status)]
    ):
        business.set_status(target, by=actor, reason=reason)
    return business.status != before


EVIDENCE_TYPES = {ext: uploads.KINDS[ext] for ext in (".pdf", ".png", ".jpg", ".jpeg")}


def _checked_files(files: Iterable[tuple[str, str, bytes]]) -> list[tuple[str, str, bytes, str]]:
    """(kind, filename, data, content type) for every file, or ValidationError naming the first bad one."""
    checked = []
    for kind, filename, data in files:
        try:
            content_type = uploads.check(filename, data, extensions=EVIDENCE_TYPES)
        except uploads.UploadError as error:
            raise ValidationError({"evidence": f"{EvidenceKind(kind).label}：{error}"}) from None
        checked.append((kind, filename, data, content_type))
    return checked


def _store(actor: User, enrolment: Enrolment, checked: list[tuple[str, str, bytes, str]]) -> None:
    for kind, filename, data, content_type in checked:
        Evidence.keep(
            actor=actor,
            filename=filename,
            data=data,
            content_type=content_type,
            enrolment=enrolment,
            kind=kind,
        )


@transaction.atomic
def enrolment_record(
    *,
    actor: User,
    business: Business,
    appointment: Appointment | None,
    files: Iterable[tuple[str, str, bytes]] = (),
    one_insurance_only: bool = False,
    **fields: Any,
) -> Enrolment:
    """Record an enrolment with its evidence (R-ENR-1 … R-ENR-5); all of it or, on any error, nothing."""
    business = (
        Business.objects.select_for_update(of=("self",)).select_related("prefecture").get(pk=business.pk)
    )
    if business.status not in (*OPEN_STATUSES, BusinessStatus.ENROLLED):
        raise ValidationError(
            f"この事業所は「{business.get_status_display()}」のため、成立を記録できません。"
        )
    try:
        fields["insurance_number"] = str(
            insurance_number.parse(fields["insurance_number"], business.prefecture.code)
        )
    except ValueError as error:
        raise ValidationError({"insurance_number": str(error)}) from None
    if fields["enrolled_on"] > timezone.localdate():
        raise ValidationError({"enrolled_on": "成立日に未来の日付は入力できません。"})
    kind = EnrolmentKind(fields["kind"])
    taken = business.enrolments.all()
    for kinds, name in ((ROUSAI_KINDS, "労災保険"), (KOYOU_KINDS, "雇用保険")):
        if kind in kinds and taken.filter(kind__in=kinds).exists():
            raise ValidationError({"kind": f"この事業所の{name}の成立は既に記録されています。"})
    checked = _checked_files(files)
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                business=business, appointment=appointment, recorded_by=actor, **fields
            )
    except IntegrityError:
        raise ValidationError({"kind": "この事業所の同じ保険の成立は既に記録されています。"}) from None
    if one_insurance_only and not business.one_insurance_only:
        business.one_insurance_only = True
        business.save(update_fields=["one_insurance_only"])
    target = business.status_when_enrolled()
    if business.status != target:
        if business.status == BusinessStatus.IDENTIFIED:
            business.set_status(BusinessStatus.ON_ROSTER, by=actor, reason="成立の記録")
        business.set_status(target, by=actor, reason=f"保険関係成立（{kind.label}）")
    _store(actor, enrolment, checked)
    return enrolment


def enrolment_draft_record(
    *, actor: User, business: Business, appointment: Appointment | None, **fields: Any
) -> tuple[Enrolment, bool]:
    """An enrolment recorded once per ``client_key`` (the form's, or a phone's draft): (enrolment,
    True) when new, (the earlier one, False) when sent again."""
    key = fields.get("client_key")
    check_client_key(actor, key)
    earlier = Enrolment.objects.filter(client_key=key).first() if key else None
    if earlier is not None:
        if earlier.recorded_by_id != actor.pk:
            raise ValidationError("この送信キーは使用済みです。画面を開き直してください。")
        return earlier, False
    return enrolment_record(actor=actor, business=business, appointment=appointment, **fields), True


@transaction.atomic
def evidence_add(*, actor: User, enrolment: Enrolment, files: Iterable[tuple[str, str, bytes]]) -> int:
    checked = _checked_files(files)
    complete_before = enrolment.evidence_complete
    _store(actor, enrolment, checked)
    if not complete_before:
        _tell_if_payable(enrolment)
    return len(checked)


def _tell_if_payable(enrolment: Enrolment) -> None:
    """D-5: the promoter learns that a success fee held back for its evidence or for the
    employment-insurance confirmation can now be claimed, once both are there."""
    promoter = enrolment.appointment.person.user if enrolment.appointment else None
    if promoter is None or enrolment.bureau_guidance or enrolment.ex_officio:
        return
    if enrolment.evidence_complete and not enrolment.needs_koyou_confirmation:
        notify(
            promoter,
            key=f"payable:{enrolment.pk}",
            once=True,
            title=fill(
                Notice,
                "title",
                "「{name}」の成功報酬費を申請できるようになりました",
                name=enrolment.business.name,
            ),
            body="証拠書類がそろい、雇用保険の手続も確認されました。"
            if enrolment.covers_koyou
            else "証拠書類がそろいました。",
            url=reverse("claim_list"),
        )


def koyou_confirm(*, actor: User, enrolment: Enrolment) -> None:
    """R-ENR-3: branch staff confirm the employment-insurance procedure was done properly."""
    if not enrolment.covers_koyou:
        raise ValidationError("雇用保険の成立ではないため、確認は不要です。")
    if enrolment.koyou_confirmed_at is None:
        enrolment.koyou_confirmed_by, enrolment.koyou_confirmed_at = actor, timezone.now()
        enrolment.save(update_fields=["koyou_confirmed_by", "koyou_confirmed_at"])
        _tell_if_payable(enrolment)
