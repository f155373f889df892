"""Pages for councils, the division of the roster, handovers and the outreach plan."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from councils import division, papers, selection, services
from councils.forms import (
    FileForm,
    HandoverAnswerForm,
    HandoverForm,
    MeetingForm,
    PlanForm,
    RulesForm,
    plan_values,
)
from councils.models import (
    CouncilFile,
    CouncilMeeting,
    Counterpart,
    Handover,
    MeetingNumber,
    OutreachPlan,
    Side,
    deadline,
)
from kit import downloads
from lib import numbers, uploads
from org import access, feedback
from org.forms import form_errors
from org.models import Branch, FiscalYear
from org.roles import STAFF_ROLES, Role
from org.where import where
from roster.models import Business

READERS = (*STAFF_ROLES, Role.VIEWER)


@access.role_required(*READERS)
def council_list(request: access.AuthenticatedRequest) -> HttpResponse:
    fiscal_year = FiscalYear.chosen(request.GET.get("year"))
    branches = access.visible(request.user, Branch.objects.select_related("prefecture"))
    meetings = access.visible(
        request.user, CouncilMeeting.objects.filter(fiscal_year=fiscal_year).select_related("branch")
    )
    # One branch asked for (HQ's list of late branches links each to its own row).
    if (one := numbers.key(request.GET.get("branch"))) is not None:
        branches, meetings = branches.filter(pk=one), meetings.filter(branch=one)
    regular = {
        (m.branch_id, m.number): m
        for m in meetings
        if m.counterpart == Counterpart.BUREAU and m.number != "extra"
    }
    regulars = [MeetingNumber.FIRST, MeetingNumber.SECOND, MeetingNumber.THIRD]
    today = timezone.localdate()
    late = {n: deadline(n, fiscal_year) < today for n in regulars}

    def cell(branch, number):
        meeting = regular.get((branch.pk, number))
        return number, meeting, late[number] and (meeting is None or meeting.held_on is None)

    grid = [{"branch": b, "cells": [cell(b, n) for n in regulars]} for b in branches]
    return render(
        request,
        "councils/council_list.html",
        {
            "fiscal_year": fiscal_year,
            "years": FiscalYear.offered(),
            "grid": grid,
            "columns": [(n, deadline(n, fiscal_year)) for n in regulars],
            "others": [m for m in meetings if m not in regular.values()],
        },
    )


@access.role_required(*STAFF_ROLES)
def council_create(request: access.AuthenticatedRequest) -> HttpResponse:
    place = where(request)
    branch, fiscal_year = place["branch"], place["fiscal_year"]
    access.get_for_user(request.user, Branch.objects.all(), branch.pk, write=True)
    form = MeetingForm(request.POST or None, branch=branch, fiscal_year=fiscal_year)
    if request.method == "POST" and form.is_valid():
        meeting = form.save(commit=False)
        meeting.branch, meeting.fiscal_year, meeting.created_by = branch, fiscal_year, request.user
        meeting.save()
        messages.success(request, f"{meeting.reference}を登録しました。")
        return redirect("council_detail", pk=meeting.pk)
    return render(
        request, "councils/council_form.html", {"form": form, "branch": branch, "fiscal_year": fiscal_year}
    )


@access.role_required(*READERS)
def council_detail(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = access.get_for_user(
        request.user,
        CouncilMeeting.objects.select_related(
            "branch__prefecture__bureau", "fiscal_year", "inspection_office", "employment_office"
        ),
        pk,
    )
    return render(
        request,
        "councils/council_detail.html",
        {
            "meeting": meeting,
            "files": meeting.files.all(),
            "file_form": FileForm(),
            "fixed": meeting.allocations.count(),
            "handovers": meeting.handovers.select_related("business"),
            "may_write": access.changeable(
                request.user, CouncilMeeting.objects.filter(pk=meeting.pk)
            ).exists(),
        },
    )


@access.role_required(*STAFF_ROLES)
def council_edit(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = access.get_for_user(
        request.user, CouncilMeeting.objects.select_related("branch", "fiscal_year"), pk, write=True
    )
    form = MeetingForm(
        request.POST or None, instance=meeting, branch=meeting.branch, fiscal_year=meeting.fiscal_year
    )
    if request.method == "POST" and form.save_current():
        messages.success(request, f"{meeting.reference}を更新しました。")
        return redirect("council_detail", pk=meeting.pk)
    return render(
        request,
        "councils/council_form.html",
        {"form": form, "meeting": meeting, "branch": meeting.branch, "fiscal_year": meeting.fiscal_year},
    )


@require_POST
@access.role_required(*STAFF_ROLES)
def council_file_upload(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = access.get_for_user(request.user, CouncilMeeting.objects.all(), pk, write=True)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "ファイルを選んでください。")
    else:
        try:
            paper = services.file_store(
                actor=request.user,
                meeting=meeting,
                filename=upload.name or "",
                data=upload.read(uploads.MAX_BYTES + 1),
            )
        except uploads.UploadError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"「{paper.filename}」を添付しました。")
    return redirect("council_detail", pk=meeting.pk)


@access.role_required(*READERS)
def council_file(request: access.AuthenticatedRequest, pk: int) -> FileResponse:
    return access.get_for_user(request.user, CouncilFile.objects.all(), pk).download()


def _rules_key(branch: Branch, fiscal_year: FiscalYear) -> str:
    return f"division_rules:{branch.pk}:{fiscal_year.year}"


def _rules_form(request: HttpRequest, branch: Branch, data=None) -> RulesForm:
    menus = selection.choices(branch)
    return RulesForm(data, industries=menus["industries"], cities=menus["cities"])


@access.role_required(*READERS)
def division_page(request: access.AuthenticatedRequest) -> HttpResponse:
    place = where(request)
    branch, fiscal_year = place["branch"], place["fiscal_year"]
    rows = access.visible(
        request.user,
        division.entries(branch, fiscal_year).select_related("business", "allocation__meeting"),
    ).order_by("business__city_code", "business__name")
    chosen = selection.select(rows, request.GET, prefix="business__", fiscal_year=fiscal_year)
    # The rules applied last for this branch and year stay in the form, and their preview shows.
    form = _rules_form(request, branch, request.session.get(_rules_key(branch, fiscal_year)))
    rules = form.rules() if form.is_bound and form.is_valid() else division.Rules()
    if not form.is_bound:
        form = _rules_form(request, branch)
    return render(
        request,
        "councils/division.html",
        {
            **place,
            "form": form,
            "preview": division.preview(branch, fiscal_year, rules),
            "summary": papers.summary(branch, fiscal_year),
            "selection": chosen,
            "matching": chosen.rows.count(),
            "page": Paginator(chosen.rows, 50).get_page(request.GET.get("page")),
            "menus": selection.choices(branch),
            "sides": Side.choices,
            "meetings": CouncilMeeting.objects.filter(
                branch=branch, fiscal_year=fiscal_year, counterpart=Counterpart.BUREAU, held_on__isnull=False
            ),
            "may_write": access.may_change(request.user, Branch, branch.pk)
            and access.may_write(request.user, CouncilMeeting),
        },
    )


@access.role_required(*READERS)
def division_preview(request: access.AuthenticatedRequest) -> HttpResponse:
    """htmx: the counts each side would get with the rules as typed, against each side's capacity."""
    place = where(request)
    branch, fiscal_year = place["branch"], place["fiscal_year"]
    form = _rules_form(request, branch, request.GET)
    preview = division.preview(branch, fiscal_year, form.rules()) if form.is_valid() else None
    return render(request, "councils/division_preview.html", {"preview": preview, "form": form})


