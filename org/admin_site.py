"""The Django admin: HQ administrators only, after the second factor, and never the audit trail."""

from django.contrib.admin import AdminSite
from django.shortcuts import redirect
from django.urls import reverse

from org.roles import Role


def _has_permission(request) -> bool:
    user = request.user
    return user.is_active and user.role == Role.HQ_ADMIN and user.is_verified()


def _login(request, extra_context=None):
    # One login page for the whole site, with lockout and the second factor.
    return redirect(reverse("login") + "?next=" + request.get_full_path())


def configure_admin_site(site: AdminSite) -> None:
    from auditlog import get_logentry_model

    site.site_header = "issou 管理サイト"
    site.site_title = "issou 管理サイト"
    site.index_title = "マスタ管理"
    site.has_permission = _has_permission
    site.login = _login
    # The audit trail is read through audit.views; the admin offers no way to touch it.
    if site.is_registered(get_logentry_model()):
        site.unregister(get_logentry_model())
