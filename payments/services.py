"""Fee claims: assembling a promoter's month from the records, and submitting it (R-FEE-4)."""

import datetime
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from audit.models import AuditEntry
from fieldwork.documents import month_range
from fieldwork.models import Enrolment, Visit
from lib.rows import insert_rows
from org.models import FiscalYear, User
from payments import claims
from payments.models import ClaimLine, ClaimStatus, Decision, FeeClaim, FeeRules
from people.models import Appointment


def live_lines():
    """Lines that stand: paying something and not rejected. A record in one is not claimed again."""
    return (
        ClaimLine.objects.filter(amount__gt=0)
        .exclude(branch_decision=Decision.REJECTED)
        .exclude(hq_decision=Decision.REJECTED)
    )


def last_overdue_month(today: datetime.date) -> datetime.date:
    """The latest claim month whose sending to HQ (R-FEE-5) is past; every earlier month is too."""
    month = today.replace(day=1)
    while FeeClaim(month=month).send_by >= today:
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


def overdue_at_branch(claims_, today: datetime.date):
    """Submitted claims the branch has not sent to HQ by the deadline (R-FEE-5)."""
    return claims_.filter(status=ClaimStatus.SUBMITTED, month__lte=last_overdue_month(today))


def rules_for(day: datetime.date) -> FeeRules:
    rules = (
        FeeRules.objects.filter(fiscal_year=FiscalYear.for_date(day)).select_related("fiscal_year").first()
    )
    if rules is None:
        raise ValidationError(
            f"{FiscalYear.for_date(day).label}の支給基準が設定されていません（本部が設定します）。"
        )
    return rules


@transaction.atomic
def claim_assemble(*, appointment: Appointment, year: int, month: int) -> FeeClaim:
    """Build (or rebuild, while still a draft) one person's claim for the month."""
    first = datetime.date(year, month, 1)
    claim = FeeClaim.objects.filter(appointment=appointment, month=first).first()
    if claim is not None and claim.status != ClaimStatus.DRAFT:
        raise ValidationError("この月の支給申請は提出済みのため、作り直せません。")
    claims_assemble(year=year, month=month, appointments=Appointment.objects.filter(pk=appointment.pk))
    return FeeClaim.objects.get_or_create(
        appointment=appointment, month=first, defaults={"rules": rules_for(first)}
    )[0]


