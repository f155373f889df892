"""The fee rules line by line against the seeds (R-FEE-1, R-FEE-2, R-VIS-2, R-ENR-2 … R-ENR-4)."""

import datetime
import uuid
from collections import Counter

import pytest

from conftest import make_appointment, make_business, make_person
from fieldwork.models import Enrolment, Evidence, Visit
from payments import claims
from payments.models import FeeRules

DAY = datetime.date(2011, 6, 1)


@pytest.fixture
def fy2011(db) -> FeeRules:
    return FeeRules.objects.get(fiscal_year__year=2011)


def _visit(pk, business=1, method="direct", day=DAY):
    return claims.VisitRecord(pk, business, day, method)


def _enrolment(pk, business=1, kind="unified_both", **fields):
    return claims.EnrolmentRecord(pk, business, DAY, kind, **fields)


def test_each_direct_visit_earns_1260_yen_with_60_yen_tax_R_FEE_1(fy2011):
    lines = claims.visit_lines(fy2011, [_visit(1), _visit(2, business=2)], Counter())
    assert [(line.amount, line.tax, line.payable) for line in lines] == [(1260, 60, True), (1260, 60, True)]


def test_only_direct_visits_earn_a_visit_fee_R_VIS_2(fy2011):
    lines = claims.visit_lines(fy2011, [_visit(1, method="phone"), _visit(2, method="letter")], Counter())
    assert [line.amount for line in lines] == [0, 0]
    assert lines[0].reasons == ["電話は調査説明費の対象外です（直接訪問のみ）。"]


def test_at_most_two_paid_visits_per_business_over_its_life_R_FEE_1(fy2011):
    visits = [_visit(pk, day=DAY + datetime.timedelta(days=pk)) for pk in (1, 2, 3)]
    lines = claims.visit_lines(fy2011, visits, Counter())
    assert [line.payable for line in lines] == [True, True, False]
    assert lines[2].reasons == ["この事業所の調査説明費は2回まで（既に2回）です。"]
    # Visits paid in earlier months count against the cap.
    later = claims.visit_lines(fy2011, [_visit(4)], Counter({1: 2}))
    assert not later[0].payable


def test_a_year_that_pays_three_visits_and_telephone_calls_R_FEE_3(fy2011):
    fy2011.paid_visits_per_business, fy2011.paid_methods = 3, ["direct", "phone"]
    visits = [_visit(1), _visit(2, method="phone"), _visit(3), _visit(4)]
    assert [line.payable for line in claims.visit_lines(fy2011, visits, Counter())] == [
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
    (line,) = claims.success_lines(fy2011, [_enrolment(1, kind=kind)], set())
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
    (line,) = claims.success_lines(fy2011, [_enrolment(1, **fields)], set())
    assert (line.amount, line.reasons) == (0, [reason])


def test_a_success_fee_is_paid_once_per_business_and_insurance_R_FEE_2(fy2011):
    lines = claims.success_lines(
        fy2011, [_enrolment(1, kind="split_rousai"), _enrolment(2, kind="split_koyou")], {(1, "rousai")}
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
    (line,) = claims.success_lines(fy2011, [record], set())
    assert line.amount == 5250
    (visit,) = claims.visit_records(Visit.objects.all())
    assert claims.visit_lines(fy2011, [visit], Counter())[0].amount == 1260
