"""Pages of the association registry, its membership rate and the consultation desk (R-ORG-3)."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from associations import rates, registry, services
from associations.forms import (
    AssociationForm,
    CloseForm,
    ConsultationForm,
    EmployerForm,
    ImportForm,
    IncidentForm,
    JoinForm,
    LeaveForm,
)
from associations.models import Consultation, EntrustingEmployer
from kit import imports
from lib import tables, wareki
from org import access, feedback
from org.forms import form_errors
from org.models import Association, AssociationStatus, Branch, FiscalYear
from org.roles import STAFF_ROLES, Role

READERS = (*STAFF_ROLES, Role.VIEWER)


def _associations(request: access.AuthenticatedRequest) -> QuerySet[Association]:
    return access.visible(request.user, Association.objects.select_related("branch__prefecture"))


def _day(request: access.AuthenticatedRequest) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()


@access.role_required(*READERS)
def association_list(request: access.AuthenticatedRequest) -> HttpResponse:
    associations = (
        _associations(request)
        .order_by("branch__prefecture__code", "sort_key", "pk")
        .annotate(
            # distinct: the join to the consultations below would otherwise count each employer again
            employers_now=Count("employers", filter=Q(employers__ended_on__isnull=True), distinct=True),
            last_consulted=Max("consultations__held_on"),
        )
    )
    member = request.GET.get("member", "")
    if member in {"1", "0"}:
        associations = associations.filter(is_member=member == "1")
    status = request.GET.get("status", "")
    if status in AssociationStatus.values:
        associations = associations.filter(status=status)
    if q := request.GET.get("q", "").strip():
        associations = associations.filter(Q(name__contains=q) | Q(name_kana__contains=q))
    page = Paginator(associations, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "associations/association_list.html",
        {
            "page": page,
            "q": q,
            "member": member,
            "status": status,
            "statuses": AssociationStatus.choices,
        },
    )


@access.role_required(*READERS)
def association_detail(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    association = access.get_for_user(request.user, _associations(request), pk)
    may_write = access.may_change(request.user, Association, association.pk)
    return render(
        request,
        "associations/association_detail.html",
        {
            "association": association,
            "memberships": association.memberships.order_by("joined_on"),
            "incidents": association.incidents.all(),
            "employers": association.employers.all(),
            "consultations": association.consultations.all(),
            "representatives": association.representatives.all(),
            # R-VIS-4: businesses that enrolled through this association after a promoter's visit.
            "introduced": association.introduced_enrolments.select_related("business").order_by(
                "-enrolled_on"
            )[:50],
            "may_write": may_write,
            "join_form": JoinForm(),
            "leave_form": LeaveForm(),
            "close_form": CloseForm(),
            "incident_form": IncidentForm(),
            "employer_form": EmployerForm(),
        },
    )


@access.role_required(*STAFF_ROLES, writes=Association)
def association_create(request: access.AuthenticatedRequest) -> HttpResponse:
    form = AssociationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        joined_on = form.cleaned_data["joined_on"]
        try:
            association = services.association_create(
                actor=request.user, association=form.save(commit=False), joined_on=joined_on
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, f"{association.name}を登録しました。")
            return redirect("association_detail", pk=association.pk)
    return render(request, "associations/association_form.html", {"form": form, "title": "事務組合の登録"})


@access.role_required(*STAFF_ROLES)
def association_edit(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    association = access.get_for_user(request.user, Association.objects.all(), pk, write=True)
    form = AssociationForm(request.POST or None, instance=association, user=request.user)
    if request.method == "POST" and form.save_current():
        messages.success(request, "登録内容を更新しました。")
        return redirect("association_detail", pk=association.pk)
    return render(
        request,
        "associations/association_form.html",
        {"form": form, "title": f"事務組合の編集：{association}"},
    )


def _step(request: access.AuthenticatedRequest, pk: int, form_class, act, done: str) -> HttpResponse:
    """A step on an association's page (join, leave, close, an incident, an employer)."""
    association = access.get_for_user(request.user, Association.objects.all(), pk, write=True)
    form = form_class(request.POST)
    feedback.form_step(request, form, lambda data: act(association, form), done)
    return redirect("association_detail", pk=association.pk)


@require_POST
@access.role_required(*STAFF_ROLES)
def association_join(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        JoinForm,
        lambda a, f: services.membership_join(actor=request.user, association=a, **f.cleaned_data),
        "入会を登録しました。",
    )


@require_POST
@access.role_required(*STAFF_ROLES)
def association_leave(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        LeaveForm,
        lambda a, f: services.membership_leave(actor=request.user, association=a, **f.cleaned_data),
        "退会を登録しました。",
    )


@require_POST
@access.role_required(*STAFF_ROLES)
def association_close(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        CloseForm,
        lambda a, f: services.association_close(actor=request.user, association=a, **f.cleaned_data),
        "解散・廃止を登録しました。",
    )


@require_POST
@access.role_required(*STAFF_ROLES)
def incident_add(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        IncidentForm,
        lambda a, f: services.incident_record(actor=request.user, association=a, **f.cleaned_data),
        "履歴を登録しました。この事務組合の代表者は推進員・指導員に委嘱できません（委嘱の要件）。",
    )


