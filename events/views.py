"""Pages for briefings, training, seminars with their questionnaires, and block and national meetings."""

from typing import Any

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from events import documents, measures, services
from events.forms import (
    AttendeeForm,
    BriefingForm,
    DispatchForm,
    IssueForm,
    MeetingForm,
    QuestionForm,
    ReportForm,
    SettingsForm,
    TrainingForm,
)
from events.models import (
    Briefing,
    BriefingAttendance,
    Dispatch,
    EventSettings,
    Meeting,
    MeetingIssue,
    Question,
    SeminarReport,
    Training,
)
from kit import downloads
from lib import numbers
from org import access, feedback
from org.forms import form_errors
from org.models import Branch, FiscalYear
from org.roles import HQ_ROLES, STAFF_ROLES, Role
from org.where import where
from roster import search
from roster.models import Business

READERS = (*STAFF_ROLES, Role.VIEWER)


def _save(request, form, instance_fields: dict, check=None):
    """Save a valid form with the fields the page decides (branch, year, author); a rule's
    ValidationError is shown on the form. Returns the saved row, or None."""
    if request.method != "POST":
        return None

    def save():
        row = form.save(commit=False)
        for name, value in instance_fields.items():
            setattr(row, name, value)
        if check:
            check(row)
        row.save()
        form.save_m2m()
        return row

    try:
        # A row changed by someone else since this page was read is refused (kit.versions).
        return form.saved if form.save_current(save) else None
    except ValidationError as error:
        form_errors(form, error)
        return None


# ---- overview ---------------------------------------------------------------------------------


@access.role_required(*READERS)
def events_home(request: access.AuthenticatedRequest) -> HttpResponse:
    """Each branch's figures of the year against its targets (HQ: all branches) (R-EVT-1, 2, 4)."""
    fiscal_year = FiscalYear.chosen(request.GET.get("year"))
    branches = access.visible(request.user, Branch.objects.select_related("prefecture"))
    attended, targets = measures.briefing_attendance(fiscal_year), measures.briefing_targets(fiscal_year)
    held, trained = measures.briefings_held(fiscal_year), measures.promoters_trained(fiscal_year)
    promoters = measures.promoters(fiscal_year)
    rows = [
        {
            "branch": b,
            "briefings": held.get(b.pk, 0),
            "attended": attended.get(b.pk, 0),
            "target": targets.get(b.pk, 0),
            "promoters": promoters.get(b.pk, 0),
            "trained": trained.get(b.pk, 0),
        }
        for b in branches
    ]
    dispatches = access.visible(request.user, Dispatch.objects.filter(fiscal_year=fiscal_year))
    return render(
        request,
        "events/home.html",
        {
            "fiscal_year": fiscal_year,
            "years": FiscalYear.offered(),
            "rows": rows,
            "totals": {
                k: sum(r[k] for r in rows)
                for k in ("briefings", "attended", "target", "promoters", "trained")
            },
            "seminars": measures.seminars(fiscal_year, dispatches),
            "settings": EventSettings.of(fiscal_year),
        },
    )


@access.role_required(*HQ_ROLES, writes=EventSettings)
def settings_edit(request: access.AuthenticatedRequest, year: int) -> HttpResponse:
    fiscal_year = FiscalYear.chosen(str(year))
    current = EventSettings.of(fiscal_year)
    form = SettingsForm(request.POST or None, instance=current)
    if _save(request, form, {"fiscal_year": fiscal_year}):
        messages.success(request, f"{fiscal_year.label}の目標を保存しました。")
        return redirect(f"{reverse('events_home')}?year={fiscal_year.year}")
    return render(
        request, "events/form.html", {"form": form, "title": f"{fiscal_year.label}の説明会・セミナーの目標"}
    )


# ---- employer briefings (R-EVT-1) ---------------------------------------------------------------


