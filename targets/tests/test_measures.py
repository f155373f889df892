"""Each measure counted by its rule, and the same numbers wherever they appear (R-TGT-1, R-VIS-2, R-VIS-5)."""

import datetime
import io
import uuid
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import make_appointment, make_business, make_person
from events.models import BriefingAttendance, Training, TrainingAttendance
from fieldwork import activity
from fieldwork.measures import excluded_by_branch, sum_exclusions
from fieldwork.models import Enrolment, Visit
from lib import fiscal
from org.models import Branch, FiscalYear, User
from payments import services as payment_services
from payments.models import ClaimLine
from targets import charts, measures, services
from targets.models import Measure

YEAR = 2026


def _visit(promoter, business, day, method="direct", staff=None):
    Visit.objects.create(
        business=business,
        appointment=promoter,
        visited_on=day,
        method=method,
        outcome="explained",
        client_key=uuid.uuid4(),
        recorded_by=staff,
    )


def test_a_business_counts_once_at_its_first_direct_visit_and_koyou_only_is_left_out(people, tokyo):
    promoter = make_appointment(make_person(tokyo), status="active")
    staff = people["tokyo_staff"]
    first, second = make_business(tokyo, "一商事"), make_business(tokyo, "二商事")
    _visit(promoter, first, datetime.date(2026, 5, 10), staff=staff)
    _visit(promoter, first, datetime.date(2026, 6, 10), staff=staff)  # the same business again
    _visit(promoter, second, datetime.date(2026, 6, 1), method="phone", staff=staff)  # not outreach
    for business, kind, day in [(first, "unified_both", 7), (second, "unified_koyou", 8)]:
        Enrolment.objects.create(
            business=business,
            kind=kind,
            insurance_number="13101123456000",
            enrolled_on=datetime.date(2026, day, 1),
            appointment=promoter,
            recorded_by=staff,
        )
    fiscal_year = FiscalYear.objects.get(year=YEAR)
    visited = measures.monthly(fiscal_year, Measure.VISITED)[tokyo.pk]
    assert visited == [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]  # May only
    enrolled = measures.monthly(fiscal_year, Measure.ENROLLED)[tokyo.pk]
    assert enrolled == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]  # July; August's is employment insurance only
    assert fiscal.cumulative([1, 0, 2]) == [1, 1, 3]


def test_the_enrolment_measure_counts_outreach_only_and_shows_the_rest_beside_it_D_8(people, tokyo):
    promoter = make_appointment(make_person(tokyo), status="active")
    day = datetime.date(2026, 7, 1)
    kinds = [
        ({}, "counted"),
        ({"bureau_guidance": True}, "guidance"),
        ({"ex_officio": True}, "ex_officio"),
        ({"kind": "split_koyou"}, "koyou_only"),
        ({"appointment": None}, "uncredited"),
    ]
    for n, (fields, _) in enumerate(kinds):
        Enrolment.objects.create(
            **{
                "business": make_business(tokyo, f"成立{n}"),
                "kind": "unified_both",
                "insurance_number": "13101123456000",
                "enrolled_on": day,
                "appointment": promoter,
                "recorded_by": people["tokyo_staff"],
                **fields,
            }
        )
    fiscal_year = FiscalYear.objects.get(year=YEAR)
    assert sum(measures.monthly(fiscal_year, Measure.ENROLLED)[tokyo.pk]) == 1
    assert sum_exclusions(excluded_by_branch(fiscal_year, [tokyo.pk]).values()) == [
        ("労働局の手続指導", 1),
        ("職権成立", 1),
        ("雇用保険のみ", 1),
        ("推進員・指導員の記録なし", 1),
    ]


@pytest.mark.parametrize("measure", list(Measure))
def test_every_measure_counts_only_the_branches_asked_for(people, tokyo, osaka, measure):
    osaka_business = make_business(osaka, "大阪商事", address="大阪府大阪市北区1-1")
    osaka_promoter = make_appointment(make_person(osaka), status="active")
    _visit(osaka_promoter, osaka_business, datetime.date(2026, 5, 10), staff=people["osaka_staff"])
    fiscal_year = FiscalYear.objects.get(year=YEAR)
    assert set(measures.monthly(fiscal_year, measure, [tokyo.pk])) <= {tokyo.pk}


def test_projections_never_exceed_what_is_possible(people, tokyo):
    fiscal_year = FiscalYear.objects.get(year=YEAR)
    promoters = [make_appointment(make_person(tokyo, f"推進 {n}"), status="active") for n in range(3)]
    training = Training.objects.create(
        branch=tokyo,
        fiscal_year=fiscal_year,
        held_on=datetime.date(2026, 4, 10),
        venue="研修室",
        formats=["lecture"],
        created_by=people["tokyo_staff"],
    )
    for promoter in promoters:
        TrainingAttendance.objects.create(training=training, appointment=promoter)
    early = services.progress(fiscal_year, [tokyo], datetime.date(2026, 4, 15))
    # Three of three trained in April: the pace says 54, but only three promoters exist.
    assert early[Measure.TRAINED]["rows"][0]["projection"] == 3
    # No council held yet in April: the three regular ones are still due, whatever the pace.
    assert early[Measure.COUNCILS]["rows"][0]["projection"] == 3
    october = services.progress(fiscal_year, [tokyo], datetime.date(2026, 10, 15))
    assert october[Measure.COUNCILS]["rows"][0]["projection"] == 1  # ① and ② are past: only ③ remains
    after = services.progress(fiscal_year, [tokyo], datetime.date(2027, 5, 1))
    assert after[Measure.TRAINED]["rows"][0]["projection"] == 3
    assert after[Measure.VISITED]["shown_months"] == 12 and early[Measure.VISITED]["shown_months"] == 1


