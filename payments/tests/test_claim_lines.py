"""The fee rules line by line against the seeds (R-FEE-1, R-FEE-2, R-VIS-2, R-ENR-2 … R-ENR-4)."""

import datetime
import uuid

import pytest

from conftest import make_appointment, make_business, make_person
from fieldwork.models import Enrolment, Evidence, Visit
from payments import claims
from payments.models import FeeRules

DAY = datetime.date(2011, 6, 1)


@pytest.fixture
def fy2011(db) -> FeeRules:
    return FeeRules.objects.get(fiscal_year__year=2011)


def _visit(pk, business=1, method="direct", day=DAY, absent=False):
    return claims.VisitRecord(pk, business, day, method, absent=absent)


def _enrolment(pk, business=1, kind="unified_both", **fields):
    return claims.EnrolmentRecord(pk, business, DAY, kind, **fields)


def test_each_direct_visit_earns_1260_yen_with_60_yen_tax_R_FEE_1(fy2011):
    lines = claims.visit_lines(fy2011, [_visit(1), _visit(2, business=2)], {})
    assert [(line.amount, line.tax, line.payable) for line in lines] == [(1260, 60, True), (1260, 60, True)]


def test_only_direct_visits_earn_a_visit_fee_R_VIS_2(fy2011):
    lines = claims.visit_lines(fy2011, [_visit(1, method="phone"), _visit(2, method="letter")], {})
    assert [line.amount for line in lines] == [0, 0]
    assert lines[0].reasons == ["電話は調査説明費の対象外です（直接訪問のみ）。"]


def test_at_most_two_paid_visits_per_business_in_a_fiscal_year_R_FEE_1_D_1(fy2011):
    visits = [_visit(pk, day=DAY + datetime.timedelta(days=pk)) for pk in (1, 2, 3)]
    lines = claims.visit_lines(fy2011, visits, {})
    assert [line.amount for line in lines] == [1260, 1260, 0]
    assert lines[2].reasons == ["この事業所の調査説明費は年度内2回まで（既に2回）です。"]
    # Visits held by submitted claims count against the cap.
    later = claims.visit_lines(fy2011, [_visit(4, day=DAY + datetime.timedelta(days=9))], {1: [DAY, DAY]})
    assert not later[0].payable


def test_the_caps_scope_starts_each_fiscal_year_or_never_D_1(fy2011):
    assert claims.cap_scope_start(fy2011, datetime.date(2012, 2, 1)) == datetime.date(2011, 4, 1)
    fy2011.visit_cap_scope = "lifetime"
    assert claims.cap_scope_start(fy2011, datetime.date(2012, 2, 1)) is None
    assert "通算2回まで" in claims.visit_lines(fy2011, [_visit(1)], {1: [DAY, DAY]})[0].reasons[0]


def test_the_earliest_visits_take_the_paid_slots_whatever_the_order_given_D_2(fy2011):
    days = {1: DAY.replace(day=20), 2: DAY.replace(day=5), 3: DAY.replace(day=12)}
    for order in ([1, 2, 3], [3, 1, 2], [2, 3, 1]):
        lines = claims.visit_lines(fy2011, [_visit(pk, day=days[pk]) for pk in order], {})
        assert {line.source_pk for line in lines if line.payable} == {2, 3}


def test_a_visit_that_would_displace_a_submitted_line_names_it_for_the_branch_D_2(fy2011):
    (line,) = claims.visit_lines(fy2011, [_visit(1, day=DAY)], {1: [DAY.replace(day=9), DAY.replace(day=20)]})
    assert line.amount == 0
    assert line.reasons[1] == (
        "提出済みの明細（平成23年6月20日の訪問）より前の訪問です。どちらに支給するかは支部が審査で判断します。"
    )


def test_a_visit_where_nobody_was_met_earns_no_fee_by_default_D_3(fy2011):
    lines = claims.visit_lines(fy2011, [_visit(1, absent=True), _visit(2)], {})
    assert [line.amount for line in lines] == [0, 1260]
    assert lines[0].reasons == ["不在（面談できず）の訪問は、説明をしていないため調査説明費の対象外です。"]
    fy2011.pays_absent_visits = True
    assert [line.amount for line in claims.visit_lines(fy2011, [_visit(1, absent=True)], {})] == [1260]


def test_a_year_that_pays_three_visits_and_telephone_calls_R_FEE_3(fy2011):
    fy2011.paid_visits_per_business, fy2011.paid_methods = 3, ["direct", "phone"]
    visits = [_visit(1), _visit(2, method="phone"), _visit(3), _visit(4)]
    assert [line.payable for line in claims.visit_lines(fy2011, visits, {})] == [
        True,
        True,
        True,
        False,
    ]


