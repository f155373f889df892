"""Where a page sends a person next: a ``next`` given in the request, only if it stays on this site."""

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str) -> str:
    """The request's ``next`` (form field or query), or ``default`` when it is missing or would lead
    off this site. Every step checks its own ``next``: a nested one (``/otp/?next=https://…``) is
    checked again where it is used, so it cannot send an administrator away after the second factor."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default)
