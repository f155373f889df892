"""Pages of the insurance business (R-INS-1): agents and their premium income against the year's
target, statements, recruitment of new agents, and audits by document review."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Q, Sum
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from associations.models import ConsultationKind
from insurance import services
from insurance.forms import (
    AgentForm,
    AnswerForm,
    AuditForm,
    ChecklistItemForm,
    CloseForm,
    FindingCloseForm,
    FindingForm,
    PremiumForm,
    StaffForm,
    StatementForm,
)
from insurance.models import (
    Agent,
    AgentAudit,
    AuditDocument,
    ChecklistItem,
    Finding,
    LicensedStaff,
    PremiumIncome,
    PremiumStatement,
    Program,
    ProgramRecord,
)
from kit import imports, versions
from lib import fiscal, numbers, tables, uploads, wareki
from org import access, feedback
from org.forms import form_errors
from org.models import Association, AssociationStatus, Branch, FiscalYear
from org.roles import HQ_ROLES, STAFF_ROLES, Role
from org.where import where

READERS = (*STAFF_ROLES, Role.VIEWER)


def _agents(request: access.AuthenticatedRequest):
    return access.visible(request.user, Agent.objects.select_related("association__branch__prefecture"))


@access.role_required(*READERS)
def insurance_home(request: access.AuthenticatedRequest) -> HttpResponse:
    """The year's premium income against its target, the agents, and the members to recruit."""
    fiscal_year = FiscalYear.chosen(request.GET.get("year"))
    agents = list(_agents(request))
    in_year = Q(month__range=(fiscal_year.start, fiscal_year.end))
    totals = dict(
        PremiumIncome.objects.filter(in_year, agent__in=agents)
        .values_list("agent")
        .annotate(n=Sum("amount"))
        .order_by()
    )
    staff = dict(
        LicensedStaff.objects.filter(agent__in=agents, ended_on__isnull=True)
        .values_list("agent")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = [(agent, totals.get(agent.pk, 0), staff.get(agent.pk, 0)) for agent in agents]
    total = sum(totals.values())
    recruit = (
        access.visible(request.user, Association.objects.select_related("branch"))
        .filter(is_member=True, status=AssociationStatus.ACTIVE, agent__isnull=True)
        .annotate(
            last_approach=Max("consultations__held_on", filter=Q(consultations__kind=ConsultationKind.AGENT))
        )
        .order_by("branch__prefecture__code", "-last_approach", "name")
    )
    return render(
        request,
        "insurance/home.html",
        {
            "fiscal_year": fiscal_year,
            "years": FiscalYear.offered(),
            "rows": rows,
            "total": total,
            "recruit": recruit,
            "statements": PremiumStatement.objects.all()[:12] if request.user.is_hq else [],
            "statement_form": StatementForm(),
            "may_write": access.may_write(request.user, Agent),
        },
    )


@access.role_required(*HQ_ROLES)
def agent_create(request: access.AuthenticatedRequest) -> HttpResponse:
    form = AgentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with feedback.errors_as_message(request) as outcome:
            agent = services.agent_register(actor=request.user, **form.cleaned_data)
        if outcome:
            messages.success(request, f"{agent}を代理店に登録しました。")
            return redirect("agent_detail", pk=agent.pk)
    return render(request, "insurance/form.html", {"form": form, "title": "代理店の登録"})


@access.role_required(*READERS)
def agent_detail(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    agent = access.get_for_user(request.user, _agents(request), pk)
    fiscal_year = FiscalYear.chosen(request.GET.get("year"))
    months = dict(
        agent.premiums.filter(month__range=(fiscal_year.start, fiscal_year.end)).values_list(
            "month__month", "amount"
        )
    )
    return render(
        request,
        "insurance/agent_detail.html",
        {
            "agent": agent,
            "fiscal_year": fiscal_year,
            "years": FiscalYear.offered(),
            "months": [
                (label, months.get(month))
                for month, label in zip(fiscal.FISCAL_MONTHS, _month_labels(), strict=True)
            ],
            "year_total": sum(months.values()),
            "staff": agent.staff.all(),
            "audits": agent.audits.select_related("fiscal_year"),
            "may_write": access.may_change(request.user, Agent, agent.pk),
            "staff_form": StaffForm(),
            "premium_form": PremiumForm(),
        },
    )


def _month_labels() -> list[str]:
    return [f"{m}月" for m in fiscal.FISCAL_MONTHS]


@require_POST
@access.role_required(*HQ_ROLES)
def staff_add(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    agent = access.get_for_user(request.user, Agent.objects.all(), pk, write=True)
    feedback.form_step(
        request,
        StaffForm(request.POST),
        lambda data: LicensedStaff.objects.create(agent=agent, **data),
        "保険募集人を登録しました。",
    )
    return redirect("agent_detail", pk=agent.pk)


@require_POST
@access.role_required(*HQ_ROLES)
def premium_enter(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    agent = access.get_for_user(request.user, Agent.objects.all(), pk, write=True)
    form = PremiumForm(request.POST)
    if not form.is_valid():
        messages.error(request, "保険料は0以上の整数（円）で入力してください。")
        return redirect("agent_detail", pk=agent.pk)
    try:
        month = wareki.parse_month(form.cleaned_data["month"])
    except ValueError as error:
        messages.error(request, f"「対象年月」：{error}")
        return redirect("agent_detail", pk=agent.pk)
    services.premium_enter(actor=request.user, agent=agent, month=month, amount=form.cleaned_data["amount"])
    messages.success(
        request, f"{wareki.year_month(month)}の保険料を{form.cleaned_data['amount']:,}円としました。"
    )
    return redirect(f"{reverse('agent_detail', args=[agent.pk])}?year={wareki.fiscal_year_of(month)}")


@require_POST
@access.role_required(*HQ_ROLES)
def statement_import(request: access.AuthenticatedRequest) -> HttpResponse:
    form = StatementForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "取り込むファイルを選んでください。")
        return redirect("insurance_home")
    upload = form.cleaned_data["file"]
    with feedback.errors_as_message(request, others={tables.TableError: None}) as outcome:
        statement = services.statement_import(
            actor=request.user, filename=upload.name, data=imports.read(upload)
        )
    if outcome:
        messages.success(
            request,
            f"「{statement.filename}」の{statement.rows}行（合計{statement.total:,}円）を取り込みました。",
        )
    return redirect("insurance_home")


@access.role_required(*READERS)
def premium_list(request: access.AuthenticatedRequest) -> HttpResponse:
    """One branch's agents by month of the year: where the dashboards' premium figure comes from."""
    place = where(request)
    branch, fiscal_year = place["branch"], place["fiscal_year"]
    agents = list(_agents(request).filter(association__branch=branch))
    # One query for every agent's months, not one per agent.
    amounts: dict[int, dict[int, int]] = {}
    for agent_id, month, amount in PremiumIncome.objects.filter(
        agent__in=agents, month__range=(fiscal_year.start, fiscal_year.end)
    ).values_list("agent", "month__month", "amount"):
        amounts.setdefault(agent_id, {})[month] = amount
    table = []
    for agent in agents:
        months = amounts.get(agent.pk, {})
        table.append((agent, [months.get(m, 0) for m in fiscal.FISCAL_MONTHS], sum(months.values())))
    return render(
        request,
        "insurance/premium_list.html",
        {**place, "table": table, "labels": _month_labels(), "total": sum(t for _, _, t in table)},
    )


@access.role_required(*READERS)
def checklist(request: access.AuthenticatedRequest) -> HttpResponse:
    fiscal_year = FiscalYear.chosen(request.GET.get("year") or request.POST.get("year"))
    form = ChecklistItemForm(request.POST or None)
    if request.method == "POST":
        access.require_write(request.user, ChecklistItem, "点検項目は本部が登録します。")
        if form.is_valid():
            number = (
                ChecklistItem.objects.filter(fiscal_year=fiscal_year).aggregate(n=Max("number"))["n"] or 0
            ) + 1
            ChecklistItem.objects.create(
                fiscal_year=fiscal_year, number=number, text=form.cleaned_data["text"]
            )
            messages.success(request, "点検項目を追加しました。")
            return redirect(f"{reverse('agent_audit_checklist')}?year={fiscal_year.year}")
    return render(
        request,
        "insurance/checklist.html",
        {
            "fiscal_year": fiscal_year,
            "years": FiscalYear.offered(),
            "items": ChecklistItem.objects.filter(fiscal_year=fiscal_year),
            "form": form,
            "may_write": access.may_write(request.user, ChecklistItem),
        },
    )


@access.role_required(*READERS)
def audit_list(request: access.AuthenticatedRequest) -> HttpResponse:
    fiscal_year = FiscalYear.chosen(request.GET.get("year"))
    audits = access.visible(
        request.user,
        AgentAudit.objects.filter(fiscal_year=fiscal_year)
        .select_related("agent__association__branch")
        .annotate(open_findings=Count("findings", filter=Q(findings__closed_on__isnull=True))),
    )
    return render(
        request,
        "insurance/audit_list.html",
        {
            "fiscal_year": fiscal_year,
            "years": FiscalYear.offered(),
            "audits": audits,
            "today": timezone.localdate(),
        },
    )


@access.role_required(*HQ_ROLES)
def audit_create(request: access.AuthenticatedRequest) -> HttpResponse:
    fiscal_year = FiscalYear.chosen(request.GET.get("year") or request.POST.get("year"))
    agents = Agent.objects.filter(ended_on__isnull=True).exclude(audits__fiscal_year=fiscal_year)
    form = AuditForm(request.POST or None, agents=agents.select_related("association"))
    if request.method == "POST" and form.is_valid():
        try:
            audit = services.audit_start(actor=request.user, fiscal_year=fiscal_year, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, f"{audit.agent}に点検票を送付しました。")
            return redirect("agent_audit_detail", pk=audit.pk)
    return render(
        request,
        "insurance/form.html",
        {
            "form": form,
            "title": f"代理店監査（書面点検）の開始：{fiscal_year.label}",
            "year": fiscal_year.year,
        },
    )


def _audit(request: access.AuthenticatedRequest, pk: int, *, write: bool = False) -> AgentAudit:
    return access.get_for_user(
        request.user,
        AgentAudit.objects.select_related("agent__association__branch", "fiscal_year"),
        pk,
        write=write,
    )


def _answer_form(audit: AgentAudit, data=None) -> AnswerForm:
    items = list(ChecklistItem.objects.filter(fiscal_year=audit.fiscal_year))
    answers = {a.item_id: a for a in audit.answers.all()}
    return AnswerForm(
        data,
        items=items,
        answers=answers,
        audit=audit,
        initial={"answered_on": audit.answered_on or timezone.localdate()},
    )


@access.role_required(*READERS)
def audit_detail(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    return _audit_page(request, _audit(request, pk))


def _audit_page(request: access.AuthenticatedRequest, audit: AgentAudit, answer_form=None) -> HttpResponse:
    return render(
        request,
        "insurance/audit_detail.html",
        {
            "audit": audit,
            "answers": audit.answers.select_related("item"),
            "findings": audit.findings.select_related("closed_by"),
            "documents": audit.documents.all(),
            "answer_form": answer_form or _answer_form(audit),
            "finding_form": FindingForm(),
            "finding_close_form": FindingCloseForm(),
            "close_form": CloseForm(),
            "may_write": access.may_change(request.user, AgentAudit, audit.pk) and audit.status != "closed",
        },
    )


@require_POST
@access.role_required(*HQ_ROLES)
def audit_answer(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    audit = _audit(request, pk, write=True)
    form = _answer_form(audit, request.POST)
    try:
        saved = form.save_current(
            lambda: services.audit_answer(
                actor=request.user,
                audit=audit,
                answered_on=form.cleaned_data["answered_on"],
                answers=form.answers(),
            )
        )
    except ValidationError as error:
        form_errors(form, error)
        saved = False
    if not saved:
        # Shown again with what was typed: a refusal, a bad field, or answers changed since read.
        return _audit_page(request, audit, form)
    messages.success(request, "回答を記録しました。")
    return redirect("agent_audit_detail", pk=audit.pk)


@require_POST
@access.role_required(*HQ_ROLES)
def audit_document_upload(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    audit = _audit(request, pk, write=True)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "ファイルを選んでください。")
    else:
        try:
            document = services.audit_document(
                actor=request.user,
                audit=audit,
                filename=upload.name or "",
                data=upload.read(uploads.MAX_BYTES + 1),
            )
        except uploads.UploadError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"「{document.filename}」を登録しました。")
    return redirect("agent_audit_detail", pk=audit.pk)


@access.role_required(*READERS)
def audit_document(request: access.AuthenticatedRequest, pk: int) -> FileResponse:
    return access.get_for_user(request.user, AuditDocument.objects.all(), pk).download()


@require_POST
@access.role_required(*HQ_ROLES)
def finding_add(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    audit = _audit(request, pk, write=True)
    feedback.form_step(
        request,
        FindingForm(request.POST),
        lambda data: services.finding_add(actor=request.user, audit=audit, **data),
        "指摘事項を登録しました。",
    )
    return redirect("agent_audit_detail", pk=audit.pk)


@require_POST
@access.role_required(*HQ_ROLES)
def finding_close(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    finding = access.get_for_user(request.user, Finding.objects.select_related("audit"), pk, write=True)
    feedback.form_step(
        request,
        FindingCloseForm(request.POST),
        lambda data: services.finding_close(actor=request.user, finding=finding, **data),
        "是正を確認しました。",
    )
    return redirect("agent_audit_detail", pk=finding.audit_id)


@require_POST
@access.role_required(*HQ_ROLES)
def audit_close(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    audit = _audit(request, pk, write=True)
    feedback.form_step(
        request,
        CloseForm(request.POST),
        lambda data: services.audit_close(actor=request.user, audit=audit, **data),
        "監査を完了しました。",
    )
    return redirect("agent_audit_detail", pk=audit.pk)


@access.role_required(*READERS)
def program_records(request: access.AuthenticatedRequest) -> HttpResponse:
    """A branch's monthly figures of the other programs (R-INS-2), entered as a grid; blank is
    "not reported". A bad cell is named by program and month and nothing is saved."""
    place = where(request)
    branch, fiscal_year = place["branch"], place["fiscal_year"]
    may_write = access.may_change(request.user, Branch, branch.pk) and access.may_write(
        request.user, ProgramRecord
    )
    errors: list[str] = []
    records = services.program_records_of(branch, fiscal_year)
    cells = [(program.value, month) for program in Program for month in fiscal.FISCAL_MONTHS]
    shown: dict[tuple[str, int], object] = dict(records)
    refusal = ""
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied("実績を入力する権限がありません。")
        shown = {cell: request.POST.get(f"{cell[0]}-{cell[1]}", "") for cell in cells}
        figures: dict[tuple[str, int], int | None] = {}
        for program in Program:
            for month in fiscal.FISCAL_MONTHS:
                raw = request.POST.get(f"{program.value}-{month}", "").strip()
                try:
                    figures[(program.value, month)] = numbers.whole_number(raw) if raw else None
                except ValueError as refused:
                    errors.append(f"「{program.label}」{month}月：{refused}")
        signed = versions.unsign(request.POST.get(versions.READ, "")) or {}
        read = {cell: signed.get(f"{cell[0]}-{cell[1]}", -1) for cell in cells}
        if not errors:
            try:
                changed = services.program_records_save(
                    actor=request.user, branch=branch, fiscal_year=fiscal_year, figures=figures, read=read
                )
            except versions.Stale:
                # Shown again: this user's figures, and the other person's where this user left a cell.
                records = services.program_records_of(branch, fiscal_year)
                theirs = [cell for cell in cells if records.get(cell) != read[cell]]
                labels = {program.value: program.label for program in Program}
                listed = [
                    (
                        f"「{labels[p]}」{m}月",
                        str(records.get((p, m), "（空欄）")),
                        figures[(p, m)] != read[(p, m)],
                    )
                    for p, m in theirs
                ]
                if len(listed) > 10:
                    listed = [*listed[:10], (f"ほか{len(listed) - 10}件", "…", False)]
                latest = (
                    ProgramRecord.objects.filter(
                        branch=branch, month__range=(fiscal_year.start, fiscal_year.end)
                    )
                    .select_related("entered_by")
                    .order_by("-updated_at")
                    .first()
                )
                refusal = versions.message(
                    latest.entered_by if latest else None, latest.updated_at if latest else None, listed
                )
                shown.update({cell: records.get(cell, "") for cell in theirs if figures[cell] == read[cell]})
            else:
                messages.success(request, f"{changed}件の実績を保存しました。")
                return redirect(f"{reverse('program_records')}?branch={branch.pk}&year={fiscal_year.year}")
        for error in errors:
            messages.error(request, error)
    grid = [
        (program, [(month, shown.get((program.value, month), "")) for month in fiscal.FISCAL_MONTHS])
        for program in Program
    ]
    return render(
        request,
        "insurance/program_records.html",
        {
            **place,
            "grid": grid,
            "labels": _month_labels(),
            "may_write": may_write,
            # The reading a save is checked against: a page shown again for a bad cell keeps its own.
            "version_read": request.POST.get(versions.READ, "")
            if errors
            else versions.sign({f"{p}-{m}": records.get((p, m)) for p, m in cells}),
            "refusal": refusal,
        },
    )
