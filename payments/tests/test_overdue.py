"""Claims behind their deadlines are flagged in the work queues on the home pages (R-FEE-4, R-FEE-5)."""

import datetime

import pytest
from django.utils import timezone

from conftest import login, make_appointment, make_business, make_person
from payments.models import ClaimLine, ClaimStatus, FeeClaim, FeeRules
from payments.services import last_overdue_month


@pytest.mark.parametrize(
    "today, month",
    [
        (datetime.date(2011, 11, 7), datetime.date(2011, 9, 1)),  # October's may still be sent today
        (datetime.date(2011, 11, 8), datetime.date(2011, 10, 1)),
        (datetime.date(2012, 3, 31), datetime.date(2012, 2, 1)),  # March's may be sent until the 31st
        (datetime.date(2012, 4, 1), datetime.date(2012, 3, 1)),  # … and not after
    ],
)
def test_the_last_month_past_its_sending_deadline(today, month):
    assert last_overdue_month(today) == month


def _on(monkeypatch, day: datetime.date, hour: int) -> None:
    # Late one evening, then early the next morning: within one session (12 hours at most).
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def claim(people, tokyo):
    appointment = make_appointment(
        make_person(tokyo, "推進 アリス", user=people["tokyo_promoter"]), status="active", year=2011
    )
    claim = FeeClaim.objects.create(
        appointment=appointment,
        month=datetime.date(2011, 10, 1),
        rules=FeeRules.objects.get(fiscal_year__year=2011),
    )
    ClaimLine.objects.create(
        claim=claim,
        kind="visit_fee",
        business=make_business(tokyo, "期限商事", year=2011),
        day=datetime.date(2011, 10, 3),
        description="直接訪問",
        amount=1260,
        tax=60,
    )
    return claim


def test_a_promoter_is_reminded_of_a_past_months_claim_not_submitted_R_FEE_4(
    client, people, claim, monkeypatch
):
    _on(monkeypatch, datetime.date(2011, 10, 31), 22)
    login(client, people["tokyo_promoter"])
    page = client.get("/").content.decode()
    assert "平成23年10月分" in page and "提出期限 平成23年10月31日（作成済・未提出）" in page
    assert "が未提出" not in page
    _on(monkeypatch, datetime.date(2011, 11, 1), 7)
    page = client.get("/").content.decode()
    assert "平成23年10月分が未提出" in page and "提出期限 平成23年10月31日を過ぎています" in page


def test_the_branch_and_hq_see_claims_not_sent_by_the_7th_R_FEE_5(client, people, claim, monkeypatch):
    FeeClaim.objects.filter(pk=claim.pk).update(status=ClaimStatus.SUBMITTED)
    _on(monkeypatch, datetime.date(2011, 11, 7), 22)
    login(client, people["tokyo_staff"])
    page = client.get("/").content.decode()
    assert (
        "推進 アリス 平成23年10月分" in page and "送付期限 平成23年11月7日" in page and "期限超過" not in page
    )
    _on(monkeypatch, datetime.date(2011, 11, 8), 7)
    assert "期限超過" in client.get("/").content.decode()
    login(client, people["hq_staff"])
    page = client.get("/queues/late/").content.decode()
    assert (
        "東京支部：支給申請1件の本部への送付が遅れています" in page and "最も古いもの：平成23年10月分" in page
    )
    login(client, people["osaka_staff"])
    assert "推進 アリス" not in client.get("/").content.decode()
    # Sent to HQ: no longer behind at the branch, now waiting for HQ's decision.
    FeeClaim.objects.filter(pk=claim.pk).update(status=ClaimStatus.SENT)
    login(client, people["tokyo_staff"])
    assert "推進 アリス" not in client.get("/").content.decode()
    login(client, people["hq_staff"])
    page = client.get("/").content.decode()
    assert 'data-testid="queue-decide"' in page and "本部送付が遅れている支部" not in page
