"""The roster list as its users narrow it, and its export: one definition for the list page, its
Excel/CSV download and the API's export (the API's rows are the Excel file's rows)."""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from lib import numbers
from org import access
from org.models import User
from roster import search
from roster.models import Business, BusinessStatus

EXPORT_HEADERS = [
    "事業所名",
    "法人番号",
    "労働保険番号",
    "所在地",
    "郵便番号",
    "電話番号",
    "業種",
    "労働者数",
    "支部",
    "状態",
]


def filtered(user: User, *, q: str = "", status: str = "", year: str = "") -> QuerySet[Business]:
    """The user's businesses, narrowed by the list's filters (search, status, year's roster)."""
    businesses = access.visible(user, Business.objects.select_related("branch"))
    if user.branch_id:
        # One branch's list: by name alone, which its (branch, name) index serves a page at a time.
        businesses = businesses.order_by("name", "pk")
    if q.strip():
        businesses = search.ranked(businesses, q)
    if status in BusinessStatus.values:
        businesses = businesses.filter(status=status)
    if (number := numbers.key(year)) is not None and number < 10_000:
        businesses = businesses.filter(roster_entries__fiscal_year__year=number)
    return businesses


def export_rows(businesses: QuerySet[Business]) -> Iterator[list[Any]]:
    for b in businesses.iterator(chunk_size=2000):
        yield [
            b.name,
            b.corporate_number,
            b.insurance_number,
            b.address,
            b.postal_code,
            b.phone,
            b.industry,
            b.workers,
            b.branch.name,
            b.get_status_display(),
        ]
