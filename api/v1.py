"""The JSON API, version 1 (/api/v1/): the same records as the pages, scoped by the same rules
(org.access) for the token's owner; the OpenAPI schema at /api/v1/openapi.json and its docs, served
from this site, for signed-in office staff."""

import datetime
import uuid
from typing import Annotated, Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, ModelSchema, NinjaAPI, Path, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from api import pagination
from api.auth import TokenAuth
from assignments.models import Assignment
from assignments.services import active_field_appointments
from councils.models import CouncilMeeting
from fieldwork.forms import VisitForm
from fieldwork.models import Enrolment, Visit
from fieldwork.services import field_appointment, visit_record
from org import access
from org.models import Association, Branch, FiscalYear, User
from org.roles import HQ_ROLES, STAFF_ROLES, Role
from payments.models import FeeClaim, PaymentBatch
from people.models import Person
from roster.models import Business
from targets import services as target_services

READERS: frozenset[str] = frozenset({*STAFF_ROLES, Role.VIEWER})
# An id in a URL: a positive 32-bit integer, or the request is refused before it reaches the database.
Id = Annotated[int, Path(ge=1, le=2_147_483_647)]
HQ: frozenset[str] = frozenset(HQ_ROLES)
FIELD: frozenset[str] = frozenset({Role.PROMOTER, Role.INSTRUCTOR})


def _docs_for_staff(view):
    """The interactive docs are for signed-in office staff (issue 19), not for the world."""

    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.role not in READERS:  # type: ignore[union-attr]
            raise PermissionDenied("APIの説明を見る権限がありません。")
        return view(request, *args, **kwargs)

    return wrapped


api = NinjaAPI(
    title="issou API",
    version="1",
    description="全国労保連 業務システムのAPI。個人用アクセストークン（Authorization: Bearer …）で利用します。",
    auth=TokenAuth(),
    urls_namespace="api-v1",
    docs_decorator=_docs_for_staff,
)


def _error(request: HttpRequest, status: int, detail: str, errors: list[dict] | None = None) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthorised(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 401, "認証できません。トークンが正しくないか、期限切れまたは失効しています。")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "見つかりません。")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, str(exc) or "この操作を行う権限がありません。")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": ".".join(str(part) for part in error.get("loc", [])[1:]), "message": error.get("msg", "")}
        for error in exc.errors
    ]
    return _error(request, 422, "入力内容に誤りがあります。", errors)


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _require(request: HttpRequest, roles: frozenset) -> User:
    user = _user(request)
    if user.role not in roles:
        raise PermissionDenied("このAPIを利用する権限がありません。")
    return user


class Error(Schema):
    detail: str
    errors: list[dict[str, str]]


class Me(Schema):
    username: str
    full_name: str
    role: str
    role_label: str
    branch_id: int | None


class BusinessOut(Schema):
    id: int
    branch_id: int
    name: str
    name_kana: str
    corporate_number: str
    insurance_number: str
    postal_code: str
    address: str
    city_code: str
    city: str
    phone: str
    industry: str
    workers: int | None
    status: str
    status_label: str
    identified_on: datetime.date
    assigned_to_id: int | None


class BusinessPage(Schema):
    items: list[BusinessOut]
    next_cursor: int | None


class AssociationOut(Schema):
    id: int
    branch_id: int
    name: str
    name_kana: str
    representative: str
    address: str
    phone: str
    approval_number: str
    approved_on: datetime.date | None
    is_member: bool
    status: str


class AssociationPage(Schema):
    items: list[AssociationOut]
    next_cursor: int | None


class PersonOut(Schema):
    id: int
    branch_id: int
    full_name: str
    full_name_kana: str
    phone: str
    email: str
    association_id: int | None


class PersonPage(Schema):
    items: list[PersonOut]
    next_cursor: int | None


class AssignmentOut(Schema):
    id: int
    business_id: int
    business_name: str
    business_address: str
    appointment_id: int
    assigned_at: datetime.datetime


class AssignmentPage(Schema):
    items: list[AssignmentOut]
    next_cursor: int | None


class PageQuery(Schema):
    # The next_cursor of the page before: the last id seen.
    cursor: int | None = Field(None, ge=0, le=pagination.LARGEST_ID)
    limit: int = Field(100, ge=1, le=pagination.MAX_LIMIT)


ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}


@api.get("/me", response={200: Me, **ERRORS}, summary="トークンの利用者")
def me(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "role_label": user.get_role_display(),
        "branch_id": user.branch_id,
    }


def _business(b: Business) -> dict[str, Any]:
    return {
        **{field: getattr(b, field) for field in BusinessOut.model_fields if hasattr(b, field)},
        "status_label": b.get_status_display(),
    }


