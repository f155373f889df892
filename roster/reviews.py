"""Deciding a doubtful pair of the review queue (R-ROS-4): the same business, or another one; and
taking back a merge a person finds wrong, from the business's page."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kit.text import fill
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


@dataclass
class Decided:
    business: Business  # the business the row now belongs to
    made: bool  # a new business was made of the row
    twins: int  # rows waiting against the same business, surely the row's business, settled with it


@transaction.atomic
def decide(*, review: MatchReview, decision: str, actor: User, now: datetime.datetime) -> Decided:
    """Same: the row becomes another source of the business. Different: it becomes a business, or a
    source of the business on the roster it surely is (one made meanwhile of a row like it).

    Rows waiting against the same business that are surely the same business as this row (another
    file's line for it) follow the answer, so one company never becomes two businesses at one
    address (R-ROS-4). The decisions are saved on the reviews (so audited), and a later import of
    the same rows is settled by them without asking again (roster.importing.plan reads them).
    """
    review = (
        MatchReview.objects.select_for_update(of=("self",))
        .select_related("job", "business")
        .get(pk=review.pk)
    )
    if review.decision != ReviewDecision.PENDING:
        raise ValidationError("この組み合わせは既に判断されています。")
    waiting = list(
        MatchReview.objects.select_for_update(of=("self",))
        .select_related("job")
        .filter(business=review.business, decision=ReviewDecision.PENDING)
        .exclude(pk=review.pk)
        .order_by("pk")
    )
    twins = [waiting[n] for n in importing.twins_of(review.incoming, [w.incoming for w in waiting])]
    job: ImportJob = review.job
    made = False
    if decision == ReviewDecision.SAME:
        business = review.business
    else:
        refused = MatchReview.objects.filter(
            row_hash__in=[r.row_hash for r in [review, *twins]], decision=ReviewDecision.DIFFERENT
        ).values("business")
        known = Business.objects.filter(branch=review.business.branch_id).exclude(pk=review.business_id)
        found = importing.surely_known(review.incoming, known.exclude(pk__in=refused))
        if found is None:
            business, made = importing.new_business(job, review.incoming), True
            business.save()
        else:
            business = Business.objects.get(pk=found)
        importing.put_on_roster(job, [business.pk], {business.pk} if made else set())
    for settled in [review, *twins]:
        settled.decision, settled.decided_by, settled.decided_at = decision, actor, now
        settled.save(update_fields=["decision", "decided_by", "decided_at"])
        BusinessSource.objects.get_or_create(
            business=business,
            row_hash=settled.row_hash,
            defaults={
                "kind": settled.job.kind,
                "job": settled.job,
                "original": importing.original_row(settled.incoming),
            },
        )
    return Decided(business=business, made=made, twins=len(twins))


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
        reason=fill(
            StatusChange, "reason", "「{name}」（No.{pk}）から分離", name=original.name, pk=str(original.pk)
        ),
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
