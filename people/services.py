"""Workflows on people: appointment requests and decisions, renewal, revocation, working days, bank accounts."""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from zengin_code import Bank

from audit.models import AuditEntry
from lib import numbers, wareki, zengin
from org.models import Branch, FiscalYear, User
from org.roles import HQ_ROLES
from people.models import (
    Appointment,
    AppointmentRole,
    AppointmentStatus,
    BankAccount,
    CoordinatorAllocation,
    CoordinatorTerms,
    Person,
    WorkDay,
)
from people.rules import eligibility_failures, is_workable_day, unworkable_reason
from roster.models import EndReason
from roster.worklists import leave_worklists


def _require_hq(actor: User) -> None:
    # Appointments are made and revoked by HQ on a branch's request (R-PPL-1, R-PPL-6).
    if actor.role not in HQ_ROLES:
        raise PermissionDenied("委嘱の決定・取消は本部が行います。")


def pledge_refusal(actor: User, role: str) -> str:
    """R-PPL-7: a promoter's pledge (誓約書) is submitted to the branch, a coordinator's to HQ (別紙4 3(2)
    「本部組織に提出」): why ``actor`` may not record the pledge of an appointment of ``role``, or ""."""
    if role == AppointmentRole.COORDINATOR and actor.role not in HQ_ROLES:
        return "促進員の誓約書は本部に提出されます。本部で誓約書を受け取ってから、本部が提出日を登録します。"
    return ""


def _check_pledge(actor: User, role: str, signed_on: datetime.date) -> None:
    if why := pledge_refusal(actor, role):
        raise ValidationError({"pledge_signed_on": why})
    if signed_on > timezone.localdate():
        raise ValidationError({"pledge_signed_on": "誓約書の提出日に未来の日付は指定できません。"})


@transaction.atomic
def appointment_request(
    *,
    actor: User,
    person: Person,
    fiscal_year: FiscalYear,
    role: str,
    has_expertise: bool,
    declared_no_violation: bool,
    pledge_signed_on: datetime.date | None = None,
    is_representative: bool = False,
) -> Appointment:
    """A branch asks HQ to appoint a person for a year and role."""
    if is_representative and role != AppointmentRole.COORDINATOR:
        raise ValidationError({"is_representative": "支部の代表は促進員の中から選びます。"})
    if pledge_signed_on is not None:
        _check_pledge(actor, role, pledge_signed_on)
    appointment = Appointment(
        person=person,
        branch=person.branch,
        fiscal_year=fiscal_year,
        role=role,
        has_expertise=has_expertise,
        declared_no_violation=declared_no_violation,
        pledge_signed_on=pledge_signed_on,
        is_representative=is_representative,
        requested_by=actor,
    )
    if (
        Appointment.objects.filter(person=person, fiscal_year=fiscal_year, role=role)
        .exclude(status=AppointmentStatus.REFUSED)
        .exists()
    ):
        raise ValidationError(
            f"{person}さんの{fiscal_year.label}の{appointment.get_role_display()}の委嘱は既にあります。"
        )
    appointment.save()
    return appointment


@transaction.atomic
def appointment_record_pledge(
    *, actor: User, appointment: Appointment, signed_on: datetime.date
) -> Appointment:
    """The signed pledge (誓約書) was received on ``signed_on`` (R-PPL-7): by the branch for a
    promoter, by HQ for a coordinator."""
    _check_pledge(actor, appointment.role, signed_on)
    appointment.pledge_signed_on = signed_on
    appointment.save(update_fields=["pledge_signed_on"])
    return appointment


