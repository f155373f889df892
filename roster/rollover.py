"""Starting a new year's roster from last year's (R-ROS-3, 別紙6 2(3)イ)."""

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from org import revisions
from org.models import Branch, FiscalYear
from roster.models import BusinessStatus, EntryOrigin, RosterEntry

# Businesses that leave the roster for good: enrolled, closed or moved away, handed to the bureau.
FINISHED = [BusinessStatus.ENROLLED, BusinessStatus.CLOSED, BusinessStatus.HANDED_OVER]


@transaction.atomic
def roster_rollover(*, branch: Branch, fiscal_year: FiscalYear, actor=None) -> int:
    """Carry last year's businesses not yet enrolled, closed or handed over into ``fiscal_year``.

    Returns how many were carried over; running it again carries nothing twice.
    """
    previous = RosterEntry.objects.filter(
        business__branch=branch, fiscal_year__year=fiscal_year.year - 1
    ).exclude(business__status__in=FINISHED)
    already = set(
        RosterEntry.objects.filter(business__branch=branch, fiscal_year=fiscal_year).values_list(
            "business_id", flat=True
        )
    )
    today = timezone.localdate()
    entries = [
        RosterEntry(business_id=b, fiscal_year=fiscal_year, origin=EntryOrigin.CARRIED_OVER, added_on=today)
        for b in previous.values_list("business_id", flat=True)
        if b not in already
    ]
    RosterEntry.objects.bulk_create(entries, batch_size=2000)
    revisions.touch([branch.pk])
    if entries:
        AuditEntry.record_event(
            "bulk_change",
            target=RosterEntry,
            target_repr=f"名簿の引継ぎ {fiscal_year.label} {len(entries):,}件",
            actor=actor,
            branch_id=branch.pk,
            objects=[entry.business_id for entry in entries],
        )
    return len(entries)