@require_POST
@access.role_required(*STAFF_ROLES)
def employer_add(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    def add(association: Association, form: EmployerForm) -> EntrustingEmployer:
        form.instance.association = association
        return form.save()

    return _step(request, pk, EmployerForm, add, "委託事業主を登録しました。")


@access.role_required(*READERS)
def consultation_list(request: access.AuthenticatedRequest) -> HttpResponse:
    branch = access.chosen_branch(request.user, request.GET.get("branch"))
    consultations = access.visible(
        request.user, Consultation.objects.filter(branch=branch).select_related("association")
    )
    page = Paginator(consultations, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "associations/consultation_list.html",
        {
            "page": page,
            "branch": branch,
            "branches": access.visible(request.user, Branch.objects.select_related("prefecture")),
        },
    )


@access.role_required(*STAFF_ROLES, writes=Consultation)
def consultation_create(request: access.AuthenticatedRequest) -> HttpResponse:
    branch = access.chosen_branch(request.user, request.GET.get("branch"))
    initial = {"held_on": timezone.localdate(), "association": request.GET.get("association")}
    form = ConsultationForm(request.POST or None, branch=branch, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.instance.branch, form.instance.recorded_by = branch, request.user
        form.save()
        messages.success(request, "相談記録を登録しました。")
        return redirect(f"{reverse('consultation_list')}?branch={branch.pk}")
    return render(
        request,
        "associations/association_form.html",
        {"form": form, "title": f"事務組合の相談記録の登録（{branch.name}）"},
    )


@access.role_required(*STAFF_ROLES, writes=Association)
def association_import(request: access.AuthenticatedRequest) -> HttpResponse:
    """Upload, preview with errors by row and column, then confirm: all rows or none."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = imports.read(upload)
        try:
            headers, rows = tables.read_table(upload.name, data)
            parsed = registry.parse_rows(headers, rows, user=request.user)
        except tables.TableError as error:
            form.add_error("file", str(error))
        else:
            request.session["association_import"] = {"token": imports.keep(data), "name": upload.name}
            return render(
                request,
                "associations/import_preview.html",
                {"preview": imports.preview(parsed), "name": upload.name},
            )
    return render(request, "associations/import_form.html", {"form": form, "columns": registry.COLUMNS})


@require_POST
@access.role_required(*STAFF_ROLES)
def association_import_confirm(request: access.AuthenticatedRequest) -> HttpResponse:
    pending = request.session.pop("association_import", None)
    data = imports.take(pending.get("token")) if pending else None
    if pending is None or data is None:
        messages.error(request, "取り込むファイルが見つかりません。もう一度アップロードしてください。")
        return redirect("association_import")
    with feedback.errors_as_message(request, others={tables.TableError: None}) as outcome:
        headers, rows = tables.read_table(pending["name"], data)
        created, updated = registry.import_rows(
            registry.parse_rows(headers, rows, user=request.user), actor=request.user
        )
    if not outcome:
        return redirect("association_import")
    messages.success(request, f"{created}件を新規登録し、{updated}件を更新しました。")
    return redirect("association_list")


@access.role_required(*READERS)
def association_export(request: access.AuthenticatedRequest, fmt: str) -> HttpResponse:
    rows = registry.export_rows(_associations(request))
    stamp = timezone.localtime().strftime("%Y%m%d")
    if fmt == "xlsx":
        body = tables.write_xlsx(registry.EXPORT_HEADERS, rows, title="事務組合名簿")
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = tables.write_csv(registry.EXPORT_HEADERS, rows)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="associations-{stamp}.{fmt}"; '
        f"filename*=UTF-8''%E4%BA%8B%E5%8B%99%E7%B5%84%E5%90%88%E5%90%8D%E7%B0%BF-{stamp}.{fmt}"
    )
    return response


@access.role_required(*READERS)
def membership_rate(request: access.AuthenticatedRequest) -> HttpResponse:
    """組織率 on a date: branches by block with subtotals and the nation (HQ), the trend, the
    non-members being approached and the year's new and leaving members."""
    day = _day(request)
    # The figures of every branch for HQ, of its own for a branch (as its associations are scoped).
    listed = Branch.objects.select_related("prefecture", "block")
    if not request.user.is_hq:
        listed = listed.filter(pk__in=[request.user.branch_id])
    branches = list(listed)
    ids = [b.pk for b in branches]
    fiscal_year = FiscalYear.objects.filter(year=wareki.fiscal_year_of(day)).first()
    joined, left = rates.movements(fiscal_year, ids) if fiscal_year else ([], [])
    non_members = (
        _associations(request)
        .filter(rates.existing(day), is_member=False)
        .annotate(last_consulted=Max("consultations__held_on"))
        .order_by("branch__prefecture__code", "-last_consulted", "name")
    )
    return render(
        request,
        "associations/membership_rate.html",
        {
            "day": day,
            "lines": rates.table(day, branches),
            "trend": rates.trend(day, ids),
            "non_members": non_members,
            "joined": joined,
            "left": left,
            "fiscal_year": fiscal_year,
        },
    )
