"""Target management pages: the national and block picture, a branch's progress, targets and the form."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from insurance.models import Program
from kit import downloads, imports, versions
from lib import fiscal, numbers, tables
from org import access, feedback
from org.models import Block, Branch, FiscalYear
from org.roles import HQ_ROLES, STAFF_ROLES, Role
from org.where import where
from people.models import Appointment
from targets import charts, documents, services
from targets.models import DEFINITIONS, Measure, Target

READERS = (*STAFF_ROLES, Role.VIEWER)
COLOURS = {"actual": "#0d6efd", "plan": "#6c757d"}

# Where the records behind each measure are listed, for the links on every number.
RECORDS = {
    Measure.IDENTIFIED: "roster_business_list",
    Measure.VISITED: "field_activity",
    Measure.ENROLLED: "field_activity",
    Measure.BRIEFING: "briefing_list",
    Measure.TRAINED: "training_list",
    Measure.COUNCILS: "council_list",
    Measure.PREMIUM: "premium_list",
    **{Measure(program.value): "program_records" for program in Program},
}


def _links(table: dict, fiscal_year: FiscalYear) -> None:
    url = reverse(RECORDS[table["measure"]])
    for row in table["rows"]:
        row["url"] = f"{url}?branch={row['branch'].pk}&year={fiscal_year.year}"


@access.role_required(*READERS)
def dashboard(request: access.AuthenticatedRequest) -> HttpResponse:
    """HQ: the nation, by block and branch, with a ranking; a branch user is taken to their branch."""
    if not request.user.is_hq:
        return redirect("branch_dashboard")
    fiscal_year = FiscalYear.chosen(request.GET.get("year"))
    branches = list(Branch.objects.select_related("prefecture", "block"))
    figures = services.figures_of(fiscal_year, branches)
    progress = services.progress(fiscal_year, branches, timezone.localdate(), figures=figures)
    chosen = Measure(request.GET.get("measure") or Measure.ENROLLED)
    for table in progress.values():
        _links(table, fiscal_year)
    table = progress[chosen]
    # Not named "block" in the template: there {{ block }} is Django's own block tag ({{ block.super }}).
    block = Block.objects.filter(pk=request.GET.get("block") or 0).first()
    shown = [r for r in table["rows"] if block is None or r["branch"].block_id == block.pk]
    blocks = services.by_block(table["rows"])
    shown_months = services.months_elapsed(fiscal_year, timezone.localdate())
    chart = charts.line_chart(
        [("実績（累計）", fiscal.cumulative(table["months"])[:shown_months], COLOURS["actual"])],
        target=table["target"],
    )
    return render(
        request,
        "targets/dashboard.html",
        {
            "fiscal_year": fiscal_year,
            "years": FiscalYear.offered(),
            "progress": progress.values(),
            "chosen": chosen,
            "measures": list(Measure),
            "table": table,
            "ranking": services.ranking(shown),
            "chosen_block": block,
            "definition": DEFINITIONS[chosen],
            "excluded": figures.excluded_enrolments() if chosen == Measure.ENROLLED else [],
            "blocks": blocks,
            "chart": chart,
        },
    )


@access.role_required(*READERS)
def branch_dashboard(request: access.AuthenticatedRequest) -> HttpResponse:
    """A branch: each measure by month against its target and plan, with the year-end projection,
    and its promoters' visits and enrolments."""
    place = where(request)
    branch, fiscal_year = place["branch"], place["fiscal_year"]
    figures = services.figures_of(fiscal_year, [branch])
    progress = services.progress(fiscal_year, [branch], timezone.localdate(), figures=figures)
    plans = services.plan_months(branch, fiscal_year)
    shown_months = services.months_elapsed(fiscal_year, timezone.localdate())
    cards = []
    for measure, table in progress.items():
        _links(table, fiscal_year)
        row = table["rows"][0]
        series = [("実績（累計）", row["cumulative"][:shown_months], COLOURS["actual"])]
        if measure in plans:
            series.append(("計画（累計）", fiscal.cumulative(plans[measure]), COLOURS["plan"]))
        cards.append(
            {
                "table": table,
                "row": row,
                "plan": plans.get(measure),
                "chart": charts.line_chart(series, target=row["target"]),
                "definition": DEFINITIONS[Measure(measure)],
                "excluded": figures.excluded_enrolments() if measure == Measure.ENROLLED else [],
            }
        )
    people = figures.by_person(branch)
    return render(
        request,
        "targets/branch.html",
        {**place, "cards": cards, "people": _people(people)},
    )


