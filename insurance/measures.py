"""Premium income (R-INS-1, R-TGT-2) and the other programs (R-INS-2) as target measures, per
branch and month of the fiscal year."""

from insurance.models import PremiumIncome, Program, ProgramRecord
from kit import counting
from org.models import FiscalYear


def premium_by_month(fiscal_year: FiscalYear, branches: list[int] | None = None) -> dict[int, list[int]]:
    """{branch id: [April … March]}: premium income of the branch's agents, in yen, by statement month."""
    rows = PremiumIncome.objects.filter(month__range=(fiscal_year.start, fiscal_year.end))
    return counting.sum_per_month(
        rows, branch="agent__association__branch", day="month", amount="amount", branches=branches
    )


def program_by_month(program: Program):
    """The counting function of one program: {branch id: [April … March]} of the reported figures."""

    def count(fiscal_year: FiscalYear, branches: list[int] | None = None) -> dict[int, list[int]]:
        rows = ProgramRecord.objects.filter(
            program=program, month__range=(fiscal_year.start, fiscal_year.end)
        )
        return counting.sum_per_month(rows, branch="branch", day="month", amount="value", branches=branches)

    return count
