"""The actual figures of each target measure, per branch and month of a fiscal year (R-TGT-1): the
one list of where each is counted, so the dashboards, the progress form and the PDF agree.

Each domain counts its own, by the rules its issue fixed: businesses newly identified or added
mid-year to the year's roster (R-ROS-2); direct visits only, each business once in the year at its
first visit (R-VIS-2); enrolments credited to outreach (D-8: no bureau guidance, ex officio or
employment-insurance-only ones, R-VIS-5); briefing attendance at briefings held (R-EVT-1);
promoters trained once, in the month of their first session (R-EVT-2); councils held with the
bureau (R-CNL-1); premium income of the agents in yen, in the month of the insurer's statement
(R-INS-1).
"""

from councils.measures import councils_by_month
from events.measures import briefing_by_month, trained_by_month
from fieldwork.measures import enrolled_by_month, visited_by_month
from insurance.measures import premium_by_month, program_by_month
from insurance.models import Program
from org.models import FiscalYear
from roster.measures import identified_by_month
from targets.models import Measure

COUNTED_BY = {
    Measure.IDENTIFIED: identified_by_month,
    Measure.VISITED: visited_by_month,
    Measure.ENROLLED: enrolled_by_month,
    Measure.BRIEFING: briefing_by_month,
    Measure.TRAINED: trained_by_month,
    Measure.COUNCILS: councils_by_month,
    Measure.PREMIUM: premium_by_month,
    **{Measure(program.value): program_by_month(program) for program in Program},
}


def monthly(fiscal_year: FiscalYear, measure: str, branches: list[int] | None = None) -> dict[int, list[int]]:
    """{branch id: [April … March]} of one measure, for every branch or the ones asked for."""
    return COUNTED_BY[Measure(measure)](fiscal_year, branches)
