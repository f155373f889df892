"""Field work pages: the worklist, visits (also from offline drafts), enrolments with evidence, activity and reports."""

import datetime
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assignments.services import active_field_appointments
from fieldwork import activity, documents, services
from fieldwork.forms import EnrolmentForm, VisitForm, evidence_files
from fieldwork.models import Enrolment, Evidence, EvidenceKind, Method, Outcome, Visit
from kit import fragments
from lib import numbers
from lib.fiscal import FISCAL_MONTHS
from org import access, feedback
from org.forms import form_errors
from org.models import Association, User
from org.roles import FIELD_ROLES, STAFF_ROLES, Role
from org.where import where
from people.models import Appointment
from roster import search
from roster.models import OPEN_STATUSES, Business, BusinessStatus

READERS = (*STAFF_ROLES, Role.VIEWER)
ACCEPT = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
# Sent by static/js/issou.js when it posts a draft: the answer is JSON, not a page.
DRAFT_HEADER = "X-Issou-Draft"


WORKLIST_PAGE = 30
# Every value fieldwork/worklist_card.html shows of a business: a card is kept under them (kit.fragments).
CARD_SHOWS = ("pk", "name", "address", "phone", "status", "visit_count", "next_action", "next_on")


def _open_businesses(user: User) -> QuerySet[Business]:
    return access.visible(user, Business.objects.filter(status__in=OPEN_STATUSES))


def _worklist_rows(user: User, q: str) -> QuerySet[Business]:
    """The user's open businesses by area, with visits so far and the next action agreed."""
    visits = Visit.objects.filter(business=OuterRef("pk"))
    last = visits.order_by("-visited_on", "-pk")
    # Read per row by subqueries (not a join grouped over the whole list): the page's 30 rows are
    # all that PostgreSQL reads them for, and the page count leaves them out.
    direct = (
        visits.filter(method=Method.DIRECT).order_by().values("business").annotate(n=Count("pk")).values("n")
    )
    businesses = (
        _open_businesses(user)
        .only("name", "address", "phone", "status", "city", "city_code")  # what the page shows
        .annotate(
            visit_count=Coalesce(Subquery(direct), 0),
            next_action=Subquery(last.values("next_action")[:1]),
            next_on=Subquery(last.values("next_on")[:1]),
        )
        .order_by("city_code", "name")
    )
    return search.matching(businesses, q)


def _worklist_version(user: User) -> dict[str, object]:
    """What changes whenever anything the user's worklist shows does: which businesses it holds
    (how many, their ids) and the latest change to one — recording a visit changes its business
    (fieldwork.services.visit_record); one query over the user's businesses alone."""
    return _open_businesses(user).aggregate(businesses=Count("pk"), ids=Sum("pk"), changed=Max("updated_at"))


def _worklist_listing(user: User, q: str, number: str) -> dict[str, object]:
    # A page a phone can show at once; a promoter of a whole city holds a few hundred.
    page = Paginator(_worklist_rows(user, q), WORKLIST_PAGE).get_page(number)
    context = {
        "page": page,
        "cards": fragments.rendered_rows("fieldwork/worklist_card.html", page, CARD_SHOWS, name="b"),
        "query": urlencode({"q": q}) if q else "",
        "q": q,
    }
    return {"count": page.paginator.count, "html": render_to_string("fieldwork/worklist_list.html", context)}


@access.role_required(*FIELD_ROLES)
def worklist(request: access.AuthenticatedRequest) -> HttpResponse:
    """The promoter's businesses by area, with visits so far and the next action agreed."""
    user, q, number = request.user, request.GET.get("q", "").strip(), request.GET.get("page", "")
    # Kept between visits: reading it again costs one small query instead of the page's rows.
    listing = fragments.kept(
        "worklist", (user.pk, q, number, _worklist_version(user)), lambda: _worklist_listing(user, q, number)
    )
    return render(
        request,
        "fieldwork/worklist.html",
        {
            "listing": listing,
            "q": q,
            "today": timezone.localdate(),
        },
    )


def _draft_response(request: HttpRequest, status: int, **data) -> HttpResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