@pytest.mark.parametrize(
    ("today", "share", "projected"),
    [
        (datetime.date(2026, 3, 31), 0.0, 0),  # before the year
        (datetime.date(2026, 9, 30), 183 / 365, 199),  # 183 of 365 days: 100 so far, 199 by March
        (datetime.date(2027, 6, 1), 1.0, 100),  # after it: the actual
    ],
)
def test_the_projection_to_31_march_follows_the_pace_so_far(db, today, share, projected):
    fiscal_year = FiscalYear.objects.get(year=YEAR)
    assert services.elapsed_share(fiscal_year, today) == pytest.approx(share)
    assert services.projection(100, services.elapsed_share(fiscal_year, today)) == projected


def test_every_count_agrees_with_the_pages_that_show_it_on_the_demo(client, db, monkeypatch):
    # A fixed day late in a year, so that the demo has months of visits whatever today is.
    moment = timezone.make_aware(datetime.datetime(2026, 11, 24, 12))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    call_command("seed_demo", size="small", seed=5, stdout=StringIO())
    fiscal_year = FiscalYear.for_date(timezone.localdate())
    tokyo = Branch.objects.get(prefecture__code="13")
    visited = sum(measures.monthly(fiscal_year, Measure.VISITED).get(tokyo.pk, []))
    enrolled = sum(measures.monthly(fiscal_year, Measure.ENROLLED).get(tokyo.pk, []))
    assert visited > 0 and enrolled > 0
    # The outreach plan's actuals count the same businesses and enrolments.
    march = services.plan_against_actuals(tokyo, fiscal_year)[-1]
    assert (march["visits_actual_total"], march["enrolments_actual_total"]) == (visited, enrolled)
    assert activity.activity(tokyo, fiscal_year)["totals"]["counted"] == enrolled
    # Training and briefings, against a plain count of the rows.
    trained = sum(measures.monthly(fiscal_year, Measure.TRAINED).get(tokyo.pk, []))
    attended = TrainingAttendance.objects.filter(
        training__branch=tokyo, training__fiscal_year=fiscal_year, appointment__role="promoter"
    )
    assert trained == attended.values("appointment").distinct().count() > 0
    briefing = sum(measures.monthly(fiscal_year, Measure.BRIEFING).get(tokyo.pk, []))
    held = BriefingAttendance.objects.filter(briefing__branch=tokyo, briefing__held_on__isnull=False)
    assert briefing == held.count() > 0
    # The progress form holds the same numbers as the dashboard.
    staff = User.objects.get(username="tokyo_staff")
    client.force_login(staff)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/targets/progress.xlsx").content))
    assert [row[0].value for row in book["保険関係成立"].iter_rows(min_row=2)] == ["東京支部"]
    assert book["保険関係成立"]["O2"].value == enrolled
    assert book["訪問（加入勧奨）事業所"]["O2"].value == visited
    page = client.get("/targets/branch/").content.decode()
    assert f'href="/field/activity/?branch={tokyo.pk}&amp;year={fiscal_year.year}">{enrolled}</a>' in page


@pytest.mark.parametrize(
    ("today", "months"),
    [
        (datetime.date(2026, 3, 31), 0),
        (datetime.date(2026, 4, 1), 1),
        (datetime.date(2027, 1, 5), 10),
        (datetime.date(2027, 4, 1), 12),
    ],
)
def test_the_actual_line_stops_at_the_current_month(db, today, months):
    assert services.months_elapsed(FiscalYear.objects.get(year=YEAR), today) == months


def test_the_chart_has_whole_number_gridlines_up_to_the_highest_value():

    chart = charts.line_chart([("実績（累計）", [0, 1, 3], "#000")], target=10)
    assert [t["label"] for t in chart["ticks"]] == ["0", "3", "6", "9", "12"]
    assert chart["lines"][0]["points"].count(",") == 3  # three months drawn, not twelve


def test_the_claims_list_the_same_direct_visits_as_the_activity_and_targets(db, monkeypatch):
    """Claims list every visit of the month; their direct visits are the ones counted here."""
    # A fixed day late in a year, so that the demo has a whole previous month of visits.
    moment = timezone.make_aware(datetime.datetime(2026, 11, 24, 12))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    call_command("seed_demo", size="small", seed=5, stdout=StringIO())
    today = timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    fiscal_year = FiscalYear.for_date(last_month)
    tokyo = Branch.objects.get(prefecture__code="13")
    payment_services.month_claims_build(year=last_month.year, month=last_month.month)
    claimed = ClaimLine.objects.filter(
        claim__month=last_month, claim__appointment__branch=tokyo, visit__method="direct", day__gte=last_month
    ).count()
    direct = activity.activity(tokyo, fiscal_year, last_month.month)["totals"]["direct"]
    assert claimed == direct > 0
