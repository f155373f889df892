"""Dividing a year's roster between the bureau and the branch (役割分担, R-CNL-3, R-CNL-4).

Rules are applied in bulk to the businesses not yet fixed, with a preview of the counts on each
side against each side's capacity; people then change single businesses; the council fixes the
division with its reference, and a later change needs a reason. Council ② divides the businesses
added since (the unfixed ones), so the same steps serve both councils.
"""

from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from councils.models import Allocation, AllocationChange, CouncilMeeting, Counterpart, OutreachPlan, Side
from org.models import Branch, FiscalYear, User
from roster.models import OPEN_STATUSES, Business, BusinessStatus, EndReason, RosterEntry, StatusChange
from roster.worklists import leave_worklists

MANUAL = "個別に指定"
OTHERS = "その他"


@dataclass(frozen=True)
class Rules:
    """The division rules, tried in this order; the first that matches decides (R-CNL-3: size, industry, area)."""

    min_workers: int | None = 50  # businesses this large go to the bureau's procedural guidance
    industries: frozenset[str] = frozenset()  # listed industries go to the bureau
    cities: frozenset[str] = frozenset()  # city codes the branch takes
    default: str = Side.BRANCH  # everything else

    def decide(self, workers: int | None, industry: str, city_code: str, city: str) -> tuple[str, str]:
        """(side, basis) for one business; the basis is what the paper and the history show."""
        if self.min_workers is not None and workers is not None and workers >= self.min_workers:
            return Side.BUREAU, f"労働者数{self.min_workers}人以上"
        if industry and industry in self.industries:
            return Side.BUREAU, f"業種：{industry}"
        if city_code and city_code in self.cities:
            return Side.BRANCH, f"地域：{city}"
        return self.default, OTHERS


def entries(branch: Branch, fiscal_year: FiscalYear):
    """The year's roster entries of the branch that still need work (not enrolled, closed or handed over)."""
    return RosterEntry.objects.filter(
        business__branch=branch, fiscal_year=fiscal_year, business__status__in=OPEN_STATUSES
    )


def undecided(branch: Branch, fiscal_year: FiscalYear):
    """Entries the rules may (re)divide: without a division, or with one the council has not fixed."""
    return entries(branch, fiscal_year).exclude(allocation__meeting__isnull=False)


def _decisions(branch: Branch, fiscal_year: FiscalYear, rules: Rules) -> list[tuple[int, str, str]]:
    rows = undecided(branch, fiscal_year).values_list(
        "pk", "business__workers", "business__industry", "business__city_code", "business__city"
    )
    return [(pk, *rules.decide(workers, industry, code, city)) for pk, workers, industry, code, city in rows]


def preview(branch: Branch, fiscal_year: FiscalYear, rules: Rules) -> dict:
    """What applying ``rules`` would give: counts per side and basis, the fixed ones, and the capacities."""
    decisions = _decisions(branch, fiscal_year, rules)
    fixed = Counter(
        entries(branch, fiscal_year)
        .filter(allocation__meeting__isnull=False)
        .values_list("allocation__side", flat=True)
    )
    proposed = Counter(side for _, side, _ in decisions)
    plan = OutreachPlan.objects.filter(branch=branch, fiscal_year=fiscal_year).first()
    capacity = {
        Side.BRANCH: plan.branch_capacity if plan else 0,
        Side.BUREAU: plan.bureau_capacity if plan else 0,
    }
    sides = []
    for side in Side:
        total = fixed[side] + proposed[side]
        sides.append(
            {
                "side": side,
                "label": side.label,
                "fixed": fixed[side],
                "proposed": proposed[side],
                "total": total,
                "capacity": capacity[side],
                "over": capacity[side] and total > capacity[side],
            }
        )
    return {
        "sides": sides,
        "bases": sorted(Counter((side, basis) for _, side, basis in decisions).items()),
        "undecided": len(decisions),
        "has_plan": plan is not None,
    }


@transaction.atomic
def division_apply(*, actor: User, branch: Branch, fiscal_year: FiscalYear, rules: Rules) -> Counter:
    """Divide every undecided entry by ``rules``; fixed ones are left as the council decided."""
    decisions = _decisions(branch, fiscal_year, rules)
    existing = dict(
        Allocation.objects.filter(entry__in=[pk for pk, _, _ in decisions]).values_list("entry_id", "pk")
    )
    now = timezone.now()
    new: list[Allocation] = []
    changed: list[Allocation] = []
    for entry_id, side, basis in decisions:
        allocation = Allocation(
            pk=existing.get(entry_id),
            entry_id=entry_id,
            side=side,
            basis=basis,
            changed_by=actor,
            changed_at=now,
        )
        (changed if allocation.pk else new).append(allocation)
    Allocation.objects.bulk_create(new, batch_size=2000)
    Allocation.objects.bulk_update(changed, ["side", "basis", "changed_by", "changed_at"], batch_size=2000)
    counts = Counter(side for _, side, _ in decisions)
    _leave_worklists(actor, [pk for pk, side, _ in decisions if side == Side.BUREAU])
    AuditEntry.record_event(
        "bulk_change",
        target=Allocation,
        target_repr=(
            f"役割分担の一括適用 {fiscal_year.label}：支部 {counts[Side.BRANCH]:,}件・"
            f"労働局 {counts[Side.BUREAU]:,}件"
        ),
        actor=actor,
        branch_id=branch.pk,
        objects=[pk for pk, _, _ in decisions],
    )
    return counts


