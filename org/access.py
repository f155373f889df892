"""The one place that decides which rows a user may see and change, by role, branch and assignment.

Every list, detail, form, export and API fetches through these functions; views never filter by
branch themselves. A row outside a user's scope is reported as absent (404), never as forbidden,
so that ids of other branches reveal nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from types import SimpleNamespace
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import URLResolver, get_resolver
from django_htmx.middleware import HtmxDetails

from org.models import Branch, User
from org.roles import ASSIGNEE_ROLES

M = TypeVar("M", bound=Model)
AnyUser = User | AnonymousUser


class AuthenticatedRequest(HttpRequest):
    """The request a view behind ``role_required`` receives: its user is signed in (for type checks),
    and django-htmx has told whether htmx sent it."""

    user: User
    htmx: HtmxDetails


def signed_in(user: AnyUser) -> bool:
    """Whether ``user`` has finished signing in: the password, and for administrators the second
    factor (until then only the second-factor pages and logout answer them)."""
    if not user.is_authenticated:
        return False
    user = cast(User, user)
    return not user.requires_otp or bool(user.is_verified())  # type: ignore[attr-defined]  # django-otp's middleware adds it


def visible(user: AnyUser, queryset: QuerySet[M]) -> QuerySet[M]:
    """The rows of ``queryset`` that ``user`` may see."""
    scope = queryset.model.scope  # type: ignore[attr-defined]  # every scoped model declares one
    if not (user.is_authenticated and user.is_active):
        return queryset.none()
    user = cast(User, user)
    if scope.branch is None or user.is_hq:
        return queryset
    if user.role in ASSIGNEE_ROLES:
        if scope.assignee is None:
            return queryset.none()
        return queryset.filter(**{scope.assignee: user.pk})
    return queryset.filter(**{scope.branch: user.branch_id})


def changeable(user: AnyUser, queryset: QuerySet[M]) -> QuerySet[M]:
    """The rows of ``queryset`` that ``user`` may change."""
    if not may_write(user, queryset.model):
        return queryset.none()
    return visible(user, queryset)


def may_write(user: AnyUser, model: type[Model]) -> bool:
    """Whether ``user``'s role may change rows of ``model`` at all (which rows: ``changeable``)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return cast(User, user).role in model.scope.writers  # type: ignore[attr-defined]


def may_change(user: AnyUser, model: type[Model], pk: object) -> bool:
    """Whether ``user`` may change the row ``pk`` of ``model`` (a page's buttons show or hide by it)."""
    return changeable(user, model._default_manager.filter(pk=pk)).exists()


def require_write(
    user: AnyUser, model: type[Model], message: str = "このデータを変更する権限がありません。"
) -> None:
    """403 unless ``user``'s role may change rows of ``model`` (``may_write``); ``message`` says who may."""
    if not may_write(user, model):
        raise PermissionDenied(message)


PAYMENT_REFUSAL = "支払権限のある本部の職員だけが利用できます。"


def require_payment_permission(user: AnyUser) -> None:
    """403 unless ``user`` holds the payment permission (支払権限: HQ staff given it by an administrator)."""
    if not getattr(user, "has_payment_permission", False):
        raise PermissionDenied(PAYMENT_REFUSAL)


def get_for_user(user: AnyUser, queryset: QuerySet[M], pk: object, *, write: bool = False) -> M:
    """Fetch one row and check the user's right to it in one call.

    Out of the user's sight: 404. In sight but not theirs to change (``write``): 403.
    """
    try:
        row = visible(user, queryset).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404("指定されたデータは見つかりません。") from None
    if write and not changeable(user, queryset).filter(pk=row.pk).exists():
        raise PermissionDenied("このデータを変更する権限がありません。")
    return row


View = Callable[..., HttpResponseBase]


@dataclass(frozen=True)
class Gate:
    """Who may open a view: declared once on it by ``role_required``, enforced there, and read back
    by ``may_open`` so that a link is shown only to those its page lets in."""

    roles: frozenset[str]
    writes: type[Model] | None = None  # the page changes rows of this model (``may_write``)
    hq: bool = False  # a page of HQ's alone; a branch's users have their own
    payment: bool = False  # the payment permission (支払権限)

    def refusal(self, user: AnyUser) -> str | None:
        """Why ``user`` may not open the page (the 403 message), or None when they may."""
        if not (user.is_authenticated and cast(User, user).role in self.roles):
            return "この画面を利用する権限がありません。"
        if self.hq and not cast(User, user).is_hq:
            return "この画面は本部用です。"
        if self.writes is not None and not may_write(user, self.writes):
            return "このデータを変更する権限がありません。"
        if self.payment and not getattr(user, "has_payment_permission", False):
            return PAYMENT_REFUSAL
        return None


def role_required(
    *roles: str, writes: type[Model] | None = None, hq: bool = False, payment: bool = False
) -> Callable[[View], View]:
    """Let in logged-in users holding one of ``roles`` (and, where asked, the right to change
    ``writes``, a place at HQ, the payment permission); others get 403 (the page exists for others).

    The declaration is kept on the view as ``gate``, where ``may_open`` reads it."""
    gate = Gate(frozenset(roles), writes, hq, payment)

    def decorator(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapped(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            refusal = gate.refusal(request.user)
            if refusal is not None:
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        wrapped.gate = gate  # type: ignore[attr-defined]  # read by may_open
        return wrapped

    return decorator


def may_open(user: AnyUser, url_name: str) -> bool:
    """Whether the page ``url_name`` would let ``user`` in: read from the ``gate`` its view declares,
    so a link and its page never disagree (the ``may_open`` template tag).

    No row is consulted: a page links only rows it shows (``visible``), and of those a user may
    change exactly the ones of a model their role writes (``changeable``), which the gate says."""
    if url_name.startswith("admin:"):
        return bool(admin.site.has_permission(SimpleNamespace(user=user)))  # type: ignore[arg-type]
    gate: Gate | None = getattr(_views(get_resolver())[url_name], "gate", None)
    return gate is None or gate.refusal(user) is None  # no gate: open to everyone signed in


@lru_cache(maxsize=2)
def _views(resolver: URLResolver) -> dict[str, Callable[..., object]]:
    """Each URL name of the site (namespaced as ``reverse`` takes it) and its view."""
    return _named(resolver, "")


def _named(resolver: URLResolver, prefix: str) -> dict[str, Callable[..., object]]:
    found: dict[str, Callable[..., object]] = {}
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = _named(pattern, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
            found = inner | found  # a name given twice keeps its first view
        elif pattern.name:
            found.setdefault(prefix + pattern.name, pattern.callback)
    return found


def chosen_branch(user: AnyUser, pk: object = None) -> Branch:
    """The branch a page works on: the one asked for (HQ picks any), else the user's own; others 404."""
    if not pk:
        pk = (
            getattr(user, "branch_id", None)
            or Branch.objects.order_by("prefecture__code").values_list("pk", flat=True).first()
        )
    return get_for_user(user, Branch.objects.select_related("prefecture"), pk)
