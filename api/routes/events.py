"""Briefings, trainings, seminars and their questionnaire results."""

from typing import Any

from django.http import HttpRequest
from ninja import ModelSchema, Query, Router, Schema

from api.common import ERRORS, READERS, Id, PageOut, PageQuery, YearQuery, listing, require
from events import services as event_services
from events.models import Briefing, Dispatch, Response, Training
from org import access
from org.models import FiscalYear
from org.roles import Role

router = Router(tags=["説明会・研修・セミナー"])


class BriefingOut(ModelSchema):
    class Meta:
        model = Briefing
        fields = [
            "id",
            "branch",
            "fiscal_year",
            "title",
            "planned_on",
            "held_on",
            "partner",
            "partner_name",
            "venue",
            "presenter",
            "notes",
            "updated_at",
            "version",
        ]


class BriefingPage(PageOut):
    items: list[BriefingOut]


@router.get("/briefings", response={200: BriefingPage, **ERRORS}, summary="事業主説明会")
def briefings(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return listing(request, READERS, Briefing.objects.all(), query)


class TrainingOut(ModelSchema):
    class Meta:
        model = Training
        fields = [
            "id",
            "branch",
            "fiscal_year",
            "held_on",
            "makeup",
            "venue",
            "formats",
            "level",
            "lecturers",
            "topics",
            "notes",
            "updated_at",
            "version",
        ]


class TrainingPage(PageOut):
    items: list[TrainingOut]


@router.get("/trainings", response={200: TrainingPage, **ERRORS}, summary="推進員研修")
def trainings(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return listing(request, READERS, Training.objects.all(), query)


class SeminarOut(ModelSchema):
    class Meta:
        # Not the questionnaire's secret link: whoever holds it can answer.
        model = Dispatch
        fields = [
            "id",
            "branch",
            "fiscal_year",
            "kind",
            "title",
            "organiser",
            "held_on",
            "place",
            "lecturer",
            "participants",
            "questionnaire_open",
            "updated_at",
            "version",
        ]


class SeminarPage(PageOut):
    items: list[SeminarOut]


SEMINAR_READERS = READERS | {Role.LECTURER}


@router.get("/seminars", response={200: SeminarPage, **ERRORS}, summary="講師派遣（創業セミナー等）")
def seminars(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """A branch's dispatches (HQ's own have no branch and are HQ's); a lecturer's token, their own."""
    return listing(request, SEMINAR_READERS, Dispatch.objects.all(), query)


class ChoiceCount(Schema):
    choice: str
    count: int
    percent: int


class QuestionResult(Schema):
    question_id: int
    question: str
    kind: str
    answered: int
    choices: list[ChoiceCount]
    texts: list[str]  # free answers, for a question answered in words


class QuestionnaireResults(Schema):
    fiscal_year: int
    answers: int
    questions: list[QuestionResult]


def _results(dispatches: Any, fiscal_year: FiscalYear) -> dict[str, Any]:
    table = event_services.results(dispatches, event_services.questions(fiscal_year))
    return {
        "fiscal_year": fiscal_year.year,
        "answers": Response.objects.filter(dispatch__in=dispatches).count(),
        "questions": [
            {
                "question_id": row["question"].pk,
                "question": row["question"].text,
                "kind": row["question"].kind,
                "answered": row["answered"],
                "choices": [{"choice": c, "count": n, "percent": p} for c, n, p in row.get("choices", [])],
                "texts": row.get("texts", []),
            }
            for row in table
        ],
    }


@router.get(
    "/seminars/{dispatch_id}/results",
    response={200: QuestionnaireResults, **ERRORS},
    summary="セミナー1回のアンケート結果",
)
def seminar_results(request: HttpRequest, dispatch_id: Id) -> dict[str, Any]:
    user = require(request, SEMINAR_READERS)
    dispatch = access.get_for_user(user, Dispatch.objects.select_related("fiscal_year"), dispatch_id)
    return _results(Dispatch.objects.filter(pk=dispatch.pk), dispatch.fiscal_year)


@router.get(
    "/questionnaire/results",
    response={200: QuestionnaireResults, **ERRORS},
    summary="年度のセミナーアンケート結果（集計）",
)
def questionnaire_results(request: HttpRequest, query: Query[YearQuery]) -> dict[str, Any]:
    """The year's answers to every seminar the token's owner may see, counted as on the results page."""
    user = require(request, READERS)
    fiscal_year = FiscalYear.chosen(str(query.year) if query.year else None)
    return _results(access.visible(user, Dispatch.objects.filter(fiscal_year=fiscal_year)), fiscal_year)