def _leave_worklists(actor: User, entry_ids: list[int]) -> None:
    """Businesses given to the bureau leave their promoters' worklists."""
    businesses = Business.objects.filter(roster_entries__in=entry_ids, assigned_to__isnull=False)
    leave_worklists(actor=actor, businesses=businesses, reason=EndReason.RELEASED)


@transaction.atomic
def division_change(
    *, actor: User, branch: Branch, fiscal_year: FiscalYear, entry_ids, side: str, reason: str = ""
) -> int:
    """Put the chosen entries on ``side`` by hand; a council-fixed one needs a reason and keeps the change."""
    if side not in Side.values:
        raise ValidationError("分担先を選んでください。")
    chosen = list(
        entries(branch, fiscal_year)
        .filter(pk__in=list(entry_ids))
        .select_related("allocation")
        .select_for_update(of=("self",))
    )
    fixed = [
        e for e in chosen if hasattr(e, "allocation") and e.allocation.is_fixed and e.allocation.side != side
    ]
    if fixed and not reason.strip():
        raise ValidationError(
            f"協議会で決定済みの分担を変更する事業所が{len(fixed)}件あります。変更の理由を入力してください。"
        )
    now = timezone.now()
    moved = 0
    for entry in chosen:
        allocation = getattr(entry, "allocation", None)
        if allocation is None:
            Allocation.objects.create(entry=entry, side=side, basis=MANUAL, changed_by=actor, changed_at=now)
        elif allocation.side != side:
            if allocation.is_fixed:
                AllocationChange.objects.create(
                    allocation=allocation,
                    from_side=allocation.side,
                    to_side=side,
                    reason=reason.strip(),
                    changed_by=actor,
                    changed_at=now,
                )
            allocation.side, allocation.basis = side, MANUAL
            allocation.changed_by, allocation.changed_at = actor, now
            allocation.save(update_fields=["side", "basis", "changed_by", "changed_at"])
        else:
            continue
        moved += 1
    if side == Side.BUREAU:
        _leave_worklists(actor, [e.pk for e in chosen])
    return moved


@transaction.atomic
def division_fix(*, actor: User, branch: Branch, fiscal_year: FiscalYear, meeting: CouncilMeeting) -> int:
    """Fix the undecided division with the council that decided it; businesses become 役割分担済."""
    if meeting.branch_id != branch.pk or meeting.fiscal_year_id != fiscal_year.pk:
        raise ValidationError("この支部・年度の協議会を選んでください。")
    if meeting.counterpart != Counterpart.BUREAU or meeting.held_on is None:
        raise ValidationError(
            "分担を確定できるのは、開催済みの労働局との協議会です。開催日を記録してください。"
        )
    pending = undecided(branch, fiscal_year)
    missing = pending.filter(allocation__isnull=True).count()
    if missing:
        raise ValidationError(
            f"分担が決まっていない事業所が{missing:,}件あります。先に分担を決めてください。"
        )
    fixing = list(Allocation.objects.filter(entry__in=pending).values_list("pk", flat=True))
    fixed = Allocation.objects.filter(pk__in=fixing).update(meeting=meeting)
    # Businesses waiting on the roster move on in their workflow, with one history row each.
    waiting = list(
        Business.objects.filter(
            roster_entries__in=entries(branch, fiscal_year).filter(allocation__meeting=meeting),
            status=BusinessStatus.ON_ROSTER,
        ).values_list("pk", flat=True)
    )
    Business.objects.filter(pk__in=waiting).update(status=BusinessStatus.ALLOCATED)
    StatusChange.objects.bulk_create(
        [
            StatusChange(
                business_id=pk,
                from_status=BusinessStatus.ON_ROSTER,
                to_status=BusinessStatus.ALLOCATED,
                changed_by=actor,
                reason=meeting.reference,
            )
            for pk in waiting
        ],
        batch_size=2000,
    )
    AuditEntry.record_event(
        "bulk_change",
        target=meeting,
        target_repr=f"役割分担の確定 {fixed:,}件：{meeting.reference}",
        actor=actor,
        branch_id=branch.pk,
        objects=fixing,
    )
    return fixed
