"""The Django admin: HQ administrators only, after the second factor, and never the audit trail."""

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from org.roles import Role


def _has_permission(request) -> bool:
    user = request.user
    return user.is_active and user.role == Role.HQ_ADMIN and user.is_verified()


def _login(request, extra_context=None):
    # One login page for the whole site, with lockout and the second factor. A user who is
    # logged in but not an HQ administrator would loop between the two login pages: refuse.
    if request.user.is_authenticated:
        raise PermissionDenied("管理サイトは本部管理者のみ利用できます。")
    return redirect(reverse("login") + "?" + urlencode({"next": request.GET.get("next", "/admin/")}))


def configure_admin_site(site: AdminSite) -> None:
    from auditlog import get_logentry_model

    site.site_header = "issou 管理サイト"
    site.site_title = "issou 管理サイト"
    site.index_title = "マスタ管理"
    site.has_permission = _has_permission  # type: ignore[method-assign]  # HQ administrators only
    site.login = _login  # type: ignore[method-assign]  # the site's own login, with TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # The audit trail is read through audit.views; the admin offers no way to touch it. Nor does it
    # show authenticator devices, whose pages hold the TOTP secret: a lost device is reset from the
    # user's page (org.services.user_reset_otp), and only its owner ever sees a secret, once.
    for model in (get_logentry_model(), TOTPDevice):
        if site.is_registered(model):
            site.unregister(model)
