"""A person's notices: the list under the bell, opening one, and how they are received."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from notices import services
from notices.models import Notice
from org import access


@login_required
def notice_list(request: access.AuthenticatedRequest) -> HttpResponse:
    notices = Notice.objects.filter(user=request.user)
    return render(
        request,
        "notices/notice_list.html",
        {
            "page": Paginator(notices, 50).get_page(request.GET.get("page")),
            "unread": services.unread(request.user),
            "by_email": services.wants_email(request.user),
            "has_email": bool(request.user.email),
        },
    )


@login_required
def notice_badge(request: access.AuthenticatedRequest) -> HttpResponse:
    """htmx: the count of unread notices beside the bell, loaded after the page."""
    return render(request, "notices/_badge.html", {"count": services.unread(request.user)})


@require_POST
@login_required
def notice_open(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    # A notice is its person's alone: another's id is not found.
    notice = get_object_or_404(Notice, pk=pk, user=request.user)
    services.mark_read(request.user, [notice.pk])
    if notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts={request.get_host()}):
        return redirect(notice.url)
    return redirect("notice_list")


@require_POST
@login_required
def notice_read_all(request: access.AuthenticatedRequest) -> HttpResponse:
    done = services.mark_read(request.user)
    messages.success(request, f"{done}件の通知を既読にしました。")
    return redirect("notice_list")


@require_POST
@login_required
def notice_preference(request: access.AuthenticatedRequest) -> HttpResponse:
    by_email = request.POST.get("by_email") == "on"
    services.set_email(request.user, by_email)
    messages.success(
        request,
        "通知をメールでも受け取ります。"
        if by_email
        else "通知はこの画面だけで受け取ります（メールは送りません）。",
    )
    return redirect("notice_list")
