"""The JSON API, version 1 (/api/v1/): the same records as the pages, scoped by the same rules
(org.access) for the token's owner; the OpenAPI schema at /api/v1/openapi.json and its docs, served
from this site, for signed-in office staff."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from api import validation
from api.auth import PageSession, TokenAuth
from api.common import ERRORS, READERS, user_of
from api.routes import events, exports, field, payments, records, targets


def _docs_for_staff(view):
    """The schema and the interactive docs are for office staff, not for the world: a
    signed-in person's session, or a token, which is judged alone (a client fetching the schema
    gets JSON, never the login page)."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "Authorization" in request.headers:
            if TokenAuth()(request) is None:
                return _plain_error(401, UNAUTHORISED)
            if request.user.role not in READERS:  # type: ignore[union-attr]
                return _plain_error(403, "APIの説明を見る権限がありません。")
            return view(request, *args, **kwargs)
        return _for_signed_in_staff(request, *args, **kwargs)

    @login_required
    def _for_signed_in_staff(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.role not in READERS:  # type: ignore[union-attr]
            raise PermissionDenied("APIの説明を見る権限がありません。")
        return view(request, *args, **kwargs)

    return wrapped


UNAUTHORISED = "認証できません。トークンが正しくないか、期限切れまたは失効しています。"


def _plain_error(status: int, detail: str) -> HttpResponse:
    return JsonResponse(
        {"detail": detail, "errors": []}, status=status, json_dumps_params={"ensure_ascii": False}
    )


api = NinjaAPI(
    title="issou API",
    version="1",
    description=(
        "全国労保連 業務システムのAPI。個人用アクセストークン（Authorization: Bearer …）で利用します。"
        "このシステムの画面からは、ログイン中のセッション（書込みにはCSRFトークン）でも利用できます。"
    ),
    auth=[TokenAuth(), PageSession()],
    urls_namespace="api-v1",
    docs_decorator=_docs_for_staff,
)


def _error(request: HttpRequest, status: int, detail: str, errors: list[dict] | None = None) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthorised(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 401, UNAUTHORISED)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "見つかりません。")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, str(exc) or "この操作を行う権限がありません。")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(DjangoValidationError)
def _refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A service's refusal, with its Japanese reason: by field where it names one."""
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    errors = [
        {"field": field, "message": message} for field, messages in fields.items() for message in messages
    ]
    return _error(request, 422, errors[0]["message"] if errors else "受け付けられません。", errors)


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": validation.field_of(error), "message": validation.message(error)} for error in exc.errors
    ]
    return _error(request, 422, "入力内容に誤りがあります。", errors)


class Me(Schema):
    username: str
    full_name: str
    role: str
    role_label: str
    branch_id: int | None


@api.get("/me", response={200: Me, **ERRORS}, summary="トークンの利用者")
def me(request: HttpRequest) -> dict[str, Any]:
    user = user_of(request)
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "role_label": user.get_role_display(),
        "branch_id": user.branch_id,
    }


for part in (records, field, payments, targets, events, exports):
    api.add_router("", part.router)
