"""Fee claims: assembling a promoter's month from the records, and submitting it (R-FEE-4)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from assignments.services import FIELD_APPOINTMENTS
from audit.models import AuditEntry
from fieldwork.models import Enrolment, Outcome, Visit
from kit.rows import delete_rows, insert_rows
from lib import wareki
from lib.fiscal import month_range
from notices.services import notify
from org.models import FiscalYear, User
from payments import claims
from payments.models import CapScope, ClaimLine, ClaimStatus, Decision, FeeClaim, FeeRules
from people.models import Appointment, AppointmentStatus


def live_lines() -> QuerySet[ClaimLine]:
    """Lines that stand: paying something and not rejected. A record in one is not claimed again."""
    return (
        ClaimLine.objects.filter(amount__gt=0)
        .exclude(branch_decision=Decision.REJECTED)
        .exclude(hq_decision=Decision.REJECTED)
    )


def held_lines() -> QuerySet[ClaimLine]:
    """Standing lines of claims the promoter has submitted: they keep their slot under the visit cap
    and their amount (D-2); draft lines are recomputed whenever a claim is built."""
    return live_lines().exclude(claim__status__in=FeeClaim.statuses_before(ClaimStatus.SUBMITTED))


def last_overdue_month(today: datetime.date) -> datetime.date:
    """The latest claim month whose sending to HQ (R-FEE-5) is past; every earlier month is too."""
    month = today.replace(day=1)
    while FeeClaim(month=month).send_by >= today:
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


def overdue_at_branch(fee_claims: QuerySet[FeeClaim], today: datetime.date) -> QuerySet[FeeClaim]:
    """Submitted claims the branch has not sent to HQ by the deadline (R-FEE-5)."""
    return fee_claims.filter(status=ClaimStatus.SUBMITTED, month__lte=last_overdue_month(today))


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
    if claim is not None and not claim.is_draft:
        raise ValidationError("この月の支給申請は提出済みのため、作り直せません。")
    month_claims_build(year=year, month=month, appointments=Appointment.objects.filter(pk=appointment.pk))
    return FeeClaim.objects.get_or_create(
        appointment=appointment, month=first, defaults={"rules": rules_for(first)}
    )[0]


def _claimants(rules: FeeRules, persons: QuerySet[Any, Any]) -> dict[int, int]:
    """person → their promoter or instructor appointment in the claim's year, where they have one:
    a fee of an earlier year's record is claimed by this year's appointment (D-5)."""
    found = {}
    for person, appointment, status in (
        Appointment.objects.filter(
            fiscal_year=rules.fiscal_year, person__in=persons, role__in=FIELD_APPOINTMENTS
        )
        .order_by("pk")
        .values_list("person", "pk", "status")
    ):
        if person not in found or status == AppointmentStatus.ACTIVE:
            found[person] = appointment
    return found


def _visit_lines(
    rules: FeeRules,
    first: datetime.date,
    last: datetime.date,
    appointments: set[int] | None,
    closed: set[int],
) -> list[tuple[int, claims.Line]]:
    """(appointment, line) for the visits of the month and the earlier visits of the year that now pay.

    D-2 needs every visit that competes for a business's paid slots, whoever made it and whether or
    not their claim is built, and the days of the visits whose lines are held by submitted claims.
    Both are read once, plainly — the year's eligible visits (and this month's, to list them with
    their reasons) and the year's standing lines — and which visits compete, pay or belong to the
    claims being built is decided here.
    """
    fy_start, fy_end = rules.fiscal_year.start, rules.fiscal_year.end
    eligible_q = Q(method__in=rules.paid_methods)
    if not rules.pays_absent_visits:
        eligible_q &= ~Q(outcome=Outcome.ABSENT)
    year = Visit.objects.filter(visited_on__range=(fy_start, last))
    if appointments is not None:
        # One person's claim: only the businesses they visited this year can be concerned.
        year = year.filter(
            business__in=Visit.objects.filter(
                appointment__in=appointments, visited_on__range=(fy_start, last)
            ).values("business")
        )
    # The visits that may compete, read once in a plain range: the year's eligible ones, and this
    # month's to list with their reasons. (Narrowing them to the businesses concerned in SQL cost
    # more than reading them: a list of ids is slow to send, a subquery slow to plan.)
    records = claims.visit_records(year.filter(eligible_q | Q(visited_on__gte=first)))
    # Draft claims are few at any time; comparing claim ids saves joining every line to its claim.
    drafts = set(
        FeeClaim.objects.filter(status__in=FeeClaim.statuses_before(ClaimStatus.SUBMITTED)).values_list(
            "pk", flat=True
        )
    )
    standing, held_days = {}, defaultdict(list)
    for visit, claim, business, day in (
        live_lines()
        .filter(kind=claims.VISIT_FEE, day__range=(fy_start, last))
        .values_list("visit", "claim", "business", "day")
    ):
        standing[visit] = claim
        if claim not in drafts:
            held_days[business].append(day)
    # Held lines of other visits also take slots: later in the year (a month built after later ones
    # were submitted) or, when the cap counts over the business's life (D-1), in earlier years.
    held_visits = held_lines().filter(kind=claims.VISIT_FEE)
    if rules.visit_cap_scope == CapScope.FISCAL_YEAR:
        outside = held_visits.filter(claim__month__gt=first, day__gt=last, day__lte=fy_end)
    else:
        outside = held_visits.filter(business__in=year.values("business")).exclude(
            day__range=(fy_start, last)
        )
    for business, day in outside.values_list("business", "day"):
        held_days[business].append(day)

    def eligible(record: claims.VisitRecord) -> bool:
        return rules.pays_visit(record.method) and (rules.pays_absent_visits or not record.absent)

    cap = rules.paid_visits_per_business
    mine = {
        record.pk
        for record in records
        if (appointments is None or record.appointment_id in appointments)
        and record.appointment_id not in closed
        and record.pk not in standing
        # An earlier visit joins only if it can pay now: eligible, at a business under the cap.
        and (record.day >= first or (eligible(record) and len(held_days[record.business_id]) < cap))
    }
    mine_businesses = {record.business_id for record in records if record.pk in mine}
    competing = [
        record
        for record in records
        if record.business_id in mine_businesses
        and (record.pk not in standing or standing[record.pk] in drafts)
        and (record.day >= first or eligible(record))
    ]
    owner = {record.pk: record.appointment_id for record in competing}
    return [
        (owner[line.source_pk], line)
        for line in claims.visit_lines(rules, competing, held_days)
        if line.source_pk in mine and (line.day >= first or line.payable)
    ]


def _success_lines(
    rules: FeeRules,
    first: datetime.date,
    last: datetime.date,
    chosen_persons: set[int] | None,
    closed: set[int],
) -> list[tuple[int, claims.Line]]:
    """(appointment, line) for the month's enrolments and earlier ones that now pay, of any year (D-5)."""
    enrolments = Enrolment.objects.filter(enrolled_on__lte=last, appointment__isnull=False).exclude(
        Exists(live_lines().filter(enrolment=OuterRef("pk")))
    )
    if chosen_persons is not None:
        enrolments = enrolments.filter(appointment__person__in=chosen_persons)
    records = claims.enrolment_records(enrolments)
    claimant = _claimants(rules, enrolments.values("appointment__person"))
    rules_by_year = {r.fiscal_year.year: r for r in FeeRules.objects.select_related("fiscal_year")}
    # Once per business and insurance (R-FEE-2) needs no lookup here: the database allows one
    # enrolment per business and insurance, and one standing line per enrolment.
    by_pk = {r.pk: r for r in records}
    result = []
    for line in claims.success_lines(rules_by_year, records, set()):
        record = by_pk[line.source_pk]
        appointment = claimant.get(record.person_id, record.appointment_id)
        if appointment not in closed and (line.day >= first or line.payable):
            result.append((appointment, line))
    return result