@transaction.atomic
def appointment_decide(*, actor: User, appointment: Appointment, appointed_on: datetime.date) -> list[str]:
    """HQ appoints: refused with the failed conditions named, or active from ``appointed_on``.

    Returns the failed conditions (empty when appointed). A missing pledge is not a failure
    of eligibility: the request waits for it and nothing changes.
    """
    _require_hq(actor)
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("person__association")
        .get(pk=appointment.pk)
    )
    if appointment.status != AppointmentStatus.REQUESTED:
        raise ValidationError(f"この委嘱は「{appointment.get_status_display()}」のため決定できません。")
    if appointment.pledge_signed_on is None:
        receiver = "本部" if appointment.role == AppointmentRole.COORDINATOR else "支部"
        raise ValidationError(
            f"誓約書の提出日が登録されていないため、委嘱できません。{receiver}で誓約書を受け取ってから決定してください。"
        )
    failures = eligibility_failures(appointment)
    appointment.decided_by = actor
    if failures:
        appointment.set_status(AppointmentStatus.REFUSED)
        appointment.refusal_reason = "次の要件を満たしていません：" + "／".join(failures)
        appointment.save(update_fields=["status", "decided_by", "refusal_reason"])
        return failures
    appointment.set_status(AppointmentStatus.ACTIVE)
    appointment.appointed_on = max(appointed_on, appointment.fiscal_year.start)
    try:
        with transaction.atomic():
            appointment.save(update_fields=["status", "decided_by", "appointed_on"])
    except IntegrityError:
        raise ValidationError("この支部・年度には既に代表促進員がいます（代表は1名です）。") from None
    return []


@transaction.atomic
def appointment_revoke(
    *, actor: User, appointment: Appointment, reason: str, revoked_on: datetime.date, note: str = ""
) -> int:
    """Revoke (委嘱の取消) for a reason of R-PPL-8. History and past work stay; nothing is deleted.

    Returns how many businesses the person had, now waiting for someone new.
    """
    _require_hq(actor)
    if not reason:
        raise ValidationError({"reason": "取消理由を選んでください。"})
    fiscal_year = appointment.fiscal_year
    if not fiscal_year.start <= revoked_on <= fiscal_year.end:
        raise ValidationError({"revoked_on": f"取消日は{fiscal_year.label}の期間内にしてください。"})
    appointment.set_status(AppointmentStatus.REVOKED)
    appointment.revoked_on = revoked_on
    appointment.revoke_reason = reason
    appointment.revoke_note = note
    appointment.save(update_fields=["status", "revoked_on", "revoke_reason", "revoke_note"])
    # The businesses they worked on wait, unassigned, in the branch's list to reassign.
    return leave_worklists(
        actor=actor, businesses=appointment.assigned_businesses.all(), reason=EndReason.REVOKED
    )


def renewal_preview(
    appointments: Iterable[Appointment], next_year: FiscalYear
) -> tuple[list[Appointment], list[tuple[Appointment, str]]]:
    """Split a selection into those that can be renewed for ``next_year`` and those that cannot, with why."""
    existing = set(
        Appointment.objects.filter(fiscal_year=next_year, person__in=[a.person_id for a in appointments])
        .exclude(status=AppointmentStatus.REFUSED)
        .values_list("person_id", "role")
    )
    renewable, skipped = [], []
    for appointment in appointments:
        if appointment.status != AppointmentStatus.ACTIVE:
            skipped.append((appointment, f"{appointment.get_status_display()}のため更新できません"))
        elif (appointment.person_id, appointment.role) in existing:
            skipped.append((appointment, f"{next_year.label}の委嘱が既にあります"))
        else:
            renewable.append(appointment)
    return renewable, skipped


@transaction.atomic
def appointment_renew(
    *, actor: User, appointments: Iterable[Appointment], next_year: FiscalYear
) -> list[Appointment]:
    """Request next year's appointments for the renewable ones of a selection, in one transaction.

    Each renewed appointment waits for a new pledge and HQ's decision, like a first one:
    a pledge is signed for each appointment (R-PPL-7), and the declarations are carried over.
    """
    _require_hq(actor)
    renewable, _ = renewal_preview(appointments, next_year)
    renewed = [
        Appointment(
            person=a.person,
            branch=a.branch,
            fiscal_year=next_year,
            role=a.role,
            has_expertise=a.has_expertise,
            declared_no_violation=a.declared_no_violation,
            is_representative=False,
            requested_by=actor,
        )
        for a in renewable
    ]
    for appointment in renewed:
        appointment.save()  # one by one, so that each creation is audited
    return renewed


