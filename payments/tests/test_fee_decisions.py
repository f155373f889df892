"""The product owner's fee decisions D-1 … D-5 (RULES §11), through the pages and the month-end run,
with the yen each promoter is paid."""

import datetime
import itertools
import uuid
from io import StringIO

import pytest
from django.core.management import call_command

from conftest import login, make_appointment, make_business, make_person, make_user
from fieldwork.models import Enrolment, Evidence, Visit
from org.models import FiscalYear
from org.roles import Role
from payments import batches
from payments.models import ClaimLine, ClaimStatus, Decision, FeeClaim, FeeRules


@pytest.fixture
def fy2012(db) -> FeeRules:
    """FY2012 at other rates, so that a line shows which year's rates it was paid at."""
    return FeeRules.objects.create(
        fiscal_year=FiscalYear.objects.get(year=2012),
        visit_fee=1100,
        paid_methods=["direct"],
        success_unified_both=11000,
        success_unified_rousai=5500,
        success_unified_koyou=4400,
        success_split_rousai=5500,
        success_split_koyou=4400,
        tax_rate_percent=10,
    )


@pytest.fixture
def team(people, tokyo):
    """Three of Tokyo's field staff with FY2011 and FY2012 appointments; each logs in as themselves."""
    users = [
        people["tokyo_promoter"],
        people["tokyo_instructor"],
        make_user("tokyo_third_t", Role.PROMOTER, tokyo),
    ]
    result = {}
    for name, user in zip(("alice", "bob", "carol"), users, strict=True):
        person = make_person(tokyo, f"推進 {name}", user=user)
        result[name] = {
            year: make_appointment(person, status="active", year=year, role="promoter")
            for year in (2011, 2012)
        }
        result[name]["user"] = user
    return result


def _visit(appointment, business, day, outcome="explained", companion=None):
    return Visit.objects.create(
        business=business,
        appointment=appointment,
        companion=companion,
        visited_on=day,
        method="direct",
        outcome=outcome,
        client_key=uuid.uuid4(),
        recorded_by=appointment.person.user,
    )


def _build(client, user, month):
    login(client, user)
    return client.post("/payments/claims/build/", {"month": month}, follow=True)


def _submit(client, user, month):
    _build(client, user, month)
    claim = FeeClaim.objects.get(
        appointment__person__user=user, month=datetime.date.fromisoformat(f"{month}-01")
    )
    response = client.post(f"/payments/claims/{claim.pk}/submit/", follow=True)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED, response.content.decode()
    return claim


def _paid(**filters) -> dict[int, int]:
    """visit or enrolment → the yen of its standing line."""
    return {
        line.visit_id or line.enrolment_id: line.amount
        for line in ClaimLine.objects.filter(amount__gt=0, **filters)
    }


def test_the_cap_counts_within_one_fiscal_year_D_1(client, team, tokyo, fy2012):
    alice = team["alice"]
    business = make_business(tokyo, "繰越商事", year=2011)
    for day in (datetime.date(2011, 6, 1), datetime.date(2011, 6, 8), datetime.date(2011, 6, 15)):
        _visit(alice[2011], business, day)
    june = _submit(client, alice["user"], "2011-06")
    assert (june.total, june.tax_total) == (2520, 120)
    # The business is carried into FY2012's roster: two more visits are paid there, at FY2012's fee.
    for day in (datetime.date(2012, 5, 1), datetime.date(2012, 5, 8), datetime.date(2012, 5, 15)):
        _visit(alice[2012], business, day)
    page = _build(client, alice["user"], "2012-05").content.decode()
    may = FeeClaim.objects.get(month=datetime.date(2012, 5, 1))
    assert (may.total, may.tax_total) == (2200, 200)
    assert "この事業所の調査説明費は年度内2回まで（既に2回）です。" in page
    # A year whose rules count over the business's life pays nothing more.
    fy2012.visit_cap_scope = "lifetime"
    fy2012.save()
    page = _build(client, alice["user"], "2012-05").content.decode()
    assert FeeClaim.objects.get(month=datetime.date(2012, 5, 1)).total == 0
    assert "この事業所の調査説明費は通算2回まで（既に2回）です。" in page


