"""Pages for fees: the rules of each fiscal year, and a promoter's monthly claims."""

import datetime
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from fieldwork.services import field_appointment
from org import access
from org.models import FiscalYear
from org.roles import FIELD_ROLES, STAFF_ROLES, Role
from payments import services
from payments.forms import FeeRulesForm
from payments.models import FeeClaim, FeeRules
from people.models import CoordinatorTerms

READERS = (*STAFF_ROLES, Role.VIEWER)


@access.role_required(*READERS)
def rules_list(request: HttpRequest) -> HttpResponse:
    rules = {r.fiscal_year_id: r for r in FeeRules.objects.select_related("fiscal_year")}
    terms = {t.fiscal_year_id: t for t in CoordinatorTerms.objects.all()}
    years = [
        {"year": y, "rules": rules.get(y.pk), "terms": terms.get(y.pk)}
        for y in FiscalYear.objects.order_by("-year")
    ]
    return render(
        request,
        "payments/rules_list.html",
        {"years": years, "may_write": access.may_write(request.user, FeeRules)},
    )


@access.role_required(*READERS)
def rules_edit(request: HttpRequest, year: int) -> HttpResponse:
    """A year's rules: everyone in the office reads them, HQ sets them (R-FEE-3)."""
    fiscal_year = get_object_or_404(FiscalYear, year=year)
    rules = FeeRules.objects.filter(fiscal_year=fiscal_year).first()
    may_write = access.may_write(request.user, FeeRules)
    if request.method == "POST" and not may_write:
        raise PermissionDenied("支給基準を設定できるのは本部です。")
    instance = rules or FeeRules(fiscal_year=fiscal_year, paid_methods=["direct"])
    form = FeeRulesForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.updated_by = request.user
        saved.save()
        messages.success(request, f"{fiscal_year.label}の支給基準を保存しました。")
        return redirect("fee_rules")
    return render(
        request,
        "payments/rules_form.html",
        {"form": form, "fiscal_year": fiscal_year, "rules": rules, "may_write": may_write},
    )


@access.role_required(*FIELD_ROLES)
def claim_list(request: HttpRequest) -> HttpResponse:
    """A promoter's claims, and the month's to build: what each record earns, or why not."""
    claims_ = access.visible(request.user, FeeClaim.objects.select_related("appointment__person"))
    return render(request, "payments/claim_list.html", {"claims": claims_, "today": timezone.localdate()})


@require_POST
@access.role_required(*FIELD_ROLES)
def claim_build(request: HttpRequest) -> HttpResponse:
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", request.POST.get("month", ""))
    if not match or not 1 <= int(match[2]) <= 12:
        messages.error(request, "対象月を選んでください。")
        return redirect("claim_list")
    year, month = int(match[1]), int(match[2])
    appointment = field_appointment(request.user, datetime.date(year, month, 1))
    if appointment is None:
        messages.error(request, f"{year}年{month}月の委嘱が確認できません。")
        return redirect("claim_list")
    try:
        claim = services.claim_assemble(appointment=appointment, year=year, month=month)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("claim_list")
    return redirect("claim_detail", pk=claim.pk)


@access.role_required(*READERS, *FIELD_ROLES)
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access.get_for_user(
        request.user,
        FeeClaim.objects.select_related("appointment__person", "appointment__branch", "rules"),
        pk,
    )
    lines = list(claim.lines.select_related("business"))
    return render(
        request,
        "payments/claim_detail.html",
        {
            "claim": claim,
            "lines": lines,
            "total": sum(line.amount for line in lines),
            "tax": sum(line.tax for line in lines),
            "own": claim.appointment.person.user_id == request.user.pk,
        },
    )


@require_POST
@access.role_required(*FIELD_ROLES)
def claim_submit(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access.get_for_user(request.user, FeeClaim.objects.select_related("appointment__person"), pk)
    try:
        services.claim_submit(actor=request.user, claim=claim)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{claim.month:%Y年%m月}分の支給申請を支部に提出しました。")
    return redirect("claim_detail", pk=claim.pk)