@transaction.atomic
def month_claims_build(*, year: int, month: int, appointments: QuerySet[Appointment] | None = None) -> int:
    """Build (or rebuild, while still drafts) the month's claims of ``appointments`` — everyone when
    None, as the national month-end run does — under the rules of the claim's own year; returns how
    many claims it built (``claim_assemble`` builds one person's and returns it).

    The month's visits and enrolments all appear, with why any earns nothing; earlier records of
    the same person join when they have become payable since (evidence completed, the employment
    insurance confirmed, a rejected line fixed), an enrolment of an earlier year at that year's
    rates (D-5). A submitted claim is left alone. The caps count across people in visit-date order
    (D-1, D-2), so the same lines come out whoever builds first. Returns the number of claims
    holding lines.
    """
    first, last = month_range(year, month)
    rules = rules_for(first)
    fee_claims = FeeClaim.objects.filter(month=first)
    if appointments is not None:
        fee_claims = fee_claims.filter(appointment__in=appointments)
    drafts = dict(
        fee_claims.filter(status__in=FeeClaim.statuses_before(ClaimStatus.SUBMITTED))
        .select_for_update()
        .values_list("appointment_id", "pk")
    )
    delete_rows(
        ClaimLine.objects.filter(
            claim__in=fee_claims.filter(status__in=FeeClaim.statuses_before(ClaimStatus.SUBMITTED))
        )
    )
    closed = set(
        fee_claims.exclude(status__in=FeeClaim.statuses_before(ClaimStatus.SUBMITTED)).values_list(
            "appointment_id", flat=True
        )
    )
    if appointments is None:
        chosen, persons = None, None
    else:
        chosen = set(appointments.values_list("pk", flat=True))
        persons = set(Appointment.objects.filter(pk__in=chosen).values_list("person", flat=True))
    kept = _visit_lines(rules, first, last, chosen, closed) + _success_lines(
        rules, first, last, persons, closed
    )
    missing = sorted({appointment for appointment, _ in kept} - drafts.keys())
    new_ids = insert_rows(
        FeeClaim,
        [{"appointment": a, "month": first, "rules": rules.pk, "status": ClaimStatus.DRAFT} for a in missing],
        return_ids=True,
    )
    drafts |= dict(zip(missing, new_ids, strict=True))
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
                "rules": line.rules.pk if line.rules is not None and line.rules.pk != rules.pk else None,
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


