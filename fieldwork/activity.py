"""Visits and enrolments of a branch's year, per promoter, per city and per month (R-VIS-2, R-VIS-5)."""

from collections import Counter, defaultdict

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth

from fieldwork.models import COUNTED_FOR_TARGETS, Enrolment, Method, Visit
from lib.fiscal import FISCAL_MONTHS
from org.models import Branch, FiscalYear

MEASURES = ("direct", "others", "businesses", "enrolments", "counted")


def _year(branch: Branch, fiscal_year: FiscalYear, month: int | None):
    visits = Visit.objects.filter(
        business__branch=branch, visited_on__range=(fiscal_year.start, fiscal_year.end)
    )
    enrolments = Enrolment.objects.filter(
        business__branch=branch, enrolled_on__range=(fiscal_year.start, fiscal_year.end)
    )
    if month:
        visits = visits.filter(visited_on__month=month)
        enrolments = enrolments.filter(enrolled_on__month=month)
    return visits, enrolments


def _counts(visits, enrolments, key: str, enrolment_key: str) -> dict:
    """{group: {measure: n}}: direct visits, other contacts, businesses visited directly, enrolments,
    and enrolments counted for targets (D-8: credited to outreach, R-VIS-5)."""
    table: dict = defaultdict(Counter)
    for group, direct, others, businesses in visits.values_list(key).annotate(
        direct=Count("pk", filter=Q(method=Method.DIRECT)),
        others=Count("pk", filter=~Q(method=Method.DIRECT)),
        businesses=Count("business", filter=Q(method=Method.DIRECT), distinct=True),
    ):
        table[group].update(direct=direct, others=others, businesses=businesses)
    for group, total, counted in enrolments.values_list(enrolment_key).annotate(
        total=Count("pk"), counted=Count("pk", filter=COUNTED_FOR_TARGETS)
    ):
        table[group].update(enrolments=total, counted=counted)
    return table


def activity(branch: Branch, fiscal_year: FiscalYear, month: int | None = None) -> dict:
    visits, enrolments = _year(branch, fiscal_year, month)
    people = _counts(visits, enrolments, "appointment", "appointment")
    cities = _counts(visits, enrolments, "business__city", "business__city")
    months = _counts(
        visits.annotate(m=ExtractMonth("visited_on")),
        enrolments.annotate(m=ExtractMonth("enrolled_on")),
        "m",
        "m",
    )
    totals: Counter[str] = Counter()
    for row in people.values():
        totals.update(row)
    # Summed per person a business visited by two people would count twice: the total is the
    # number of distinct businesses visited directly in the period.
    totals["businesses"] = visits.filter(method=Method.DIRECT).values("business").distinct().count()
    return {"people": people, "cities": cities, "months": months, "totals": totals}


def by_person(branch: Branch, fiscal_year: FiscalYear) -> dict:
    """The year's counts per promoter or instructor only (the target dashboard's last table)."""
    visits, enrolments = _year(branch, fiscal_year, None)
    return _counts(visits, enrolments, "appointment", "appointment")


def rows(table: dict, labels: dict, order) -> list[dict]:
    return [
        {"label": labels.get(key, key or "不明"), "key": key, **{m: table[key][m] for m in MEASURES}}
        for key in order
        if key in table
    ]


def month_rows(table: dict) -> list[dict]:
    return [{"label": f"{m}月", "key": m, **{k: table[m][k] for k in MEASURES}} for m in FISCAL_MONTHS]
