"""The tables the Excel exports hold, row for row."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from api.common import (
    ERRORS,
    PRINTABLE,
    READERS,
    PlaceQuery,
    require,
)
from associations import registry as association_registry
from councils import papers as council_papers
from org import access
from org.models import Association, FiscalYear
from people import registry as people_registry
from people.models import Person
from roster import listing as roster_listing

router = Router(tags=["Excel出力と同じ表"])


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


@router.get(
    "/exports/businesses", response={200: ExportOut, **ERRORS}, summary="未手続事業名簿（Excel出力と同じ表）"
)
def export_businesses(request: HttpRequest, query: Query[BusinessFilter]) -> dict[str, Any]:
    user = require(request, READERS)
    businesses = roster_listing.filtered(user, q=query.q, status=query.status, year=str(query.year or ""))
    return {
        "title": "未手続事業名簿",
        "columns": roster_listing.EXPORT_HEADERS,
        "rows": list(roster_listing.export_rows(businesses)),
    }


@router.get("/exports/people", response={200: ExportOut, **ERRORS}, summary="人員名簿（Excel出力と同じ表）")
def export_people(request: HttpRequest) -> dict[str, Any]:
    user = require(request, READERS)
    return {
        "title": "人員名簿",
        "columns": people_registry.EXPORT_HEADERS,
        "rows": list(people_registry.export_rows(access.visible(user, Person.objects.all()))),
    }


@router.get(
    "/exports/associations", response={200: ExportOut, **ERRORS}, summary="事務組合名簿（Excel出力と同じ表）"
)
def export_associations(request: HttpRequest) -> dict[str, Any]:
    user = require(request, READERS)
    return {
        "title": "事務組合名簿",
        "columns": association_registry.EXPORT_HEADERS,
        "rows": association_registry.export_rows(access.visible(user, Association.objects.all())),
    }


@router.get(
    "/exports/bureau-share",
    response={200: ExportOut, **ERRORS},
    summary="手続指導対象事業所（労働局に渡すExcelと同じ表）",
)
def export_bureau_share(request: HttpRequest, query: Query[PlaceQuery]) -> dict[str, Any]:
    """The businesses given to the bureau for one branch and year, as in the workbook the bureau
    receives; HQ names the branch, a branch's token reads its own (another branch's: 404)."""
    user = require(request, READERS)
    branch = access.chosen_branch(user, query.branch)
    fiscal_year = FiscalYear.chosen(str(query.year) if query.year else None)
    return {
        "title": "手続指導対象事業所",
        "columns": council_papers.BUREAU_HEADERS,
        "rows": list(council_papers.bureau_share_rows(branch, fiscal_year)),
    }