def _branch_for_write(request: HttpRequest) -> tuple[Branch, FiscalYear]:
    place = where(request)
    branch, fiscal_year = place["branch"], place["fiscal_year"]
    access.get_for_user(request.user, Branch.objects.all(), branch.pk, write=True)
    access.require_write(request.user, CouncilMeeting)
    return branch, fiscal_year


def _back(branch: Branch, fiscal_year: FiscalYear, query: str = "") -> HttpResponse:
    url = f"{reverse('division')}?branch={branch.pk}&year={fiscal_year.year}"
    return redirect(f"{url}&{query}" if query else url)


@require_POST
@access.role_required(*STAFF_ROLES)
def division_apply(request: access.AuthenticatedRequest) -> HttpResponse:
    branch, fiscal_year = _branch_for_write(request)
    form = _rules_form(request, branch, request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "分担のルールに誤りがあります："
            + "、".join(str(e) for errors in form.errors.values() for e in errors),
        )
    else:
        counts = division.division_apply(
            actor=request.user, branch=branch, fiscal_year=fiscal_year, rules=form.rules()
        )
        request.session[_rules_key(branch, fiscal_year)] = {
            name: request.POST.getlist(name)
            if name in ("industries", "cities")
            else request.POST.get(name, "")
            for name in form.fields
        }
        messages.success(
            request,
            f"ルールを適用しました：支部（加入勧奨）{counts[Side.BRANCH]:,}件、労働局（手続指導）{counts[Side.BUREAU]:,}件。",
        )
    return _back(branch, fiscal_year)


