"""Work queues (作業一覧): each role sees what waits for it, counted in its scope, oldest first, each entry
one click from the record."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import login, make_appointment, make_business, make_person, make_user
from councils.models import Handover
from fieldwork.models import Enrolment, Visit
from org.models import FiscalYear
from org.roles import Role
from payments.models import ClaimStatus, FeeClaim, FeeRules, PaymentBatch
from people.models import WorkDay


def _visit(appointment, business, day):
    return Visit.objects.create(
        business=business,
        appointment=appointment,
        visited_on=day,
        outcome="explained",
        client_key=uuid.uuid4(),
        recorded_by=appointment.person.user,
    )


@pytest.fixture
def waiting(people, tokyo):
    """One thing waiting in each of Tokyo's queues."""
    alice = make_appointment(
        make_person(tokyo, "推進 アリス", user=people["tokyo_promoter"]), status="active", year=2011
    )
    rules = FeeRules.objects.get(fiscal_year__year=2011)
    claim = FeeClaim.objects.create(
        appointment=alice,
        month=datetime.date(2011, 6, 1),
        rules=rules,
        status=ClaimStatus.SUBMITTED,
        submitted_by=people["tokyo_promoter"],
    )
    business = make_business(tokyo, "雇用商事", year=2011)
    _visit(alice, business, datetime.date(2011, 6, 1))
    enrolment = Enrolment.objects.create(
        business=business,
        kind="unified_both",
        insurance_number="13101123456000",
        enrolled_on=datetime.date(2011, 6, 20),
        appointment=alice,
        recorded_by=people["tokyo_promoter"],
    )
    Handover.objects.create(
        business=make_business(tokyo, "移管商事", year=2011),
        fiscal_year=FiscalYear.objects.get(year=2011),
        handed_over_on=datetime.date(2011, 7, 1),
        reason="再三の拒否",
        created_by=people["tokyo_staff"],
    )
    coordinator = make_appointment(make_person(tokyo, "促進 花子"), role="coordinator", status="active")
    WorkDay.objects.create(
        appointment=coordinator, day=datetime.date(2026, 11, 24), recorded_by=people["tokyo_staff"]
    )
    return {"claim": claim, "enrolment": enrolment, "coordinator": coordinator}


def test_branch_staff_see_each_queue_with_its_count_oldest_and_a_link_to_the_record(client, people, waiting):
    login(client, people["tokyo_admin"])
    page = client.get("/queues/").content.decode()
    for key in ("claims", "koyou", "evidence", "handovers", "work_days"):
        assert f'data-testid="queue-{key}"' in page
    assert reverse("claim_detail", args=[waiting["claim"].pk]) in page
    assert reverse("enrolment_detail", args=[waiting["enrolment"].pk]) in page
    assert "推進 アリス 平成23年6月分" in page and "送付期限 平成23年7月7日" in page
    assert "最も古いもの：平成23年6月20日" in page  # the enrolment waiting for confirmation and evidence
    assert f"{reverse('work_days', args=[waiting['coordinator'].pk])}?month=2026-11" in page
    assert "移管商事" in page
    # The home page shows the same queues; the menu's badge counts everything waiting.
    assert 'data-testid="work-queues"' in client.get("/").content.decode()
    assert ">5<" in client.get("/queues/badge/").content.decode()
    # One queue in full.
    page = client.get("/queues/koyou/").content.decode()
    assert "雇用保険の手続の確認待ち（1件）" in page and "雇用商事" in page


def test_another_branch_sees_none_of_it_and_unknown_queues_are_404(client, people, waiting):
    login(client, people["osaka_staff"])
    page = client.get("/queues/").content.decode()
    assert "推進 アリス" not in page and "雇用商事" not in page and "移管商事" not in page
    assert client.get("/queues/badge/").content.decode().strip() == ""
    assert client.get("/queues/decide/").status_code == 404  # HQ's queue is not a branch's


def test_confirming_and_completing_empties_the_queues(client, people, waiting):
    enrolment = waiting["enrolment"]
    login(client, people["tokyo_staff"])
    client.post(f"/enrolments/{enrolment.pk}/confirm/")
    page = client.get("/queues/koyou/").content.decode()
    assert "雇用保険の手続の確認待ち（0件）" in page