def _fingerprint(claim: FeeClaim) -> set[tuple[Any, ...]]:
    return {
        (kind, visit, enrolment, amount, tuple(reasons))
        for kind, visit, enrolment, amount, reasons in claim.lines.values_list(
            "kind", "visit", "enrolment", "amount", "reasons"
        )
    }


def claim_submit(*, actor: User, claim: FeeClaim) -> None:
    """The promoter submits the month's claim to the branch (R-FEE-4: by the last day of the month).

    The draft is first rebuilt from the latest records, so a claim never goes out with amounts
    another person's earlier visit has since taken (D-2); if anything changed, the rebuilt claim is
    kept and shown again instead of being submitted unseen.
    """
    if claim.appointment.person.user_id != actor.pk:
        raise ValidationError("本人の支給申請だけを提出できます。")
    if not claim.is_draft:
        raise ValidationError("この支給申請は提出済みです。")
    before = _fingerprint(claim)
    month_claims_build(
        year=claim.month.year,
        month=claim.month.month,
        appointments=Appointment.objects.filter(pk=claim.appointment_id),
    )
    if _fingerprint(claim) != before:
        raise ValidationError(
            "記録が更新されていたため、最新の記録で作り直しました。内容を確認してから、もう一度提出してください。"
        )
    with transaction.atomic():
        locked = FeeClaim.objects.select_for_update().get(pk=claim.pk)
        if not locked.lines.filter(amount__gt=0).exists():
            raise ValidationError("支給の対象となる明細がありません。")
        locked.move_to(ClaimStatus.SUBMITTED, submitted_at=timezone.now(), submitted_by=actor)


def _record(actor: User, what: str, lines: list[ClaimLine]) -> None:
    """One audit row per branch for a bulk decision, listing its lines; each line keeps who and when.
    Their claims are stamped as changed: a promoter's phone syncing claims learns of a returned line."""
    FeeClaim.objects.filter(pk__in={line.claim_id for line in lines}).update()
    by_branch = defaultdict(list)
    for line in lines:
        by_branch[line.claim.appointment.branch_id].append(line.pk)
    for branch_id, ids in by_branch.items():
        AuditEntry.record_event(
            "bulk_change",
            target=ClaimLine,
            target_repr=f"{what} {len(ids):,}件",
            actor=actor,
            branch_id=branch_id,
            objects=ids,
        )


def own_part(actor: User, line: ClaimLine) -> str:
    """D-7 (R-FEE-7, 内部牽制): what ``actor`` did to the line's records themselves, or "" if nothing."""
    if line.claim.submitted_by_id == actor.pk:
        return "支給申請を提出した"
    if line.visit is not None and line.visit.recorded_by_id == actor.pk:
        return "訪問を記録した"
    if line.enrolment is not None and line.enrolment.recorded_by_id == actor.pk:
        return "保険関係成立を記録した"
    if line.enrolment is not None and line.enrolment.koyou_confirmed_by_id == actor.pk:
        return "雇用保険の手続を確認した"
    return ""


