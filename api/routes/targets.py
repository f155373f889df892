"""Targets and progress, for the nation or one branch."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from api.common import ERRORS, READERS, PlaceQuery, require
from org import access
from org.models import Branch, FiscalYear
from targets import services as target_services

router = Router(tags=["目標管理"])


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


@router.get(
    "/targets/progress", response={200: Progress, **ERRORS}, summary="目標と実績（年度・支部または全国）"
)
def targets_progress(request: HttpRequest, query: Query[PlaceQuery]) -> dict[str, Any]:
    """Every measure's target, actual (April to March) and year-end projection: the nation's for HQ
    without ``branch``, else one branch's (another branch's id: 404), as on the target dashboards."""
    user = require(request, READERS)
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
