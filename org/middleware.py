"""Request guards: security headers, session time limits, and two-factor authentication for administrators."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode

from org import access

# Scripts and styles come only from our own static files: no CDN, nothing inline.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'; object-src 'none'"
)

# The pages an administrator may reach before the second factor: to give it, or to leave.
OTP_EXEMPT_URL_NAMES = {"otp_verify", "otp_setup", "logout"}


def security_headers(get_response):
    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        # Pages show personal data: no shared cache may keep them.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # The API's clients fetch the same pages again and again: they may keep their own copy
            # and ask whether it changed (ETag, If-None-Match), but no shared cache may keep it.
            api = request.path.startswith("/api/")
            response.headers.setdefault("Cache-Control", "private, no-cache" if api else "no-store")
        return response

    return middleware


def _redirect(request, url: str) -> HttpResponse:
    # An htmx request would swap the login page into a fragment; ask htmx to navigate instead.
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


LAST_SEEN_STEP = 60  # seconds


def session_limits(get_response):
    """End a session after SESSION_IDLE_TIMEOUT without a request or SESSION_ABSOLUTE_TIMEOUT in all."""
    idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
    absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()

    def middleware(request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault("issou_login_at", now)
            last_seen = session.get("issou_last_seen", now)
            if now - last_seen > idle or now - started > absolute:
                logout(request)
                url = reverse(settings.LOGIN_URL) + "?" + urlencode({"expired": "1"})
                return _redirect(request, url)
            # Noted once a minute, not on every request: each note is a session write, and a
            # minute more or less of idle time changes nothing (pages under load).
            if now - last_seen >= LAST_SEEN_STEP or "issou_last_seen" not in session:
                session["issou_last_seen"] = now
        return get_response(request)

    return middleware


def htmx_needs_sign_in(get_response):
    """An htmx request (a menu counter, a live preview) from someone not signed in, or an
    administrator before the second factor, is answered 401 with nothing in it. htmx neither swaps
    nor follows that: a redirect would be followed, the login or second-factor page swapped into
    the fragment (its scripts run a second time), or, sent as HX-Redirect, reload the page that
    asked, again and again, losing what the person was typing."""

    def middleware(request):
        if request.headers.get("HX-Request") and not access.signed_in(request.user):
            return HttpResponse(status=401)
        return get_response(request)

    return middleware


def require_otp_for_admins(get_response):
    """HQ and branch administrators reach no page, the admin included, before passing TOTP."""

    def middleware(request):
        user = request.user
        if user.is_authenticated and user.requires_otp and not user.is_verified():
            try:
                url_name = resolve(request.path_info).url_name
            except Resolver404:
                url_name = None
            if url_name not in OTP_EXEMPT_URL_NAMES:
                return _redirect(request, reverse("otp_verify"))
        return get_response(request)

    return middleware
