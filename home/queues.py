"""Work queues: what waits for each person, counted within what they may see, with the oldest first.

Each queue has a count, its oldest item, and its first entries, each one click from the record; the
home page shows the queues that hold something, the 作業一覧 page all of them, and the menu their
total. Branch staff, HQ and promoters each have their own set.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from councils.models import Handover
from councils.services import overdue
from fieldwork.models import Enrolment, Evidence, EvidenceKind, Visit
from lib import wareki
from org import access
from org.models import Branch, User
from org.roles import FIELD_ROLES, HQ_ROLES, Role
from payments import claims as fee_claims
from payments import services as payment_services
from payments.models import BatchStatus, ClaimLine, ClaimStatus, Decision, FeeClaim, FeeRules, PaymentBatch
from people import services as people_services
from people.models import Appointment, AppointmentRole
from roster.models import MatchReview, ReviewDecision

SHOWN = 5  # entries per queue on the home page; the 作業一覧 page shows up to ALL
ALL = 200


@dataclass
class Entry:
    label: str
    url: str
    day: datetime.date | None = None
    note: str = ""
    urgent: bool = False


@dataclass
class Queue:
    key: str
    title: str
    url: str  # where the whole list is worked
    count: int = 0
    oldest: datetime.date | None = None
    note: str = ""
    entries: list[Entry] = field(default_factory=list)

    @property
    def urgent(self) -> bool:
        return any(entry.urgent for entry in self.entries)


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


def _count_and_oldest(rows, field: str) -> tuple[int, datetime.date | None]:
    found = rows.aggregate(n=Count("pk"), oldest=Min(field))
    return found["n"], _date(found["oldest"])


def queues_for(user: User, *, limit: int = SHOWN, today: datetime.date | None = None) -> list[Queue]:
    """Every queue of the user's role, empty ones included, in the order they are worked."""
    today = today or timezone.localdate()
    if user.role in FIELD_ROLES:
        return [_my_claims(user, today, limit), _my_returned(user, limit), _my_pending_fees(user, limit)]
    if user.role in (Role.BRANCH_ADMIN, Role.BRANCH_STAFF):
        return [
            _claims_to_review(user, today, limit),
            koyou_to_confirm(user, limit),
            _evidence_missing(user, limit),
            _cap_conflicts(user, limit),
            _match_reviews(user, limit),
            _handovers(user, limit),
            _work_days(user, limit),
        ]
    if user.role in HQ_ROLES:
        queues = [_claims_to_decide(user, limit)]
        if user.has_payment_permission:
            queues.append(_batches_to_approve(user, limit))
        queues.append(_late_branches(user, today, limit))
        return queues
    return []


def total(user: User) -> int:
    """How many items wait for the user, for the badge in the menu."""
    return sum(queue.count for queue in queues_for(user, limit=0))


# Branch staff ---------------------------------------------------------------------------------


def _claims_to_review(user: User, today: datetime.date, limit: int) -> Queue:
    claims = access.visible(
        user, FeeClaim.objects.filter(status__in=FeeClaim.statuses_before(ClaimStatus.SENT))
    ).select_related("appointment__person")
    queue = Queue(
        "claims",
        "審査待ちの支給申請",
        reverse("review_list"),
        note="本部への送付期限は翌月7日（3月分は3月31日）",
    )
    queue.count, queue.oldest = _count_and_oldest(claims, "month")
    for claim in claims.order_by("month", "submitted_at")[:limit]:
        queue.entries.append(
            Entry(
                f"{claim.appointment.person.full_name} {wareki.year_month(claim.month)}分",
                reverse("claim_detail", args=[claim.pk]),
                claim.month,
                f"送付期限 {wareki.format_date(claim.send_by)}",
                urgent=today > claim.send_by,
            )
        )
    return queue


def _enrolments_for_fees(user: User):
    """Enrolments that can earn a success fee and have not yet been claimed in a standing line."""
    return access.visible(
        user,
        Enrolment.objects.filter(appointment__isnull=False, bureau_guidance=False, ex_officio=False).exclude(
            Exists(payment_services.live_lines().filter(enrolment=OuterRef("pk")))
        ),
    ).select_related("business")


def _enrolment_queue(key: str, title: str, enrolments, limit: int, note: str = "") -> Queue:
    queue = Queue(key, title, reverse("work_queue", args=[key]), note=note)
    queue.count, queue.oldest = _count_and_oldest(enrolments, "enrolled_on")
    for enrolment in enrolments.order_by("enrolled_on", "pk")[:limit]:
        queue.entries.append(
            Entry(
                f"{enrolment.business.name}（{enrolment.get_kind_display()}）",
                reverse("enrolment_detail", args=[enrolment.pk]),
                enrolment.enrolled_on,
            )
        )
    return queue


