"""The rules of events (R-EVT-1 … R-EVT-4): who may attend, be dispatched, report and answer."""

import datetime
import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import QueryDict

from events.models import (
    Briefing,
    BriefingAttendance,
    Dispatch,
    Question,
    QuestionKind,
    Response,
    SeminarReport,
    Training,
    TrainingAttendance,
)
from lib import wareki
from org import revisions
from org.models import Branch, FiscalYear, User
from people.models import Appointment, AppointmentRole, AppointmentStatus
from roster.models import Business


def in_year(fiscal_year: FiscalYear, day: datetime.date | None, field: str) -> None:
    if day and not fiscal_year.start <= day <= fiscal_year.end:
        raise ValidationError({field: f"{fiscal_year.label}の期間内の日付にしてください。"})


def training_season(fiscal_year: FiscalYear) -> tuple[datetime.date, datetime.date]:
    """R-EVT-2: training is held between April and September."""
    return fiscal_year.start, datetime.date(fiscal_year.start.year, 9, 30)


def check_training_day(fiscal_year: FiscalYear, day: datetime.date | None, makeup: bool = False) -> None:
    """April to September; a make-up session after September, within the year, marked as such."""
    first, last = training_season(fiscal_year)
    if not day:
        return
    if makeup:
        if not last < day <= fiscal_year.end:
            raise ValidationError(
                {
                    "held_on": f"期間外の補講は10月1日から{wareki.format_date(fiscal_year.end)}までの日付にしてください。"
                }
            )
    elif not first <= day <= last:
        raise ValidationError(
            {
                "held_on": f"研修は4月から9月までに実施します（{wareki.format_date(first)}〜{wareki.format_date(last)}）。"
                "10月以降に受講できなかった推進員のために行う研修は「期間外の補講」として記録してください。"
            }
        )


@transaction.atomic
def attendee_add(
    *, briefing: Briefing, business: Business | None, name: str = "", people: int = 1
) -> BriefingAttendance:
    """A business that attended; a roster business of another branch is refused, a business on the
    roster is recorded once per briefing."""
    if business is not None and business.branch_id != briefing.branch_id:
        raise ValidationError("他の支部の名簿の事業所は追加できません。")
    name = (business.name if business else name).strip()
    if not name:
        raise ValidationError({"name": "事業所名を入力してください。"})
    if people < 1:
        raise ValidationError({"people": "参加人数は1人以上です。"})
    try:
        with transaction.atomic():
            return BriefingAttendance.objects.create(
                briefing=briefing, business=business, name=name, people=people
            )
    except IntegrityError:
        raise ValidationError(f"「{name}」は既にこの説明会の参加事業所です。") from None


def trainable(training: Training) -> QuerySet[Appointment]:
    """The appointments that may attend: the branch's active promoters and instructors of the year."""
    return Appointment.objects.filter(
        branch=training.branch_id,
        fiscal_year=training.fiscal_year_id,
        status=AppointmentStatus.ACTIVE,
        role__in=[AppointmentRole.PROMOTER, AppointmentRole.INSTRUCTOR],
    ).select_related("person")


@transaction.atomic
def attendance_set(*, training: Training, appointment_ids: list[int]) -> int:
    """Record who attended, replacing the list; someone not appointed in the branch that year is refused."""
    chosen = set(appointment_ids)
    allowed = set(trainable(training).filter(pk__in=chosen).values_list("pk", flat=True))
    if chosen - allowed:
        raise ValidationError("この支部・年度の推進員・指導員ではない人が含まれています。")
    TrainingAttendance.objects.filter(training=training).exclude(appointment__in=chosen).delete()
    have = set(TrainingAttendance.objects.filter(training=training).values_list("appointment", flat=True))
    TrainingAttendance.objects.bulk_create(
        [TrainingAttendance(training=training, appointment_id=pk) for pk in chosen - have]
    )
    revisions.touch([training.branch_id])
    return len(chosen)


def untrained(branch: Branch, fiscal_year: FiscalYear) -> QuerySet[Appointment]:
    """Active promoters of the year who have attended no training yet (R-EVT-2: every promoter attends)."""
    return (
        Appointment.objects.filter(
            branch=branch,
            fiscal_year=fiscal_year,
            status=AppointmentStatus.ACTIVE,
            role=AppointmentRole.PROMOTER,
        )
        .exclude(trainings__fiscal_year=fiscal_year)
        .select_related("person")
        .order_by("person__full_name_kana")
    )


