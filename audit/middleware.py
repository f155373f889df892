"""Who and from where, for every audit entry written while a request is handled."""

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the address our own reverse proxy put in X-Forwarded-For.

    Only the last PROXY_COUNT entries of X-Forwarded-For were written by proxies we trust;
    anything to their left could have been sent by the client itself.
    """
    proxies = settings.PROXY_COUNT
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


class AuditContextMiddleware(AuditlogMiddleware):
    """auditlog's middleware, but trusting X-Forwarded-For only from our own proxies."""

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)
