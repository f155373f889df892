"""Pages for fees: the rules of each fiscal year."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from org import access
from org.models import FiscalYear
from org.roles import STAFF_ROLES, Role
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
