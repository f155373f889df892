"""Pages for assigning businesses to promoters and instructors, their workload and areas, and their own list."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assignments import services
from assignments.models import Assignment
from councils import selection
from kit import versions
from lib import cities, numbers
from org import access, feedback
from org.models import Branch, FiscalYear
from org.roles import STAFF_ROLES, Role
from org.where import where
from people.models import Appointment
from roster.models import Business

READERS = (*STAFF_ROLES, Role.VIEWER)


def _selection(request: HttpRequest, branch: Branch, fiscal_year: FiscalYear, params) -> selection.Selection:
    businesses = access.visible(request.user, Business.objects.filter(branch=branch))
    return selection.select(
        businesses.select_related("assigned_to__person").order_by("city_code", "name"),
        params,
        fiscal_year=fiscal_year,
    )


@access.role_required(*READERS)
def assignment_list(request: access.AuthenticatedRequest) -> HttpResponse:
    place = where(request)
    branch, fiscal_year = place["branch"], place["fiscal_year"]
    chosen = _selection(request, branch, fiscal_year, request.GET)
    assignees = access.visible(request.user, services.active_field_appointments(branch, fiscal_year))
    waiting = selection.select(
        Business.objects.filter(branch=branch), {"assignee": selection.TO_REASSIGN}
    ).rows
    return render(
        request,
        "assignments/assignment_list.html",
        {
            **place,
            "selection": chosen,
            "matching": chosen.rows.count(),
            "page": Paginator(chosen.rows, 50).get_page(request.GET.get("page")),
            "menus": selection.choices(branch),
            "assignees": assignees,
            "waiting": waiting.count(),
            "may_write": access.may_change(request.user, Branch, branch.pk)
            and access.may_write(request.user, Assignment),
        },
    )


def _chosen_ids(request: HttpRequest, branch: Branch, fiscal_year: FiscalYear) -> list[int]:
    if request.POST.get("target") == "all":
        return list(_selection(request, branch, fiscal_year, request.POST).rows.values_list("pk", flat=True))
    return numbers.ids(request.POST.getlist("business"))


def _report(request: HttpRequest, result: services.Result) -> None:
    if result.total:
        people = "、".join(f"{a.person.full_name}さん {n:,}件" for a, n in result.assigned.items())
        messages.success(request, f"{result.total:,}件を割り当てました（{people}）。")
    if result.unchanged:
        messages.info(request, f"{result.unchanged:,}件は既に同じ担当者です。")
    for name, reason in result.refused[:20]:
        messages.error(request, f"{name}：{reason}")
    if len(result.refused) > 20:
        messages.error(request, f"ほか{len(result.refused) - 20:,}件も割り当てできませんでした。")
    if result.uncovered:
        names = sorted({b.city or "市区町村不明" for b in result.uncovered})
        messages.warning(
            request,
            f"担当地域の推進員がいない事業所が{len(result.uncovered):,}件あります（{'、'.join(names[:10])}）。"
            "担当地域を設定するか、個別に割り当ててください。",
        )


def _back(request: HttpRequest, branch: Branch, fiscal_year: FiscalYear) -> HttpResponse:
    query = f"branch={branch.pk}&year={fiscal_year.year}"
    return redirect(f"{reverse('assignment_list')}?{query}&{selection.query_string(request.POST)}")


@require_POST
@access.role_required(*STAFF_ROLES)
def assignment_assign(request: access.AuthenticatedRequest) -> HttpResponse:
    place = where(request)
    branch, fiscal_year = place["branch"], place["fiscal_year"]
    access.get_for_user(request.user, Branch.objects.all(), branch.pk, write=True)
    ids = _chosen_ids(request, branch, fiscal_year)
    chosen = numbers.key(request.POST.get("appointment"))
    people = access.visible(request.user, Appointment.objects.select_related("person", "branch"))
    appointment = people.filter(pk=chosen).first() if chosen is not None else None
    if not ids:
        messages.error(request, "割り当てる事業所を選んでください。")
    elif appointment is None:
        messages.error(
            request,
            "担当者が見つかりません。この支部の推進員・指導員を選んでください（他の支部の人員は選べません）。",
        )
    else:
        with feedback.errors_as_message(request) as done:
            result = services.assignments_assign(
                actor=request.user,
                branch=branch,
                fiscal_year=fiscal_year,
                business_ids=ids,
                appointment=appointment,
            )
        if done:
            _report(request, result)
    return _back(request, branch, fiscal_year)


@require_POST
@access.role_required(*STAFF_ROLES)
def assignment_split(request: access.AuthenticatedRequest) -> HttpResponse:
    place = where(request)
    branch, fiscal_year = place["branch"], place["fiscal_year"]
    access.get_for_user(request.user, Branch.objects.all(), branch.pk, write=True)
    ids = _chosen_ids(request, branch, fiscal_year)
    if not ids:
        messages.error(request, "割り当てる事業所を選んでください。")
    else:
        _report(
            request,
            services.assignments_split(
                actor=request.user, branch=branch, fiscal_year=fiscal_year, business_ids=ids
            ),
        )
    return _back(request, branch, fiscal_year)


@access.role_required(*READERS)
def workload(request: access.AuthenticatedRequest) -> HttpResponse:
    place = where(request)
    branch, fiscal_year = place["branch"], place["fiscal_year"]
    return render(
        request,
        "assignments/workload.html",
        {
            **place,
            "rows": services.workload(branch, fiscal_year),
        },
    )


@access.role_required(*STAFF_ROLES)
def areas_edit(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    appointment = access.get_for_user(
        request.user,
        Appointment.objects.select_related("person", "branch__prefecture", "fiscal_year"),
        pk,
        write=True,
    )
    if appointment.role not in services.FIELD_APPOINTMENTS:
        raise Http404("推進員・指導員の委嘱ではありません。")
    choices = cities.of_prefecture(appointment.branch.prefecture.name)
    current = set(appointment.areas.values_list("city_code", flat=True))
    shown, refusal = current, ""
    if request.method == "POST":
        chosen = {c.code for c in choices} & set(request.POST.getlist("city"))
        read = (versions.unsign(request.POST.get(versions.READ, "")) or {}).get("cities")
        try:
            services.areas_set(
                actor=request.user,
                appointment=appointment,
                cities=[(c.code, c.name) for c in choices if c.code in chosen],
                read=read if read is not None else ["（この画面は古い形式です）"],
            )
        except versions.Stale:
            # Shown again: this user's ticks and unticks on top of the areas as they are now.
            before = set(read or [])
            shown = (current | (chosen - before)) - (before - chosen)
            names = {c.code: c.name for c in choices}
            changes = [
                ("担当地域", f"{names.get(code, code)}を追加", False) for code in sorted(current - before)
            ]
            changes += [
                ("担当地域", f"{names.get(code, code)}を除外", False) for code in sorted(before - current)
            ]
            refusal = versions.message(None, None, changes)
        else:
            messages.success(
                request, f"{appointment.person.full_name}さんの担当地域を{len(chosen)}市区町村にしました。"
            )
            return redirect(
                f"{reverse('workload')}?branch={appointment.branch_id}&year={appointment.fiscal_year.year}"
            )
    return render(
        request,
        "assignments/areas_form.html",
        {
            "appointment": appointment,
            "choices": [(c, c.code in shown) for c in choices],
            "version_read": versions.sign({"cities": sorted(current)}),
            "refusal": refusal,
        },
    )
