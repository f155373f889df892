"""Quarterly payment batches (R-FEE-6): gather, approve by a second person, confirm with the transfer file.

No line is paid twice: a batch takes lines with one UPDATE … WHERE batch IS NULL, so concurrent
batches never share one (PostgreSQL re-checks the condition on rows another transaction changed),
and coordinators' pay is unique per person and month. Confirming commits the batch first and then
writes its transfer file whole (a temporary name, synced, renamed); a file missing after a crash is
built again from the same data, so a file exists only for a confirmed batch and is never half.
"""

import os
from collections import Counter, defaultdict
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from kit.text import fill, fit
from lib import wareki, zengin
from org import access
from org.models import FiscalYear, User
from payments.models import ACCOUNT_CODES, BatchStatus, ClaimLine, CoordinatorPay, Decision, PaymentBatch
from people.models import AppointmentRole, BankAccount, Person, WorkDay
from people.services import terms_for

TRANSFER_DIR = Path(settings.VAR_DIR) / "files" / "transfers"


@transaction.atomic
def batch_create(*, actor: User, fiscal_year: FiscalYear, quarter: int, transfer_date) -> PaymentBatch:
    """Gather every line of the year HQ decided to pay and no batch holds, up to the quarter's end,
    and the coordinators' pay of the quarter's months."""
    access.require_payment_permission(actor)
    if quarter not in (1, 2, 3, 4):
        raise ValidationError("四半期は1〜4です。")
    batch = PaymentBatch(
        fiscal_year=fiscal_year, quarter=quarter, transfer_date=transfer_date, created_by=actor
    )
    first, last = batch.months
    if transfer_date <= last:
        raise ValidationError(
            {
                "transfer_date": f"振込日（{wareki.format_date(transfer_date)}）は、第{quarter}四半期の末日"
                f"（{wareki.format_date(last)}）より後の日付にしてください（四半期ごとの支払は期末の後です）。"
            }
        )
    if reason := zengin.not_a_bank_day(transfer_date):
        raise ValidationError(
            {
                "transfer_date": f"振込日（{wareki.format_date(transfer_date)}）は{reason}のため振り込めません。"
                "金融機関の営業日を指定してください。"
            }
        )
    batch.save()
    # A claim is paid from its own fiscal year (R-FEE-5: March's claims stay in their year), so a
    # batch takes only its year's claims; a correction is deducted from the next payment, whatever year.
    taken = (
        ClaimLine.objects.filter(batch=None, branch_decision=Decision.ACCEPTED, hq_decision=Decision.ACCEPTED)
        .filter(Q(claim__month__range=(fiscal_year.start, last)) | Q(reversal_of__isnull=False))
        .update(batch=batch)
    )
    rate = terms_for(fiscal_year).daily_rate
    paid = set(CoordinatorPay.objects.filter(month__range=(first, last)).values_list("appointment", "month"))
    # D-7: a month is paid once a second person has confirmed every one of its days.
    worked = (
        WorkDay.objects.filter(appointment__role=AppointmentRole.COORDINATOR, day__range=(first, last))
        .values_list("appointment", "day__year", "day__month")
        .annotate(days=Count("pk"), unconfirmed=Count("pk", filter=Q(confirmed_at__isnull=True)))
        .filter(unconfirmed=0)
        .values_list("appointment", "day__year", "day__month", "days")
    )
    pays = []
    for appointment, year, month, days in worked:
        month_start = first.replace(year=year, month=month)
        if (appointment, month_start) not in paid:
            pays.append(
                CoordinatorPay(
                    appointment_id=appointment,
                    month=month_start,
                    days=days,
                    daily_rate=rate,
                    amount=days * rate,
                    batch=batch,
                )
            )
    CoordinatorPay.objects.bulk_create(pays, ignore_conflicts=True)
    if not taken and not batch.coordinator_pay.exists():
        raise ValidationError(
            "支払う明細がありません（本部で支給決定された未払の明細・促進員の稼動がありません）。"
        )
    return batch


def totals(batch: PaymentBatch) -> list[dict]:
    """Amounts per branch and account code (区分経理, R-FEE-7), tax part included."""
    table: dict = defaultdict(lambda: {"amount": 0, "tax": 0, "count": 0})
    fees = (
        batch.lines.values_list("claim__appointment__branch__name", "kind")
        .annotate(amount=Sum("amount"), tax=Sum("tax"), count=Count("pk"))
        .order_by()
    )
    pay = (
        batch.coordinator_pay.values_list("appointment__branch__name")
        .annotate(amount=Sum("amount"), count=Count("pk"))
        .order_by()
    )
    for branch, kind, amount, tax, count in fees:
        _add(table[(branch, *ACCOUNT_CODES[kind])], amount, tax, count)
    for branch, amount, count in pay:
        _add(table[(branch, *ACCOUNT_CODES["coordinator"])], amount, 0, count)
    return [{"branch": b, "code": c, "account": n, **v} for (b, c, n), v in sorted(table.items())]


def _add(row: dict, amount: int, tax: int, count: int) -> None:
    row["amount"] += amount
    row["tax"] += tax
    row["count"] += count


def payees(batch: PaymentBatch) -> list[dict]:
    """One row per person paid: their fees and pay summed, and the account it goes to."""
    amounts: Counter = Counter()
    for person, amount in (
        batch.lines.values_list("claim__appointment__person").annotate(amount=Sum("amount")).order_by()
    ):
        amounts[person] += amount
    for person, amount in (
        batch.coordinator_pay.values_list("appointment__person").annotate(amount=Sum("amount")).order_by()
    ):
        amounts[person] += amount
    people = Person.objects.in_bulk(amounts)
    accounts = {a.person_id: a for a in BankAccount.objects.filter(person__in=amounts)}
    return [
        {"person": people[pk], "amount": amount, "account": accounts.get(pk)}
        for pk, amount in sorted(amounts.items())
    ]