def koyou_to_confirm(user: User, limit: int) -> Queue:
    waiting = _enrolments_for_fees(user).filter(covers_koyou=True, koyou_confirmed_at__isnull=True)
    return _enrolment_queue(
        "koyou",
        "雇用保険の手続の確認待ち",
        waiting,
        limit,
        note="確認するまで成功報酬費は支給されません",
    )


def _evidence_missing(user: User, limit: int) -> Queue:
    def has(kind: str):
        return Exists(Evidence.objects.filter(enrolment=OuterRef("pk"), kind=kind))

    missing = _enrolments_for_fees(user).filter(
        ~has(EvidenceKind.ENROLMENT_NOTICE)
        | Q(covers_koyou=True)
        & (~has(EvidenceKind.ESTABLISHMENT_NOTICE) | ~has(EvidenceKind.INSURED_CONFIRMATION))
        | Q(covers_koyou=True, filed_electronically=True) & ~has(EvidenceKind.E_APPLICATION)
    )
    return _enrolment_queue("evidence", "証拠書類が不足している成立", missing, limit)


def _cap_conflicts(user: User, limit: int) -> Queue:
    """D-2: submitted visit-fee lines that keep a slot an earlier visit would take by date."""
    queue = Queue("conflicts", "訪問回数の上限の競合", reverse("work_queue", args=["conflicts"]))
    held = payment_services.held_lines().filter(
        kind=fee_claims.VISIT_FEE, claim__status__in=FeeClaim.statuses_before(ClaimStatus.SENT)
    )
    # Candidates in SQL (an earlier direct visit of the business not held), confirmed line by line
    # with the rules of each line's year.
    earlier = Visit.objects.filter(
        business=OuterRef("business"), visited_on__lt=OuterRef("visit__visited_on")
    ).exclude(Exists(payment_services.held_lines().filter(visit=OuterRef("pk"))))
    candidates = list(
        access.visible(user, held.filter(Exists(earlier)))
        .select_related("claim__appointment__person", "claim__rules", "business", "visit", "rules")
        .order_by("day")[:ALL]
    )
    conflicts = payment_services.cap_conflicts(candidates)
    lines = [line for line in candidates if line.pk in conflicts]
    queue.count = len(lines)
    queue.oldest = min((line.day for line in lines), default=None)
    for line in lines[: max(limit, 0)]:
        first = conflicts[line.pk][0]
        queue.entries.append(
            Entry(
                f"{line.business.name}：{line.claim.appointment.person.full_name}（{line.day:%-m月%-d日}）",
                reverse("claim_detail", args=[line.claim_id]),
                line.day,
                f"より早い訪問 {first.visited_on:%-m月%-d日} {first.appointment.person.full_name}",
            )
        )
    return queue


def _match_reviews(user: User, limit: int) -> Queue:
    pending = access.visible(
        user, MatchReview.objects.filter(decision=ReviewDecision.PENDING)
    ).select_related("business", "job")
    queue = Queue("reviews", "名寄せの確認待ち", reverse("roster_review_list"))
    queue.count, queue.oldest = _count_and_oldest(pending, "job__created_at")
    for review in pending.order_by("job__created_at", "-score")[:limit]:
        queue.entries.append(
            Entry(
                f"{review.incoming.get('name', '')} ≟ {review.business.name}（類似度{review.score}）",
                reverse("roster_review_list"),
                _date(review.job.created_at),
            )
        )
    return queue


def _handovers(user: User, limit: int) -> Queue:
    """Hard cases handed to the bureau and not yet confirmed at a council (R-CNL-5)."""
    waiting = access.visible(user, Handover.objects.filter(meeting__isnull=True)).select_related("business")
    queue = Queue(
        "handovers", "協議会で未確認の移管", reverse("handover_list"), note="次の協議会で労働局と確認します"
    )
    queue.count, queue.oldest = _count_and_oldest(waiting, "handed_over_on")
    for handover in waiting.order_by("handed_over_on", "pk")[:limit]:
        queue.entries.append(
            Entry(
                handover.business.name,
                reverse("roster_business_detail", args=[handover.business_id]),
                handover.handed_over_on,
            )
        )
    return queue


