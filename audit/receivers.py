"""Writes login, logout, failed login and lockout to the audit trail."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import AuditEntry


def record_auth_event(event: str, request, *, user=None, username: str = "") -> AuditEntry:
    User = get_user_model()
    if user is None and username:
        user = User.objects.filter(username=username).first()
    return AuditEntry.record_event(
        event,
        target=user or User,
        target_repr=username,
        actor=user if event in {"login", "logout"} else None,
        request=request,
        branch_id=user.branch_id if user else None,
    )


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    record_auth_event("login", request, user=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record_auth_event("logout", request, user=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    record_auth_event("login_failed", request, username=credentials.get("username", ""))


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs):
    record_auth_event("locked_out", request, username=username or "")
