"""Cursor pagination with no cap on depth (issue 19): the cursor names the last id seen, so page
100,000 costs what page 1 costs, unlike an offset; ``updated_since`` narrows to rows changed since."""

import base64
import binascii
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from ninja.errors import HttpError

M = TypeVar("M", bound=Model)
MAX_LIMIT = 1000


def encode(pk: int) -> str:
    return base64.urlsafe_b64encode(f"id:{pk}".encode()).decode().rstrip("=")


def decode(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith("id:") or not text[3:].isdigit():
        raise HttpError(400, "「cursor」：前のページの next_cursor をそのまま指定してください。")
    return int(text[3:])


def page(queryset: QuerySet[M], cursor: str | None, limit: int) -> tuple[list[M], str | None]:
    """One page in id order after ``cursor``, and the cursor of the next page (None at the end)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise HttpError(400, f"「limit」：1〜{MAX_LIMIT}の整数を指定してください。")
    rows = queryset.order_by("pk")
    if cursor:
        rows = rows.filter(pk__gt=decode(cursor))
    found = list(rows[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    return found, encode(found[-1].pk) if more and found else None


def envelope(items: list[Any], next_cursor: str | None) -> dict[str, Any]:
    return {"items": items, "next_cursor": next_cursor}
