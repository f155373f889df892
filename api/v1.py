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
from pydantic import field_validator

from api import pagination
from api.auth import PageSession, TokenAuth
from assignments.models import Assignment
from assignments.services import active_field_appointments
from associations import registry as association_registry
from councils import papers as council_papers
from councils.models import Allocation, CouncilMeeting
from events import services as event_services
from events.models import Briefing, Dispatch, Response, Training
from fieldwork.forms import EnrolmentForm, VisitForm
from fieldwork.models import Enrolment, Visit
from fieldwork.services import enrolment_draft_record, field_appointment, visit_record
from org import access
from org.models import Association, Branch, FiscalYear, User
from org.roles import HQ_ROLES, STAFF_ROLES, Role
from payments import services as payment_services
from payments.models import FeeClaim, PaymentBatch
from people import registry as people_registry
from people.models import Appointment, Person
from roster import listing as roster_listing
from roster.models import Business
from targets import services as target_services

READERS: frozenset[str] = frozenset({*STAFF_ROLES, Role.VIEWER})
EARLIEST, LATEST = datetime.datetime(2000, 1, 1), datetime.datetime(2100, 12, 31)
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"  # a search typed by a person: no control characters
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
    description=(
        "全国労保連 業務システムのAPI。個人用アクセストークン（Authorization: Bearer …）で利用します。"
        "このシステムの画面からは、ログイン中のセッション（書込みにはCSRFトークン）でも利用できます。"
    ),
    auth=[TokenAuth(), PageSession()],
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


def _field_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return [
        {"field": field, "message": message} for field, messages in fields.items() for message in messages
    ]


@api.exception_handler(DjangoValidationError)
def _refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A service's refusal, with its Japanese reason: by field where it names one."""
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    errors = [
        {"field": field, "message": message} for field, messages in fields.items() for message in messages
    ]
    return _error(request, 422, errors[0]["message"] if errors else "受け付けられません。", errors)


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {
            "field": ".".join(str(part) for part in error.get("loc", [])[1:]),
            # A validator's own Japanese message, without pydantic's English lead-in.
            "message": error.get("msg", "").removeprefix("Value error, "),
        }
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
    updated_at: datetime.datetime


class PageOut(Schema):
    next_cursor: int | None


class BusinessPage(PageOut):
    items: list[BusinessOut]


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
    updated_at: datetime.datetime


class AssociationPage(PageOut):
    items: list[AssociationOut]


class PersonOut(Schema):
    id: int
    branch_id: int
    full_name: str
    full_name_kana: str
    phone: str
    email: str
    association_id: int | None
    updated_at: datetime.datetime


class PersonPage(PageOut):
    items: list[PersonOut]


class AssignmentOut(Schema):
    id: int
    business_id: int
    business_name: str
    business_address: str
    appointment_id: int
    assigned_at: datetime.datetime
    ended_at: datetime.datetime | None
    updated_at: datetime.datetime


class AssignmentPage(PageOut):
    items: list[AssignmentOut]


class PageQuery(Schema):
    # The next_cursor of the page before: the last id seen.
    cursor: int | None = Field(None, ge=0, le=pagination.LARGEST_ID)
    limit: int = Field(100, ge=1, le=pagination.MAX_LIMIT)
    # Incremental sync: only what changed at or after this time (ISO 8601; without an offset, JST);
    # send the largest updated_at received, less a few minutes (see api.pagination).
    updated_since: datetime.datetime | None = None

    @field_validator("updated_since")
    @classmethod
    def _in_our_years(cls, value: datetime.datetime | None) -> datetime.datetime | None:
        # Far-off times overflow when turned into UTC: read as the earliest or latest time that
        # can matter (nothing here is older than 2000), which selects the same rows.
        if value is None or EARLIEST <= value.replace(tzinfo=None) <= LATEST:
            return value
        return EARLIEST if value.replace(tzinfo=None) < EARLIEST else LATEST


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
    return pagination.page(access.visible(user, Business.objects.all()), query).envelope(_business)


@api.get("/businesses/{business_id}", response={200: BusinessOut, **ERRORS}, summary="事業所1件")
def business(request: HttpRequest, business_id: Id) -> dict[str, Any]:
    user = _require(request, READERS | FIELD)
    return _business(access.get_for_user(user, Business.objects.all(), business_id))