@transaction.atomic
def batch_approve(*, actor: User, batch: PaymentBatch) -> None:
    """A second person with the payment permission approves the totals (内部牽制, R-FEE-7)."""
    access.require_payment_permission(actor)
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.created_by_id == actor.pk:
        raise ValidationError("バッチを作成した本人は承認できません。別の支払権限者が承認してください。")
    if not batch.can_approve:
        raise ValidationError("このバッチは承認待ちではありません。")
    batch.move_to(BatchStatus.APPROVED, approved_by=actor, approved_at=timezone.now())


def _transfer_body(batch: PaymentBatch) -> bytes:
    """The batch's Zengin file, from its lines and pay alone: the same bytes whenever it is built."""
    rows = payees(batch)
    missing = [row["person"].full_name for row in rows if row["account"] is None]
    if missing:
        raise ValidationError(f"振込口座が登録されていません：{'、'.join(missing[:10])}")
    requester = zengin.Requester(**settings.ZENGIN_REQUESTER)
    try:
        return zengin.transfer_file(
            requester,
            batch.transfer_date,
            [
                zengin.Payment(
                    row["account"].bank_code,
                    names[0],
                    row["account"].branch_code,
                    names[1],
                    row["account"].account_type,
                    row["account"].account_number,
                    row["account"].holder_kana,
                    row["amount"],
                    f"{row['person'].pk:010d}",
                )
                for row in rows
                if row["amount"] > 0
                for names in [zengin.transfer_names(row["account"].bank_code, row["account"].branch_code)]
            ],
        )
    except zengin.TransferFileError as error:
        raise ValidationError(str(error)) from None


def _file_name(batch: PaymentBatch) -> str:
    return f"furikomi-{batch.pk:06d}-{batch.transfer_date:%Y%m%d}.txt"


def _write_whole(path: Path, body: bytes) -> None:
    """Write under a temporary name, on disk before anything depends on it, then rename: the file
    under its own name is always whole."""
    temporary = path.with_name(f".{path.name}.partial")
    with temporary.open("wb") as handle:
        handle.write(body)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def batch_confirm(*, actor: User, batch: PaymentBatch) -> Path:
    """Confirm an approved batch: its lines are paid for good, and its transfer file is written.

    The confirmation is committed first; the file is then written whole under its name. A process
    killed in between leaves a confirmed batch without its file, which ``transfer_path`` builds again
    from the same data (the same bytes): there is never a file for a batch that is not confirmed, and
    never half a file.
    """
    access.require_payment_permission(actor)
    _transfer_body(batch)  # refuse before confirming: a payee without an account, a bad name
    with transaction.atomic():
        locked = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        if not locked.can_confirm:
            raise ValidationError(
                "このバッチは確定済みです。" if locked.is_confirmed else "承認されていません。"
            )
        locked.move_to(BatchStatus.CONFIRMED, confirmed_at=timezone.now(), transfer_file=_file_name(locked))
    return transfer_path(locked)


def transfer_path(batch: PaymentBatch) -> Path:
    """A confirmed batch's transfer file, written (again) if it is missing."""
    if not batch.is_confirmed:
        raise ValidationError("確定していないバッチの振込ファイルはありません。")
    path = TRANSFER_DIR / batch.transfer_file
    if not path.exists():
        TRANSFER_DIR.mkdir(parents=True, exist_ok=True)
        _write_whole(path, _transfer_body(batch))
    return path


@transaction.atomic
def batch_cancel(*, actor: User, batch: PaymentBatch) -> None:
    """Give up a batch not yet confirmed: its lines and pay wait for the next one."""
    access.require_payment_permission(actor)
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if not batch.can_cancel:
        raise ValidationError("確定したバッチは取り消せません（誤りは次のバッチで訂正します）。")
    batch.lines.update(batch=None)
    batch.coordinator_pay.all().delete()
    batch.delete()


@transaction.atomic
def line_reverse(*, actor: User, line: ClaimLine, reason: str) -> ClaimLine:
    """Correct a paid line by a negative line paid in a later batch; the paid line is never edited."""
    access.require_payment_permission(actor)
    if not reason.strip():
        raise ValidationError("訂正の理由を入力してください。")
    line = ClaimLine.objects.select_for_update(of=("self",)).select_related("batch").get(pk=line.pk)
    if line.batch is None or not line.batch.is_confirmed:
        raise ValidationError("支払済みの明細だけを訂正できます（未払の明細は審査で差し戻します）。")
    if line.amount <= 0:
        raise ValidationError("訂正の明細は訂正できません。")
    if ClaimLine.objects.filter(reversal_of=line).exists():
        raise ValidationError("この明細は既に訂正されています。")
    now = timezone.now()
    return ClaimLine.objects.create(
        claim=line.claim,
        kind=line.kind,
        business=line.business,
        day=line.day,
        rules=line.rules,
        description=fill(ClaimLine, "description", "訂正（{reason}）", reason=reason.strip()),
        amount=-line.amount,
        tax=-line.tax,
        branch_decision=Decision.ACCEPTED,
        branch_by=actor,
        branch_at=now,
        hq_decision=Decision.ACCEPTED,
        hq_reason=fit(ClaimLine, "hq_reason", reason.strip()),
        hq_by=actor,
        hq_at=now,
        reversal_of=line,
    )