@dataclass
class Reviewed:
    """What a review of many lines did: how many it decided, and the lines left for another person
    (D-7), each named with why."""

    decided: int
    left: list[str]


def _split_own(actor: User, lines: list[ClaimLine]) -> tuple[list[ClaimLine], list[str]]:
    """D-7: nobody decides a line of a claim they submitted, or of a record they entered or confirmed.
    The lines ``actor`` may decide, and the others named with what ``actor`` did to them: one such
    line in a bulk decision leaves only itself undecided, for a colleague."""
    mine, left = [], []
    for line in lines:
        if part := own_part(actor, line):
            left.append(f"{line.business.name}（{wareki.format_date(line.day)}・{part}）")
        else:
            mine.append(line)
    return mine, left


REVIEWED_RECORDS = ("claim__appointment", "business", "visit", "enrolment")


@transaction.atomic
def lines_review(*, actor: User, lines: QuerySet[ClaimLine], decision: str, reason: str = "") -> Reviewed:
    """The branch accepts or rejects lines of submitted claims (R-FEE-5); a rejection needs a reason.
    Lines ``actor`` may not decide (D-7) are left as they are and named."""
    if decision not in (Decision.ACCEPTED, Decision.REJECTED):
        raise ValidationError("承認か差戻しを選んでください。")
    if decision == Decision.REJECTED and not reason.strip():
        raise ValidationError("差戻しの理由を入力してください。")
    chosen = list(
        lines.filter(claim__status__in=FeeClaim.statuses_before(ClaimStatus.SENT), amount__gt=0)
        .select_related(*REVIEWED_RECORDS)
        .select_for_update(of=("self",))
    )
    chosen, left = _split_own(actor, chosen)
    now = timezone.now()
    for line in chosen:
        line.branch_decision, line.branch_reason = decision, reason.strip()
        line.branch_by, line.branch_at = actor, now
    ClaimLine.objects.bulk_update(chosen, ["branch_decision", "branch_reason", "branch_by", "branch_at"])
    _record(actor, f"支部審査（{Decision(decision).label}）", chosen)
    if decision == Decision.REJECTED:
        _tell_returned(chosen, "支部", reason.strip())
    return Reviewed(decided=len(chosen), left=left)


def _tell_returned(lines: list[ClaimLine], by: str, reason: str) -> None:
    """The promoter learns that lines of their claim came back, and why."""
    fee_claims = FeeClaim.objects.filter(pk__in={line.claim_id for line in lines}).select_related(
        "appointment__person__user"
    )
    for claim in fee_claims:
        user = claim.appointment.person.user
        if user is None:
            continue
        notify(
            user,
            key=f"returned:{claim.pk}",
            title=f"{wareki.year_month(claim.month)}分の支給申請の明細が{by}から差し戻されました",
            body=f"理由：{reason}" if reason else "",
            url=reverse("claim_detail", args=[claim.pk]),
        )


@transaction.atomic
def claims_send(*, actor: User, fee_claims: QuerySet[FeeClaim]) -> int:
    """Send reviewed claims to HQ; a claim with a line not yet reviewed stays (R-FEE-5)."""
    chosen = list(
        fee_claims.filter(status__in=FeeClaim.statuses_before(ClaimStatus.SENT)).select_for_update(
            of=("self",)
        )
    )
    own = [c for c in chosen if c.submitted_by_id == actor.pk]
    if own:
        # D-7: the person who submitted a claim does not send it on as reviewed.
        raise ValidationError(
            "自分が提出した支給申請は送付できません（内部牽制）。別の職員が送付してください。"
        )
    pending = [c for c in chosen if c.lines.filter(amount__gt=0, branch_decision=Decision.PENDING).exists()]
    if pending:
        names = "、".join(
            f"{c.appointment.person.full_name}（{wareki.year_month(c.month)}）" for c in pending[:5]
        )
        raise ValidationError(f"審査が終わっていない明細がある申請は送付できません：{names}")
    now = timezone.now()
    for claim in chosen:
        claim.status, claim.sent_at, claim.sent_by = ClaimStatus.SENT, now, actor
    FeeClaim.objects.bulk_update(chosen, ["status", "sent_at", "sent_by"])
    return len(chosen)