def _work_days(user: User, limit: int) -> Queue:
    coordinators = access.visible(user, Appointment.objects.filter(role=AppointmentRole.COORDINATOR))
    rows = people_services.work_days_to_confirm(coordinators)
    names = dict(coordinators.filter(pk__in={r[0] for r in rows}).values_list("pk", "person__full_name"))
    queue = Queue(
        "work_days",
        "促進員の稼動日の確認待ち",
        reverse("work_queue", args=["work_days"]),
        note="確認された月だけが支払われます（本人・登録者以外が確認）",
    )
    queue.count = len(rows)
    queue.oldest = rows[0][4] if rows else None
    for appointment, year, month, days, oldest in rows[:limit]:
        queue.entries.append(
            Entry(
                f"{names[appointment]} {wareki.year_month(datetime.date(year, month, 1))}（{days}日）",
                f"{reverse('work_days', args=[appointment])}?month={year}-{month:02d}",
                oldest,
            )
        )
    return queue


# HQ ---------------------------------------------------------------------------------------------


def _claims_to_decide(user: User, limit: int) -> Queue:
    claims = access.visible(
        user, FeeClaim.objects.filter(status__in=FeeClaim.statuses_before(ClaimStatus.DECIDED))
    ).select_related("appointment__person", "appointment__branch")
    queue = Queue("decide", "支給決定待ちの支給申請", reverse("hq_review"))
    queue.count, queue.oldest = _count_and_oldest(claims, "sent_at")
    for claim in claims.order_by("sent_at", "pk")[:limit]:
        queue.entries.append(
            Entry(
                f"{claim.appointment.branch.name} {claim.appointment.person.full_name} {wareki.year_month(claim.month)}分",
                reverse("claim_detail", args=[claim.pk]),
                _date(claim.sent_at),
            )
        )
    return queue


def _batches_to_approve(user: User, limit: int) -> Queue:
    """D-7: batches waiting for a second payer; one's own are left for another."""
    waiting = PaymentBatch.objects.filter(
        status__in=PaymentBatch.statuses_before(BatchStatus.APPROVED)
    ).exclude(created_by=user)
    queue = Queue(
        "batches", "承認待ちの支払バッチ", reverse("batch_list"), note="作成者以外の支払権限者が承認します"
    )
    queue.count, queue.oldest = _count_and_oldest(waiting, "created_at")
    for batch in waiting.select_related("fiscal_year").order_by("created_at")[:limit]:
        queue.entries.append(
            Entry(str(batch), reverse("batch_detail", args=[batch.pk]), _date(batch.created_at))
        )
    return queue


def _late_branches(user: User, today: datetime.date, limit: int) -> Queue:
    """Each branch behind with councils (R-CNL-1, one row per fiscal year) or with sending claims to HQ
    (R-FEE-5): what is late, since when, and a link to that branch's page for it. One row per late
    thing, so the count is the rows."""
    branches = list(access.visible(user, Branch.objects.select_related("prefecture")))
    order = {branch.pk: branch.prefecture.code for branch in branches}
    rows: list[tuple[str, int, Entry]] = []
    councils: dict[tuple, list[dict]] = {}
    for late in overdue(branches, today):
        councils.setdefault((late["branch"], late["fiscal_year"]), []).append(late)
    for (branch, year), missed in councils.items():
        numbers = "・".join(late["number"].label for late in missed)
        rows.append(
            (
                order[branch.pk],
                0,
                Entry(
                    f"{branch.name}：{year.label}の協議会（{numbers}）が未開催",
                    f"{reverse('council_list')}?{urlencode({'year': year.year, 'branch': branch.pk})}",
                    min(late["deadline"] for late in missed),
                    urgent=True,
                ),
            )
        )
    claims = (
        payment_services.overdue_at_branch(access.visible(user, FeeClaim.objects.all()), today)
        .values("appointment__branch", "appointment__branch__name")
        .annotate(n=Count("pk"), oldest=Min("month"))
        .values_list("appointment__branch", "appointment__branch__name", "n", "oldest")
    )
    for branch_id, name, n, first in claims:
        oldest = FeeClaim(month=first)
        query = urlencode({"branch": branch_id, "year": wareki.fiscal_year_of(oldest.month)})
        rows.append(
            (
                order.get(branch_id, ""),
                1,
                Entry(
                    f"{name}：支給申請{n:,}件の本部への送付が遅れています",
                    f"{reverse('review_list')}?{query}",
                    oldest.send_by,
                    f"最も古いもの：{wareki.year_month(oldest.month)}分",
                    urgent=True,
                ),
            )
        )
    rows.sort(key=lambda row: (row[0], row[1], row[2].day or today))
    queue = Queue("late", "期限を過ぎている支部", reverse("work_queue", args=["late"]))
    queue.count = len(rows)
    queue.oldest = min((entry.day for _, _, entry in rows if entry.day), default=None)
    queue.entries = [entry for _, _, entry in rows[: max(limit, 0)]]
    return queue


