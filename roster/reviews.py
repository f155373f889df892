"""Deciding a doubtful pair of the review queue (R-ROS-4): the same business, or another one; and
taking back a merge a person finds wrong, from the business's page."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lib import normalize
from org import revisions
from org.models import User
from roster import importing
from roster.models import (
    Business,
    BusinessSource,
    BusinessStatus,
    EntryOrigin,
    ImportJob,
    MatchReview,
    ReviewDecision,
    RosterEntry,
    StatusChange,
)


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


def record_of(source: BusinessSource) -> dict:
    """The import row behind a source, as ``importing.plan`` makes it (normalised keys included)."""
    fields = {japanese: key for key, japanese in importing.FIELDS.items()}
    record = {fields[k]: str(v) for k, v in source.original.items() if k in fields}
    core, form, _ = normalize.normalize_name(record.get("name", ""))
    return {
        **record,
        "row_hash": source.row_hash,
        "core": core,
        "form": form,
        "address_key": normalize.normalize_address(record.get("address", "")),
        "search_text": normalize.search_text(
            record.get("name", ""), record.get("name_kana", ""), record.get("address", "")
        ),
    }


@transaction.atomic
def separate(*, source: BusinessSource, actor: User, now: datetime.datetime) -> Business:
    """Undo a merge: the source's row becomes a business of its own, on the same years' rosters.

    The decision is kept as a review decided "different" (so audited, and a later import of the
    row goes to the new business, not back to the first one); the moved source is audited too.
    """
    original = Business.objects.select_for_update().get(pk=source.business_id)
    if source.job is None:
        raise ValidationError("手入力の出典は分けられません。")
    if original.sources.count() < 2:
        raise ValidationError("出典が一つだけの事業所は分けられません。")
    record = record_of(source)
    business = importing.new_business(source.job, record)
    business.save()
    source.business = business
    source.save(update_fields=["business"])
    years = original.roster_entries.values_list("fiscal_year_id", flat=True)
    RosterEntry.objects.bulk_create(
        [
            RosterEntry(
                business=business,
                fiscal_year_id=year,
                origin=EntryOrigin.NEW,
                source=source.kind,
                added_on=timezone.localdate(),
            )
            for year in years
        ]
    )
    revisions.touch([original.branch_id])
    StatusChange.objects.create(
        business=business,
        from_status="",
        to_status=BusinessStatus.ON_ROSTER,
        changed_by=actor,
        reason=f"「{original.name}」（No.{original.pk}）から分離",
    )
    MatchReview.objects.update_or_create(
        business=original,
        row_hash=source.row_hash,
        defaults={
            "job": source.job,
            "incoming": record,
            "score": 0,
            "decision": ReviewDecision.DIFFERENT,
            "decided_by": actor,
            "decided_at": now,
        },
    )
    return business