@transaction.atomic
def lines_decide(*, actor: User, lines: QuerySet[ClaimLine], decision: str, reason: str = "") -> Reviewed:
    """HQ reviews the lines the branches accepted and decides payment (R-FEE-6); a rejection needs a
    reason and sends the line back to the promoter. A claim whose lines are all decided is 本部審査済.
    Lines ``actor`` may not decide (D-7) are left as they are and named."""
    if not actor.is_hq:
        raise ValidationError("本部の審査は本部の職員が行います。")
    if decision not in (Decision.ACCEPTED, Decision.REJECTED):
        raise ValidationError("承認か差戻しを選んでください。")
    if decision == Decision.REJECTED and not reason.strip():
        raise ValidationError("差戻しの理由を入力してください。")
    chosen = list(
        lines.filter(
            claim__status__in=FeeClaim.statuses_before(ClaimStatus.DECIDED),
            branch_decision=Decision.ACCEPTED,
            amount__gt=0,
        )
        .select_related(*REVIEWED_RECORDS)
        .select_for_update(of=("self",))
    )
    chosen, left = _split_own(actor, chosen)
    now = timezone.now()
    for line in chosen:
        line.hq_decision, line.hq_reason, line.hq_by, line.hq_at = decision, reason.strip(), actor, now
    ClaimLine.objects.bulk_update(chosen, ["hq_decision", "hq_reason", "hq_by", "hq_at"])
    _record(actor, f"本部審査（{Decision(decision).label}）", chosen)
    if decision == Decision.REJECTED:
        _tell_returned(chosen, "本部", reason.strip())
    claim_ids = {line.claim_id for line in chosen}
    undecided = set(
        ClaimLine.objects.filter(
            claim__in=claim_ids, branch_decision=Decision.ACCEPTED, hq_decision=Decision.PENDING, amount__gt=0
        ).values_list("claim", flat=True)
    )
    FeeClaim.objects.filter(
        pk__in=claim_ids - undecided, status__in=FeeClaim.statuses_before(ClaimStatus.DECIDED)
    ).update(status=ClaimStatus.DECIDED)
    return Reviewed(decided=len(chosen), left=left)


def cap_conflicts(lines: list[ClaimLine]) -> dict[int, list[Visit]]:
    """D-2: for each submitted visit-fee line among ``lines``, the earlier visits to the same business
    that go unpaid because the line keeps its slot under the cap; the branch reviewer decides which
    one is paid (rejecting this line frees the slot for the earliest). Two queries, however many lines."""
    standing = [
        line
        for line in lines
        if line.kind == claims.VISIT_FEE
        and line.visit_id is not None
        and not line.claim.is_draft
        and line.amount > 0
        and Decision.REJECTED not in (line.branch_decision, line.hq_decision)
    ]
    if not standing:
        return {}
    businesses = {line.business_id for line in standing}
    held = held_lines().filter(kind=claims.VISIT_FEE, business__in=businesses)
    held_days = defaultdict(list)
    for business, day in held.values_list("business", "visit__visited_on"):
        held_days[business].append(day)
    unheld = defaultdict(list)
    for visit in (
        Visit.objects.filter(business__in=businesses)
        .exclude(Exists(held.filter(visit=OuterRef("pk"))))
        .select_related("appointment__person")
        .order_by("visited_on", "recorded_at", "pk")
    ):
        unheld[visit.business_id].append(visit)
    conflicts = {}
    for line in standing:
        if line.visit is None:  # only visit lines compete for slots
            continue
        rules, day = line.valued_at, line.visit.visited_on
        start = claims.cap_scope_start(rules, day)
        end = start.replace(year=start.year + 1) - datetime.timedelta(days=1) if start else None

        def in_scope(
            other: datetime.date, start: datetime.date | None = start, end: datetime.date | None = end
        ) -> bool:
            return start is None or end is None or start <= other <= end

        if (
            sum(1 for other in held_days[line.business_id] if in_scope(other))
            < rules.paid_visits_per_business
        ):
            continue
        earlier = [
            visit
            for visit in unheld[line.business_id]
            if visit.visited_on < day
            and in_scope(visit.visited_on)
            and rules.pays_visit(visit.method)
            and (rules.pays_absent_visits or visit.outcome != Outcome.ABSENT)
        ]
        if earlier:
            conflicts[line.pk] = earlier
    return conflicts