@access.role_required(*READERS)
def briefing_list(request: access.AuthenticatedRequest) -> HttpResponse:
    place = where(request)
    briefings = access.visible(
        request.user, Briefing.objects.filter(branch=place["branch"], fiscal_year=place["fiscal_year"])
    ).annotate(businesses=Count("attendees"), people=Sum("attendees__people"))
    year = place["fiscal_year"]
    return render(
        request,
        "events/briefing_list.html",
        {
            **place,
            "briefings": briefings,
            # Counted for this branch only, not for the nation.
            "attended": measures.briefing_attendance(year, [place["branch"].pk]).get(place["branch"].pk, 0),
            "target": measures.briefing_targets(year, [place["branch"].pk]).get(place["branch"].pk, 0),
            "settings": EventSettings.of(year),
        },
    )


def _branch_event_edit(request, pk, model, form_class, what: str, done) -> HttpResponse:
    """Register or edit a branch's briefing or training of a year; ``done(saved)`` gives the message."""
    if pk:
        row = access.get_for_user(
            request.user, model.objects.select_related("branch", "fiscal_year"), pk, write=True
        )
        branch, fiscal_year = row.branch, row.fiscal_year
    else:
        row, place = None, where(request)
        branch, fiscal_year = place["branch"], place["fiscal_year"]
    form = form_class(request.POST or None, instance=row, fiscal_year=fiscal_year)
    fields = {"branch": branch, "fiscal_year": fiscal_year} | ({} if row else {"created_by": request.user})
    if saved := _save(request, form, fields):
        messages.success(request, done(saved))
        return redirect(f"{model._meta.model_name}_detail", pk=saved.pk)
    title = f"{branch.name} {fiscal_year.label}：{what}の{'編集' if row else '登録'}"
    return render(
        request,
        "events/form.html",
        {"form": form, "title": title, "branch": branch, "fiscal_year": fiscal_year},
    )