@pytest.mark.parametrize(
    ("kind", "amount", "tax"),
    [
        ("unified_both", 9450, 450),
        ("unified_rousai", 5250, 250),
        ("unified_koyou", 4200, 200),
        ("split_rousai", 5250, 250),
        ("split_koyou", 4200, 200),
    ],
)
def test_success_fees_by_enrolment_kind_R_FEE_2(fy2011, kind, amount, tax):
    (line,) = claims.success_lines({2011: fy2011}, [_enrolment(1, kind=kind)], set())
    assert (line.amount, line.tax, line.payable) == (amount, tax, True)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"bureau_guidance": True}, "労働局の手続指導による成立は成功報酬費の対象外です。"),
        ({"ex_officio": True}, "職権成立は成功報酬費の対象外です。"),
        ({"missing_evidence": ("保険関係成立届（写）",)}, "証拠書類が不足しています：保険関係成立届（写）。"),
        ({"koyou_unconfirmed": True}, "雇用保険の手続が支部で確認されていません。"),
    ],
)
def test_an_enrolment_that_fails_a_condition_says_why_R_ENR_2_R_ENR_3_R_ENR_4(fy2011, fields, reason):
    (line,) = claims.success_lines({2011: fy2011}, [_enrolment(1, **fields)], set())
    assert (line.amount, line.reasons) == (0, [reason])


def test_no_success_fee_without_a_direct_visit_by_the_credited_person_D_4(fy2011):
    (line,) = claims.success_lines({2011: fy2011}, [_enrolment(1, credited_person_visited=False)], set())
    assert (line.amount, line.reasons) == (
        0,
        ["成立日以前（前年度以降）に、この推進員・指導員がこの事業所を直接訪問した記録がありません。"],
    )


def test_a_qualifying_visit_is_on_or_before_the_enrolment_in_its_year_or_the_one_before_D_4():
    enrolled = datetime.date(2012, 5, 10)
    assert claims.visited_before([datetime.date(2011, 4, 1)], enrolled)
    assert claims.visited_before([enrolled], enrolled)
    assert not claims.visited_before([datetime.date(2011, 3, 31)], enrolled)  # two years back
    assert not claims.visited_before([datetime.date(2012, 5, 11)], enrolled)  # after the enrolment


def test_a_success_fee_is_valued_at_its_enrolments_years_rates_D_5(fy2011):
    later = FeeRules(
        fiscal_year=fy2011.fiscal_year,
        visit_fee=1100,
        success_unified_both=11000,
        success_unified_rousai=5500,
        success_unified_koyou=4400,
        success_split_rousai=5500,
        success_split_koyou=4400,
        tax_rate_percent=10,
    )
    enrolment = _enrolment(1)  # enrolled in June 2011: FY2011's rates, whatever year claims it
    (line,) = claims.success_lines({2011: fy2011, 2012: later}, [enrolment], set())
    assert (line.amount, line.tax, line.rules) == (9450, 450, fy2011)
    (line,) = claims.success_lines({2012: later}, [enrolment], set())
    assert line.reasons == ["平成23年度（2011年度）の支給基準が設定されていません（本部が設定します）。"]


def test_a_success_fee_is_paid_once_per_business_and_insurance_R_FEE_2(fy2011):
    lines = claims.success_lines(
        {2011: fy2011},
        [_enrolment(1, kind="split_rousai"), _enrolment(2, kind="split_koyou")],
        {(1, "rousai")},
    )
    assert [line.payable for line in lines] == [False, True]
    assert lines[0].reasons == ["この事業所・保険の成功報酬費は既に支給（申請）済みです。"]


def test_records_are_read_from_the_database_with_their_evidence(fy2011, tokyo, people):
    appointment = make_appointment(make_person(tokyo), status="active", year=2011)
    business = make_business(tokyo, "記録商事", year=2011)
    Visit.objects.create(
        business=business,
        appointment=appointment,
        visited_on=DAY,
        outcome="explained",
        client_key=uuid.uuid4(),
        recorded_by=people["tokyo_staff"],
    )
    enrolment = Enrolment.objects.create(
        business=business,
        kind="unified_rousai",
        insurance_number="13101123456000",
        enrolled_on=DAY,
        appointment=appointment,
        recorded_by=people["tokyo_staff"],
    )
    (record,) = claims.enrolment_records(Enrolment.objects.all())
    assert record.missing_evidence == ("保険関係成立届（写）",)
    Evidence.objects.create(
        enrolment=enrolment,
        kind="enrolment_notice",
        filename="成立届.pdf",
        stored_name="x",
        size=1,
        content_type="application/pdf",
        uploaded_by=people["tokyo_staff"],
    )
    (record,) = claims.enrolment_records(Enrolment.objects.all())
    assert record.missing_evidence == () and not record.koyou_unconfirmed
    (line,) = claims.success_lines({2011: fy2011}, [record], set())
    assert line.amount == 5250 and record.credited_person_visited
    (visit,) = claims.visit_records(Visit.objects.all())
    assert claims.visit_lines(fy2011, [visit], {})[0].amount == 1260
