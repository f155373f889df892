"""Pages for appointments: requests, HQ decisions, pledges, revocation, renewal, letters and ID cards."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lib import numbers
from org import access, feedback
from org.forms import form_errors
from org.models import FiscalYear
from org.roles import HQ_ROLES, STAFF_ROLES, Role
from people import documents, services
from people.forms import AppointmentFilterForm, AppointmentRequestForm, DecisionForm, PledgeForm, RevokeForm
from people.models import Appointment, AppointmentStatus, Person

READERS = (*STAFF_ROLES, Role.VIEWER)


def _appointments(request):
    return access.visible(
        request.user, Appointment.objects.select_related("person", "branch__prefecture", "fiscal_year")
    )


def _filtered(request, data) -> tuple:
    appointments = _appointments(request)
    filters = AppointmentFilterForm(data or None, user=request.user)
    if filters.is_valid():
        wanted = filters.cleaned_data
        if wanted["year"]:
            appointments = appointments.filter(fiscal_year=wanted["year"])
        if wanted["role"]:
            appointments = appointments.filter(role=wanted["role"])
        if wanted["status"]:
            appointments = appointments.filter(status=wanted["status"])
        if wanted["branch"]:
            appointments = appointments.filter(branch=wanted["branch"])
    return appointments, filters


def _selected(request) -> list[Appointment]:
    """The appointments ticked on the list, or every one the list's filter shows (all=1).

    Either way each is fetched through the user's scope: ids of another branch are ignored.
    """
    if request.POST.get("all") == "1":
        return list(_filtered(request, request.POST)[0])
    ids = numbers.ids(request.POST.getlist("ids"))
    return list(_appointments(request).filter(pk__in=ids))


@access.role_required(*READERS)
def appointment_list(request: access.AuthenticatedRequest) -> HttpResponse:
    appointments, filters = _filtered(request, request.GET)
    page = Paginator(appointments, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "people/appointment_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "is_hq": request.user.role in HQ_ROLES,
            "may_write": access.may_write(request.user, Appointment),
        },
    )


@access.role_required(*STAFF_ROLES)
def appointment_request(request: access.AuthenticatedRequest, person_pk: int) -> HttpResponse:
    person = access.get_for_user(request.user, Person.objects.all(), person_pk, write=True)
    form = AppointmentRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appointment = services.appointment_request(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, f"{appointment}を本部に申請しました。")
            return redirect("appointment_detail", pk=appointment.pk)
    return render(request, "people/appointment_request.html", {"form": form, "person": person})


@access.role_required(*READERS, Role.PROMOTER, Role.INSTRUCTOR)
def appointment_detail(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    appointment = access.get_for_user(request.user, _appointments(request), pk)
    is_hq = request.user.role in HQ_ROLES
    return render(
        request,
        "people/appointment_detail.html",
        {
            "appointment": appointment,
            "pledge_form": PledgeForm(initial={"pledge_signed_on": appointment.pledge_signed_on}),
            "decision_form": DecisionForm() if is_hq else None,
            "revoke_form": RevokeForm() if is_hq else None,
            "may_write": access.may_change(request.user, Appointment, pk),
            "pledge_refusal": services.pledge_refusal(request.user, appointment.role),
        },
    )


@require_POST
@access.role_required(*STAFF_ROLES)
def appointment_pledge(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    appointment = access.get_for_user(request.user, Appointment.objects.all(), pk, write=True)
    form = PledgeForm(request.POST)
    with feedback.errors_as_message(request) as done:
        if not form.is_valid():
            raise ValidationError("誓約書の提出日を正しく入力してください。")
        services.appointment_record_pledge(
            actor=request.user, appointment=appointment, signed_on=form.cleaned_data["pledge_signed_on"]
        )
    if done:
        messages.success(request, "誓約書の提出日を登録しました。")
    return redirect("appointment_detail", pk=pk)


@require_POST
@access.role_required(*HQ_ROLES)
def appointment_decide(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    appointment = access.get_for_user(request.user, Appointment.objects.all(), pk, write=True)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "委嘱日を正しく入力してください。")
        return redirect("appointment_detail", pk=pk)
    with feedback.errors_as_message(request) as done:
        failures = services.appointment_decide(
            actor=request.user, appointment=appointment, appointed_on=form.cleaned_data["appointed_on"]
        )
    if done:
        if failures:
            messages.error(request, "委嘱できません。満たしていない要件：" + "／".join(failures))
        else:
            messages.success(request, "委嘱しました。")
    return redirect("appointment_detail", pk=pk)


@require_POST
@access.role_required(*HQ_ROLES)
def appointment_decide_bulk(request: access.AuthenticatedRequest) -> HttpResponse:
    """HQ decides many requests at once; each is appointed, refused with reasons, or left waiting."""
    form = DecisionForm(request.POST)
    appointed_on = form.cleaned_data["appointed_on"] if form.is_valid() else None
    if appointed_on is None:
        messages.error(request, "委嘱日を正しく入力してください。")
        return redirect("appointment_list")
    appointed, refused, waiting = 0, [], []
    for appointment in _selected(request):
        try:
            failures = services.appointment_decide(
                actor=request.user, appointment=appointment, appointed_on=appointed_on
            )
        except ValidationError as error:
            waiting.append(f"{appointment.person}：{' '.join(error.messages)}")
            continue
        if failures:
            refused.append(f"{appointment.person}：{'／'.join(failures)}")
        else:
            appointed += 1
    messages.success(request, f"{appointed}件を委嘱しました。")
    for line in refused:
        messages.error(request, f"委嘱不可 {line}")
    for line in waiting:
        messages.warning(request, f"未決定 {line}")
    return redirect("appointment_list")


@require_POST
@access.role_required(*HQ_ROLES)
def appointment_revoke(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    appointment = access.get_for_user(request.user, Appointment.objects.all(), pk, write=True)
    form = RevokeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("取消理由と取消日を入力してください。")
        waiting = services.appointment_revoke(
            actor=request.user, appointment=appointment, **form.cleaned_data
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "委嘱を取り消しました。記録と過去の活動はそのまま残ります。")
        if waiting:
            messages.warning(
                request,
                f"担当していた事業所{waiting:,}件は未割当になりました。支部の「担当割当」で再割当してください。",
            )
    return redirect("appointment_detail", pk=pk)


@require_POST
@access.role_required(*HQ_ROLES)
def appointment_renew(request: access.AuthenticatedRequest) -> HttpResponse:
    """Renewal in bulk: the first post shows a preview, the second (confirm=1) creates the requests."""
    selected = _selected(request)
    years = {a.fiscal_year.year for a in selected}
    if len(years) != 1:
        messages.error(request, "更新する委嘱を、同じ年度の中から選んでください。")
        return redirect("appointment_list")
    next_year = FiscalYear.objects.filter(year=years.pop() + 1).first()
    if next_year is None:
        messages.error(request, "翌年度が登録されていません。")
        return redirect("appointment_list")
    if request.POST.get("confirm") == "1":
        renewed = services.appointment_renew(actor=request.user, appointments=selected, next_year=next_year)
        messages.success(
            request,
            f"{next_year.label}の委嘱を{len(renewed)}件申請しました。誓約書の受領後に委嘱を決定してください。",
        )
        return redirect(f"/appointments/?year={next_year.pk}")
    renewable, skipped = services.renewal_preview(selected, next_year)
    return render(
        request,
        "people/renewal_preview.html",
        {"renewable": renewable, "skipped": skipped, "next_year": next_year},
    )


def _pdf(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@access.role_required(*STAFF_ROLES, Role.PROMOTER, Role.INSTRUCTOR)
def appointment_letter(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    appointment = access.get_for_user(request.user, _appointments(request), pk)
    if appointment.status != AppointmentStatus.ACTIVE:
        messages.error(request, "委嘱中の委嘱についてのみ作成できます。")
        return redirect("appointment_detail", pk=pk)
    return _pdf(documents.appointment_letters([appointment]), f"letter-{appointment.number}.pdf")


@access.role_required(*STAFF_ROLES, Role.PROMOTER, Role.INSTRUCTOR)
def appointment_card(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    appointment = access.get_for_user(request.user, _appointments(request), pk)
    if appointment.status != AppointmentStatus.ACTIVE:
        messages.error(request, "委嘱中の委嘱についてのみ作成できます。")
        return redirect("appointment_detail", pk=pk)
    return _pdf(documents.id_cards([appointment]), f"card-{appointment.number}.pdf")


@require_POST
@access.role_required(*STAFF_ROLES)
def appointment_documents(request: access.AuthenticatedRequest, kind: str) -> HttpResponse:
    """Letters or ID cards for every active appointment ticked on the list, in one PDF."""
    selected = [a for a in _selected(request) if a.status == AppointmentStatus.ACTIVE]
    if not selected:
        messages.error(request, "委嘱中の委嘱を選んでください。")
        return redirect("appointment_list")
    if kind == "letters":
        return _pdf(documents.appointment_letters(selected), "letters.pdf")
    return _pdf(documents.id_cards(selected), "cards.pdf")