@require_POST
@access.role_required(*STAFF_ROLES)
def division_change(request: access.AuthenticatedRequest) -> HttpResponse:
    branch, fiscal_year = _branch_for_write(request)
    chosen = selection.select(
        division.entries(branch, fiscal_year), request.POST, prefix="business__", fiscal_year=fiscal_year
    )
    if request.POST.get("target") == "all":
        ids = list(chosen.rows.values_list("pk", flat=True))
    else:
        ids = numbers.ids(request.POST.getlist("entry"))
    if not ids:
        messages.error(request, "変更する事業所を選んでください。")
    else:
        with feedback.errors_as_message(request) as done:
            moved = division.division_change(
                actor=request.user,
                branch=branch,
                fiscal_year=fiscal_year,
                entry_ids=ids,
                side=request.POST.get("to_side", ""),
                reason=request.POST.get("reason", ""),
            )
        if done:
            messages.success(
                request, f"{moved:,}件の分担を「{Side(request.POST['to_side']).label}」にしました。"
            )
    return _back(branch, fiscal_year, chosen.query)


@require_POST
@access.role_required(*STAFF_ROLES)
def division_fix(request: access.AuthenticatedRequest) -> HttpResponse:
    branch, fiscal_year = _branch_for_write(request)
    meeting = access.get_for_user(request.user, CouncilMeeting.objects.all(), request.POST.get("meeting"))
    with feedback.errors_as_message(request) as done:
        fixed = division.division_fix(
            actor=request.user, branch=branch, fiscal_year=fiscal_year, meeting=meeting
        )
    if done:
        messages.success(request, f"{fixed:,}件の分担を{meeting.reference}で確定しました。")
    return _back(branch, fiscal_year)


@access.role_required(*READERS)
def division_papers(request: access.AuthenticatedRequest, fmt: str) -> HttpResponse:
    place = where(request)
    branch, fiscal_year = place["branch"], place["fiscal_year"]
    name = f"協議会資料_{branch.name}_{fiscal_year.year}"
    if fmt == "pdf":
        return downloads.attachment(papers.pdf_report(branch, fiscal_year), f"{name}.pdf", "application/pdf")
    return downloads.attachment(papers.workbook(branch, fiscal_year), f"{name}.xlsx")


@access.role_required(*READERS)
def division_bureau_export(request: access.AuthenticatedRequest) -> HttpResponse:
    place = where(request)
    branch, fiscal_year = place["branch"], place["fiscal_year"]
    body = papers.bureau_share(branch, fiscal_year)
    return downloads.attachment(body, f"手続指導対象事業所_{branch.name}_{fiscal_year.year}.xlsx")


