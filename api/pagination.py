"""Cursor pagination with no cap on depth: the cursor is the last id seen, so page
100,000 costs what page 1 costs, unlike an offset, and rows added meanwhile are neither skipped nor
seen twice. Any id is a valid cursor: it simply starts after that id.

Incremental sync: ``updated_since`` keeps the rows changed at or after that time (kit.tracked
stamps every change). A client sends the largest ``updated_at`` it has received, less a margin
for transactions still open when it read (a few minutes): the bound is inclusive, so rows at the
edge come again rather than never. The body holds nothing but the rows, so an unchanged page
keeps its ETag."""

import dataclasses
import datetime
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone

M = TypeVar("M", bound=Model)
MAX_LIMIT = 1000
LARGEST_ID = 2**63 - 1  # what both databases' integer keys can hold


class PageRequest(Protocol):
    cursor: int | None
    limit: int
    updated_since: datetime.datetime | None


@dataclasses.dataclass
class Page(Generic[M]):
    rows: list[M]
    next_cursor: int | None  # None at the end

    def envelope(self, item: Callable[[M], Any] = lambda row: row) -> dict[str, Any]:
        return {
            "items": [item(row) for row in self.rows],
            "next_cursor": self.next_cursor,
        }


def page(queryset: QuerySet[M], query: PageRequest, changed: str = "updated_at") -> Page[M]:
    """One page in id order after the cursor; ``changed`` is the field updated_since reads."""
    rows = queryset.order_by("pk")
    if query.cursor:
        rows = rows.filter(pk__gt=query.cursor)
    if query.updated_since is not None:
        since = query.updated_since
        if timezone.is_naive(since):
            since = timezone.make_aware(since)
        rows = rows.filter(**{f"{changed}__gte": since})
    found = list(rows[: query.limit + 1])
    more = len(found) > query.limit
    found = found[: query.limit]
    return Page(found, found[-1].pk if more and found else None)