@transaction.atomic
def claims_assemble(*, year: int, month: int, appointments=None) -> int:
    """Build (or rebuild, while still drafts) the month's claims of ``appointments`` — everyone when
    None, as the national month-end run does — under the rules of the claim's own year.

    The month's visits and enrolments all appear, with why any earns nothing; earlier records of
    the same person join when they have become payable since (evidence completed, a rejected line
    fixed). A submitted claim is left alone. The caps (R-FEE-1: paid visits per business; R-FEE-2:
    once per business and insurance) count across people, in date order, so the whole month is
    computed at once. Returns the number of claims holding lines.
    """
    first, last = month_range(year, month)
    rules = rules_for(first)
    since = rules.fiscal_year.start
    claims_ = FeeClaim.objects.filter(month=first)
    if appointments is not None:
        claims_ = claims_.filter(appointment__in=appointments)
    drafts = dict(
        claims_.filter(status=ClaimStatus.DRAFT).select_for_update().values_list("appointment_id", "pk")
    )
    ClaimLine.objects.filter(claim__in=drafts.values()).delete()
    closed = set(claims_.exclude(status=ClaimStatus.DRAFT).values_list("appointment_id", flat=True))

    live = live_lines()
    # An earlier visit can pay now only by a paid method, at a business still under the cap; the
    # others are left unread (by March they outnumber the month's own visits).
    at_cap = (
        live.filter(kind=claims.VISIT_FEE)
        .values("business")
        .annotate(n=Count("pk"))
        .filter(n__gte=rules.paid_visits_per_business)
        .values("business")
    )
    visits = (
        Visit.objects.filter(visited_on__range=(since, last))
        .filter(Q(visited_on__gte=first) | Q(method__in=rules.paid_methods) & ~Q(business__in=at_cap))
        .exclude(Exists(live.filter(visit=OuterRef("pk"))))
    )
    # An enrolment credited to no promoter pays no one.
    enrolments = Enrolment.objects.filter(
        enrolled_on__range=(since, last), appointment__isnull=False
    ).exclude(Exists(live.filter(enrolment=OuterRef("pk"))))
    if appointments is not None:
        visits, enrolments = (
            visits.filter(appointment__in=appointments),
            enrolments.filter(appointment__in=appointments),
        )
    visits, enrolments = visits.exclude(appointment__in=closed), enrolments.exclude(appointment__in=closed)

    paid_visits = Counter(
        dict(
            # The businesses visited this year: a plain superset of those read above, cheaper for
            # the database than repeating their conditions.
            live.filter(
                kind=claims.VISIT_FEE,
                business__in=Visit.objects.filter(visited_on__range=(since, last)).values("business"),
            )
            .values_list("business")
            .annotate(n=Count("pk"))
        )
    )
    visit_records, enrolment_records = claims.visit_records(visits), claims.enrolment_records(enrolments)
    owner = {(claims.VISIT_FEE, r.pk): r.appointment_id for r in visit_records}
    owner |= {(claims.SUCCESS_FEE, r.pk): r.appointment_id for r in enrolment_records}
    lines = claims.visit_lines(rules, visit_records, paid_visits) + claims.success_lines(
        # Once per business and insurance (R-FEE-2) needs no lookup here: the database allows one
        # enrolment per business and insurance, and one standing line per enrolment.
        rules,
        enrolment_records,
        set(),
    )
    # Earlier months' records join only when they now pay; this month's show either way.
    kept = [(owner[line.kind, line.source_pk], line) for line in lines if line.day >= first or line.payable]
    missing = {appointment for appointment, _ in kept} - drafts.keys()
    FeeClaim.objects.bulk_create([FeeClaim(appointment_id=a, month=first, rules=rules) for a in missing])
    drafts |= dict(
        FeeClaim.objects.filter(month=first, appointment__in=missing).values_list("appointment_id", "pk")
    )
    insert_rows(
        ClaimLine,
        [
            {
                "claim": drafts[appointment],
                "kind": line.kind,
                "business": line.business_id,
                "visit": line.source_pk if line.kind == claims.VISIT_FEE else None,
                "enrolment": line.source_pk if line.kind == claims.SUCCESS_FEE else None,
                "day": line.day,
                "description": line.description,
                "amount": line.amount,
                "tax": line.tax,
                "reasons": line.reasons,
                "branch_decision": Decision.PENDING,
                "branch_reason": "",
                "hq_decision": Decision.PENDING,
                "hq_reason": "",
            }
            for appointment, line in kept
        ],
    )
    return len({appointment for appointment, _ in kept})


def claim_submit(*, actor: User, claim: FeeClaim) -> None:
    """The promoter submits the month's claim to the branch (R-FEE-4: by the last day of the month)."""
    if claim.appointment.person.user_id != actor.pk:
        raise ValidationError("本人の支給申請だけを提出できます。")
    if claim.status != ClaimStatus.DRAFT:
        raise ValidationError("この支給申請は提出済みです。")
    if not claim.lines.filter(amount__gt=0).exists():
        raise ValidationError("支給の対象となる明細がありません。")
    claim.status, claim.submitted_at, claim.submitted_by = ClaimStatus.SUBMITTED, timezone.now(), actor
    claim.save(update_fields=["status", "submitted_at", "submitted_by"])


def _record(actor: User, what: str, lines: list[ClaimLine]) -> None:
    """One audit row per branch for a bulk decision; each line keeps who and when as well."""
    for branch_id, count in Counter(line.claim.appointment.branch_id for line in lines).items():
        AuditEntry.record_event(
            "bulk_change",
            target=ClaimLine,
            target_repr=f"{what} {count:,}件",
            actor=actor,
            branch_id=branch_id,
        )


