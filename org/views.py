"""Pages for user accounts and the organisation's master data."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from org import access, feedback, services
from org.forms import BlockForm, BranchForm, PasswordForm, UserFilterForm, UserForm, form_errors
from org.models import Block, Branch, FiscalYear, User
from org.roles import ADMIN_ROLES, Role


@access.role_required(*ADMIN_ROLES)
def user_list(request: access.AuthenticatedRequest) -> HttpResponse:
    users = access.visible(request.user, User.objects.select_related("branch"))
    filters = UserFilterForm(request.GET or None)
    if filters.is_valid():
        if q := filters.cleaned_data["q"]:
            users = users.filter(
                Q(username__icontains=q) | Q(full_name__icontains=q) | Q(full_name_kana__icontains=q)
            )
        if role := filters.cleaned_data["role"]:
            users = users.filter(role=role)
        if active := filters.cleaned_data["active"]:
            users = users.filter(is_active=active == "1")
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "org/user_list.html", {"page": page, "filters": filters})


@access.role_required(*ADMIN_ROLES)
def user_create(request: access.AuthenticatedRequest) -> HttpResponse:
    form = UserForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, f"ユーザー「{user.full_name}」を登録しました。")
            return redirect("user_detail", pk=user.pk)
    return render(request, "org/user_form.html", {"form": form})


@access.role_required(*ADMIN_ROLES)
def user_detail(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    # The account the form reads is the one saved: its version is claimed on this very object.
    user = access.get_for_user(
        request.user, User.objects.select_related("branch"), pk, write=request.method == "POST"
    )
    initial = {
        "full_name": user.full_name,
        "full_name_kana": user.full_name_kana,
        "email": user.email,
        "role": user.role,
        "branch": user.branch,
        "can_pay": user.can_pay,
    }
    form = UserForm(request.POST or None, actor=request.user, instance=user, initial=initial)
    if request.method == "POST":
        try:
            if form.save_current(
                lambda: services.user_update(actor=request.user, user=user, **form.cleaned_data)
            ):
                messages.success(request, "ユーザー情報を更新しました。")
                return redirect("user_detail", pk=user.pk)
        except ValidationError as error:
            form_errors(form, error)
    tokens = list(user.api_tokens.select_related("user"))  # api.models.ApiToken, shown and revoked here
    live = sum(1 for token in tokens if token.is_usable)
    return render(
        request,
        "org/user_detail.html",
        {"subject": user, "form": form, "tokens": tokens, "live_tokens": live},
    )


@require_POST
@access.role_required(*ADMIN_ROLES)
def user_set_active(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    user = access.get_for_user(request.user, User.objects.all(), pk, write=True)
    active = request.POST.get("active") == "1"
    with feedback.errors_as_message(request) as done:
        services.user_set_active(actor=request.user, user=user, active=active)
    if done:
        messages.success(request, "ユーザーを有効にしました。" if active else "ユーザーを無効にしました。")
    return redirect("user_detail", pk=user.pk)


@require_POST
@access.role_required(*ADMIN_ROLES)
def user_reset_otp(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    user = access.get_for_user(request.user, User.objects.all(), pk, write=True)
    with feedback.errors_as_message(request) as done:
        services.user_reset_otp(actor=request.user, user=user)
    if done:
        messages.success(request, "二要素認証をリセットしました。次回ログイン時に再登録が必要です。")
    return redirect("user_detail", pk=user.pk)


@login_required
def password_change(request: access.AuthenticatedRequest) -> HttpResponse:
    form = PasswordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(user=request.user, password=form.cleaned_data["password"])
        except ValidationError as error:
            form.add_error("password", error)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "パスワードを変更しました。")
            return redirect("home")
    return render(request, "org/password_form.html", {"form": form})


@login_required
def branch_list(request: access.AuthenticatedRequest) -> HttpResponse:
    branches = access.visible(request.user, Branch.objects.select_related("prefecture", "block"))
    branches = branches.annotate(
        active_users=Count("users", filter=Q(users__is_active=True)),
        promoters=Count("users", filter=Q(users__is_active=True, users__role=Role.PROMOTER)),
    )
    return render(
        request,
        "org/branch_list.html",
        {"branches": branches},
    )


@login_required
def branch_detail(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    branch = access.get_for_user(request.user, Branch.objects.select_related("prefecture", "block"), pk)
    counts = dict(
        access.visible(request.user, User.objects.filter(branch=branch, is_active=True))
        .values_list("role")
        .annotate(n=Count("pk"))
    )
    roles = [(role.label, counts.get(role.value, 0)) for role in Role if role.value in counts]
    return render(request, "org/branch_detail.html", {"branch": branch, "roles": roles})


@access.role_required(Role.HQ_ADMIN)
def branch_edit(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    branch = access.get_for_user(request.user, Branch.objects.all(), pk, write=True)
    form = BranchForm(request.POST or None, instance=branch)
    if request.method == "POST" and form.save_current():
        messages.success(request, f"支部「{branch.name}」を更新しました。")
        return redirect("branch_list")
    return render(request, "org/master_form.html", {"form": form, "title": f"支部の編集：{branch}"})


@login_required
def block_list(request: access.AuthenticatedRequest) -> HttpResponse:
    blocks = access.visible(request.user, Block.objects.prefetch_related("branches"))
    return render(
        request,
        "org/block_list.html",
        {"blocks": blocks},
    )


@access.role_required(Role.HQ_ADMIN)
def block_edit(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    block = access.get_for_user(request.user, Block.objects.all(), pk, write=True)
    form = BlockForm(request.POST or None, instance=block)
    if request.method == "POST" and form.save_current():
        messages.success(request, f"ブロック「{block.name}」を更新しました。")
        return redirect("block_list")
    return render(request, "org/master_form.html", {"form": form, "title": f"ブロックの編集：{block}"})


@login_required
def fiscal_year_list(request: access.AuthenticatedRequest) -> HttpResponse:
    years = access.visible(request.user, FiscalYear.objects.order_by("-year"))
    return render(request, "org/fiscal_year_list.html", {"years": years})