@access.role_required(*STAFF_ROLES)
def handover_create(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    business = access.get_for_user(request.user, Business.objects.select_related("branch"), pk, write=True)
    meetings = CouncilMeeting.objects.filter(branch=business.branch).order_by("-planned_on")
    form = HandoverForm(
        request.POST or None,
        meetings=meetings,
        prefecture=business.branch.prefecture_id,
        initial={"handed_over_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.handover_create(actor=request.user, business=business, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, f"「{business.name}」を労働局へ移管しました。")
            return redirect("roster_business_detail", pk=business.pk)
    return render(request, "councils/handover_form.html", {"form": form, "business": business})


@access.role_required(*STAFF_ROLES)
def handover_answer(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    """The bureau's answer on a hard case, recorded by the branch."""
    handover = access.get_for_user(
        request.user, Handover.objects.select_related("business__branch", "fiscal_year"), pk, write=True
    )
    branch = handover.business.branch
    form = HandoverAnswerForm(
        request.POST or None,
        meetings=CouncilMeeting.objects.filter(branch=branch).order_by("-planned_on"),
        prefecture=branch.prefecture_id,
        initial={
            "answered_on": handover.answered_on or timezone.localdate(),
            "answer": handover.answer,
            "meeting": handover.meeting_id,
            "inspection_office": handover.inspection_office_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.handover_answer(actor=request.user, handover=handover, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, f"「{handover.business.name}」への労働局の回答を記録しました。")
            return redirect(f"{reverse('handover_list')}?year={handover.fiscal_year.year}")
    return render(
        request,
        "councils/handover_answer.html",
        {"form": form, "business": handover.business, "handover": handover},
    )


@access.role_required(*READERS)
def handover_list(request: access.AuthenticatedRequest) -> HttpResponse:
    fiscal_year = FiscalYear.chosen(request.GET.get("year"))
    handovers = access.visible(
        request.user,
        Handover.objects.filter(fiscal_year=fiscal_year).select_related(
            "business__branch", "meeting", "created_by", "inspection_office"
        ),
    )
    return render(
        request,
        "councils/handover_list.html",
        {
            "page": Paginator(handovers, 50).get_page(request.GET.get("page")),
            "fiscal_year": fiscal_year,
            "years": FiscalYear.offered(),
        },
    )


@access.role_required(*READERS)
def plan_page(request: access.AuthenticatedRequest) -> HttpResponse:
    place = where(request)
    branch, fiscal_year = place["branch"], place["fiscal_year"]
    plan = access.visible(
        request.user, OutreachPlan.objects.filter(branch=branch, fiscal_year=fiscal_year)
    ).first()
    meetings = CouncilMeeting.objects.filter(branch=branch, fiscal_year=fiscal_year)
    initial = plan_values(plan) if plan is not None else {}
    form = PlanForm(request.POST or None, meetings=meetings, initial=initial, plan=plan)
    if request.method == "POST":
        access.get_for_user(request.user, Branch.objects.all(), branch.pk, write=True)
        access.require_write(request.user, OutreachPlan)
        try:
            saved = form.save_current(
                lambda: services.plan_save(
                    actor=request.user,
                    branch=branch,
                    fiscal_year=fiscal_year,
                    months=form.months(),
                    branch_capacity=form.cleaned_data["branch_capacity"],
                    bureau_capacity=form.cleaned_data["bureau_capacity"],
                    adopted_at=form.cleaned_data["adopted_at"],
                    note=form.cleaned_data["note"],
                )
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            if saved:
                messages.success(request, f"{fiscal_year.label}の加入促進計画を保存しました。")
                return redirect(f"{reverse('plan')}?branch={branch.pk}&year={fiscal_year.year}")
    return render(
        request,
        "councils/plan.html",
        {
            **place,
            "form": form,
            "plan": plan,
            "may_write": access.may_change(request.user, Branch, branch.pk)
            and access.may_write(request.user, OutreachPlan),
        },
    )
