"""The promoter's pages in the field: the worklist and recording a visit, also from a draft kept offline."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from assignments.services import active_field_appointments
from fieldwork import services
from fieldwork.forms import VisitForm
from fieldwork.models import Method, Visit
from org import access
from org.forms import form_errors
from org.roles import FIELD_ROLES
from roster.models import OPEN_STATUSES, Business

# Sent by static/js/issou.js when it posts a draft: the answer is JSON, not a page.
DRAFT_HEADER = "X-Issou-Draft"


@access.role_required(*FIELD_ROLES)
def worklist(request: HttpRequest) -> HttpResponse:
    """The promoter's businesses by area, with visits so far and the next action agreed."""
    last = Visit.objects.filter(business=OuterRef("pk")).order_by("-visited_on", "-pk")
    businesses = (
        access.visible(request.user, Business.objects.filter(status__in=OPEN_STATUSES))
        .annotate(
            visit_count=Count("visits", filter=Q(visits__method=Method.DIRECT)),
            next_action=Subquery(last.values("next_action")[:1]),
            next_on=Subquery(last.values("next_on")[:1]),
        )
        .order_by("city_code", "name")
    )
    q = request.GET.get("q", "").strip()
    if q:
        businesses = businesses.filter(
            Q(name__icontains=q) | Q(name_kana__icontains=q) | Q(address__icontains=q)
        )
    return render(request, "fieldwork/worklist.html", {"businesses": businesses, "q": q})


def _draft_response(request: HttpRequest, status: int, **data) -> HttpResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


@access.role_required(*FIELD_ROLES)
def visit_new(request: HttpRequest, pk: int) -> HttpResponse:
    business = access.get_for_user(request.user, Business.objects.select_related("branch"), pk)
    appointment = services.field_appointment(request.user)
    is_draft = request.headers.get(DRAFT_HEADER) == "1"
    if appointment is None:
        message = "今年度の委嘱が確認できないため、訪問を記録できません。支部にお問い合わせください。"
        if is_draft:
            return _draft_response(request, 400, errors={"__all__": [message]})
        messages.error(request, message)
        return redirect("worklist")
    companions = active_field_appointments(appointment.branch, appointment.fiscal_year).exclude(
        pk=appointment.pk
    )
    form = VisitForm(request.POST or None, companions=companions)
    if request.method == "POST" and form.is_valid():
        try:
            visit, new = services.visit_record(
                actor=request.user, appointment=appointment, business=business, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            text = (
                f"「{business.name}」への{visit.get_method_display()}を記録しました。"
                if new
                else "この訪問は記録済みです。"
            )
            messages.success(request, text)
            if is_draft:
                return _draft_response(request, 201 if new else 200, message=text, url=reverse("worklist"))
            return redirect("worklist")
    if is_draft:
        errors = {
            field: [f"{form.fields[field].label}：{e}" if field in form.fields else str(e) for e in errs]
            for field, errs in form.errors.items()
        }
        return _draft_response(request, 400, errors=errors)
    return render(
        request,
        "fieldwork/visit_form.html",
        {
            "form": form,
            "business": business,
            "visits": business.visits.select_related("appointment__person")[:5],
        },
    )
