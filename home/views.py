"""The role home pages and the work queues (作業一覧): pages that combine every app, so they live on top."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from home import queues
from home.context import home_context
from org import access


@login_required
def home(request: access.AuthenticatedRequest) -> HttpResponse:
    waiting = [queue for queue in queues.queues_for(request.user) if queue.count]
    return render(request, "home/home.html", {**home_context(request.user), "queues": waiting})


@login_required
def work_queues(request: access.AuthenticatedRequest) -> HttpResponse:
    """Every queue of the user's role, with its count, oldest item and first entries."""
    return render(request, "home/queues.html", {"queues": queues.queues_for(request.user)})


@login_required
def work_queue(request: access.AuthenticatedRequest, key: str) -> HttpResponse:
    """One queue with all its entries (up to queues.ALL), oldest first."""
    found = [queue for queue in queues.queues_for(request.user, limit=queues.ALL) if queue.key == key]
    if not found:
        raise Http404("この作業一覧はありません。")
    return render(request, "home/queue.html", {"queue": found[0], "limit": queues.ALL})


@login_required
def work_queue_badge(request: access.AuthenticatedRequest) -> HttpResponse:
    """htmx: the number of waiting items beside 作業一覧 in the menu, loaded after the page."""
    return render(request, "home/_badge.html", {"count": queues.total(request.user)})


def health(request: HttpRequest) -> HttpResponse:
    """For the load balancer and monitoring: the application answers and reaches its database. Also
    the bare view the load benchmark compares the real pages with (bench/load.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