@access.role_required(*STAFF_ROLES, writes=Briefing)
def briefing_edit(request: access.AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    return _branch_event_edit(
        request,
        pk,
        Briefing,
        BriefingForm,
        "事業主説明会",
        lambda saved: f"説明会「{saved.title}」を保存しました。",
    )


@access.role_required(*READERS)
def briefing_detail(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    briefing = access.get_for_user(
        request.user, Briefing.objects.select_related("branch__prefecture__bureau", "fiscal_year"), pk
    )
    return render(
        request,
        "events/briefing_detail.html",
        {
            "briefing": briefing,
            "attendees": briefing.attendees.select_related("business"),
            "form": AttendeeForm(),
            "may_write": access.may_change(request.user, Briefing, pk),
        },
    )


@access.role_required(*STAFF_ROLES)
def attendee_search(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    """Roster businesses of the briefing's branch matching a name, to add with one tap (htmx)."""
    briefing = access.get_for_user(request.user, Briefing.objects.all(), pk, write=True)
    q = request.GET.get("q", "").strip()
    found: Any = []
    if len(q) >= 2:
        found = access.visible(
            request.user,
            search.ranked(Business.objects.filter(branch=briefing.branch_id), q),
        ).order_by("name")[:20]
    return render(request, "events/_attendee_search.html", {"briefing": briefing, "found": found, "q": q})


@require_POST
@access.role_required(*STAFF_ROLES)
def attendee_add(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    briefing = access.get_for_user(request.user, Briefing.objects.all(), pk, write=True)
    business = None
    if business_id := request.POST.get("business"):
        business = access.get_for_user(request.user, Business.objects.all(), business_id)
    with feedback.errors_as_message(request) as done:
        try:
            people = numbers.whole_number(request.POST.get("people") or "1", minimum=1, maximum=999)
        except ValueError as error:
            raise ValidationError(f"「参加人数」：{error}") from None
        added = services.attendee_add(
            briefing=briefing, business=business, name=request.POST.get("name", ""), people=people
        )
    if done:
        messages.success(request, f"「{added.name}」を参加事業所に追加しました。")
    return redirect("briefing_detail", pk=briefing.pk)


@require_POST
@access.role_required(*STAFF_ROLES)
def attendee_remove(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    attendee = access.get_for_user(request.user, BriefingAttendance.objects.all(), pk, write=True)
    attendee.delete()
    messages.success(request, f"「{attendee.name}」を参加事業所から外しました。")
    return redirect("briefing_detail", pk=attendee.briefing_id)


# ---- promoter training (R-EVT-2) ------------------------------------------------------------------


@access.role_required(*READERS)
def training_list(request: access.AuthenticatedRequest) -> HttpResponse:
    place = where(request)
    trainings = access.visible(
        request.user, Training.objects.filter(branch=place["branch"], fiscal_year=place["fiscal_year"])
    ).annotate(count=Count("attendance"))
    return render(
        request,
        "events/training_list.html",
        {
            **place,
            "trainings": trainings,
            "untrained": services.untrained(place["branch"], place["fiscal_year"]),
        },
    )


@access.role_required(*STAFF_ROLES, writes=Training)
def training_edit(request: access.AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    return _branch_event_edit(
        request,
        pk,
        Training,
        TrainingForm,
        "推進員研修",
        lambda saved: "研修を保存しました。受講者を記録してください。",
    )


@access.role_required(*READERS)
def training_detail(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    training = access.get_for_user(request.user, Training.objects.select_related("branch", "fiscal_year"), pk)
    may_write = access.may_change(request.user, Training, pk)
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied("このデータを変更する権限がありません。")
        ids = numbers.ids(request.POST.getlist("appointment"))
        with feedback.errors_as_message(request) as done:
            count = services.attendance_set(training=training, appointment_ids=ids)
        if done:
            messages.success(request, f"受講者 {count}人を記録しました。")
        return redirect("training_detail", pk=pk)
    attended = set(training.attendance.values_list("appointment", flat=True))
    return render(
        request,
        "events/training_detail.html",
        {
            "training": training,
            "candidates": services.trainable(training).order_by("role", "person__full_name_kana"),
            "attended": attended,
            "may_write": may_write,
        },
    )


@access.role_required(*READERS)
def training_report(request: access.AuthenticatedRequest) -> HttpResponse:
    """The branch's report of the year's training to HQ, in one fixed form (R-EVT-2, 別紙11 7)."""
    place = where(request)
    body = documents.training_report(place["branch"], place["fiscal_year"])
    return downloads.attachment(body, f"研修実施報告_{place['branch'].name}_{place['fiscal_year'].year}.xlsx")


@access.role_required(*HQ_ROLES, Role.VIEWER, hq=True)
def training_summary(request: access.AuthenticatedRequest) -> HttpResponse:
    """HQ's national summary of training: one row per branch."""
    fiscal_year = FiscalYear.chosen(request.GET.get("year"))
    rows = documents.training_rows(fiscal_year)
    if request.GET.get("format") == "xlsx":
        return downloads.attachment(
            documents.training_summary(fiscal_year, rows), f"研修実施状況_全国_{fiscal_year.year}.xlsx"
        )
    return render(
        request,
        "events/training_summary.html",
        {"fiscal_year": fiscal_year, "years": FiscalYear.offered(), "rows": rows},
    )


# ---- founders' seminars (R-EVT-4) -----------------------------------------------------------------


def _dispatches(request):
    return access.visible(
        request.user, Dispatch.objects.select_related("branch", "lecturer__person", "fiscal_year", "report")
    )


@access.role_required(*READERS, Role.LECTURER)
def dispatch_list(request: access.AuthenticatedRequest) -> HttpResponse:
    fiscal_year = FiscalYear.chosen(request.GET.get("year"))
    dispatches = _dispatches(request).filter(fiscal_year=fiscal_year).annotate(answers=Count("responses"))
    return render(
        request,
        "events/dispatch_list.html",
        {
            "fiscal_year": fiscal_year,
            "years": FiscalYear.offered(),
            "dispatches": dispatches,
            "seminars": measures.seminars(fiscal_year, dispatches),
        },
    )


@access.role_required(*STAFF_ROLES, writes=Dispatch)
def dispatch_edit(request: access.AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    if pk:
        dispatch = access.get_for_user(request.user, _dispatches(request), pk, write=True)
        fiscal_year = dispatch.fiscal_year
    else:
        dispatch, fiscal_year = None, FiscalYear.chosen(request.GET.get("year") or request.POST.get("year"))
    form = DispatchForm(request.POST or None, instance=dispatch, fiscal_year=fiscal_year, user=request.user)
    fields = {"fiscal_year": fiscal_year}
    if dispatch is None:
        # HQ dispatches for itself (no branch); a branch for itself.
        fields |= {"branch": None if request.user.is_hq else request.user.branch, "created_by": request.user}
    if saved := _save(request, form, fields, check=lambda row: services.check_dispatch(request.user, row)):
        messages.success(request, f"「{saved.title}」を保存しました。")
        return redirect("dispatch_detail", pk=saved.pk)
    title = f"{fiscal_year.label}：講師派遣の{'編集' if dispatch else '登録'}"
    return render(request, "events/form.html", {"form": form, "title": title, "fiscal_year": fiscal_year})


@access.role_required(*READERS, Role.LECTURER)
def dispatch_detail(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    dispatch = access.get_for_user(request.user, _dispatches(request), pk)
    asked = services.questions(dispatch.fiscal_year)
    link = request.build_absolute_uri(reverse("questionnaire", args=[dispatch.token]))
    return render(
        request,
        "events/dispatch_detail.html",
        {
            "dispatch": dispatch,
            "report": SeminarReport.objects.filter(dispatch=dispatch).first(),
            "link": link,
            "answers": dispatch.responses.count(),
            "results": services.results(Dispatch.objects.filter(pk=dispatch.pk), asked),
            "own": dispatch.lecturer.person.user_id == request.user.pk,
        },
    )


@access.role_required(*READERS, Role.LECTURER)
def dispatch_poster(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    """The page printed and shown at the seminar: the questionnaire's link and QR code."""
    dispatch = access.get_for_user(request.user, _dispatches(request), pk)
    link = request.build_absolute_uri(reverse("questionnaire", args=[dispatch.token]))
    qr = segno.make(link, error="m").svg_inline(scale=8)
    return render(request, "events/dispatch_poster.html", {"dispatch": dispatch, "link": link, "qr": qr})


@access.role_required(Role.LECTURER, *STAFF_ROLES)
def dispatch_report(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    """The lecturer writes the seminar report (実施報告書) online."""
    dispatch = access.get_for_user(request.user, _dispatches(request), pk)
    report = SeminarReport.objects.filter(dispatch=dispatch).first()
    form = ReportForm(
        request.POST or None, instance=report, initial={"participants": dispatch.participants or None}
    )
    if request.method == "POST":
        try:
            if form.save_current(
                lambda: services.report_save(actor=request.user, dispatch=dispatch, **form.cleaned_data)
            ):
                messages.success(request, "実施報告書を保存しました。")
                return redirect("dispatch_detail", pk=pk)
        except ValidationError as error:
            form_errors(form, error)
    return render(request, "events/form.html", {"form": form, "title": f"実施報告書：{dispatch}"})


@access.role_required(*READERS)
def seminar_results(request: access.AuthenticatedRequest) -> HttpResponse:
    """The year's questionnaire results as charts, and every answer as Excel."""
    fiscal_year = FiscalYear.chosen(request.GET.get("year"))
    dispatches = _dispatches(request).filter(fiscal_year=fiscal_year)
    asked = services.questions(fiscal_year)
    if request.GET.get("format") == "xlsx":
        return downloads.attachment(
            documents.answers_workbook(dispatches, asked), f"セミナーアンケート_{fiscal_year.year}.xlsx"
        )
    return render(
        request,
        "events/seminar_results.html",
        {
            "fiscal_year": fiscal_year,
            "years": FiscalYear.offered(),
            "results": services.results(dispatches, asked),
            "answers": dispatches.aggregate(n=Count("responses"))["n"],
        },
    )


@access.role_required(*HQ_ROLES, writes=Question)
def question_list(request: access.AuthenticatedRequest) -> HttpResponse:
    """HQ edits the year's questionnaire: add, change or remove questions (not once answered)."""
    fiscal_year = FiscalYear.chosen(request.GET.get("year") or request.POST.get("year"))
    editing = None
    if pk := request.GET.get("edit") or request.POST.get("pk"):
        editing = access.get_for_user(request.user, Question.objects.filter(fiscal_year=fiscal_year), pk)
    form = QuestionForm(request.POST or None, instance=editing)
    if _save(request, form, {"fiscal_year": fiscal_year}):
        messages.success(request, "質問を保存しました。")
        return redirect(f"{reverse('question_list')}?year={fiscal_year.year}")
    return render(
        request,
        "events/question_list.html",
        {
            "fiscal_year": fiscal_year,
            "years": FiscalYear.offered(),
            "questions": services.questions(fiscal_year),
            "form": form,
            "editing": editing,
        },
    )


@require_POST
@access.role_required(*HQ_ROLES, writes=Question)
def question_delete(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    question = access.get_for_user(request.user, Question.objects.select_related("fiscal_year"), pk)
    with feedback.errors_as_message(request) as done:
        services.question_delete(question)
    if done:
        messages.success(request, f"質問「{question.text}」を削除しました。")
    return redirect(f"{reverse('question_list')}?year={question.fiscal_year.year}")


# ---- block and national meetings (R-EVT-3) -------------------------------------------------------


@access.role_required(*READERS)
def meeting_list(request: access.AuthenticatedRequest) -> HttpResponse:
    fiscal_year = FiscalYear.chosen(request.GET.get("year"))
    meetings = access.visible(
        request.user, Meeting.objects.filter(fiscal_year=fiscal_year).select_related("block")
    )
    issues = access.visible(request.user, MeetingIssue.objects.filter(meeting__fiscal_year=fiscal_year))
    return render(
        request,
        "events/meeting_list.html",
        {
            "fiscal_year": fiscal_year,
            "years": FiscalYear.offered(),
            "meetings": meetings.annotate(open_issues=Count("issues", filter=Q(issues__status="open"))),
            "open_issues": issues.filter(status="open").select_related("meeting__block", "branch"),
        },
    )


@access.role_required(*HQ_ROLES, writes=Meeting)
def meeting_edit(request: access.AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    meeting = access.get_for_user(request.user, Meeting.objects.all(), pk) if pk else None
    fiscal_year = (
        meeting.fiscal_year
        if meeting
        else FiscalYear.chosen(request.GET.get("year") or request.POST.get("year"))
    )
    form = MeetingForm(request.POST or None, instance=meeting, fiscal_year=fiscal_year)
    fields = {"fiscal_year": fiscal_year} | ({} if meeting else {"created_by": request.user})
    if saved := _save(request, form, fields):
        messages.success(request, f"{saved}を保存しました。")
        return redirect("meeting_detail", pk=saved.pk)
    title = f"{fiscal_year.label}：ブロック会議・全国会議の{'編集' if meeting else '登録'}"
    return render(request, "events/form.html", {"form": form, "title": title, "fiscal_year": fiscal_year})


@access.role_required(*READERS)
def meeting_detail(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = access.get_for_user(request.user, Meeting.objects.select_related("block", "fiscal_year"), pk)
    may_write = access.may_write(request.user, MeetingIssue)
    editing = None
    if pk_issue := request.GET.get("edit") or request.POST.get("edit"):
        editing = access.get_for_user(request.user, meeting.issues.all(), pk_issue, write=True)
    form = IssueForm(request.POST or None, instance=editing)
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied("このデータを変更する権限がありません。")
        if _save(request, form, {"meeting": meeting, "updated_by": request.user}):
            messages.success(request, "課題を保存しました。")
            return redirect("meeting_detail", pk=pk)
    return render(
        request,
        "events/meeting_detail.html",
        {
            "meeting": meeting,
            "issues": access.visible(request.user, meeting.issues.select_related("branch")),
            "form": form,
            "editing": editing,
            "may_write": may_write,
        },
    )