def allocated_coordinators(fiscal_year: FiscalYear) -> dict[int, int]:
    """Per branch id, the coordinators allocated for the year: set by HQ, else the FY2011 table."""
    allocations = dict(
        CoordinatorAllocation.objects.filter(fiscal_year=fiscal_year).values_list("branch_id", "count")
    )
    return {
        branch_id: allocations.get(branch_id, default)
        for branch_id, default in Branch.objects.values_list("pk", "default_coordinators")
    }


@transaction.atomic
def allocation_set(
    *, actor: User, branch: Branch, fiscal_year: FiscalYear, count: int
) -> CoordinatorAllocation:
    _require_hq(actor)
    allocation, created = CoordinatorAllocation.objects.get_or_create(
        branch=branch, fiscal_year=fiscal_year, defaults={"count": count}
    )
    if not created and allocation.count != count:
        allocation.count = count
        allocation.save(update_fields=["count"])
    return allocation


def terms_for(fiscal_year: FiscalYear) -> CoordinatorTerms:
    """The year's coordinator terms; a year HQ has not set takes the seeds' figures (9,200 yen, 15 days)."""
    terms, _ = CoordinatorTerms.objects.get_or_create(fiscal_year=fiscal_year)
    return terms


@transaction.atomic
def work_day_toggle(*, actor: User, appointment: Appointment, day: datetime.date) -> bool:
    """Mark or unmark a coordinator's working day; returns whether the day is now marked."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.role != AppointmentRole.COORDINATOR:
        raise ValidationError("稼動日は促進員についてのみ記録します。")
    existing = WorkDay.objects.filter(appointment=appointment, day=day).first()
    if existing is not None and existing.confirmed_at is not None:
        raise ValidationError(f"{day.month}月{day.day}日は確認済みのため変更できません。")
    if existing is not None:
        existing.delete()
        return False
    if WorkDay.objects.filter(
        appointment=appointment, day__year=day.year, day__month=day.month, confirmed_at__isnull=False
    ).exists():
        raise ValidationError(f"{day.month}月の稼動日は確認済みのため、追加できません。")
    if appointment.status != AppointmentStatus.ACTIVE:
        raise ValidationError("委嘱中の促進員ではないため、稼動日を記録できません。")
    if not appointment.term_start <= day <= appointment.term_end:
        raise ValidationError(f"{day.month}月{day.day}日は委嘱期間外です。")
    if not is_workable_day(day):
        raise ValidationError(f"{day.month}月{day.day}日（{unworkable_reason(day)}）は稼動日にできません。")
    limit = terms_for(appointment.fiscal_year).monthly_day_limit
    in_month = WorkDay.objects.filter(
        appointment=appointment, day__year=day.year, day__month=day.month
    ).count()
    if in_month >= limit:
        raise ValidationError(f"{day.month}月の稼動日は既に上限の{limit}日です。")
    WorkDay.objects.create(appointment=appointment, day=day, recorded_by=actor)
    return True


def month_confirmer_problem(actor: User, appointment: Appointment, days: Sequence[WorkDay]) -> str:
    """D-7 (内部牽制): why ``actor`` may not confirm these days, or "" if they may."""
    if appointment.person.user_id == actor.pk:
        return "自分の稼動日は確認できません。支部の別の職員が確認してください。"
    if any(day.recorded_by_id == actor.pk for day in days):
        return "自分で登録した稼動日は確認できません。登録していない職員が確認してください。"
    return ""


@transaction.atomic
def work_days_confirm(*, actor: User, appointment: Appointment, month: datetime.date) -> int:
    """A second person confirms a coordinator's days of ``month``; only confirmed days are paid (D-7)."""
    appointment = Appointment.objects.select_for_update().select_related("person").get(pk=appointment.pk)
    days = list(
        WorkDay.objects.filter(
            appointment=appointment, day__year=month.year, day__month=month.month, confirmed_at__isnull=True
        )
    )
    if not days:
        raise ValidationError(f"{month.month}月に確認を待つ稼動日はありません。")
    problem = month_confirmer_problem(actor, appointment, days)
    if problem:
        raise ValidationError(problem)
    now = timezone.now()
    WorkDay.objects.filter(pk__in=[d.pk for d in days]).update(confirmed_by=actor, confirmed_at=now)
    AuditEntry.record_event(
        "bulk_change",
        target=appointment,
        target_repr=f"{appointment.person.full_name} {wareki.year_month(month)} 稼動日{len(days)}日を確認",
        actor=actor,
        branch_id=appointment.branch_id,
        objects=[d.pk for d in days],
    )
    return len(days)