@access.role_required(*READERS)
def plan_actuals(request: access.AuthenticatedRequest) -> HttpResponse:
    """The outreach plan against the actuals, month by month (R-CNL-3): the table the council's plan
    page loads (councils stands below targets and does not count visits itself)."""
    place = where(request)
    rows = services.plan_against_actuals(place["branch"], place["fiscal_year"])
    template = "targets/plan_actuals.html" if request.htmx else "targets/plan_actuals_page.html"
    return render(request, template, {**place, "rows": rows})


def _people(table: dict) -> list[dict]:
    names = dict(Appointment.objects.filter(pk__in=table).values_list("pk", "person__full_name"))
    rows = [{"name": names.get(pk, "—"), **counts} for pk, counts in table.items()]
    return sorted(rows, key=lambda r: -r.get("counted", 0))


def _cell_name(cell: services.Cell) -> str:
    """The grid's input of a cell: t-<branch id, 0 for HQ's national figure>-<measure>."""
    return f"t-{cell[0] or 0}-{cell[1]}"


def _shown(values: dict[services.Cell, int | None]) -> str:
    """The values a grid shows, signed, to carry in the page (kit.versions)."""
    return versions.sign({_cell_name(cell): value for cell, value in values.items()})


@access.role_required(*READERS)
def targets_edit(request: access.AuthenticatedRequest) -> HttpResponse:
    """HQ sets each branch's targets (or a national one, split by promoters); branches read theirs.

    The page carries the values it showed: a save after someone else changed the grid is refused,
    the page shown again with this user's input and the other person's changes."""
    fiscal_year = FiscalYear.chosen(request.GET.get("year") or request.POST.get("year"))
    branches = access.visible(request.user, Branch.objects.select_related("prefecture"))
    may_write = access.may_write(request.user, Target)
    cells: list[services.Cell] = [(None, m) for m in Measure] + [(b.pk, m) for b in branches for m in Measure]
    current, national = services.targets_of(fiscal_year)
    shown = {
        cell: national.get(cell[1]) if cell[0] is None else current.get((cell[0], cell[1])) for cell in cells
    }
    refusal = ""
    if request.method == "POST":
        access.require_write(request.user, Target, "目標は本部が設定します。")
        values: dict[services.Cell, int | None] = {}
        errors: list[str] = []
        names = {b.pk: b.name for b in branches}
        for key in cells:
            raw = request.POST.get(_cell_name(key), "").strip()
            values[key] = None
            try:
                values[key] = numbers.whole_number(raw) if raw else None
            except ValueError as error:
                where = names[key[0]] if key[0] is not None else "全国"
                errors.append(f"{where}「{Measure(key[1]).label}」：{error}")
        signed = versions.unsign(request.POST.get(versions.READ, "")) or {}
        read = {cell: signed.get(_cell_name(cell), -1) for cell in cells}
        try:
            with feedback.errors_as_message(request) as done:
                if errors:
                    raise ValidationError(errors[:10])
                changed = services.targets_save(
                    actor=request.user, fiscal_year=fiscal_year, values=values, read=read
                )
        except services.TargetsChanged as stale:
            # Shown again: this user's input, and the other person's values where this user left a cell.
            labels = {b.pk: b.name for b in branches} | {None: "全国"}
            listed = [
                (
                    f"{labels.get(c[0], '')} {Measure(c[1]).label}",
                    "（空欄）" if v is None else str(v),
                    values[c] != read[c],
                )
                for c, v in stale.cells.items()
            ]
            if len(listed) > 10:
                listed = [*listed[:10], (f"ほか{len(listed) - 10}件", "…", False)]
            refusal = versions.message(stale.who, stale.when, listed)
            current_now, national_now = services.targets_of(fiscal_year)
            now = {
                c: national_now.get(c[1]) if c[0] is None else current_now.get((c[0], c[1])) for c in cells
            }
            shown = {c: (now[c] if values[c] == read[c] else values[c]) for c in cells}
            current = {(b, m): v for (b, m), v in shown.items() if b is not None and v is not None}
            national = {c[1]: v for c, v in shown.items() if c[0] is None and v is not None}
            read_token = _shown(now)
        else:
            if done:
                messages.success(request, f"目標を保存しました（{changed}件の変更）。")
            return redirect(f"{reverse('targets_edit')}?year={fiscal_year.year}")
    else:
        read_token = _shown(shown)
    if request.GET.get("format") == "xlsx":
        body = documents.targets_workbook(
            branches, list(Measure), current, national if request.user.is_hq else {}
        )
        return downloads.attachment(body, f"目標_{fiscal_year.year}.xlsx")
    rows = [{"branch": b, "cells": [(m, current.get((b.pk, m))) for m in Measure]} for b in branches]
    sums = {m: sum(current.get((b.pk, m), 0) or 0 for b in branches) for m in Measure}
    return render(
        request,
        "targets/targets.html",
        {
            "fiscal_year": fiscal_year,
            "years": FiscalYear.offered(),
            "measures": list(Measure),
            "rows": rows,
            "national": [
                (m, national.get(m), sums[m], (national[m] - sums[m]) if m in national else None)
                for m in Measure
            ]
            if request.user.is_hq
            else [],
            "may_write": may_write,
            "version_read": read_token,
            "refusal": refusal,
        },
    )