@api.get("/businesses", response={200: BusinessPage, **ERRORS}, summary="未手続事業（名簿の事業所）の一覧")
def businesses(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """A promoter's or instructor's token lists the businesses assigned to them only."""
    user = _require(request, READERS | FIELD)
    rows, next_cursor = pagination.page(
        access.visible(user, Business.objects.all()), query.cursor, query.limit
    )
    return pagination.envelope([_business(b) for b in rows], next_cursor)


@api.get("/businesses/{business_id}", response={200: BusinessOut, **ERRORS}, summary="事業所1件")
def business(request: HttpRequest, business_id: Id) -> dict[str, Any]:
    user = _require(request, READERS | FIELD)
    return _business(access.get_for_user(user, Business.objects.all(), business_id))


def _listing(request: HttpRequest, roles: frozenset[str], queryset: Any, query: PageQuery) -> dict[str, Any]:
    """One cursor page of what the token's owner may see of ``queryset``."""
    user = _require(request, roles)
    rows, next_cursor = pagination.page(access.visible(user, queryset), query.cursor, query.limit)
    return pagination.envelope(rows, next_cursor)


@api.get("/associations", response={200: AssociationPage, **ERRORS}, summary="労働保険事務組合の一覧")
def associations(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return _listing(request, READERS, Association.objects.all(), query)


@api.get("/associations/{association_id}", response={200: AssociationOut, **ERRORS}, summary="事務組合1件")
def association(request: HttpRequest, association_id: Id) -> Association:
    user = _require(request, READERS)
    return access.get_for_user(user, Association.objects.all(), association_id)


@api.get("/people", response={200: PersonPage, **ERRORS}, summary="人員名簿")
def people(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return _listing(request, READERS, Person.objects.all(), query)


@api.get("/people/{person_id}", response={200: PersonOut, **ERRORS}, summary="人員1件")
def person(request: HttpRequest, person_id: Id) -> Person:
    user = _require(request, READERS)
    return access.get_for_user(user, Person.objects.all(), person_id)


def _assignment(a: Assignment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "business_id": a.business_id,
        "business_name": a.business.name,
        "business_address": a.business.address,
        "appointment_id": a.appointment_id,
        "assigned_at": a.assigned_at,
    }


@api.get("/assignments", response={200: AssignmentPage, **ERRORS}, summary="担当割当（現在のもの）")
def assignments(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """The current assignments: a promoter's or instructor's token sees its own only."""
    user = _require(request, READERS | FIELD)
    current = Assignment.objects.filter(ended_at__isnull=True).select_related("business")
    rows, next_cursor = pagination.page(access.visible(user, current), query.cursor, query.limit)
    return pagination.envelope([_assignment(a) for a in rows], next_cursor)


class VisitDraft(Schema):
    """A visit as the phone keeps it offline (the visit form's fields), sent later in a batch."""

    client_key: uuid.UUID
    business_id: int
    visited_on: datetime.date
    visited_at: datetime.time | None = None
    method: str = "direct"
    companion_id: int | None = None
    met: str = ""
    topics: list[str] = []
    outcome: str
    next_action: str = ""
    next_on: datetime.date | None = None
    notes: str = ""


class VisitBatch(Schema):
    visits: list[VisitDraft] = Field(..., max_length=200)


class VisitResult(Schema):
    client_key: uuid.UUID
    status: str  # created / duplicate / error
    visit_id: int | None
    errors: list[dict[str, str]]


class VisitResults(Schema):
    results: list[VisitResult]


def _form_data(draft: VisitDraft) -> dict[str, Any]:
    data = draft.dict(exclude={"business_id", "companion_id", "topics"})
    data = {k: ("" if v is None else v) for k, v in data.items()}
    return {**data, "companion": draft.companion_id or "", "topics": draft.topics}


@api.post(
    "/visits/bulk",
    response={200: VisitResults, **ERRORS},
    summary="訪問記録の一括送信（端末に保存した下書き）",
)
def visits_bulk(request: HttpRequest, batch: VisitBatch) -> dict[str, Any]:
    """Each draft is recorded once per client_key, by the same rules as the visit form: sent again,
    it answers "duplicate"; a refused draft answers its errors by field and the others still go."""
    user = _require(request, FIELD)
    appointment = field_appointment(user)
    if appointment is None:
        raise PermissionDenied(
            "今年度の委嘱が確認できないため、訪問を記録できません。支部にお問い合わせください。"
        )
    companions = active_field_appointments(appointment.branch, appointment.fiscal_year).exclude(
        pk=appointment.pk
    )
    results = []
    for draft in batch.visits:
        result: dict[str, Any] = {
            "client_key": draft.client_key,
            "status": "error",
            "visit_id": None,
            "errors": [],
        }
        business = access.visible(user, Business.objects.all()).filter(pk=draft.business_id).first()
        form = VisitForm(data=_form_data(draft), companions=companions)
        if business is None:
            result["errors"].append({"field": "business_id", "message": "担当している事業所ではありません。"})
        elif not form.is_valid():
            result["errors"] += [
                {"field": field, "message": message}
                for field, messages in form.errors.items()
                for message in messages
            ]
        else:
            try:
                visit, new = visit_record(
                    actor=user, appointment=appointment, business=business, **form.cleaned_data
                )
            except DjangoValidationError as error:
                fields = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
                result["errors"] += [{"field": f, "message": m} for f, ms in fields.items() for m in ms]
            else:
                result.update(status="created" if new else "duplicate", visit_id=visit.pk)
        results.append(result)
    return {"results": results}


class VisitOut(ModelSchema):
    class Meta:
        model = Visit
        fields = [
            "id",
            "business",
            "appointment",
            "companion",
            "visited_on",
            "visited_at",
            "method",
            "met",
            "topics",
            "outcome",
            "next_action",
            "next_on",
            "notes",
            "client_key",
            "recorded_at",
        ]


class VisitPage(Schema):
    items: list[VisitOut]
    next_cursor: int | None


@api.get("/visits", response={200: VisitPage, **ERRORS}, summary="訪問記録（加入勧奨）")
def visits(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """A promoter's or instructor's token lists their own visits only."""
    return _listing(request, READERS | FIELD, Visit.objects.all(), query)


class EnrolmentOut(ModelSchema):
    class Meta:
        model = Enrolment
        fields = [
            "id",
            "business",
            "appointment",
            "kind",
            "insurance_number",
            "enrolled_on",
            "association",
            "bureau_guidance",
            "ex_officio",
        ]


class EnrolmentPage(Schema):
    items: list[EnrolmentOut]
    next_cursor: int | None


@api.get("/enrolments", response={200: EnrolmentPage, **ERRORS}, summary="保険関係成立")
def enrolments(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return _listing(request, READERS | FIELD, Enrolment.objects.all(), query)


class ClaimOut(ModelSchema):
    class Meta:
        model = FeeClaim
        fields = ["id", "appointment", "month", "status", "submitted_at", "sent_at"]


class ClaimPage(Schema):
    items: list[ClaimOut]
    next_cursor: int | None


@api.get("/claims", response={200: ClaimPage, **ERRORS}, summary="加入勧奨推進費の支給申請")
def claims(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """A promoter's token lists their own claims; branch staff their branch's."""
    return _listing(request, READERS | FIELD, FeeClaim.objects.all(), query)


class CouncilOut(ModelSchema):
    class Meta:
        model = CouncilMeeting
        fields = [
            "id",
            "branch",
            "fiscal_year",
            "number",
            "counterpart",
            "inspection_office",
            "employment_office",
            "planned_on",
            "held_on",
            "venue",
            "agenda",
            "decisions",
        ]


class CouncilPage(Schema):
    items: list[CouncilOut]
    next_cursor: int | None


@api.get("/councils", response={200: CouncilPage, **ERRORS}, summary="労働局との協議会")
def councils(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return _listing(request, READERS, CouncilMeeting.objects.all(), query)


class BatchOut(ModelSchema):
    class Meta:
        model = PaymentBatch
        fields = ["id", "fiscal_year", "quarter", "transfer_date", "status", "approved_at", "confirmed_at"]


class BatchPage(Schema):
    items: list[BatchOut]
    next_cursor: int | None


@api.get("/payment-batches", response={200: BatchPage, **ERRORS}, summary="支払バッチ（本部）")
def payment_batches(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return _listing(request, HQ, PaymentBatch.objects.all(), query)


class MeasureProgress(Schema):
    measure: str
    label: str
    unit: str
    target: int
    actual: int
    rate: float | None
    projection: int
    months: list[int]


class Progress(Schema):
    fiscal_year: int
    branch_id: int | None
    measures: list[MeasureProgress]


class ProgressQuery(Schema):
    year: int | None = Field(None, ge=2011, le=2100)
    branch: int | None = Field(None, ge=1, le=2_147_483_647)


@api.get(
    "/targets/progress", response={200: Progress, **ERRORS}, summary="目標と実績（年度・支部または全国）"
)
def targets_progress(request: HttpRequest, query: Query[ProgressQuery]) -> dict[str, Any]:
    """Every measure's target, actual (April to March) and year-end projection: the nation's for HQ
    without ``branch``, else one branch's (another branch's id: 404), as on the target dashboards."""
    user = _require(request, READERS)
    fiscal_year = FiscalYear.chosen(str(query.year) if query.year else None)
    if user.is_hq and query.branch is None:
        branches = list(Branch.objects.select_related("prefecture", "block"))
    else:
        branches = [access.chosen_branch(user, query.branch)]
    tables = target_services.progress(fiscal_year, branches, timezone.localdate())
    return {
        "fiscal_year": fiscal_year.year,
        "branch_id": branches[0].pk if len(branches) == 1 else None,
        "measures": [
            {
                "measure": str(measure),
                "label": table["measure"].label,
                "unit": table["unit"],
                "target": table["target"],
                "actual": table["actual"],
                "rate": table["rate"],
                "projection": table["projection"],
                "months": table["months"],
            }
            for measure, table in tables.items()
        ],
    }