@access.role_required(*FIELD_ROLES)
def visit_new(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    business = access.get_for_user(request.user, Business.objects.select_related("branch"), pk)
    appointment = services.field_appointment(request.user)
    is_draft = request.headers.get(DRAFT_HEADER) == "1"
    if appointment is None:
        message = "今年度の委嘱が確認できないため、訪問を記録できません。支部にお問い合わせください。"
        if is_draft:
            return _draft_response(request, 400, errors={"__all__": [message]})
        messages.error(request, message)
        return redirect("worklist")
    # Instructors first: they are the ones who accompany promoters (R-PPL-9).
    companions = (
        active_field_appointments(appointment.branch, appointment.fiscal_year)
        .exclude(pk=appointment.pk)
        .order_by("role", "person__full_name_kana", "pk")  # "instructor" sorts before "promoter"
    )
    form = VisitForm(request.POST or None, companions=companions, owner=request.user)
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
            # An enrolment reported on the visit is recorded next, with its evidence.
            follow = "worklist"
            if new and visit.outcome == Outcome.ENROLLED and business.status != BusinessStatus.ENROLLED:
                text += " 続けて保険関係成立を記録してください。"
                follow = reverse("enrolment_new", args=[business.pk])
            messages.success(request, text)
            if is_draft:
                return _draft_response(request, 201 if new else 200, message=text, url=resolve_url(follow))
            return redirect(follow)
    if is_draft:
        return _draft_response(request, 400, errors=feedback.labelled_errors(form))
    return render(
        request,
        "fieldwork/visit_form.html",
        {
            "form": form,
            "business": business,
            "visits": business.visits.select_related("appointment__person")[:5],
        },
    )


@access.role_required(*FIELD_ROLES, *STAFF_ROLES)
def enrolment_new(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record an enrolment with its evidence; a promoter for their own businesses, staff for the branch's."""
    # A promoter reaches their own businesses by assignment; office staff need the right to change.
    business = access.get_for_user(
        request.user,
        Business.objects.select_related("branch", "prefecture"),
        pk,
        write=request.user.role not in FIELD_ROLES,
    )
    appointment = (
        services.field_appointment(request.user) if request.user.role in FIELD_ROLES else business.assigned_to
    )
    associations = Association.objects.filter(branch=business.branch).order_by("sort_key")
    form = EnrolmentForm(
        request.POST or None,
        associations=associations,
        owner=request.user,
        initial={"enrolled_on": timezone.localdate()},
    )
    is_draft = request.headers.get(DRAFT_HEADER) == "1"
    if request.method == "POST" and form.is_valid():
        try:
            enrolment, new = services.enrolment_draft_record(
                actor=request.user,
                business=business,
                appointment=appointment,
                files=evidence_files(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            business.refresh_from_db(fields=["status"])
            missing = business.missing_insurance
            text = f"「{business.name}」の保険関係成立を記録しました。" if new else "この成立は記録済みです。"
            if new and missing:
                text += f"{missing}は未手続のため「一部成立」として名簿に残り、引き続き加入勧奨の対象です。"
            messages.success(request, text)
            if is_draft:
                url = reverse("enrolment_detail", args=[enrolment.pk])
                return _draft_response(request, 201 if new else 200, message=text, url=url)
            return redirect("enrolment_detail", pk=enrolment.pk)
    if is_draft:
        return _draft_response(request, 400, errors=feedback.labelled_errors(form))
    return render(
        request,
        "fieldwork/enrolment_form.html",
        {
            "form": form,
            "business": business,
            "checkboxes": [
                form[name]
                for name in ("filed_electronically", "bureau_guidance", "ex_officio", "one_insurance_only")
            ],
            "evidence_kinds": EvidenceKind.choices,
            "accept": ACCEPT,
            # A promoter's form is kept on the phone where the network drops; the office's is not.
            "offline": request.user.role in FIELD_ROLES,
        },
    )


@access.role_required(*READERS, *FIELD_ROLES)
def enrolment_detail(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    enrolment = access.get_for_user(
        request.user, Enrolment.objects.select_related("business", "association", "appointment__person"), pk
    )
    return render(
        request,
        "fieldwork/enrolment_detail.html",
        {
            "enrolment": enrolment,
            "evidence": enrolment.evidence.all(),
            "checklist": enrolment.evidence_checklist(),
            "evidence_kinds": EvidenceKind.choices,
            "accept": ACCEPT,
            # A promoter's form is kept on the phone where the network drops; the office's is not.
            "offline": request.user.role in FIELD_ROLES,
            "may_upload": request.user.role in (*FIELD_ROLES, *STAFF_ROLES) and not request.user.is_read_only,
            "may_confirm": request.user.role in STAFF_ROLES
            and access.may_change(request.user, Enrolment, enrolment.pk),
        },
    )


@require_POST
@access.role_required(*FIELD_ROLES, *STAFF_ROLES)
def evidence_upload(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    enrolment = access.get_for_user(request.user, Enrolment.objects.all(), pk)
    files = evidence_files(request)
    if not files:
        messages.error(request, "ファイルを選んでください。")
    else:
        with feedback.errors_as_message(request) as done:
            added = services.evidence_add(actor=request.user, enrolment=enrolment, files=files)
        if done:
            messages.success(request, f"証拠書類を{added}件追加しました。")
    return redirect("enrolment_detail", pk=enrolment.pk)


@access.role_required(*READERS, *FIELD_ROLES)
def evidence_file(request: access.AuthenticatedRequest, pk: int) -> FileResponse:
    # Always downloaded, never shown inline (kit.files).
    return access.get_for_user(request.user, Evidence.objects.all(), pk).download()


@require_POST
@access.role_required(*STAFF_ROLES)
def enrolment_confirm(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    enrolment = access.get_for_user(request.user, Enrolment.objects.all(), pk, write=True)
    with feedback.errors_as_message(request) as done:
        services.koyou_confirm(actor=request.user, enrolment=enrolment)
    if done:
        messages.success(request, "雇用保険の手続を確認しました。")
    return redirect("enrolment_detail", pk=enrolment.pk)


@access.role_required(*READERS)
def activity_page(request: access.AuthenticatedRequest) -> HttpResponse:
    """A branch's visits and enrolments of the year by promoter, city and month, with each report."""
    place = where(request)
    branch, fiscal_year = place["branch"], place["fiscal_year"]
    month = numbers.key(request.GET.get("month"))
    figures = activity.activity(branch, fiscal_year, month if month in range(1, 13) else None)
    people = {
        a.pk: a
        for a in access.visible(
            request.user, Appointment.objects.filter(pk__in=list(figures["people"]))
        ).select_related("person")
    }
    order = sorted(people, key=lambda pk: people[pk].person.full_name_kana)
    report_year = fiscal_year.year + (1 if month and month < 4 else 0)
    return render(
        request,
        "fieldwork/activity.html",
        {
            **place,
            "month": month,
            "months": FISCAL_MONTHS,
            "report_year": report_year,
            "people": [
                {**row, "appointment": people[row["key"]]}
                for row in activity.rows(
                    figures["people"], {pk: str(a.person) for pk, a in people.items()}, order
                )
            ],
            "cities": activity.rows(
                figures["cities"],
                {},
                sorted(figures["cities"], key=lambda c: -figures["cities"][c]["direct"]),
            ),
            "by_month": activity.month_rows(figures["months"]),
            "totals": figures["totals"],
        },
    )


@access.role_required(*READERS, *FIELD_ROLES)
def outreach_report(request: access.AuthenticatedRequest, pk: int, year: int, month: int) -> HttpResponse:
    appointment = access.get_for_user(
        request.user, Appointment.objects.select_related("person", "branch"), pk
    )
    if not 1 <= month <= 12:
        raise Http404("月の指定が正しくありません。")
    return _report_response(appointment, year, month)


@access.role_required(*FIELD_ROLES)
def my_outreach_report(request: access.AuthenticatedRequest, year: int, month: int) -> HttpResponse:
    """The promoter's own report of a month (the worklist's link), by their appointment of that month."""
    if not 1 <= month <= 12:
        raise Http404("月の指定が正しくありません。")
    appointment = services.field_appointment(request.user, datetime.date(year, month, 1))
    if appointment is None:
        messages.error(
            request, "この月の委嘱が確認できないため、報告書を作成できません。支部にお問い合わせください。"
        )
        return redirect("worklist")
    return _report_response(appointment, year, month)


def _report_response(appointment: Appointment, year: int, month: int) -> HttpResponse:
    body = documents.outreach_report(appointment, year, month)
    response = HttpResponse(body, content_type="application/pdf")
    name = f"加入勧奨状況報告書_{appointment.person.full_name}_{year}{month:02d}.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    return response
