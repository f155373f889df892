"""Cursor pagination with no cap on depth (issue 19): the cursor is the last id seen, so page
100,000 costs what page 1 costs, unlike an offset, and rows added meanwhile are neither skipped nor
seen twice. Any id is a valid cursor: it simply starts after that id."""

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)
MAX_LIMIT = 1000
LARGEST_ID = 2**63 - 1  # what both databases' integer keys can hold


def page(queryset: QuerySet[M], cursor: int | None, limit: int) -> tuple[list[M], int | None]:
    """One page in id order after ``cursor``, and the cursor of the next page (None at the end)."""
    rows = queryset.order_by("pk")
    if cursor:
        rows = rows.filter(pk__gt=cursor)
    found = list(rows[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    return found, found[-1].pk if more and found else None


def envelope(items: list[Any], next_cursor: int | None) -> dict[str, Any]:
    return {"items": items, "next_cursor": next_cursor}
