"""The branch and fiscal year a branch-level page works on (?branch=&year=), and the menus to change them."""

from django.http import HttpRequest

from org import access
from org.models import Branch, FiscalYear


def where(request: HttpRequest) -> dict:
    """HQ picks any branch, others get their own (another branch's id: 404); the year defaults to this one."""
    params = request.POST if request.method == "POST" else request.GET
    return {
        "branch": access.chosen_branch(request.user, params.get("branch")),
        "fiscal_year": FiscalYear.chosen(params.get("year")),
        "branches": access.visible(request.user, Branch.objects.all()),
        "years": FiscalYear.offered(),
    }