def test_paid_visits_are_chosen_by_visit_date_whoever_builds_first_D_2(client, team, tokyo):
    business = make_business(tokyo, "競合商事", year=2011)
    other = make_business(tokyo, "単独商事", year=2011)
    visits = {
        "carol": _visit(team["carol"][2011], business, datetime.date(2011, 6, 20)),
        "bob": _visit(team["bob"][2011], business, datetime.date(2011, 6, 11)),
        "alice": _visit(team["alice"][2011], business, datetime.date(2011, 6, 2)),
    }
    _visit(team["carol"][2011], other, datetime.date(2011, 6, 21))
    outcomes = set()
    for order in itertools.permutations(["alice", "bob", "carol"]):
        FeeClaim.objects.all().delete()
        for name in order:
            _build(client, team[name]["user"], "2011-06")
        outcomes.add(frozenset(_paid().items()))
    # The national month-end run gives the same lines.
    FeeClaim.objects.all().delete()
    call_command("assemble_claims", "2011-06", stdout=StringIO())
    outcomes.add(frozenset(_paid().items()))
    (paid,) = outcomes
    assert dict(paid) == {
        visits["alice"].pk: 1260,
        visits["bob"].pk: 1260,
        Visit.objects.get(business=other).pk: 1260,
    }


def test_a_submitted_line_keeps_its_amount_and_the_reviewer_sees_the_conflict_D_2(
    client, team, tokyo, people
):
    business = make_business(tokyo, "後日記録商事", year=2011)
    bob_visits = [_visit(team["bob"][2011], business, datetime.date(2011, 6, d)) for d in (10, 12)]
    bob_claim = _submit(client, team["bob"]["user"], "2011-06")
    assert bob_claim.total == 2520
    # Alice records an earlier visit only now: it would have taken a slot, but Bob's lines stand.
    early = _visit(team["alice"][2011], business, datetime.date(2011, 6, 3))
    page = _build(client, team["alice"]["user"], "2011-06").content.decode()
    assert (
        "提出済みの明細（平成23年6月12日の訪問）より前の訪問です。どちらに支給するかは支部が審査で判断します。"
        in page
    )
    assert FeeClaim.objects.get(appointment=team["alice"][2011]).total == 0
    assert _paid(claim=bob_claim) == {bob_visits[0].pk: 1260, bob_visits[1].pk: 1260}
    login(client, people["tokyo_staff"])
    page = client.get(f"/payments/claims/{bob_claim.pk}/").content.decode()
    assert page.count('data-testid="cap-conflict"') == 2
    assert "6月3日 推進 alice（直接訪問）" in page
    # The conflict waits in the branch's work queue, one click from the claim.
    queue = client.get("/queues/conflicts/").content.decode()
    assert "後日記録商事：推進 bob（6月12日）" in queue and "より早い訪問 6月3日 推進 alice" in queue
    assert f"/payments/claims/{bob_claim.pk}/" in queue
    # The reviewer rejects Bob's later line: the slot goes to Alice's earlier visit in her next claim.
    late_line = bob_claim.lines.get(visit=bob_visits[1])
    client.post(
        "/payments/review/lines/", {"line": late_line.pk, "decision": "rejected", "reason": "先行訪問あり"}
    )
    _build(client, team["alice"]["user"], "2011-06")
    assert _paid(visit=early) == {early.pk: 1260}


def test_a_visit_where_nobody_was_met_is_counted_but_earns_nothing_D_3(client, team, tokyo):
    business = make_business(tokyo, "不在商事", year=2011)
    _visit(team["alice"][2011], business, datetime.date(2011, 6, 1), outcome="absent")
    second = _visit(team["alice"][2011], business, datetime.date(2011, 6, 9))
    page = _build(client, team["alice"]["user"], "2011-06").content.decode()
    assert "不在（面談できず）の訪問は、説明をしていないため調査説明費の対象外です。" in page
    assert _paid() == {second.pk: 1260}


def _enrol(business, appointment, day, recorded_by, kind="unified_both", evidence=True):
    enrolment = Enrolment.objects.create(
        business=business,
        kind=kind,
        insurance_number="13101123456000",
        enrolled_on=day,
        appointment=appointment,
        recorded_by=recorded_by,
    )
    if kind == "unified_both":
        enrolment.koyou_confirmed_at = datetime.datetime(2011, 7, 1, tzinfo=datetime.UTC)
        enrolment.save()
    if evidence:
        _evidence(enrolment, recorded_by)
    return enrolment