def _listing(request: HttpRequest, roles: frozenset[str], queryset: Any, query: PageQuery) -> dict[str, Any]:
    """One cursor page of what the token's owner may see of ``queryset``."""
    user = _require(request, roles)
    return pagination.page(access.visible(user, queryset), query).envelope()


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
        "ended_at": a.ended_at,
        "updated_at": a.updated_at,
    }


@api.get("/assignments", response={200: AssignmentPage, **ERRORS}, summary="担当割当")
def assignments(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """The current assignments; with ``updated_since``, every assignment changed since, ended ones
    too (``ended_at`` set), so that a synced phone drops a business moved to someone else. A
    promoter's or instructor's token sees its own only."""
    user = _require(request, READERS | FIELD)
    listed = Assignment.objects.select_related("business")
    if query.updated_since is None:
        listed = listed.filter(ended_at__isnull=True)
    return pagination.page(access.visible(user, listed), query).envelope(_assignment)


class VisitDraft(Schema):
    """A visit as the phone keeps it offline (the visit form's fields), sent later in a batch."""

    client_key: uuid.UUID
    business_id: int
    # Left empty on the phone, it is the form that says so, for this draft alone.
    visited_on: datetime.date | None = None
    visited_at: datetime.time | None = None
    method: str = "direct"
    companion_id: int | None = None
    met: str = ""
    topics: list[str] = []
    outcome: str = ""
    next_action: str = ""
    next_on: datetime.date | None = None
    notes: str = ""


class VisitBatch(Schema):
    visits: list[VisitDraft] = Field(..., max_length=200)


class DraftResult(Schema):
    client_key: uuid.UUID
    status: str  # created / duplicate / error
    id: int | None  # the record made (or found again)
    errors: list[dict[str, str]]


class DraftResults(Schema):
    results: list[DraftResult]


def _visit_form_data(draft: VisitDraft) -> dict[str, Any]:
    data = draft.dict(exclude={"business_id", "companion_id", "topics"})
    data = {k: ("" if v is None else v) for k, v in data.items()}
    return {**data, "companion": draft.companion_id or "", "topics": draft.topics}


def _record_drafts(
    user: User, drafts: list[Any], form_for: Any, record: Any
) -> dict[str, list[dict[str, Any]]]:
    """Each draft checked by the page's own form, then recorded by the page's own service, on a
    business the user is assigned: one refused draft answers its errors by field, the others go."""
    results = []
    for draft in drafts:
        result: dict[str, Any] = {"client_key": draft.client_key, "status": "error", "id": None, "errors": []}
        business = access.visible(user, Business.objects.all()).filter(pk=draft.business_id).first()
        form = form_for(draft)
        if business is None:
            result["errors"].append({"field": "business_id", "message": "担当している事業所ではありません。"})
        elif not form.is_valid():
            # Labelled as on the form, so that the phone can show the message as it is.
            result["errors"] += [
                {
                    "field": field,
                    "message": f"{form.fields[field].label}：{message}" if field in form.fields else message,
                }
                for field, messages in form.errors.items()
                for message in messages
            ]
        else:
            try:
                made, new = record(draft, business, form.cleaned_data)
            except DjangoValidationError as error:
                result["errors"] += _field_errors(error)
            else:
                result.update(status="created" if new else "duplicate", id=made.pk)
        results.append(result)
    return {"results": results}


def _appointment(user: User, what: str) -> Appointment:
    appointment = field_appointment(user)
    if appointment is None:
        raise PermissionDenied(
            f"今年度の委嘱が確認できないため、{what}を記録できません。支部にお問い合わせください。"
        )
    return appointment


@api.post(
    "/visits/bulk",
    response={200: DraftResults, **ERRORS},
    summary="訪問記録の一括送信（端末に保存した下書き）",
)
def visits_bulk(request: HttpRequest, batch: VisitBatch) -> dict[str, Any]:
    """Each draft is recorded once per client_key, by the same rules as the visit form: sent again,
    it answers "duplicate"; a refused draft answers its errors by field and the others still go."""
    user = _require(request, FIELD)
    appointment = _appointment(user, "訪問")
    companions = active_field_appointments(appointment.branch, appointment.fiscal_year).exclude(
        pk=appointment.pk
    )
    return _record_drafts(
        user,
        batch.visits,
        lambda draft: VisitForm(data=_visit_form_data(draft), companions=companions),
        lambda draft, business, fields: visit_record(
            actor=user, appointment=appointment, business=business, **fields
        ),
    )


class EnrolmentDraft(Schema):
    """An enrolment as the phone keeps it offline (the enrolment form's fields, without evidence:
    that is attached afterwards on the enrolment's page)."""

    client_key: uuid.UUID
    business_id: int
    kind: str = ""
    insurance_number: str = Field("", max_length=20)
    enrolled_on: datetime.date | None = None
    association_id: int | None = None
    filed_electronically: bool = False
    bureau_guidance: bool = False
    ex_officio: bool = False
    one_insurance_only: bool = False


class EnrolmentBatch(Schema):
    enrolments: list[EnrolmentDraft] = Field(..., max_length=200)


@api.post(
    "/enrolments/bulk",
    response={200: DraftResults, **ERRORS},
    summary="保険関係成立の一括送信（端末に保存した下書き）",
)
def enrolments_bulk(request: HttpRequest, batch: EnrolmentBatch) -> dict[str, Any]:
    """Each draft is recorded once per client_key, by the same rules as the enrolment form (R-ENR-1,
    R-ENR-5); sent again it answers "duplicate"."""
    user = _require(request, FIELD)
    appointment = _appointment(user, "保険関係成立")
    associations = Association.objects.filter(branch=appointment.branch)

    def form_for(draft: EnrolmentDraft) -> EnrolmentForm:
        data = draft.dict(exclude={"business_id", "association_id"})
        flags = ("filed_electronically", "bureau_guidance", "ex_officio", "one_insurance_only")
        # A checkbox left off is absent from a form's data; an empty field is empty text.
        data = {k: "" if v is None else v for k, v in data.items() if k not in flags or v}
        return EnrolmentForm(
            data={**data, "association": draft.association_id or ""}, associations=associations
        )

    return _record_drafts(
        user,
        batch.enrolments,
        form_for,
        lambda draft, business, fields: enrolment_draft_record(
            actor=user, business=business, appointment=appointment, **fields
        ),
    )


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
            "updated_at",
        ]