def work_days_to_confirm(appointments: QuerySet[Appointment]) -> list[tuple[Any, ...]]:
    """(appointment, month, days, oldest day) of coordinators' months with days not yet confirmed."""
    rows = (
        WorkDay.objects.filter(appointment__in=appointments, confirmed_at__isnull=True)
        .values_list("appointment", "day__year", "day__month")
        .annotate(days=Count("pk"), oldest=Min("day"))
        .order_by("oldest")
    )
    return list(rows)


def bank_choices() -> list[tuple[str, str]]:
    """Every bank as (code, name), for choosing a bank by code or by name."""
    return [(code, bank.name) for code, bank in Bank.all.items()]


def branch_choices(bank_code: str) -> list[tuple[str, str]]:
    bank = Bank.all.get(bank_code)
    return [(code, branch.name) for code, branch in bank.branches.items()] if bank else []


def bank_lookup(bank_code: str, branch_code: str) -> tuple[str, str]:
    """Bank and branch names from the Zengin code data; unknown codes are refused."""
    if not numbers.is_digits(bank_code, 4):
        raise ValidationError({"bank_code": "金融機関コードは4桁の数字です。"})
    if not numbers.is_digits(branch_code, 3):
        raise ValidationError({"branch_code": "支店コードは3桁の数字です。"})
    try:
        bank = Bank[bank_code]
    except KeyError:
        raise ValidationError({"bank_code": f"金融機関コード {bank_code} は登録されていません。"}) from None
    try:
        branch = bank.branches[branch_code]
    except KeyError:
        raise ValidationError(
            {"branch_code": f"{bank.name}に支店コード {branch_code} はありません。"}
        ) from None
    return bank.name, branch.name


def clean_bank_account(
    *, bank_code: str, branch_code: str, account_type: str, account_number: str, holder_name: str
) -> dict[str, str]:
    """Check and normalise a bank account's fields; raises ValidationError naming each bad field."""
    errors = {}
    names = ("", "")
    try:
        names = bank_lookup(bank_code, branch_code)
    except ValidationError as error:
        errors.update(error.message_dict)
    digits = numbers.digits(account_number)
    if not (numbers.is_digits(digits) and len(digits) <= 7):
        errors["account_number"] = ["口座番号は7桁以内の数字です。"]
    try:
        holder_kana = zengin.to_transfer_kana(holder_name)
    except zengin.TransferNameError as error:
        errors["holder_name"] = [str(error)]
    if errors:
        raise ValidationError(errors)
    return {
        "bank_code": bank_code,
        "bank_name": names[0],
        "branch_code": branch_code,
        "branch_name": names[1],
        "account_type": account_type,
        "account_number": digits.zfill(7),
        "holder_kana": holder_kana,
    }


@transaction.atomic
def bank_account_save(*, actor: User, person: Person, **fields: Any) -> BankAccount:
    values = clean_bank_account(**fields)
    account = BankAccount.objects.filter(person=person).first() or BankAccount(person=person)
    for name, value in values.items():
        setattr(account, name, value)
    account.save()
    return account


def bank_account_reveal(*, actor: User, account: BankAccount, request: HttpRequest | None = None) -> str:
    """The full account number, for HQ users with the payment permission; every reveal is audited."""
    if not actor.has_payment_permission:
        raise PermissionDenied("口座番号を表示する権限がありません。")
    AuditEntry.record_event(
        "account_reveal", target=account, actor=actor, request=request, branch_id=account.person.branch_id
    )
    return account.account_number
