"""Pages for fees: the rules of each fiscal year, and what a promoter's month would claim."""

import datetime
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from fieldwork.services import field_appointment
from org import access
from org.models import FiscalYear
from org.roles import FIELD_ROLES, STAFF_ROLES, Role
from payments import claims
from payments.forms import FeeRulesForm
from payments.models import FeeRules
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
def claim_preview(request: HttpRequest) -> HttpResponse:
    """What the month's claim would hold: each line with its fee and tax, or why it earns none."""
    today = timezone.localdate()
    year, month = today.year, today.month
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})", request.GET.get("month", "")):
        year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise Http404("月の指定が正しくありません。")
    appointment = field_appointment(request.user, datetime.date(year, month, 1))
    preview = claims.month_preview(appointment, year, month) if appointment else None
    return render(
        request,
        "payments/claim_preview.html",
        {
            "preview": preview,
            "appointment": appointment,
            "year": year,
            "month": month,
            "day": datetime.date(year, month, 1),
        },
    )
