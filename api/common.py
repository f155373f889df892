"""What every part of the API shares: who may call it, the error bodies, ids in URLs and cursor pages."""

import datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Field, Path, Schema
from pydantic import field_validator

from api import pagination
from org import access
from org.models import User
from org.roles import HQ_ROLES, STAFF_ROLES, Role

READERS: frozenset[str] = frozenset({*STAFF_ROLES, Role.VIEWER})
HQ: frozenset[str] = frozenset(HQ_ROLES)
FIELD: frozenset[str] = frozenset({Role.PROMOTER, Role.INSTRUCTOR})
EARLIEST, LATEST = datetime.datetime(2000, 1, 1), datetime.datetime(2100, 12, 31)
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"  # a search typed by a person: no control characters
# An id in a URL: a positive 32-bit integer, or the request is refused before it reaches the database.
Id = Annotated[int, Path(ge=1, le=2_147_483_647)]


def field_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return [
        {"field": field, "message": message} for field, messages in fields.items() for message in messages
    ]


def user_of(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def require(request: HttpRequest, roles: frozenset) -> User:
    user = user_of(request)
    if user.role not in roles:
        raise PermissionDenied("このAPIを利用する権限がありません。")
    return user


class Error(Schema):
    detail: str
    errors: list[dict[str, str]]


class PageOut(Schema):
    next_cursor: int | None


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
        if value is None:
            return None
        if not EARLIEST <= value.replace(tzinfo=None) <= LATEST:
            return EARLIEST if value.replace(tzinfo=None) < EARLIEST else LATEST
        # An offset PostgreSQL cannot hold (beyond ±15:59, which ISO 8601 allows) is the same moment in UTC.
        return value.astimezone(datetime.UTC) if value.tzinfo else value


ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}


def listing(request: HttpRequest, roles: frozenset[str], queryset: Any, query: PageQuery) -> dict[str, Any]:
    """One cursor page of what the token's owner may see of ``queryset``."""
    user = require(request, roles)
    return pagination.page(access.visible(user, queryset), query).envelope()


class YearQuery(Schema):
    year: int | None = Field(None, ge=2011, le=2100)


class PlaceQuery(YearQuery):
    """A year and a branch, as the pages' ?year= and ?branch= (HQ picks any, a branch its own)."""

    branch: int | None = Field(None, ge=1, le=2_147_483_647)