class VisitPage(PageOut):
    items: list[VisitOut]


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
            "updated_at",
        ]


class EnrolmentPage(PageOut):
    items: list[EnrolmentOut]


@api.get("/enrolments", response={200: EnrolmentPage, **ERRORS}, summary="保険関係成立")
def enrolments(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return _listing(request, READERS | FIELD, Enrolment.objects.all(), query)


class ClaimOut(ModelSchema):
    class Meta:
        model = FeeClaim
        fields = ["id", "appointment", "month", "status", "submitted_at", "sent_at", "updated_at"]


class ClaimPage(PageOut):
    items: list[ClaimOut]


@api.get("/claims", response={200: ClaimPage, **ERRORS}, summary="加入勧奨推進費の支給申請")
def claims(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """A promoter's token lists their own claims; branch staff their branch's."""
    return _listing(request, READERS | FIELD, FeeClaim.objects.all(), query)


class ClaimLineOut(Schema):
    id: int
    kind: str
    kind_label: str
    business_id: int
    business_name: str
    day: datetime.date
    description: str
    amount: int  # 税込・円
    tax: int  # うち消費税・円
    reasons: list[str]  # 対象外の理由
    branch_decision: str
    branch_reason: str
    hq_decision: str
    hq_reason: str


class ClaimDetail(Schema):
    id: int
    appointment: int
    month: datetime.date
    status: str
    status_label: str
    submitted_at: datetime.datetime | None
    sent_at: datetime.datetime | None
    updated_at: datetime.datetime
    total: int
    tax: int
    lines: list[ClaimLineOut]


def _claim(user: User, claim_id: int) -> dict[str, Any]:
    claim = access.get_for_user(user, FeeClaim.objects.select_related("appointment__person"), claim_id)
    lines = list(claim.lines.select_related("business").order_by("day", "pk"))
    return {
        "id": claim.pk,
        "appointment": claim.appointment_id,
        "month": claim.month,
        "status": claim.status,
        "status_label": claim.get_status_display(),
        "submitted_at": claim.submitted_at,
        "sent_at": claim.sent_at,
        "updated_at": claim.updated_at,
        "total": sum(line.amount for line in lines),
        "tax": sum(line.tax for line in lines),
        "lines": [
            {
                **{name: getattr(line, name) for name in ClaimLineOut.model_fields if hasattr(line, name)},
                "kind_label": line.get_kind_display(),
                "business_name": line.business.name,
            }
            for line in lines
        ],
    }


@api.get("/claims/{claim_id}", response={200: ClaimDetail, **ERRORS}, summary="支給申請1件（明細つき）")
def claim(request: HttpRequest, claim_id: Id) -> dict[str, Any]:
    """The claim with its lines, amounts in whole yen with the tax part, and each line's review."""
    return _claim(_require(request, READERS | FIELD), claim_id)


@api.post(
    "/claims/{claim_id}/submit", response={200: ClaimDetail, **ERRORS}, summary="支給申請の提出（本人）"
)
def claim_submit(request: HttpRequest, claim_id: Id) -> dict[str, Any]:
    """The promoter submits their own month's claim to the branch, as the claim page does: the draft
    is rebuilt from the latest records first, and if that changed it, the claim is not submitted
    (422) so that the promoter sees the new amounts before submitting again (D-2)."""
    user = _require(request, FIELD)
    found = access.get_for_user(user, FeeClaim.objects.select_related("appointment__person"), claim_id)
    payment_services.claim_submit(actor=user, claim=found)
    return _claim(user, claim_id)


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
            "updated_at",
        ]


class CouncilPage(PageOut):
    items: list[CouncilOut]


@api.get("/councils", response={200: CouncilPage, **ERRORS}, summary="労働局との協議会")
def councils(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return _listing(request, READERS, CouncilMeeting.objects.all(), query)


class BatchOut(ModelSchema):
    class Meta:
        model = PaymentBatch
        fields = [
            "id",
            "fiscal_year",
            "quarter",
            "transfer_date",
            "status",
            "approved_at",
            "confirmed_at",
            "updated_at",
        ]


class BatchPage(PageOut):
    items: list[BatchOut]


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


class YearQuery(Schema):
    year: int | None = Field(None, ge=2011, le=2100)


class PlaceQuery(YearQuery):
    """A year and a branch, as the pages' ?year= and ?branch= (HQ picks any, a branch its own)."""

    branch: int | None = Field(None, ge=1, le=2_147_483_647)


@api.get(
    "/targets/progress", response={200: Progress, **ERRORS}, summary="目標と実績（年度・支部または全国）"
)
def targets_progress(request: HttpRequest, query: Query[PlaceQuery]) -> dict[str, Any]:
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
        ]


class BriefingPage(PageOut):
    items: list[BriefingOut]


@api.get("/briefings", response={200: BriefingPage, **ERRORS}, summary="事業主説明会")
def briefings(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return _listing(request, READERS, Briefing.objects.all(), query)


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
        ]


class TrainingPage(PageOut):
    items: list[TrainingOut]


@api.get("/trainings", response={200: TrainingPage, **ERRORS}, summary="推進員研修")
def trainings(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return _listing(request, READERS, Training.objects.all(), query)


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
        ]


class SeminarPage(PageOut):
    items: list[SeminarOut]


SEMINAR_READERS = READERS | {Role.LECTURER}


@api.get("/seminars", response={200: SeminarPage, **ERRORS}, summary="講師派遣（創業セミナー等）")
def seminars(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """A branch's dispatches (HQ's own have no branch and are HQ's); a lecturer's token, their own."""
    return _listing(request, SEMINAR_READERS, Dispatch.objects.all(), query)


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


@api.get(
    "/seminars/{dispatch_id}/results",
    response={200: QuestionnaireResults, **ERRORS},
    summary="セミナー1回のアンケート結果",
)
def seminar_results(request: HttpRequest, dispatch_id: Id) -> dict[str, Any]:
    user = _require(request, SEMINAR_READERS)
    dispatch = access.get_for_user(user, Dispatch.objects.select_related("fiscal_year"), dispatch_id)
    return _results(Dispatch.objects.filter(pk=dispatch.pk), dispatch.fiscal_year)


@api.get(
    "/questionnaire/results",
    response={200: QuestionnaireResults, **ERRORS},
    summary="年度のセミナーアンケート結果（集計）",
)
def questionnaire_results(request: HttpRequest, query: Query[YearQuery]) -> dict[str, Any]:
    """The year's answers to every seminar the token's owner may see, counted as on the results page."""
    user = _require(request, READERS)
    fiscal_year = FiscalYear.chosen(str(query.year) if query.year else None)
    return _results(access.visible(user, Dispatch.objects.filter(fiscal_year=fiscal_year)), fiscal_year)


Cell = str | int | float | datetime.date | None


class ExportOut(Schema):
    """A table as the Excel export has it: the same columns and the same rows in the same order.
    Values are as stored (a text starting with = is not given Excel's leading quote here)."""

    title: str
    columns: list[str]
    rows: list[list[Cell]]


class BusinessFilter(Schema):
    # The roster list's filters, as on its page.
    q: str = Field("", max_length=200, pattern=PRINTABLE)
    status: str = Field("", max_length=20)
    year: int | None = Field(None, ge=2011, le=2100)


@api.get(
    "/exports/businesses", response={200: ExportOut, **ERRORS}, summary="未手続事業名簿（Excel出力と同じ表）"
)
def export_businesses(request: HttpRequest, query: Query[BusinessFilter]) -> dict[str, Any]:
    user = _require(request, READERS)
    businesses = roster_listing.filtered(user, q=query.q, status=query.status, year=str(query.year or ""))
    return {
        "title": "未手続事業名簿",
        "columns": roster_listing.EXPORT_HEADERS,
        "rows": list(roster_listing.export_rows(businesses)),
    }


@api.get("/exports/people", response={200: ExportOut, **ERRORS}, summary="人員名簿（Excel出力と同じ表）")
def export_people(request: HttpRequest) -> dict[str, Any]:
    user = _require(request, READERS)
    return {
        "title": "人員名簿",
        "columns": people_registry.EXPORT_HEADERS,
        "rows": list(people_registry.export_rows(access.visible(user, Person.objects.all()))),
    }


@api.get(
    "/exports/associations", response={200: ExportOut, **ERRORS}, summary="事務組合名簿（Excel出力と同じ表）"
)
def export_associations(request: HttpRequest) -> dict[str, Any]:
    user = _require(request, READERS)
    return {
        "title": "事務組合名簿",
        "columns": association_registry.EXPORT_HEADERS,
        "rows": association_registry.export_rows(access.visible(user, Association.objects.all())),
    }


class DivisionOut(Schema):
    id: int
    business_id: int
    business_name: str
    fiscal_year: int
    side: str  # branch: 支部の加入勧奨 / bureau_guidance: 労働局の手続指導
    side_label: str
    basis: str
    meeting_id: int | None  # the council that fixed it; None while it is a proposal
    changed_at: datetime.datetime


class DivisionPage(PageOut):
    items: list[DivisionOut]


@api.get(
    "/divisions",
    response={200: DivisionPage, **ERRORS},
    summary="役割分担（支部の加入勧奨／労働局の手続指導）",
)
def divisions(request: HttpRequest, query: Query[PageQuery], year: Query[YearQuery]) -> dict[str, Any]:
    """Each business's side for the year (the current one without ``year``); ``updated_since``
    reads when the side last changed."""
    user = _require(request, READERS)
    fiscal_year = FiscalYear.chosen(str(year.year) if year.year else None)
    rows = Allocation.objects.filter(entry__fiscal_year=fiscal_year).select_related("entry__business")
    return pagination.page(access.visible(user, rows), query, changed="changed_at").envelope(
        lambda a: {
            "id": a.pk,
            "business_id": a.entry.business_id,
            "business_name": a.entry.business.name,
            "fiscal_year": fiscal_year.year,
            "side": a.side,
            "side_label": a.get_side_display(),
            "basis": a.basis,
            "meeting_id": a.meeting_id,
            "changed_at": a.changed_at,
        }
    )


@api.get(
    "/exports/bureau-share",
    response={200: ExportOut, **ERRORS},
    summary="手続指導対象事業所（労働局に渡すExcelと同じ表）",
)
def export_bureau_share(request: HttpRequest, query: Query[PlaceQuery]) -> dict[str, Any]:
    """The businesses given to the bureau for one branch and year, as in the workbook the bureau
    receives; HQ names the branch, a branch's token reads its own (another branch's: 404)."""
    user = _require(request, READERS)
    branch = access.chosen_branch(user, query.branch)
    fiscal_year = FiscalYear.chosen(str(query.year) if query.year else None)
    return {
        "title": "手続指導対象事業所",
        "columns": council_papers.BUREAU_HEADERS,
        "rows": list(council_papers.bureau_share_rows(branch, fiscal_year)),
    }
