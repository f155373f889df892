"""Premium income as a target measure (R-INS-1, R-TGT-2): yen per branch and month of the year."""

from insurance.models import PremiumIncome
from kit import counting
from org.models import FiscalYear


def premium_by_month(fiscal_year: FiscalYear, branches: list[int] | None = None) -> dict[int, list[int]]:
    """{branch id: [April … March]}: premium income of the branch's agents, in yen, by statement month."""
    rows = PremiumIncome.objects.filter(month__range=(fiscal_year.start, fiscal_year.end))
    return counting.sum_per_month(
        rows, branch="agent__association__branch", day="month", amount="amount", branches=branches
    )
