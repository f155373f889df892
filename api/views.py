"""A user's personal access tokens: made, listed, revoked; the secret shown once, to its owner."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from api.forms import TokenForm
from api.models import ApiToken
from org import access


@login_required
def token_list(request: access.AuthenticatedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        token, secret = ApiToken.issue(user=request.user, **form.cleaned_data)
        messages.success(request, f"トークン「{token.name}」を作成しました。下の値は今だけ表示されます。")
        form = TokenForm()
    return render(
        request,
        "api/token_list.html",
        {"tokens": ApiToken.objects.filter(user=request.user), "form": form, "secret": secret},
    )


@require_POST
@login_required
def token_revoke(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    # A token is its owner's alone: another user's id is not found.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        messages.success(request, f"トークン「{token.name}」を失効させました。")
    return redirect("token_list")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's answer to a request it refuses outright (a forged Host header, a broken body): JSON
    with a Japanese message on the API, whose clients read JSON, and a Japanese page elsewhere."""
    if request.path.startswith("/api/"):
        body = {"detail": "リクエストの形式が正しくありません。", "errors": []}
        return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
    return render(request, "400.html", status=400)
