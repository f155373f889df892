"""Selecting a branch's businesses by area, industry, size, status, side and assignee, for bulk work.

The same filters serve the division page (roster entries) and the assignment page (businesses);
``prefix`` is the lookup from the rows to their business. A bulk action posts the filters back,
so "every business matching" is recomputed on the server, never trusted from the page.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Q, QuerySet

from councils.models import Side
from lib import numbers
from roster import search
from roster.models import OPEN_STATUSES, SIZE_BANDS, SIZE_UNKNOWN, Business, BusinessStatus, EndReason

UNASSIGNED, TO_REASSIGN, UNDIVIDED = "none", "revoked", "none"
FILTERS = ("city", "industry", "size", "status", "side", "assignee", "q")


@dataclass
class Selection:
    rows: QuerySet
    values: dict

    @property
    def query(self) -> str:
        return query_string(self.values)


def query_string(params) -> str:
    """The filters of ``params`` as a query string, to come back to the same selection."""
    return urlencode({key: params.get(key) for key in FILTERS if params.get(key)})


def _size(band: str, prefix: str) -> Q:
    if band == SIZE_UNKNOWN:
        return Q(**{f"{prefix}workers__isnull": True}) | Q(**{f"{prefix}workers": 0})
    bounds = [lower for lower, _ in SIZE_BANDS]
    for index, (lower, label) in enumerate(SIZE_BANDS):
        if label == band:
            upper = bounds[index - 1] if index else None
            q = Q(**{f"{prefix}workers__gte": lower})
            return q & Q(**{f"{prefix}workers__lt": upper}) if upper else q
    return Q()


def select(rows: QuerySet, params, *, prefix: str = "", fiscal_year=None) -> Selection:
    """Narrow ``rows`` by the filters in ``params`` (a QueryDict or dict)."""
    values = {key: (params.get(key) or "").strip() for key in FILTERS}
    if values["q"]:
        rows = search.matching(rows, values["q"], prefix=prefix)
    if values["city"]:
        rows = rows.filter(**{f"{prefix}city_code": values["city"]})
    if values["industry"]:
        rows = rows.filter(**{f"{prefix}industry": values["industry"]})
    if values["size"]:
        rows = rows.filter(_size(values["size"], prefix))
    if values["status"] == "open":
        rows = rows.filter(**{f"{prefix}status__in": OPEN_STATUSES})
    elif values["status"] in BusinessStatus.values:
        rows = rows.filter(**{f"{prefix}status": values["status"]})
    if values["side"] and fiscal_year is not None:
        # From a business, its entry on this year's roster; from an entry, the entry itself.
        year, path = (
            ({"roster_entries__fiscal_year": fiscal_year}, "roster_entries__allocation")
            if rows.model is Business
            else ({}, "allocation")
        )
        if values["side"] == UNDIVIDED:
            rows = rows.filter(**year, **{f"{path}__isnull": True})
        elif values["side"] in Side.values:
            rows = rows.filter(**year, **{f"{path}__side": values["side"]})
    if values["assignee"] == UNASSIGNED:
        rows = rows.filter(**{f"{prefix}assigned_to__isnull": True})
    elif values["assignee"] == TO_REASSIGN:
        # Through the business's assignment history (assignments.Assignment, related name
        # "assignments"), named rather than imported: that app stands on this one.
        revoked = Business.objects.filter(
            pk=OuterRef(f"{prefix}pk"), assignments__end_reason=EndReason.REVOKED
        )
        rows = rows.filter(Exists(revoked), **{f"{prefix}assigned_to__isnull": True})
    elif (assignee := numbers.key(values["assignee"])) is not None:
        rows = rows.filter(**{f"{prefix}assigned_to": assignee})
    return Selection(rows=rows, values=values)


def choices(branch) -> dict:
    """The branch's cities and industries that occur on its businesses, for the filter menus."""
    businesses = Business.objects.filter(branch=branch)
    return {
        "cities": list(
            businesses.exclude(city_code="").values_list("city_code", "city").distinct().order_by("city_code")
        ),
        "industries": list(
            businesses.exclude(industry="").values_list("industry", flat=True).distinct().order_by("industry")
        ),
        "sizes": [label for _, label in reversed(SIZE_BANDS)] + [SIZE_UNKNOWN],
        "statuses": BusinessStatus.choices,
        "sides": Side.choices,
    }
