"""Pages for the labour bureaus and their offices (R-ORG-4): master data a branch keeps for its own
prefecture, and that councils refer to."""

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from org import access
from org.forms import BureauForm, office_form
from org.models import EmploymentOffice, InspectionOffice, LabourBureau
from org.roles import STAFF_ROLES, Role


def _office_model(kind: str) -> type[InspectionOffice] | type[EmploymentOffice]:
    if kind == "inspection":
        return InspectionOffice
    if kind == "employment":
        return EmploymentOffice
    raise Http404("この種類の官署はありません。")


@access.role_required(*STAFF_ROLES, Role.VIEWER)
def bureau_list(request: access.AuthenticatedRequest) -> HttpResponse:
    bureaus = access.visible(
        request.user,
        LabourBureau.objects.select_related("prefecture").annotate(
            inspection=Count("inspection_offices", distinct=True),
            employment=Count("employment_offices", distinct=True),
        ),
    )
    return render(request, "org/bureau_list.html", {"bureaus": bureaus})


@access.role_required(*STAFF_ROLES, Role.VIEWER)
def bureau_detail(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    bureau = access.get_for_user(request.user, LabourBureau.objects.select_related("prefecture"), pk)
    return render(
        request,
        "org/bureau_detail.html",
        {
            "bureau": bureau,
            "inspection_offices": bureau.inspection_offices.all(),
            "employment_offices": bureau.employment_offices.all(),
        },
    )


@access.role_required(*STAFF_ROLES)
def bureau_edit(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    bureau = access.get_for_user(request.user, LabourBureau.objects.all(), pk, write=True)
    form = BureauForm(request.POST or None, instance=bureau)
    if request.method == "POST" and form.save_current():
        messages.success(request, f"{bureau.name}の連絡先を更新しました。")
        return redirect("bureau_detail", pk=bureau.pk)
    return render(request, "org/master_form.html", {"form": form, "title": f"労働局の編集：{bureau}"})


@access.role_required(*STAFF_ROLES)
def office_create(request: access.AuthenticatedRequest, pk: int, kind: str) -> HttpResponse:
    model = _office_model(kind)
    bureau = access.get_for_user(request.user, LabourBureau.objects.all(), pk, write=True)
    form = office_form(model)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.bureau = bureau
        office = form.save()
        messages.success(request, f"{office.name}を登録しました。")
        return redirect("bureau_detail", pk=bureau.pk)
    title = f"{model._meta.verbose_name}の登録（{bureau.name}）"
    return render(request, "org/master_form.html", {"form": form, "title": title})


@access.role_required(*STAFF_ROLES)
def office_edit(request: access.AuthenticatedRequest, kind: str, pk: int) -> HttpResponse:
    model = _office_model(kind)
    office = access.get_for_user(request.user, model.objects.select_related("bureau"), pk, write=True)
    form = office_form(model)(request.POST or None, instance=office)
    if request.method == "POST" and form.save_current():
        messages.success(request, f"{office.name}を更新しました。")
        return redirect("bureau_detail", pk=office.bureau_id)
    return render(
        request,
        "org/master_form.html",
        {"form": form, "title": f"{model._meta.verbose_name}の編集：{office}"},
    )
