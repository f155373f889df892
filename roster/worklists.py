"""Businesses leaving the worklists they were on: when an appointment is revoked (people), a business
is handed over to the bureau or divided to its side (councils). The roster owns who a business is
assigned to (Business.assigned_to); the assignments app keeps each assignment's history and ends it
on this signal, so the floors below never import it."""

from django.dispatch import Signal

from org.models import User
from roster.models import Business

# Sent with actor, businesses (a queryset) and reason (an EndReason), before the businesses are
# unassigned; a receiver returns how many assignments it ended.
leaving_worklists = Signal()


def leave_worklists(*, actor: User, businesses, reason: str) -> int:
    """Take ``businesses`` off their worklists; they wait for someone new. Returns the assignments ended."""
    replies = leaving_worklists.send(Business, actor=actor, businesses=businesses, reason=reason)
    ended = sum(n for _, n in replies if isinstance(n, int))  # type: ignore[misc]  # receivers return ints
    Business.objects.filter(pk__in=businesses.values("pk")).exclude(assigned_to=None).update(assigned_to=None)
    return ended
