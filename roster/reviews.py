"""Deciding a doubtful pair of the review queue (R-ROS-4): the same business, or another one."""

import datetime

from django.db import transaction

from org.models import User
from roster import importing
from roster.models import BusinessSource, ImportJob, MatchReview, ReviewDecision


@transaction.atomic
def decide(*, review: MatchReview, decision: str, actor: User, now: datetime.datetime) -> None:
    """Same: the row becomes another source of the business. Different: it becomes a business.

    The decision is saved on the review (so audited), and a later import of the same row is
    settled by it without asking again (roster.importing.plan reads the decided reviews).
    """
    review.decision = decision
    review.decided_by = actor
    review.decided_at = now
    review.save(update_fields=["decision", "decided_by", "decided_at"])
    job: ImportJob = review.job
    if decision == ReviewDecision.SAME:
        BusinessSource.objects.get_or_create(
            business=review.business,
            row_hash=review.row_hash,
            defaults={"kind": job.kind, "job": job, "original": importing.original_row(review.incoming)},
        )
    else:
        business = importing.new_business(job, review.incoming)
        business.save()
        BusinessSource.objects.create(
            business=business,
            kind=job.kind,
            job=job,
            original=importing.original_row(review.incoming),
            row_hash=review.row_hash,
        )
        importing.put_on_roster(job, [business.pk], {business.pk})