# Promoters and instructors ----------------------------------------------------------------------


def _my_claims(user: User, today: datetime.date, limit: int) -> Queue:
    """This month's claim and its deadline (R-FEE-4), and earlier months not yet submitted."""
    month = today.replace(day=1)
    mine = access.visible(user, FeeClaim.objects.all())
    unsubmitted = list(
        mine.filter(
            status__in=FeeClaim.statuses_before(ClaimStatus.SUBMITTED), month__lt=month, lines__amount__gt=0
        )
        .distinct()
        .order_by("month")
    )
    current = mine.filter(month=month).first()
    queue = Queue("my_claims", "支給申請（毎月末日までに提出）", reverse("claim_list"))
    for claim in unsubmitted:
        queue.entries.append(
            Entry(
                f"{wareki.year_month(claim.month)}分が未提出",
                reverse("claim_detail", args=[claim.pk]),
                claim.month,
                f"提出期限 {wareki.format_date(claim.submit_by)}を過ぎています",
                urgent=True,
            )
        )
    if current is None or current.is_draft:
        deadline = FeeClaim(month=month).submit_by
        queue.entries.append(
            Entry(
                f"{wareki.year_month(month)}分",
                reverse("claim_detail", args=[current.pk]) if current else reverse("claim_list"),
                month,
                f"提出期限 {wareki.format_date(deadline)}（{'作成済・未提出' if current else '未作成'}）",
            )
        )
    queue.count = len(queue.entries)
    queue.oldest = queue.entries[0].day if queue.entries else None
    queue.entries = queue.entries[: max(limit, 0)]
    return queue


def _my_returned(user: User, limit: int) -> Queue:
    """Lines of the promoter's claims sent back (差戻し) by the branch or HQ, with why, until their
    record stands in a claim again: each one click from where it is fixed (a success fee's
    enrolment and its evidence; a visit fee's line in its claim)."""
    live = payment_services.live_lines()
    returned = (
        access.visible(user, ClaimLine.objects.filter(claim__appointment__person__user=user))
        .filter(Q(branch_decision=Decision.REJECTED) | Q(hq_decision=Decision.REJECTED))
        .exclude(Exists(live.filter(visit=OuterRef("visit"))))
        .exclude(Exists(live.filter(enrolment=OuterRef("enrolment"))))
        .select_related("business")
    )
    queue = Queue(
        "returned",
        "差し戻された明細",
        reverse("work_queue", args=["returned"]),
        note="理由を確かめて直すと、次の支給申請に含められます",
    )
    queue.count, queue.oldest = _count_and_oldest(returned, "day")
    for line in returned.order_by("day", "pk")[: max(limit, 0)]:
        by, reason = (
            ("本部", line.hq_reason)
            if line.hq_decision == Decision.REJECTED
            else ("支部", line.branch_reason)
        )
        url = (
            reverse("enrolment_detail", args=[line.enrolment_id])
            if line.enrolment_id
            else f"{reverse('claim_detail', args=[line.claim_id])}#line-{line.pk}"
        )
        queue.entries.append(
            Entry(
                f"{line.business.name}（{line.get_kind_display()}・{wareki.format_date(line.day)}）",
                url,
                line.day,
                f"{by}が差戻し：{reason}",
            )
        )
    return queue


def _my_pending_fees(user: User, limit: int) -> Queue:
    """Success fees not yet payable, each with why (R-ENR-2 … R-ENR-4, D-4): what the promoter can fix."""
    # Bureau guidance and ex officio never pay: they are no work for the promoter.
    enrolments = access.visible(
        user,
        Enrolment.objects.filter(appointment__person__user=user, bureau_guidance=False, ex_officio=False),
    ).exclude(Exists(payment_services.live_lines().filter(enrolment=OuterRef("pk"))))
    records = fee_claims.enrolment_records(enrolments)
    rules = {r.fiscal_year.year: r for r in FeeRules.objects.select_related("fiscal_year")}
    names = dict(enrolments.values_list("pk", "business__name"))
    pending = [line for line in fee_claims.success_lines(rules, records, set()) if not line.payable]
    queue = Queue("my_fees", "保留中の成功報酬費", reverse("claim_list"))
    queue.count = len(pending)
    queue.oldest = pending[0].day if pending else None
    for line in pending[:limit]:
        queue.entries.append(
            Entry(
                names[line.source_pk],
                reverse("enrolment_detail", args=[line.source_pk]),
                line.day,
                " ".join(line.reasons),
            )
        )
    return queue
