"""Bearer-token authentication: the token's owner becomes the request's user, so every endpoint is
scoped by org.access exactly as the pages are; each use is audited."""

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from api.models import ApiToken, digest_of
from audit.models import AuditEntry


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        found = ApiToken.objects.select_related("user__branch").filter(digest=digest_of(token)).first()
        if found is None or not found.is_usable:
            return None
        request.user = found.user
        now = timezone.now()
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        AuditEntry.record_event(
            "api_use",
            target=found,
            target_repr=f"{found} {request.method} {request.path}"[:200],
            actor=found.user,
            request=request,
            branch_id=found.user.branch_id,
        )
        return found.user


class PageSession(SessionAuth):
    """The site's own pages calling the API with their session (the phone's offline drafts): the
    middleware has applied the session limits and the second factor by then, and ninja checks the
    CSRF token on every write made with the cookie. A request that names a token is judged by the
    token alone: a revoked token is refused even in a signed-in browser."""

    def authenticate(self, request: HttpRequest, key: str | None):
        if "Authorization" in request.headers:
            return None
        return super().authenticate(request, key)