def _check_reviewer(actor: User, line: ClaimLine) -> None:
    # R-FEE-7 (内部牽制): the person who entered a claim does not approve its lines.
    if line.claim.submitted_by_id == actor.pk:
        raise ValidationError("申請した本人は、その明細を審査できません。")


@transaction.atomic
def lines_review(*, actor: User, lines, decision: str, reason: str = "") -> int:
    """The branch accepts or rejects lines of submitted claims (R-FEE-5); a rejection needs a reason."""
    if decision not in (Decision.ACCEPTED, Decision.REJECTED):
        raise ValidationError("承認か差戻しを選んでください。")
    if decision == Decision.REJECTED and not reason.strip():
        raise ValidationError("差戻しの理由を入力してください。")
    chosen = list(
        lines.filter(claim__status=ClaimStatus.SUBMITTED, amount__gt=0)
        .select_related("claim__appointment")
        .select_for_update(of=("self",))
    )
    now = timezone.now()
    for line in chosen:
        _check_reviewer(actor, line)
        line.branch_decision, line.branch_reason = decision, reason.strip()
        line.branch_by, line.branch_at = actor, now
    ClaimLine.objects.bulk_update(chosen, ["branch_decision", "branch_reason", "branch_by", "branch_at"])
    _record(actor, f"支部審査（{Decision(decision).label}）", chosen)
    return len(chosen)


@transaction.atomic
def claims_send(*, actor: User, claims_) -> int:
    """Send reviewed claims to HQ; a claim with a line not yet reviewed stays (R-FEE-5)."""
    chosen = list(claims_.filter(status=ClaimStatus.SUBMITTED).select_for_update(of=("self",)))
    pending = [c for c in chosen if c.lines.filter(amount__gt=0, branch_decision=Decision.PENDING).exists()]
    if pending:
        names = "、".join(f"{c.appointment.person.full_name}（{c.month:%Y年%m月}）" for c in pending[:5])
        raise ValidationError(f"審査が終わっていない明細がある申請は送付できません：{names}")
    now = timezone.now()
    for claim in chosen:
        claim.status, claim.sent_at, claim.sent_by = ClaimStatus.SENT, now, actor
    FeeClaim.objects.bulk_update(chosen, ["status", "sent_at", "sent_by"])
    return len(chosen)


@transaction.atomic
def lines_decide(*, actor: User, lines, decision: str, reason: str = "") -> int:
    """HQ reviews the lines the branches accepted and decides payment (R-FEE-6); a rejection needs a
    reason and sends the line back to the promoter. A claim whose lines are all decided is 本部審査済."""
    if not actor.is_hq:
        raise ValidationError("本部の審査は本部の職員が行います。")
    if decision not in (Decision.ACCEPTED, Decision.REJECTED):
        raise ValidationError("承認か差戻しを選んでください。")
    if decision == Decision.REJECTED and not reason.strip():
        raise ValidationError("差戻しの理由を入力してください。")
    chosen = list(
        lines.filter(claim__status=ClaimStatus.SENT, branch_decision=Decision.ACCEPTED, amount__gt=0)
        .select_related("claim__appointment")
        .select_for_update(of=("self",))
    )
    now = timezone.now()
    for line in chosen:
        _check_reviewer(actor, line)
        line.hq_decision, line.hq_reason, line.hq_by, line.hq_at = decision, reason.strip(), actor, now
    ClaimLine.objects.bulk_update(chosen, ["hq_decision", "hq_reason", "hq_by", "hq_at"])
    _record(actor, f"本部審査（{Decision(decision).label}）", chosen)
    claim_ids = {line.claim_id for line in chosen}
    undecided = set(
        ClaimLine.objects.filter(
            claim__in=claim_ids, branch_decision=Decision.ACCEPTED, hq_decision=Decision.PENDING, amount__gt=0
        ).values_list("claim", flat=True)
    )
    FeeClaim.objects.filter(pk__in=claim_ids - undecided).update(status=ClaimStatus.DECIDED)
    return len(chosen)
