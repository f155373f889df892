"""Pages for fees: the rules of each fiscal year, and a promoter's monthly claims."""

import datetime
import re
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.models import AuditEntry
from fieldwork.services import field_appointment
from lib import numbers, wareki
from org import access, feedback
from org.models import Branch, FiscalYear
from org.navigation import safe_next
from org.roles import FIELD_ROLES, HQ_ROLES, STAFF_ROLES, Role
from org.where import where
from payments import batches, documents, services
from payments.forms import FeeRulesForm
from payments.models import BatchStatus, ClaimLine, ClaimStatus, Decision, FeeClaim, FeeRules, PaymentBatch
from people.models import CoordinatorTerms

READERS = (*STAFF_ROLES, Role.VIEWER)


@access.role_required(*READERS)
def rules_list(request: access.AuthenticatedRequest) -> HttpResponse:
    rules = {r.fiscal_year_id: r for r in FeeRules.objects.select_related("fiscal_year")}
    terms = {t.fiscal_year_id: t for t in CoordinatorTerms.objects.all()}
    years = [{"year": y, "rules": rules.get(y.pk), "terms": terms.get(y.pk)} for y in FiscalYear.offered()]
    return render(
        request,
        "payments/rules_list.html",
        {"years": years, "may_write": access.may_write(request.user, FeeRules)},
    )


def _rules_save(form, user) -> None:
    saved = form.save(commit=False)
    saved.updated_by = user
    saved.save()


@access.role_required(*READERS)
def rules_edit(request: access.AuthenticatedRequest, year: int) -> HttpResponse:
    """A year's rules: everyone in the office reads them, HQ sets them (R-FEE-3)."""
    fiscal_year = get_object_or_404(FiscalYear, year=year)
    rules = FeeRules.objects.filter(fiscal_year=fiscal_year).first()
    may_write = access.may_write(request.user, FeeRules)
    if request.method == "POST" and not may_write:
        raise PermissionDenied("支給基準を設定できるのは本部です。")
    instance = rules or FeeRules(fiscal_year=fiscal_year, paid_methods=["direct"])
    form = FeeRulesForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.save_current(lambda: _rules_save(form, request.user)):
        messages.success(request, f"{fiscal_year.label}の支給基準を保存しました。")
        return redirect("fee_rules")
    return render(
        request,
        "payments/rules_form.html",
        {"form": form, "fiscal_year": fiscal_year, "rules": rules, "may_write": may_write},
    )


@access.role_required(*FIELD_ROLES)
def claim_list(request: access.AuthenticatedRequest) -> HttpResponse:
    """A promoter's claims, and the month's to build: what each record earns, or why not."""
    fee_claims = access.visible(request.user, FeeClaim.objects.select_related("appointment__person"))
    return render(request, "payments/claim_list.html", {"claims": fee_claims, "today": timezone.localdate()})


@require_POST
@access.role_required(*FIELD_ROLES)
def claim_build(request: access.AuthenticatedRequest) -> HttpResponse:
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", request.POST.get("month", ""))
    if not match or not 1 <= int(match[2]) <= 12:
        messages.error(request, "対象月を選んでください。")
        return redirect("claim_list")
    year, month = int(match[1]), int(match[2])
    appointment = field_appointment(request.user, datetime.date(year, month, 1))
    if appointment is None:
        messages.error(request, f"{wareki.year_month(datetime.date(year, month, 1))}の委嘱が確認できません。")
        return redirect("claim_list")
    with feedback.errors_as_message(request) as done:
        claim = services.claim_assemble(appointment=appointment, year=year, month=month)
    if not done:
        return redirect("claim_list")
    return redirect("claim_detail", pk=claim.pk)


