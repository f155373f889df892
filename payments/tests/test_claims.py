"""A promoter's monthly claim, assembled from the month's records under its own year's rules (R-FEE-1 … R-FEE-4)."""

import datetime
import re
import uuid

import pytest

from conftest import login, make_appointment, make_business, make_person
from fieldwork.models import Enrolment, Evidence, Visit
from payments.models import ClaimLine, ClaimStatus, FeeClaim, FeeRules


@pytest.fixture
def alice(tokyo, people):
    return make_appointment(
        make_person(tokyo, "推進 アリス", user=people["tokyo_promoter"]), status="active", year=2011
    )


def _visit(appointment, business, day, method="direct", key=None):
    return Visit.objects.create(
        business=business,
        appointment=appointment,
        visited_on=day,
        method=method,
        outcome="explained",
        client_key=key or uuid.uuid4(),
        recorded_by=appointment.person.user,
    )


def _build(client, month="2011-06"):
    return client.post("/payments/claims/build/", {"month": month}, follow=True)


def test_the_month_is_assembled_with_a_reason_for_every_record_that_earns_nothing(
    client, people, alice, tokyo
):
    business = make_business(tokyo, "見込み商事", year=2011)
    _visit(alice, business, datetime.date(2011, 5, 20))  # May: counts against the cap once claimed
    login(client, people["tokyo_promoter"])
    _build(client, "2011-05")
    for day, method in [(1, "direct"), (1, "phone"), (9, "direct")]:
        _visit(alice, business, datetime.date(2011, 6, day), method)
    response = _build(client)
    claim = FeeClaim.objects.get(month=datetime.date(2011, 6, 1))
    assert (claim.rules, claim.total, claim.tax_total) == (
        FeeRules.objects.get(fiscal_year__year=2011),
        1260,
        60,
    )
    page = response.content.decode()
    assert "電話は調査説明費の対象外です" in page and "2回まで（既に2回）" in page
    assert "申請額 <strong>1,260円</strong>（うち消費税 60円）" in page
    form = client.get(f"/payments/claims/{claim.pk}/form.pdf")
    assert form["Content-Type"] == "application/pdf"
    # The claim page, then the month's outreach report, original and copy (正・副), attached.
    assert len(re.findall(rb"/Type /Page\b(?!s)", form.content)) == 3


def test_the_form_attaches_the_outreach_report_of_every_month_its_visit_fees_come_from_R_FEE_4(
    client, people, alice, tokyo
):
    business = make_business(tokyo, "二か月商事", year=2011)
    _visit(alice, business, datetime.date(2011, 5, 20))  # never claimed in May: it joins June's claim
    _visit(alice, make_business(tokyo, "六月商事", year=2011), datetime.date(2011, 6, 2))
    login(client, people["tokyo_promoter"])
    page = _build(client).content.decode()
    claim = FeeClaim.objects.get(month=datetime.date(2011, 6, 1))
    assert claim.total == 2520 and "前月以前の記録" in page and "平成23年5月20日" in page
    form = client.get(f"/payments/claims/{claim.pk}/form.pdf")
    # The claim, then May's and June's reports, each original and copy.
    assert len(re.findall(rb"/Type /Page\b(?!s)", form.content)) == 5


def test_a_submitted_claim_is_not_rebuilt_and_its_records_are_not_claimed_twice(client, people, alice, tokyo):
    business = make_business(tokyo, "提出商事", year=2011)
    _visit(alice, business, datetime.date(2011, 6, 3))
    login(client, people["tokyo_promoter"])
    _build(client)
    claim = FeeClaim.objects.get()
    response = client.post(f"/payments/claims/{claim.pk}/submit/", follow=True)
    assert "平成23年6月分の支給申請を支部に提出しました。" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED and claim.is_late  # submitted long after June 2011
    assert "提出済みのため" in _build(client).content.decode()
    # July's claim does not take June's visit again.
    _build(client, "2011-07")
    assert not FeeClaim.objects.get(month=datetime.date(2011, 7, 1)).lines.exists()


def test_an_enrolment_completed_later_joins_a_later_claim_once(client, people, alice, tokyo):
    business = make_business(tokyo, "証拠待ち商事", year=2011)
    _visit(alice, business, datetime.date(2011, 6, 1))  # D-4: the credited promoter visited first
    enrolment = Enrolment.objects.create(
        business=business,
        kind="unified_rousai",
        insurance_number="13101123456000",
        enrolled_on=datetime.date(2011, 6, 10),
        appointment=alice,
        recorded_by=people["tokyo_promoter"],
    )
    login(client, people["tokyo_promoter"])
    page = _build(client).content.decode()
    assert "証拠書類が不足しています：保険関係成立届（写）。" in page
    Evidence.objects.create(
        enrolment=enrolment,
        kind="enrolment_notice",
        filename="届.pdf",
        stored_name="x",
        size=1,
        content_type="application/pdf",
        uploaded_by=people["tokyo_promoter"],
    )
    _build(client, "2011-07")
    july = FeeClaim.objects.get(month=datetime.date(2011, 7, 1))
    assert [(line.amount, line.tax) for line in july.lines.all()] == [(5250, 250)]
    _build(client, "2011-08")
    assert not FeeClaim.objects.get(month=datetime.date(2011, 8, 1)).lines.exists()
    assert ClaimLine.objects.filter(enrolment=enrolment, amount__gt=0).count() == 1


def test_a_claim_needs_its_years_rules(client, people, alice, tokyo):
    make_appointment(alice.person, status="active", year=2012)
    login(client, people["tokyo_promoter"])
    assert "支給基準が設定されていません" in _build(client, "2012-06").content.decode()
    assert "委嘱が確認できません" in _build(client, "2030-06").content.decode()
    assert not FeeClaim.objects.exists()


def test_another_promoters_or_branchs_claim_is_not_found(client, people, alice, tokyo):
    _visit(alice, make_business(tokyo, "他人商事", year=2011), datetime.date(2011, 6, 3))
    login(client, people["tokyo_promoter"])
    _build(client)
    claim = FeeClaim.objects.get()
    login(client, people["tokyo_instructor"])
    assert client.get(f"/payments/claims/{claim.pk}/").status_code == 404
    assert client.post(f"/payments/claims/{claim.pk}/submit/").status_code == 404
    login(client, people["osaka_staff"])
    assert client.get(f"/payments/claims/{claim.pk}/").status_code == 404
    login(client, people["tokyo_staff"])
    assert client.get(f"/payments/claims/{claim.pk}/").status_code == 200
