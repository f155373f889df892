"""A user's personal access tokens: made, listed, revoked; the secret shown once, to its owner."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from api.forms import TokenForm
from api.models import ApiToken, revoke
from lib import numbers
from org import access
from org.models import User
from org.roles import ADMIN_ROLES


@login_required
def token_list(request: access.AuthenticatedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None, user=request.user)
    secret = None
    if request.method == "POST" and form.is_valid():
        token, secret = ApiToken.issue(
            user=request.user,
            name=form.cleaned_data["name"],
            expires_on=form.cleaned_data["expires_on"],
            otp_device=form.otp_device,
        )
        messages.success(request, f"トークン「{token.name}」を作成しました。下の値は今だけ表示されます。")
        form = TokenForm(user=request.user)
    return render(
        request,
        "api/token_list.html",
        {
            "tokens": ApiToken.objects.filter(user=request.user).select_related("user"),
            "form": form,
            "secret": secret,
        },
    )


@require_POST
@login_required
def token_revoke(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    # A token is its owner's alone: another user's id is not found.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if token.revoked_at is None:
        token.revoke()
        messages.success(request, f"トークン「{token.name}」を失効させました。")
    return redirect("token_list")


@require_POST
@access.role_required(*ADMIN_ROLES)
def user_tokens_revoke(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    """An administrator revokes the API tokens of a user they manage (a lost laptop, a person
    leaving): one (``token``) or all. Each revocation is audited with who made it."""
    subject = access.get_for_user(request.user, User.objects.all(), pk, write=True)
    tokens = ApiToken.objects.filter(user=subject, revoked_at__isnull=True)
    if chosen := request.POST.get("token"):
        tokens = tokens.filter(pk=numbers.key(chosen) or 0)
    revoked = revoke(tokens)
    messages.success(
        request,
        f"{subject.full_name}さんのAPIトークン{revoked}件を失効させました。"
        if revoked
        else "失効させる有効なトークンはありません。",
    )
    return redirect("user_detail", pk=subject.pk)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's answer to a request it refuses outright (a forged Host header, a broken body): JSON
    with a Japanese message on the API, whose clients read JSON, and a Japanese page elsewhere."""
    if request.path.startswith("/api/"):
        body = {"detail": "リクエストの形式が正しくありません。", "errors": []}
        return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
    return render(request, "400.html", status=400)
