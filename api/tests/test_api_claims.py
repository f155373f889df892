"""Claims through the API: the promoter reads a claim with its lines and submits it, by
the same rules as the claim page (R-FEE-4, D-2); a returned line reaches the phone's next sync."""

import datetime
import uuid

from django.utils import timezone

from api.tests.test_api import bearer
from conftest import login, make_appointment, make_business, make_person
from fieldwork.models import Visit
from payments.models import ClaimStatus
from payments.tests.test_branch_review import june_claim


def test_the_promoter_reads_and_submits_a_claim_R_FEE_4(client, people, tokyo):
    claim = june_claim(client, people, tokyo)
    phone = bearer(people["tokyo_promoter"])
    body = client.get(f"/api/v1/claims/{claim.pk}", **phone).json()
    assert body["status"] == "draft" and len(body["lines"]) == 2
    assert body["total"] == sum(line.amount for line in claim.lines.all()) > 0
    assert body["tax"] == sum(line.tax for line in claim.lines.all()) > 0
    assert {line["business_name"] for line in body["lines"]} == {"一番商事", "二番商事"}
    submitted = client.post(f"/api/v1/claims/{claim.pk}/submit", **phone)
    assert submitted.status_code == 200 and submitted.json()["status_label"] == "申請済（支部審査待ち）"
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED and claim.submitted_by == people["tokyo_promoter"]
    again = client.post(f"/api/v1/claims/{claim.pk}/submit", **phone)
    assert again.status_code == 422 and again.json()["detail"] == "この支給申請は提出済みです。"


def test_a_claim_rebuilt_from_newer_records_is_not_submitted_unseen_D_2(client, people, tokyo):
    claim = june_claim(client, people, tokyo)
    # A visit recorded after the draft was built changes the month's lines.
    Visit.objects.create(
        business=make_business(tokyo, "三番商事", year=2011),
        appointment=claim.appointment,
        visited_on=datetime.date(2011, 6, 20),
        outcome="explained",
        client_key=uuid.uuid4(),
        recorded_by=people["tokyo_promoter"],
    )
    response = client.post(f"/api/v1/claims/{claim.pk}/submit", **bearer(people["tokyo_promoter"]))
    assert response.status_code == 422 and "作り直しました" in response.json()["detail"]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT and claim.lines.count() == 3


def test_only_the_promoter_submits_and_only_their_own_claim(client, people, tokyo, osaka):
    claim = june_claim(client, people, tokyo)
    staff = client.post(f"/api/v1/claims/{claim.pk}/submit", **bearer(people["tokyo_staff"]))
    assert staff.status_code == 403
    other = make_person(tokyo, "推進 ボブ", user=people["tokyo_instructor"])
    make_appointment(other, status="active", year=2011)
    instructor = bearer(people["tokyo_instructor"])
    assert client.post(f"/api/v1/claims/{claim.pk}/submit", **instructor).status_code == 404
    assert client.get(f"/api/v1/claims/{claim.pk}", **bearer(people["osaka_staff"])).status_code == 404
    assert client.get(f"/api/v1/claims/{claim.pk}", **bearer(people["tokyo_staff"])).status_code == 200
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT


def test_a_line_returned_by_the_branch_reaches_the_phones_next_sync_R_FEE_5(client, people, tokyo):
    claim = june_claim(client, people, tokyo)
    phone = bearer(people["tokyo_promoter"])
    client.post(f"/api/v1/claims/{claim.pk}/submit", **phone)
    since = timezone.now()
    line = claim.lines.order_by("pk").first()
    login(client, people["tokyo_staff"])
    client.post(
        "/payments/review/lines/", {"line": line.pk, "decision": "rejected", "reason": "訪問日の誤り"}
    )
    changed = client.get("/api/v1/claims", {"updated_since": since.isoformat()}, **phone).json()["items"]
    assert [c["id"] for c in changed] == [claim.pk]
    lines = client.get(f"/api/v1/claims/{claim.pk}", **phone).json()["lines"]
    assert [(x["branch_decision"], x["branch_reason"]) for x in lines if x["id"] == line.pk] == [
        ("rejected", "訪問日の誤り")
    ]
