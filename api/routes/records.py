"""Roster businesses, associations, people, councils and the year's division."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import ModelSchema, Query, Router, Schema

from api import pagination
from api.common import (
    ERRORS,
    FIELD,
    READERS,
    Id,
    PageOut,
    PageQuery,
    YearQuery,
    listing,
    require,
)
from councils.models import Allocation, CouncilMeeting
from org import access
from org.models import Association, FiscalYear
from people.models import Person
from roster.models import Business

router = Router(tags=["名簿・組織・協議会"])


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
    version: int  # the record's version: changed by every save of its edit page (kit.versions)


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
    version: int  # the record's version: changed by every save of its edit page (kit.versions)


class PersonPage(PageOut):
    items: list[PersonOut]


def _business(b: Business) -> dict[str, Any]:
    return {
        **{field: getattr(b, field) for field in BusinessOut.model_fields if hasattr(b, field)},
        "status_label": b.get_status_display(),
    }


@router.get("/businesses", response={200: BusinessPage, **ERRORS}, summary="未手続事業（名簿の事業所）の一覧")
def businesses(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """A promoter's or instructor's token lists the businesses assigned to them only."""
    user = require(request, READERS | FIELD)
    return pagination.page(access.visible(user, Business.objects.all()), query).envelope(_business)


@router.get("/businesses/{business_id}", response={200: BusinessOut, **ERRORS}, summary="事業所1件")
def business(request: HttpRequest, business_id: Id) -> dict[str, Any]:
    user = require(request, READERS | FIELD)
    return _business(access.get_for_user(user, Business.objects.all(), business_id))


@router.get("/associations", response={200: AssociationPage, **ERRORS}, summary="労働保険事務組合の一覧")
def associations(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return listing(request, READERS, Association.objects.all(), query)


@router.get("/associations/{association_id}", response={200: AssociationOut, **ERRORS}, summary="事務組合1件")
def association(request: HttpRequest, association_id: Id) -> Association:
    user = require(request, READERS)
    return access.get_for_user(user, Association.objects.all(), association_id)


@router.get("/people", response={200: PersonPage, **ERRORS}, summary="人員名簿")
def people(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return listing(request, READERS, Person.objects.all(), query)


@router.get("/people/{person_id}", response={200: PersonOut, **ERRORS}, summary="人員1件")
def person(request: HttpRequest, person_id: Id) -> Person:
    user = require(request, READERS)
    return access.get_for_user(user, Person.objects.all(), person_id)


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
            "version",
        ]


class CouncilPage(PageOut):
    items: list[CouncilOut]


@router.get("/councils", response={200: CouncilPage, **ERRORS}, summary="労働局との協議会")
def councils(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return listing(request, READERS, CouncilMeeting.objects.all(), query)


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


@router.get(
    "/divisions",
    response={200: DivisionPage, **ERRORS},
    summary="役割分担（支部の加入勧奨／労働局の手続指導）",
)
def divisions(request: HttpRequest, query: Query[PageQuery], year: Query[YearQuery]) -> dict[str, Any]:
    """Each business's side for the year (the current one without ``year``); ``updated_since``
    reads when the side last changed."""
    user = require(request, READERS)
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
