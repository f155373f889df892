"""Pages for the roster: importing lists in the background, businesses, and the review queue."""

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from kit import fragments, imports
from kit.text import fit_filename
from lib import tables, wareki
from org import access, feedback
from org.models import Branch, FiscalYear, User
from org.roles import FIELD_ROLES, STAFF_ROLES, Role
from roster import importing, listing, reviews
from roster.forms import MappingForm, NtaFeedForm, UploadForm
from roster.models import (
    OPEN_STATUSES,
    Business,
    BusinessSource,
    BusinessStatus,
    ImportJob,
    JobStatus,
    MatchReview,
    NtaFeed,
    ReviewDecision,
    SourceKind,
)
from roster.rollover import roster_rollover
from roster.tasks import run_import, run_nta_feed

UPLOAD_DIR = Path(settings.VAR_DIR) / "imports" / "roster"
FIXED_LAYOUTS = {SourceKind.NTA, SourceKind.REGISTERED}
NTA_MAX_BYTES = 2 * 1024 * 1024 * 1024  # the national full file unzipped is about 1 GB
READERS = (*STAFF_ROLES, Role.VIEWER)
PREVIEW_ROWS = 5  # the file's first rows, shown beside the column mapping


@access.role_required(*STAFF_ROLES)
def import_upload(request: access.AuthenticatedRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid() and form.cleaned_data["kind"] in FIXED_LAYOUTS:
        job = _start_fixed_layout_job(request, form.cleaned_data)
        if job is not None:
            return redirect("roster_import_job", pk=job.pk)
        form.add_error("file", f"ファイルが大きすぎます（上限 {NTA_MAX_BYTES // 1024 // 1024}MB）。")
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = imports.read(upload)
        try:
            headers, first_rows = tables.read_head(upload.name, data, rows=PREVIEW_ROWS)
        except tables.TableError as error:
            form.add_error("file", str(error))
        else:
            # Kept as pending until the mapping is chosen; a mapping never chosen is swept away.
            request.session["roster_upload"] = {
                "token": imports.keep(data),
                "filename": upload.name,
                "headers": headers,
                "first_rows": first_rows,
                "kind": form.cleaned_data["kind"],
                "branch": form.cleaned_data["branch"].pk,
                "fiscal_year": form.cleaned_data["fiscal_year"].pk,
            }
            return redirect("roster_import_mapping")
    jobs = access.visible(request.user, ImportJob.objects.select_related("branch"))[:10]
    return render(request, "roster/import_upload.html", {"form": form, "jobs": jobs})


def _start_fixed_layout_job(request: access.AuthenticatedRequest, data: dict[str, Any]) -> ImportJob | None:
    """NTA data and registered lists have a fixed layout: no mapping step, straight to the queue.

    The file is streamed to disk in chunks (a prefecture's NTA file is hundreds of MB).
    """
    upload = data["file"]
    if upload.size > NTA_MAX_BYTES:
        return None
    UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    suffix = ".zip" if upload.name.lower().endswith(".zip") else ".csv"
    path = UPLOAD_DIR / (secrets.token_urlsafe(16) + suffix)
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    with transaction.atomic():
        job = ImportJob.objects.create(
            branch=data["branch"],
            fiscal_year=data["fiscal_year"],
            kind=data["kind"],
            filename=fit_filename(ImportJob, "filename", upload.name),
            stored_file=str(path),
            created_by=request.user,
        )
        transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job


def _remembered_mapping(branch: Branch, headers: list[str]) -> dict:
    """The mapping of the branch's last import of a file with these columns, else a suggestion."""
    for job in ImportJob.objects.filter(branch=branch).exclude(mapping={}).order_by("-created_at")[:20]:
        chosen = {field: header for field, header in job.mapping.items() if not field.startswith("_")}
        if set(chosen.values()) <= set(headers):
            return chosen
    return importing.suggest_mapping(headers)


@access.role_required(*STAFF_ROLES)
def import_mapping(request: access.AuthenticatedRequest) -> HttpResponse:
    upload = request.session.get("roster_upload")
    kept = imports.path_of(upload.get("token")) if upload else None
    if upload and kept is None:
        del request.session["roster_upload"]
        messages.error(
            request,
            "アップロードしたファイルが見つかりません（時間が経ちました）。もう一度アップロードしてください。",
        )
    if not upload or kept is None:
        return redirect("roster_import_upload")
    branch = access.get_for_user(request.user, Branch.objects.all(), upload["branch"])
    headers = upload["headers"]
    form = MappingForm(request.POST or None, headers=headers, initial=_remembered_mapping(branch, headers))
    if request.method == "POST" and form.is_valid():
        mapping = {field: header for field, header in form.cleaned_data.items() if header}
        UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
        stored = kept.rename(UPLOAD_DIR / kept.name)  # the job's own file from now on
        with transaction.atomic():
            job = ImportJob.objects.create(
                branch=branch,
                fiscal_year=FiscalYear.objects.get(pk=upload["fiscal_year"]),
                kind=upload["kind"],
                filename=fit_filename(ImportJob, "filename", upload["filename"]),
                stored_file=str(stored),
                mapping=mapping,
                created_by=request.user,
            )
            # Queued once the job row is committed, so the worker always finds it.
            transaction.on_commit(lambda: run_import.enqueue(job.pk))
        del request.session["roster_upload"]
        return redirect("roster_import_job", pk=job.pk)
    return render(request, "roster/import_mapping.html", {"form": form, "upload": upload})


@access.role_required(*READERS)
def import_job(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    job = access.get_for_user(request.user, ImportJob.objects.select_related("branch"), pk)
    template = "roster/import_job_status.html" if request.htmx else "roster/import_job.html"
    return render(request, template, {"job": job, "running": job.is_pending})


@access.role_required(*READERS)
def import_rejected(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    """The rejected rows with their reasons, as a CSV the user can fix and upload again."""
    job = access.get_for_user(request.user, ImportJob.objects.all(), pk)
    headers = ["行", "理由", *importing.FIELDS.values()]
    body = tables.write_csv(headers, ([row.get(h, "") for h in headers] for row in job.rejected_rows))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rejected-{job.pk}.csv"'
    return response


def _businesses(request: access.AuthenticatedRequest):
    """The user's businesses, narrowed by the list's filters (search, status, year's roster)."""
    q, status, year = (request.GET.get(name, "").strip() for name in ("q", "status", "year"))
    return listing.filtered(request.user, q=q, status=status, year=year), q, status, year


# Every value roster/business_row.html shows of a business: a row is kept under them (kit.fragments).
ROW_SHOWS = ("pk", "name", "address", "corporate_number", "branch.name", "status")


def _branch_version(user: User) -> dict[str, object]:
    """What changes whenever a business of the user's branch does: the latest change, stamped on
    every insert and update (kit.tracked) and read in one step of an index. Businesses are never
    deleted (they close or merge), so the latest change is enough; a count would read the branch's
    whole index on every page, which cost more than the rows it saves reading."""
    return access.visible(user, Business.objects.all()).aggregate(changed=Max("updated_at"))


@access.role_required(*READERS)
def business_list(request: access.AuthenticatedRequest) -> HttpResponse:
    user = request.user
    businesses, q, status, year = _businesses(request)
    number = request.GET.get("page", "")
    # The next page and the exports keep the filters, and only them.
    query = urlencode({k: v for k, v in {"q": q, "status": status, "year": year}.items() if v})

    def content() -> str:
        shown = businesses.only("name", "address", "corporate_number", "status", "branch__name")
        page = Paginator(shown, 50).get_page(number)
        return render_to_string(
            "roster/business_list_content.html",
            {
                "page": page,
                "rows": fragments.rendered_rows("roster/business_row.html", page, ROW_SHOWS, name="b"),
                "query": query,
                "q": q,
                "status": status,
                "statuses": BusinessStatus.choices,
                "year": year,
                "years": FiscalYear.offered(),
                "user": user,  # for its links (may_open), which depend on the role: part of the key
            },
        )

    if user.branch is not None and not year:
        # A branch's list is kept until one of its businesses changes (the year's roster depends on
        # roster entries as well, and the whole nation, HQ's, costs more to version than to read).
        # The years offered change only when HQ adds one: the minute a list is kept bounds that.
        narrowed = (user.branch.pk, user.branch.name, user.role, q, status, number)
        this_year = wareki.fiscal_year_of(timezone.localdate())
        html = fragments.kept("roster", (*narrowed, this_year, _branch_version(user)), content)
    else:
        html = content()
    return render(request, "roster/business_list.html", {"content": html})


@access.role_required(*READERS, *FIELD_ROLES)
def business_detail(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    """A business and its whole history; a promoter reaches only the ones assigned to them."""
    business = access.get_for_user(
        request.user, Business.objects.select_related("branch", "fiscal_year", "assigned_to__person"), pk
    )
    return render(
        request,
        "roster/business_detail.html",
        {
            "business": business,
            "sources": business.sources.select_related("job").order_by("added_at"),
            "history": business.status_changes.select_related("changed_by"),
            "entries": business.roster_entries.select_related(
                "fiscal_year", "allocation__meeting"
            ).prefetch_related("allocation__changes__changed_by"),
            "assignments": business.assignments.select_related("appointment__person", "assigned_by"),
            "handover": getattr(business, "handover", None),
            "visits": business.visits.select_related("appointment__person", "companion__person"),
            "enrolments": business.enrolments.all(),
            "briefings": business.briefings_attended.select_related("briefing").order_by(
                "briefing__planned_on"
            ),
            "may_separate": request.user.role in STAFF_ROLES
            and access.may_change(request.user, Business, business.pk),
            "open": business.status in OPEN_STATUSES,
        },
    )


@require_POST
@access.role_required(*STAFF_ROLES)
def source_separate(request: access.AuthenticatedRequest, pk: int, source: int) -> HttpResponse:
    """Take back a merge: the row becomes a business of its own (R-ROS-4, decided by a person)."""
    business = access.get_for_user(request.user, Business.objects.all(), pk, write=True)
    chosen = access.get_for_user(
        request.user,
        BusinessSource.objects.select_related("job").filter(business=business),
        source,
        write=True,
    )
    with feedback.errors_as_message(request) as done:
        separated = reviews.separate(source=chosen, actor=request.user, now=timezone.now())
    if not done:
        return redirect("roster_business_detail", pk=business.pk)
    messages.success(request, f"「{separated.name}」を別の事業所（No.{separated.pk}）として分けました。")
    return redirect("roster_business_detail", pk=separated.pk)


@access.role_required(*STAFF_ROLES)
def review_list(request: access.AuthenticatedRequest) -> HttpResponse:
    pending = access.visible(
        request.user, MatchReview.objects.filter(decision=ReviewDecision.PENDING).select_related("business")
    )
    page = Paginator(pending, 20).get_page(request.GET.get("page"))
    return render(request, "roster/review_list.html", {"page": page})


@require_POST
@access.role_required(*STAFF_ROLES)
def review_decide(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    review = access.get_for_user(
        request.user, MatchReview.objects.select_related("business", "job"), pk, write=True
    )
    decision = request.POST.get("decision")
    if decision not in (ReviewDecision.SAME, ReviewDecision.DIFFERENT):
        messages.error(request, "「同一」か「別」を選んでください。")
        return redirect("roster_review_list")
    with feedback.errors_as_message(request) as done:
        decided = reviews.decide(review=review, decision=decision, actor=request.user, now=timezone.now())
    if done:
        label = ReviewDecision(decision).label
        said = [f"「{review.incoming.get('name', '')}」を{label}と判断しました。"]
        if decision == ReviewDecision.DIFFERENT and not decided.made:
            said.append(
                f"名簿にある「{decided.business.name}」（No.{decided.business.pk}）の出典に加えました。"
            )
        if decided.twins:
            said.append(
                f"同じ事業所と見られる確認待ちの行{decided.twins:,}件も、合わせて「{label}」としました。"
            )
        messages.success(request, "".join(said))
    return redirect("roster_review_list")


def _fiscal_year(request) -> FiscalYear:
    return FiscalYear.chosen(request.GET.get("year") or request.POST.get("year"))


@access.role_required(*STAFF_ROLES)
def rollover(request: access.AuthenticatedRequest) -> HttpResponse:
    """Start the year's rosters of the user's branches from last year's (R-ROS-3): once a year, so a
    page of its own rather than a form on the list opened all day."""
    if request.method != "POST":
        return render(
            request,
            "roster/rollover.html",
            {"years": FiscalYear.offered(), "chosen": FiscalYear.chosen(None)},
        )
    fiscal_year = _fiscal_year(request)
    carried = sum(
        roster_rollover(branch=branch, fiscal_year=fiscal_year, actor=request.user)
        for branch in access.changeable(request.user, Branch.objects.all())
    )
    messages.success(request, f"{fiscal_year.label}の名簿に、前年度から{carried:,}件を引き継ぎました。")
    return redirect(f"/roster/?year={fiscal_year.year}")


@access.role_required(*READERS)
def business_export(request: access.AuthenticatedRequest, fmt: str) -> HttpResponse:
    """The list as filtered, for Excel; cells that Excel would run as formulas are neutralised."""
    businesses, *_ = _businesses(request)
    rows = listing.export_rows(businesses)
    if fmt == "xlsx":
        body = tables.write_xlsx(listing.EXPORT_HEADERS, rows, title="未手続事業名簿")
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = tables.write_csv(listing.EXPORT_HEADERS, rows)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="roster-{timezone.localdate():%Y%m%d}.{fmt}"'
    return response


@require_POST
@access.role_required(*STAFF_ROLES)
def import_choose(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    """The user's answer for the suspicious cells of an import: clean them, or leave their rows out."""
    job = access.get_for_user(request.user, ImportJob.objects.all(), pk, write=True)
    choice = request.POST.get("choice")
    if choice not in (importing.CLEAN, importing.SKIP):
        messages.error(request, "扱い方を選んでください。")
    elif job.awaits_choice and ImportJob.move(
        job.pk, JobStatus.QUEUED, mapping={**job.mapping, importing.CHOICE: choice}, progress=0
    ):
        transaction.on_commit(lambda: run_import.enqueue(job.pk))
        messages.success(request, "選んだ扱い方で取り込みます。")
    return redirect("roster_import_job", pk=job.pk)


@require_POST
@access.role_required(*STAFF_ROLES)
def import_retry(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    """Run a failed or stalled import again; a finished one is never run twice (roster.tasks)."""
    job = access.get_for_user(request.user, ImportJob.objects.all(), pk, write=True)
    if ImportJob.move(job.pk, JobStatus.QUEUED, progress=0, error=""):
        transaction.on_commit(lambda: run_import.enqueue(job.pk))
        messages.success(request, "取込をもう一度実行します。")
    return redirect("roster_import_job", pk=job.pk)


@access.role_required(*READERS)
def nta_feeds(request: access.AuthenticatedRequest) -> HttpResponse:
    """The NTA difference files applied so far; HQ's staff upload the next one."""
    may_upload = access.may_write(request.user, NtaFeed)
    form = NtaFeedForm(request.POST or None, request.FILES or None) if may_upload else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > NTA_MAX_BYTES:
                form.add_error("file", f"ファイルが大きすぎます（上限 {NTA_MAX_BYTES // 1024 // 1024}MB）。")
            else:
                feed = _start_feed(request, upload)
                return redirect("roster_nta_feed", pk=feed.pk)
    page = Paginator(NtaFeed.objects.select_related("created_by"), 20).get_page(request.GET.get("page"))
    return render(request, "roster/nta_feed_list.html", {"form": form, "page": page})


def _start_feed(request: access.AuthenticatedRequest, upload) -> NtaFeed:
    UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    suffix = ".zip" if upload.name.lower().endswith(".zip") else ".csv"
    path = UPLOAD_DIR / (secrets.token_urlsafe(16) + suffix)
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    with transaction.atomic():
        feed = NtaFeed.objects.create(
            filename=fit_filename(NtaFeed, "filename", upload.name),
            stored_file=str(path),
            created_by=request.user,
        )
        transaction.on_commit(lambda: run_nta_feed.enqueue(feed.pk))
    return feed


@access.role_required(*READERS)
def nta_feed(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    feed = access.get_for_user(request.user, NtaFeed.objects.all(), pk)
    template = "roster/nta_feed_status.html" if request.htmx else "roster/nta_feed.html"
    return render(request, template, {"feed": feed, "lines": feed.lines_for(request.user)})
