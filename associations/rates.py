"""The membership rate (組織率 = member associations / all associations, R-ORG-3) at any date, per
branch, block and nation, and the year's movements. Reads only."""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from associations.models import Membership
from lib import wareki
from org.models import Association, AssociationStatus, Branch, FiscalYear


@dataclass(frozen=True)
class Rate:
    members: int
    total: int

    @property
    def percent(self) -> Decimal | None:
        """One decimal, rounded half up as the business plan writes 83.3%; None with no association."""
        if not self.total:
            return None
        return (Decimal(self.members * 100) / self.total).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def __add__(self, other: "Rate") -> "Rate":
        return Rate(self.members + other.members, self.total + other.total)


def existing(day: datetime.date) -> Q:
    """Associations that exist on ``day``: approved by then (or of unknown date) and not yet closed."""
    approved = Q(approved_on__isnull=True) | Q(approved_on__lte=day)
    closed = Q(closed_on__lte=day) | Q(status=AssociationStatus.CLOSED, closed_on__isnull=True)
    return approved & ~closed


def by_branch(day: datetime.date, branches: list[int] | None = None) -> dict[int, Rate]:
    """{branch id: Rate} on ``day`` for the branches asked for (every branch if None)."""
    associations = Association.objects.filter(existing(day))
    if branches is not None:
        associations = associations.filter(branch__in=branches)
    totals = Counter(associations.values_list("branch", flat=True))
    members = Counter(
        Membership.objects.filter(
            Q(left_on__isnull=True) | Q(left_on__gt=day),
            joined_on__lte=day,
            association__in=associations,
        ).values_list("association__branch", flat=True)
    )
    ids = branches if branches is not None else list(Branch.objects.values_list("pk", flat=True))
    return {pk: Rate(members[pk], totals[pk]) for pk in ids}


@dataclass
class Line:
    label: str
    rate: Rate
    kind: str  # "branch", "block" or "nation"
    branch: Branch | None = None


def table(day: datetime.date, branches: list[Branch]) -> list[Line]:
    """Branch lines by block with each block's subtotal, then the nation (when more than one branch)."""
    rates = by_branch(day, [b.pk for b in branches])
    lines: list[Line] = []
    nation = Rate(0, 0)
    block_rate, block_name = Rate(0, 0), None
    for branch in sorted(branches, key=lambda b: b.prefecture.code):
        if block_name is not None and branch.block.name != block_name and len(branches) > 1:
            lines.append(Line(f"{block_name}ブロック計", block_rate, "block"))
            block_rate = Rate(0, 0)
        block_name = branch.block.name
        lines.append(Line(branch.name, rates[branch.pk], "branch", branch))
        block_rate += rates[branch.pk]
        nation += rates[branch.pk]
    if len(branches) > 1 and block_name is not None:
        lines.append(Line(f"{block_name}ブロック計", block_rate, "block"))
        lines.append(Line("全国", nation, "nation"))
    return lines


def trend(day: datetime.date, branches: list[int], years: int = 5) -> list[tuple[str, Rate]]:
    """The rate at the end of each of the last ``years`` fiscal years, then on ``day``."""
    current = wareki.fiscal_year_of(day)
    points = [
        (datetime.date(year + 1, 3, 31), f"{wareki.fiscal_year_era(year)}末")
        for year in range(current - years, current)
    ]
    points.append((day, f"{wareki.format_date(day)}現在"))
    result = []
    for when, label in points:
        rates = by_branch(when, branches).values()
        result.append((label, sum(rates, Rate(0, 0))))
    return result


def movements(fiscal_year: FiscalYear, branches: list[int]) -> tuple[list[Membership], list[Membership]]:
    """The year's new members and the members that left, each with its association."""
    periods = Membership.objects.filter(association__branch__in=branches).select_related(
        "association__branch"
    )
    joined = periods.filter(joined_on__range=(fiscal_year.start, fiscal_year.end)).order_by("joined_on")
    left = periods.filter(left_on__range=(fiscal_year.start, fiscal_year.end)).order_by("left_on")
    return list(joined), list(left)