def lecturers(user: User, fiscal_year: FiscalYear) -> QuerySet[Appointment]:
    """The lecturers a user may dispatch: appointed and active that year; a branch its own."""
    chosen = Appointment.objects.filter(
        fiscal_year=fiscal_year, role=AppointmentRole.LECTURER, status=AppointmentStatus.ACTIVE
    ).select_related("person", "branch")
    return chosen if user.is_hq else chosen.filter(branch=user.branch_id)


def check_dispatch(user: User, dispatch: Dispatch) -> None:
    in_year(dispatch.fiscal_year, dispatch.held_on, "held_on")
    if not lecturers(user, dispatch.fiscal_year).filter(pk=dispatch.lecturer_id).exists():
        raise ValidationError({"lecturer": "その年度に委嘱された講師を選んでください。"})


@transaction.atomic
def report_save(*, actor: User, dispatch: Dispatch, **fields: Any) -> SeminarReport:
    """The lecturer writes (or corrects) the report; its participant count becomes the dispatch's."""
    if dispatch.lecturer.person.user_id != actor.pk:
        raise ValidationError("実施報告書は派遣された講師本人が作成します。")
    report, _ = SeminarReport.objects.update_or_create(
        dispatch=dispatch, defaults={**fields, "written_by": actor}
    )
    Dispatch.objects.filter(pk=dispatch.pk).update(participants=report.participants)
    return report


def question_delete(question: Question) -> None:
    """A question nobody has answered may go; an answered one stays, so results keep their meaning."""
    answered = Response.objects.filter(
        dispatch__fiscal_year=question.fiscal_year_id, answers__has_key=str(question.pk)
    ).exists()
    if answered:
        raise ValidationError("回答のある質問は削除できません（文言の修正はできます）。")
    question.delete()


def questions(fiscal_year: FiscalYear) -> list[Question]:
    return list(Question.objects.filter(fiscal_year=fiscal_year))


# A post larger than this is not a questionnaire answer (R-EVT-4's form has a few short fields).
MAX_ANSWER_BYTES = 8_000
MAX_TEXT = 1_000


def answers_from(post: QueryDict, asked: list[Question]) -> dict[str, object]:
    """The answers of a posted form, checked against the year's questions; errors name the question."""
    answers: dict[str, object] = {}
    errors: list[str] = []
    for question in asked:
        key = f"q{question.pk}"
        value: str | list[str]
        if question.kind == QuestionKind.TEXT:
            value = post.get(key, "").strip()
            if len(value) > MAX_TEXT:
                errors.append(f"「{question.text}」は{MAX_TEXT}文字以内で入力してください。")
        elif question.kind == QuestionKind.ONE:
            value = post.get(key, "")
            if value and value not in question.choices:
                errors.append(f"「{question.text}」の回答が選択肢にありません。")
        else:
            value = post.getlist(key)
            if any(v not in question.choices for v in value):
                errors.append(f"「{question.text}」の回答が選択肢にありません。")
        if question.required and not value:
            errors.append(f"「{question.text}」に回答してください。")
        if value:
            answers[str(question.pk)] = value
    if errors:
        raise ValidationError(errors)
    return answers


def device_hash(device: str, dispatch: Dispatch) -> str:
    # Only a hash is kept: the stored value cannot be traced back to the browser's cookie.
    return hashlib.sha256(f"{dispatch.token}:{device}".encode()).hexdigest()


def response_record(*, dispatch: Dispatch, device: str, answers: dict[str, object]) -> Response:
    if not dispatch.questionnaire_open:
        raise ValidationError("このアンケートの受付は終了しました。")
    if not answers:
        raise ValidationError("回答がありません。")
    try:
        with transaction.atomic():
            return Response.objects.create(
                dispatch=dispatch, device=device_hash(device, dispatch), answers=answers
            )
    except IntegrityError:
        raise ValidationError("この端末からは既に回答をいただいています。ありがとうございました。") from None


def results(dispatches: QuerySet[Dispatch], asked: list[Question]) -> list[dict[str, Any]]:
    """Per question: each choice's count (and share), or the free texts; for the charts and Excel."""
    rows = list(Response.objects.filter(dispatch__in=dispatches).values_list("answers", flat=True))
    table = []
    for question in asked:
        given = [answers.get(str(question.pk)) for answers in rows]
        given = [g for g in given if g]
        if question.kind == QuestionKind.TEXT:
            table.append({"question": question, "texts": given, "answered": len(given)})
            continue
        counts = dict.fromkeys(question.choices, 0)
        for value in given:
            for choice in value if isinstance(value, list) else [value]:
                if choice in counts:
                    counts[choice] += 1
        total = max(len(given), 1)
        table.append(
            {
                "question": question,
                "answered": len(given),
                "choices": [(c, n, round(n * 100 / total)) for c, n in counts.items()],
            }
        )
    return table