@access.role_required(*READERS, *FIELD_ROLES)
def claim_detail(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    claim = access.get_for_user(
        request.user,
        FeeClaim.objects.select_related("appointment__person", "appointment__branch", "rules"),
        pk,
    )
    lines = list(claim.lines.select_related("business", "batch", "reversal", "rules__fiscal_year", "visit"))
    for line in lines:
        line.claim = claim  # each line's month and year are read against its claim's
    if request.user.role not in FIELD_ROLES:
        conflicts = services.cap_conflicts(lines)
        for line in lines:
            line.conflicts = conflicts.get(line.pk, [])  # type: ignore[attr-defined]  # shown beside the line
    return render(
        request,
        "payments/claim_detail.html",
        {
            "claim": claim,
            "lines": lines,
            "total": sum(line.amount for line in lines),
            "tax": sum(line.tax for line in lines),
            "own": claim.appointment.person.user_id == request.user.pk,
            "may_review": claim.in_branch_review and access.may_change(request.user, FeeClaim, claim.pk),
            "may_decide": claim.in_hq_review and request.user.is_hq and not request.user.is_read_only,
            "may_correct": request.user.has_payment_permission,
        },
    )


@require_POST
@access.role_required(*FIELD_ROLES)
def claim_submit(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    claim = access.get_for_user(request.user, FeeClaim.objects.select_related("appointment__person"), pk)
    with feedback.errors_as_message(request) as done:
        services.claim_submit(actor=request.user, claim=claim)
    if done:
        messages.success(request, f"{wareki.year_month(claim.month)}分の支給申請を支部に提出しました。")
    return redirect("claim_detail", pk=claim.pk)


@access.role_required(*STAFF_ROLES)
def review_list(request: access.AuthenticatedRequest) -> HttpResponse:
    """The branch's claims waiting for review or sent, with the deadlines of R-FEE-4 and R-FEE-5."""
    place = where(request)
    fee_claims = (
        access.visible(request.user, FeeClaim.objects.filter(appointment__branch=place["branch"]))
        .exclude(status=ClaimStatus.DRAFT)
        .filter(month__range=(place["fiscal_year"].start, place["fiscal_year"].end))
        .select_related("appointment__person")
        .annotate(
            claimed=Sum("lines__amount"),
            pending=Count("lines", filter=Q(lines__amount__gt=0, lines__branch_decision=Decision.PENDING)),
            rejected=Count("lines", filter=Q(lines__branch_decision=Decision.REJECTED)),
        )
        .order_by("status", "-month", "appointment__person__full_name_kana")
    )
    return render(request, "payments/review_list.html", {**place, "claims": fee_claims})


def _back_to(request: HttpRequest, default: str = "review_list") -> HttpResponse:
    return redirect(safe_next(request, default))


def _chosen_lines(request: HttpRequest, lines, pending: dict):
    """The lines ticked one by one, and the undecided ones of the claims ticked as a whole."""
    line_ids = numbers.ids(request.POST.getlist("line"))
    claim_ids = numbers.ids(request.POST.getlist("claim"))
    return lines.filter(Q(pk__in=line_ids) | Q(claim__in=claim_ids, **pending))


LEFT_SHOWN = 20  # lines named in the message about the ones left for a colleague; the rest counted


def _decide(request: HttpRequest, decide, lines, done_label: str, default: str) -> HttpResponse:
    """Decide the chosen lines: every line the reviewer may (D-7), and the others named for a colleague."""
    with feedback.errors_as_message(request) as done:
        reviewed = decide(
            actor=request.user,
            lines=lines,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
        )
    if not done:
        return _back_to(request, default)
    if reviewed.decided or not reviewed.left:
        label = Decision(request.POST["decision"]).label
        messages.success(request, f"{reviewed.decided:,}件の明細を{done_label}{label}としました。")
    if reviewed.left:
        named = "、".join(reviewed.left[:LEFT_SHOWN])
        more = len(reviewed.left) - LEFT_SHOWN
        messages.warning(
            request,
            f"次の{len(reviewed.left):,}件は自分で記録・確認・提出したものなので審査していません（内部牽制）。"
            f"別の職員が審査してください：{named}" + (f" ほか{more:,}件" if more > 0 else ""),
        )
    return _back_to(request, default)


@require_POST
@access.role_required(*STAFF_ROLES)
def lines_review_view(request: access.AuthenticatedRequest) -> HttpResponse:
    """The branch accepts or rejects chosen lines, or every payable line of chosen claims at once."""
    lines = access.changeable(request.user, ClaimLine.objects.all())
    chosen = _chosen_lines(request, lines, {"branch_decision": Decision.PENDING})
    return _decide(request, services.lines_review, chosen, "", "review_list")


@require_POST
@access.role_required(*STAFF_ROLES)
def claims_send_view(request: access.AuthenticatedRequest) -> HttpResponse:
    ids = numbers.ids(request.POST.getlist("claim"))
    chosen = access.changeable(request.user, FeeClaim.objects.filter(pk__in=ids))
    with feedback.errors_as_message(request) as done:
        sent = services.claims_send(actor=request.user, fee_claims=chosen)
    if done:
        messages.success(request, f"{sent:,}件の支給申請を本部へ送付しました。")
    return _back_to(request)


@access.role_required(*HQ_ROLES)
def hq_review(request: access.AuthenticatedRequest) -> HttpResponse:
    """Claims the branches sent, nationwide or for one branch, for HQ's review and payment decision."""
    fee_claims = (
        FeeClaim.objects.filter(status__in=[ClaimStatus.SENT, ClaimStatus.DECIDED])
        .select_related("appointment__person", "appointment__branch")
        .annotate(
            accepted=Sum("lines__amount", filter=Q(lines__branch_decision=Decision.ACCEPTED)),
            pending=Count(
                "lines",
                filter=Q(
                    lines__amount__gt=0,
                    lines__branch_decision=Decision.ACCEPTED,
                    lines__hq_decision=Decision.PENDING,
                ),
            ),
        )
        .order_by("status", "appointment__branch__prefecture__code", "-month")
    )
    if (branch := numbers.key(request.GET.get("branch"))) is not None:
        fee_claims = fee_claims.filter(appointment__branch=branch)
    return render(
        request,
        "payments/hq_review.html",
        {
            "claims": fee_claims[:500],
            "branches": access.visible(request.user, Branch.objects.all()),
            "branch": branch,
        },
    )


@require_POST
@access.role_required(*HQ_ROLES)
def lines_decide_view(request: access.AuthenticatedRequest) -> HttpResponse:
    chosen = _chosen_lines(request, ClaimLine.objects.all(), {"hq_decision": Decision.PENDING})
    return _decide(request, services.lines_decide, chosen, "本部で", "hq_review")


@access.role_required(*HQ_ROLES, payment=True)
def batch_list(request: access.AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "payments/batch_list.html",
        {
            "batches": PaymentBatch.objects.select_related("fiscal_year", "created_by", "approved_by")[:50],
            "years": FiscalYear.offered(),
            "current": FiscalYear.for_date(today),
            "today": today,
        },
    )


@require_POST
@access.role_required(*HQ_ROLES, payment=True)
def batch_create(request: access.AuthenticatedRequest) -> HttpResponse:
    fiscal_year = FiscalYear.chosen(request.POST.get("year"))
    with feedback.errors_as_message(
        request, others={ValueError: "四半期と振込日を入力してください。"}
    ) as done:
        quarter = int(request.POST.get("quarter", ""))
        transfer_date = datetime.date.fromisoformat(request.POST.get("transfer_date", ""))
        batch = batches.batch_create(
            actor=request.user, fiscal_year=fiscal_year, quarter=quarter, transfer_date=transfer_date
        )
    if not done:
        return redirect("batch_list")
    messages.success(request, f"{batch}を作成しました。別の支払権限者が承認してください。")
    return redirect("batch_detail", pk=batch.pk)


@access.role_required(*HQ_ROLES, payment=True)
def batch_detail(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    batch = access.get_for_user(
        request.user, PaymentBatch.objects.select_related("fiscal_year", "created_by", "approved_by"), pk
    )
    rows = batches.totals(batch)
    return render(
        request,
        "payments/batch_detail.html",
        {
            "batch": batch,
            "totals": rows,
            "total": sum(r["amount"] for r in rows),
            "tax": sum(r["tax"] for r in rows),
            "payees": batches.payees(batch),
            "covered": documents.months_label(batch.covered_months),
        },
    )


@require_POST
@access.role_required(*HQ_ROLES, payment=True)
def batch_action(request: access.AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    """Approve, confirm or cancel a batch; each step re-checks who may take it."""
    batch = access.get_for_user(request.user, PaymentBatch.objects.all(), pk)
    steps = {
        "approve": (batches.batch_approve, "承認しました。"),
        "confirm": (batches.batch_confirm, "確定しました。振込ファイルをダウンロードできます。"),
        "cancel": (batches.batch_cancel, "取り消しました。明細は次のバッチで支払います。"),
    }
    step, said = steps[action]
    with feedback.errors_as_message(request) as done:
        step(actor=request.user, batch=batch)
    if not done:
        return redirect("batch_detail", pk=pk)
    messages.success(request, f"支払バッチを{said}")
    return redirect("batch_list") if action == "cancel" else redirect("batch_detail", pk=pk)


@access.role_required(*HQ_ROLES, payment=True)
def batch_file(request: access.AuthenticatedRequest, pk: int) -> FileResponse:
    batch = access.get_for_user(request.user, PaymentBatch.objects.filter(status=BatchStatus.CONFIRMED), pk)
    # The file holds every payee's full account number: each download is audited, as a reveal is.
    AuditEntry.record_event(
        "file_download",
        target=batch,
        target_repr=f"{batch} {batch.transfer_file}",
        actor=request.user,
        request=request,
    )
    return FileResponse(
        batches.transfer_path(batch).open("rb"),
        as_attachment=True,
        filename=batch.transfer_file,
        content_type="text/plain; charset=shift_jis",
    )


@access.role_required(*HQ_ROLES, payment=True)
def batch_document(request: access.AuthenticatedRequest, pk: int, fmt: str) -> HttpResponse:
    """The batch's payment statements (PDF) or its summary for accounting (Excel)."""
    batch = access.get_for_user(request.user, PaymentBatch.objects.select_related("fiscal_year"), pk)
    if fmt == "pdf":
        response = HttpResponse(documents.statements(batch), content_type="application/pdf")
        name = f"支払明細書_{batch.pk}.pdf"
    else:
        response = HttpResponse(
            documents.summary_workbook(batch),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"支払集計_{batch.pk}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@access.role_required(*READERS, *FIELD_ROLES)
def claim_pdf(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    claim = access.get_for_user(
        request.user,
        FeeClaim.objects.select_related("appointment__person", "appointment__branch", "rules"),
        pk,
    )
    response = HttpResponse(documents.claim_form(claim), content_type="application/pdf")
    name = f"支給申請書_{claim.appointment.person.full_name}_{claim.month:%Y%m}.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    return response


@require_POST
@access.role_required(*HQ_ROLES, payment=True)
def line_reverse_view(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    """Correct a paid line: a negative line joins the next batch (R-FEE-6, correction)."""
    line = access.get_for_user(request.user, ClaimLine.objects.all(), pk)
    with feedback.errors_as_message(request) as done:
        batches.line_reverse(actor=request.user, line=line, reason=request.POST.get("reason", ""))
    if done:
        messages.success(request, "訂正の明細を作成しました。次の支払バッチで差し引かれます。")
    return redirect("claim_detail", pk=line.claim_id)
