"""Assignments, visits and enrolments, and the phone's offline drafts sent in batches."""

import datetime
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Field, ModelSchema, Query, Router, Schema

from api import pagination
from api.common import (
    ERRORS,
    FIELD,
    READERS,
    PageOut,
    PageQuery,
    field_errors,
    listing,
    require,
)
from assignments.models import Assignment
from assignments.services import active_field_appointments
from fieldwork.forms import EnrolmentForm, VisitForm
from fieldwork.models import Enrolment, Visit
from fieldwork.services import enrolment_draft_record, field_appointment, visit_record
from org import access, feedback
from org.models import Association, User
from people.models import Appointment
from roster.models import Business

router = Router(tags=["担当・訪問・成立"])


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


@router.get("/assignments", response={200: AssignmentPage, **ERRORS}, summary="担当割当")
def assignments(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """The current assignments; with ``updated_since``, every assignment changed since, ended ones
    too (``ended_at`` set), so that a synced phone drops a business moved to someone else. A
    promoter's or instructor's token sees its own only."""
    user = require(request, READERS | FIELD)
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
                {"field": field, "message": message}
                for field, messages in feedback.labelled_errors(form).items()
                for message in messages
            ]
        else:
            try:
                made, new = record(draft, business, form.cleaned_data)
            except DjangoValidationError as error:
                result["errors"] += field_errors(error)
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


@router.post(
    "/visits/bulk",
    response={200: DraftResults, **ERRORS},
    summary="訪問記録の一括送信（端末に保存した下書き）",
)
def visits_bulk(request: HttpRequest, batch: VisitBatch) -> dict[str, Any]:
    """Each draft is recorded once per client_key, by the same rules as the visit form: sent again,
    it answers "duplicate"; a refused draft answers its errors by field and the others still go."""
    user = require(request, FIELD)
    appointment = _appointment(user, "訪問")
    companions = active_field_appointments(appointment.branch, appointment.fiscal_year).exclude(
        pk=appointment.pk
    )
    return _record_drafts(
        user,
        batch.visits,
        lambda draft: VisitForm(data=_visit_form_data(draft), companions=companions, owner=user),
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


@router.post(
    "/enrolments/bulk",
    response={200: DraftResults, **ERRORS},
    summary="保険関係成立の一括送信（端末に保存した下書き）",
)
def enrolments_bulk(request: HttpRequest, batch: EnrolmentBatch) -> dict[str, Any]:
    """Each draft is recorded once per client_key, by the same rules as the enrolment form (R-ENR-1,
    R-ENR-5); sent again it answers "duplicate"."""
    user = require(request, FIELD)
    appointment = _appointment(user, "保険関係成立")
    associations = Association.objects.filter(branch=appointment.branch)

    def form_for(draft: EnrolmentDraft) -> EnrolmentForm:
        data = draft.dict(exclude={"business_id", "association_id"})
        flags = ("filed_electronically", "bureau_guidance", "ex_officio", "one_insurance_only")
        # A checkbox left off is absent from a form's data; an empty field is empty text.
        data = {k: "" if v is None else v for k, v in data.items() if k not in flags or v}
        return EnrolmentForm(
            data={**data, "association": draft.association_id or ""}, associations=associations, owner=user
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


@router.get("/visits", response={200: VisitPage, **ERRORS}, summary="訪問記録（加入勧奨）")
def visits(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """A promoter's or instructor's token lists their own visits only."""
    return listing(request, READERS | FIELD, Visit.objects.all(), query)


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


@router.get("/enrolments", response={200: EnrolmentPage, **ERRORS}, summary="保険関係成立")
def enrolments(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return listing(request, READERS | FIELD, Enrolment.objects.all(), query)