@require_POST
@access.role_required(*HQ_ROLES)
def targets_import(request: access.AuthenticatedRequest) -> HttpResponse:
    fiscal_year = FiscalYear.chosen(request.POST.get("year"))
    access.require_write(request.user, Target, "目標は本部が設定します。")
    upload = request.FILES.get("file")
    with feedback.errors_as_message(
        request, "取り込めませんでした（何も変更していません）：", others={tables.TableError: None}
    ) as done:
        if upload is None:
            raise ValidationError("ファイルを選んでください。")
        headers, rows = tables.read_table(upload.name or "", imports.read(upload))
        values = services.targets_from_table(headers, rows)
        changed = services.targets_save(actor=request.user, fiscal_year=fiscal_year, values=values)
    if done:
        messages.success(request, f"目標を取り込みました（{changed}件の変更）。")
    return redirect(f"{reverse('targets_edit')}?year={fiscal_year.year}")


@require_POST
@access.role_required(*HQ_ROLES)
def targets_split(request: access.AuthenticatedRequest) -> HttpResponse:
    fiscal_year = FiscalYear.chosen(request.POST.get("year"))
    access.require_write(request.user, Target, "目標は本部が設定します。")
    with feedback.errors_as_message(request, others={ValueError: "指標を選んでください。"}) as done:
        measure = Measure(request.POST.get("measure", ""))
        parts = services.split_national(actor=request.user, fiscal_year=fiscal_year, measure=measure)
    if done:
        messages.success(
            request, f"{measure.label}の全国目標を{len(parts)}支部に配分しました（推進員数に比例）。"
        )
    return redirect(f"{reverse('targets_edit')}?year={fiscal_year.year}")


@access.role_required(*READERS)
def progress_form(request: access.AuthenticatedRequest) -> HttpResponse:
    """The progress management form as Excel: HQ all branches with the national row, a branch its own."""
    fiscal_year = FiscalYear.chosen(request.GET.get("year"))
    branches = list(access.visible(request.user, Branch.objects.select_related("prefecture")))
    progress = services.progress(fiscal_year, branches, timezone.localdate())
    body = documents.progress_workbook(progress, national=request.user.is_hq)
    who = "全国" if request.user.is_hq else branches[0].name
    return downloads.attachment(body, f"進捗管理様式_{who}_{fiscal_year.year}.xlsx")


@access.role_required(*READERS)
def committee_report(request: access.AuthenticatedRequest) -> HttpResponse:
    """The promotion committee's PDF: HQ the nation (every branch), a branch its own progress."""
    place = where(request)
    fiscal_year = place["fiscal_year"]
    national = request.user.is_hq and not request.GET.get("branch")
    branches = list(Branch.objects.select_related("prefecture")) if national else [place["branch"]]
    progress = services.progress(fiscal_year, branches, timezone.localdate())
    who = "全国" if national else place["branch"].name
    plans = None if national else services.plan_months(place["branch"], fiscal_year)
    body = documents.committee_pdf(f"目標管理 進捗報告 {who} {fiscal_year.label}", progress, plans)
    return downloads.attachment(body, f"進捗報告_{who}_{fiscal_year.year}.pdf", "application/pdf")


@access.role_required(*READERS)
def identification(request: access.AuthenticatedRequest) -> HttpResponse:
    """Businesses identified against the year's targets (R-ROS-2), counted as the dashboards count
    them (targets.measures); block and national totals reveal no branch's rows."""
    fiscal_year = FiscalYear.chosen(request.GET.get("year"))
    branches = list(Branch.objects.select_related("prefecture", "block"))
    table = services.progress(fiscal_year, branches, timezone.localdate(), only=[Measure.IDENTIFIED])[
        Measure.IDENTIFIED
    ]
    visible = set(access.visible(request.user, Branch.objects.all()).values_list("pk", flat=True))
    return render(
        request,
        "targets/identification.html",
        {
            "fiscal_year": fiscal_year,
            "years": FiscalYear.offered(),
            "table": table,
            "rows": [row for row in table["rows"] if row["branch"].pk in visible],
            "blocks": services.by_block(table["rows"]),
        },
    )