def _evidence(enrolment, by):
    for kind in enrolment.required_evidence:
        Evidence.objects.create(
            enrolment=enrolment,
            kind=kind,
            filename="写.pdf",
            stored_name=uuid.uuid4().hex,
            size=1,
            content_type="application/pdf",
            uploaded_by=by,
        )


def test_a_success_fee_needs_a_direct_visit_by_the_credited_person_D_4(client, team, tokyo, people):
    staff = people["tokyo_staff"]
    never = _enrol(
        make_business(tokyo, "未訪問商事", year=2011), team["alice"][2011], datetime.date(2011, 6, 20), staff
    )
    visited = make_business(tokyo, "訪問済商事", year=2011)
    _visit(team["alice"][2011], visited, datetime.date(2011, 6, 2))
    paid = _enrol(visited, team["alice"][2011], datetime.date(2011, 6, 20), staff)
    # Bob went along on Carol's visit: it counts for him too.
    accompanied = make_business(tokyo, "同行商事", year=2011)
    _visit(team["carol"][2011], accompanied, datetime.date(2011, 6, 5), companion=team["bob"][2011])
    bob_paid = _enrol(accompanied, team["bob"][2011], datetime.date(2011, 6, 20), staff)
    # A visit after the enrolment does not count.
    after = make_business(tokyo, "事後訪問商事", year=2011)
    _visit(team["bob"][2011], after, datetime.date(2011, 6, 25))
    too_late = _enrol(after, team["bob"][2011], datetime.date(2011, 6, 20), staff)
    page = _build(client, team["alice"]["user"], "2011-06").content.decode()
    assert "この推進員・指導員がこの事業所を直接訪問した記録がありません。" in page
    call_command("assemble_claims", "2011-06", stdout=StringIO())
    assert _paid(kind="success_fee") == {paid.pk: 9450, bob_paid.pk: 9450}
    assert not ClaimLine.objects.get(enrolment=never).payable
    assert not ClaimLine.objects.get(enrolment=too_late).payable


def test_a_success_fee_payable_after_31_march_is_claimed_then_at_its_years_rates_D_5(
    client, team, tokyo, people, fy2012
):
    alice = team["alice"]
    business = make_business(tokyo, "年度越え商事", year=2011)
    _visit(alice[2011], business, datetime.date(2012, 3, 1))
    enrolment = _enrol(
        business, alice[2011], datetime.date(2012, 3, 20), people["tokyo_staff"], evidence=False
    )
    march = _build(client, alice["user"], "2012-03").content.decode()
    assert "証拠書類が不足しています" in march
    # The evidence arrives in May: May's claim (FY2012) carries the fee at FY2011's rate.
    _evidence(enrolment, people["tokyo_staff"])
    page = _build(client, alice["user"], "2012-05").content.decode()
    line = ClaimLine.objects.get(enrolment=enrolment, amount__gt=0)
    assert (line.claim.month, line.claim.appointment, line.amount, line.tax) == (
        datetime.date(2012, 5, 1),
        alice[2012],
        9450,
        450,
    )
    assert line.valued_at.fiscal_year.year == 2011 and line.from_earlier_year
    assert "前年度以前の記録" in page and "平成23年度（2011年度）の支給基準で計算" in page
    # Reviewed, decided and paid by FY2012's first batch.
    claim = _submit(client, alice["user"], "2012-05")
    login(client, people["tokyo_admin"])
    client.post("/payments/review/lines/", {"claim": claim.pk, "decision": "accepted"})
    client.post("/payments/review/send/", {"claim": claim.pk})
    login(client, people["hq_staff"])
    client.post("/payments/hq-review/lines/", {"claim": claim.pk, "decision": "accepted"})
    line = ClaimLine.objects.get(enrolment=enrolment, amount__gt=0)
    payer = make_user("payer_a", Role.HQ_STAFF, can_pay=True)
    batch = batches.batch_create(
        actor=payer,
        fiscal_year=FiscalYear.objects.get(year=2012),
        quarter=1,
        transfer_date=datetime.date(2012, 7, 13),
    )
    assert list(batch.lines.values_list("pk", "amount")) == [(line.pk, 9450)]
    assert (line.claim, line.branch_decision, line.hq_decision) == (
        claim,
        Decision.ACCEPTED,
        Decision.ACCEPTED,
    )