def test_hq_sees_claims_to_decide_and_batches_another_payer_made(client, people, waiting):
    FeeClaim.objects.filter(pk=waiting["claim"].pk).update(
        status=ClaimStatus.SENT, sent_by=people["tokyo_staff"]
    )
    payer, other = (
        make_user("payer_a", Role.HQ_STAFF, can_pay=True),
        make_user("payer_b", Role.HQ_STAFF, can_pay=True),
    )
    mine = PaymentBatch.objects.create(
        fiscal_year=FiscalYear.objects.get(year=2011),
        quarter=1,
        transfer_date=datetime.date(2011, 7, 15),
        created_by=payer,
    )
    login(client, payer)
    page = client.get("/queues/").content.decode()
    assert "東京支部 推進 アリス 平成23年6月分" in page
    assert reverse("batch_detail", args=[mine.pk]) not in page  # D-7: one's own batch waits for another
    login(client, other)
    assert reverse("batch_detail", args=[mine.pk]) in client.get("/queues/").content.decode()
    login(client, people["hq_staff"])  # no payment permission: no batch queue
    assert 'data-testid="queue-batches"' not in client.get("/queues/").content.decode()


def test_hq_sees_each_late_branch_with_what_is_late_and_a_link_to_it(client, people, tokyo, monkeypatch):
    # The queue said 47件 and listed three summaries, all linking to /councils/.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: datetime.date(2026, 11, 30))
    alice = make_appointment(make_person(tokyo, "推進 アリス"), status="active")
    FeeClaim.objects.create(  # due at HQ by 7 November
        appointment=alice,
        month=datetime.date(2026, 10, 1),
        rules=FeeRules.objects.first(),
        status=ClaimStatus.SUBMITTED,
    )
    login(client, people["hq_admin"])
    page = client.get("/queues/late/").content.decode()
    # Every branch is behind with councils ① and ② of FY2026 and ③ of FY2025; Tokyo also with a claim.
    rows = page.split('data-testid="queue-entries"')[1].split("<tbody>")[1].split("</tbody>")[0].count("<tr")
    assert rows == 47 * 2 + 1
    assert f"期限を過ぎている支部（{rows}件）" in page
    councils = f"/councils/?year=2026&amp;branch={tokyo.pk}"
    assert f'<a href="{councils}">東京支部：令和8年度（2026年度）の協議会（第1回・第2回）が未開催</a>' in page
    claims = f"/payments/review/?branch={tokyo.pk}&amp;year=2026"
    assert f'<a href="{claims}">東京支部：支給申請1件の本部への送付が遅れています</a>' in page
    tokyo_councils = client.get(councils.replace("&amp;", "&")).content.decode()
    assert 'data-testid="council-row-13"' in tokyo_councils
    assert 'data-testid="council-row-01"' not in tokyo_councils
    assert "推進 アリス" in client.get(claims.replace("&amp;", "&")).content.decode()
    home = client.get("/").content.decode()
    assert f"すべて表示（{rows}件）" in home


def test_a_promoter_sees_this_months_claim_and_each_pending_fee_with_why(client, people, waiting):
    login(client, people["tokyo_promoter"])
    page = client.get("/").content.decode()
    assert 'data-testid="queue-my_fees"' in page and "雇用商事" in page
    assert "証拠書類が不足しています" in page and "雇用保険の手続が支部で確認されていません。" in page
    assert 'data-testid="queue-my_claims"' in page


def test_the_queues_cost_the_same_number_of_queries_however_much_waits(client, people, waiting, tokyo):
    login(client, people["tokyo_admin"])
    with CaptureQueriesContext(connection) as before:
        client.get("/queues/")
    alice = waiting["claim"].appointment
    for n in range(5):
        business = make_business(tokyo, f"追加商事{n}", year=2011)
        _visit(alice, business, datetime.date(2011, 6, 2))
        Enrolment.objects.create(
            business=business,
            kind="unified_both",
            insurance_number="13101123456000",
            enrolled_on=datetime.date(2011, 6, 21),
            appointment=alice,
            recorded_by=people["tokyo_promoter"],
        )
    with CaptureQueriesContext(connection) as after:
        client.get("/queues/")
    assert len(after) == len(before)
