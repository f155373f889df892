"""Branch review of claims (R-FEE-5) with segregation of duties (R-FEE-7), and the deadlines."""

import datetime
import uuid

import pytest

from audit.models import AuditEntry
from conftest import login, make_appointment, make_business, make_person, make_user
from fieldwork.models import Visit
from notices.models import Notice
from org.roles import Role
from payments.models import ClaimStatus, Decision, FeeClaim


def june_claim(client, people, tokyo, names=("一番商事", "二番商事")) -> FeeClaim:
    """Alice's June 2011 claim with a paid visit to each of ``names``, built by her as a draft (client
    signed in as her)."""
    alice = make_appointment(
        make_person(tokyo, "推進 アリス", user=people["tokyo_promoter"]), status="active", year=2011
    )
    for name in names:
        Visit.objects.create(
            business=make_business(tokyo, name, year=2011),
            appointment=alice,
            visited_on=datetime.date(2011, 6, 3),
            outcome="explained",
            client_key=uuid.uuid4(),
            recorded_by=people["tokyo_promoter"],
        )
    login(client, people["tokyo_promoter"])
    client.post("/payments/claims/build/", {"month": "2011-06"})
    return FeeClaim.objects.get()


@pytest.fixture
def submitted(client, people, tokyo):
    """Alice's June 2011 claim with two paid visits, submitted."""
    claim = june_claim(client, people, tokyo)
    client.post(f"/payments/claims/{claim.pk}/submit/")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    return claim


def test_the_branch_accepts_one_line_and_rejects_another_with_a_reason(client, people, submitted):
    first, second = submitted.lines.order_by("pk")
    login(client, people["tokyo_staff"])
    client.post("/payments/review/lines/", {"line": first.pk, "decision": "accepted"})
    response = client.post(
        "/payments/review/lines/", {"line": second.pk, "decision": "rejected"}, follow=True
    )
    assert "差戻しの理由を入力してください。" in response.content.decode()
    client.post(
        "/payments/review/lines/", {"line": second.pk, "decision": "rejected", "reason": "訪問日の誤り"}
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.branch_decision, first.branch_by) == (Decision.ACCEPTED, people["tokyo_staff"])
    assert (second.branch_decision, second.branch_reason) == (Decision.REJECTED, "訪問日の誤り")
    # The promoter sees the reason; the rejected visit may be claimed again once fixed.
    notice = Notice.objects.get(user=people["tokyo_promoter"])
    assert (notice.title, notice.body) == (
        "平成23年6月分の支給申請の明細が支部から差し戻されました",
        "理由：訪問日の誤り",
    )
    login(client, people["tokyo_promoter"])
    assert "支部が差戻し：訪問日の誤り" in client.get(f"/payments/claims/{submitted.pk}/").content.decode()
    client.post("/payments/claims/build/", {"month": "2011-07"})
    july = FeeClaim.objects.get(month=datetime.date(2011, 7, 1))
    assert [line.visit_id for line in july.lines.all()] == [second.visit_id]


def test_many_claims_are_accepted_and_sent_to_hq_at_once(client, people, submitted, tokyo):
    login(client, people["tokyo_staff"])
    response = client.post("/payments/review/send/", {"claim": submitted.pk}, follow=True)
    assert "審査が終わっていない明細がある申請は送付できません" in response.content.decode()
    client.post("/payments/review/lines/", {"claim": submitted.pk, "decision": "accepted"})
    assert not submitted.lines.filter(branch_decision=Decision.PENDING).exists()
    # One audit row for the bulk decision, in the branch's trail.
    entry = AuditEntry.objects.get(event="bulk_change")
    assert (entry.object_repr, entry.actor, entry.branch) == (
        "支部審査（承認） 2件",
        people["tokyo_staff"],
        tokyo,
    )
    assert entry.object_ids == sorted(submitted.lines.values_list("pk", flat=True))
    response = client.post("/payments/review/send/", {"claim": submitted.pk}, follow=True)
    assert "1件の支給申請を本部へ送付しました。" in response.content.decode()
    submitted.refresh_from_db()
    assert (submitted.status, submitted.sent_by) == (ClaimStatus.SENT, people["tokyo_staff"])
    assert submitted.is_overdue_at_branch  # sent long after 7 July 2011


def test_the_person_who_entered_a_claim_cannot_approve_it_R_FEE_7_D_7(client, people, submitted, tokyo):
    # A coordinator who is also the submitter (the same account) may not approve its lines.
    FeeClaim.objects.filter(pk=submitted.pk).update(submitted_by=people["tokyo_staff"])
    login(client, people["tokyo_staff"])
    response = client.post(
        "/payments/review/lines/", {"claim": submitted.pk, "decision": "accepted"}, follow=True
    )
    page = response.content.decode()
    assert "次の2件は自分で記録・確認・提出したものなので審査していません（内部牽制）" in page
    assert "一番商事（平成23年6月3日・支給申請を提出した）" in page
    assert not submitted.lines.exclude(branch_decision=Decision.PENDING).exists()
    response = client.post("/payments/review/send/", {"claim": submitted.pk}, follow=True)
    assert "自分が提出した支給申請は送付できません（内部牽制）" in response.content.decode()


def test_the_person_who_recorded_a_visit_cannot_approve_its_fee_D_7(client, people, submitted):
    line = submitted.lines.order_by("pk").first()
    Visit.objects.filter(pk=line.visit_id).update(recorded_by=people["tokyo_staff"])
    login(client, people["tokyo_staff"])
    response = client.post("/payments/review/lines/", {"line": line.pk, "decision": "accepted"}, follow=True)
    assert "一番商事（平成23年6月3日・訪問を記録した）" in response.content.decode()
    line.refresh_from_db()
    assert line.branch_decision == Decision.PENDING
    login(client, people["tokyo_admin"])  # a colleague may
    client.post("/payments/review/lines/", {"line": line.pk, "decision": "accepted"})
    line.refresh_from_db()
    assert (line.branch_decision, line.branch_by) == (Decision.ACCEPTED, people["tokyo_admin"])


def test_another_branch_cannot_review_or_send(client, people, submitted):
    login(client, people["osaka_staff"])
    client.post("/payments/review/lines/", {"claim": submitted.pk, "decision": "accepted"})
    client.post("/payments/review/send/", {"claim": submitted.pk})
    submitted.refresh_from_db()
    assert submitted.status == ClaimStatus.SUBMITTED
    assert not submitted.lines.exclude(branch_decision=Decision.PENDING).exists()
    assert submitted not in FeeClaim.objects.filter(pk__in=[c.pk for c in _listed(client)])


def _listed(client):
    return client.get("/payments/review/").context["claims"]


@pytest.mark.parametrize(
    ("month", "submit_by", "send_by"),
    [
        (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31), datetime.date(2026, 11, 7)),
        (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31), datetime.date(2027, 1, 7)),
        (datetime.date(2027, 2, 1), datetime.date(2027, 2, 28), datetime.date(2027, 3, 7)),
        # March: by 31 March, so the claims stay in their own fiscal year (R-FEE-5).
        (datetime.date(2027, 3, 1), datetime.date(2027, 3, 31), datetime.date(2027, 3, 31)),
    ],
)
def test_deadlines_of_submission_and_of_sending_to_hq_R_FEE_4_R_FEE_5(month, submit_by, send_by):
    claim = FeeClaim(month=month)
    assert (claim.submit_by, claim.send_by) == (submit_by, send_by)


def test_viewers_and_promoters_do_not_review(client, people, submitted, tokyo):
    make_user("tokyo_viewer_2", Role.VIEWER, tokyo)
    login(client, people["tokyo_viewer"])
    assert client.get("/payments/review/").status_code == 403
    login(client, people["tokyo_promoter"])
    assert (
        client.post("/payments/review/lines/", {"claim": submitted.pk, "decision": "accepted"}).status_code
        == 403
    )


def _sent(client, people, claim):
    login(client, people["tokyo_staff"])
    client.post("/payments/review/lines/", {"claim": claim.pk, "decision": "accepted"})
    client.post("/payments/review/send/", {"claim": claim.pk})


def test_hq_decides_payment_and_the_claim_is_decided_R_FEE_6(client, people, submitted):
    _sent(client, people, submitted)
    login(client, people["hq_staff"])
    assert "推進 アリス" in client.get("/payments/hq-review/").content.decode()
    first, second = submitted.lines.order_by("pk")
    client.post(
        "/payments/hq-review/lines/", {"line": second.pk, "decision": "rejected", "reason": "重複の疑い"}
    )
    submitted.refresh_from_db()
    assert submitted.status == ClaimStatus.SENT  # one line still undecided
    client.post("/payments/hq-review/lines/", {"claim": submitted.pk, "decision": "accepted"})
    submitted.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert submitted.status == ClaimStatus.DECIDED
    assert (first.hq_decision, first.hq_by) == (Decision.ACCEPTED, people["hq_staff"])
    assert (second.hq_decision, second.hq_reason) == (Decision.REJECTED, "重複の疑い")
    # The line HQ sent back can be claimed again.
    login(client, people["tokyo_promoter"])
    client.post("/payments/claims/build/", {"month": "2011-08"})
    assert [line.visit_id for line in FeeClaim.objects.get(month=datetime.date(2011, 8, 1)).lines.all()] == [
        second.visit_id
    ]


def test_only_hq_decides_payment(client, people, submitted):
    _sent(client, people, submitted)
    assert client.get("/payments/hq-review/").status_code == 403  # still the branch's staff
    assert (
        client.post("/payments/hq-review/lines/", {"claim": submitted.pk, "decision": "accepted"}).status_code
        == 403
    )
    login(client, people["hq_viewer"])
    assert client.get("/payments/hq-review/").status_code == 403
    assert not submitted.lines.exclude(hq_decision=Decision.PENDING).exists()


def test_bulk_approval_approves_every_line_the_reviewer_may_and_names_the_rest_D_7(client, people, tokyo):
    # One visit the reviewer recorded herself made 「すべて承認」 approve none of 13 lines.
    claim = june_claim(client, people, tokyo, names=[f"{n}番商事" for n in range(1, 14)])
    client.post(f"/payments/claims/{claim.pk}/submit/")
    assert claim.lines.count() == 13
    own = claim.lines.get(business__name="7番商事")
    Visit.objects.filter(pk=own.visit_id).update(recorded_by=people["tokyo_staff"])
    login(client, people["tokyo_staff"])
    response = client.post(
        "/payments/review/lines/", {"claim": claim.pk, "decision": "accepted"}, follow=True
    )
    page = response.content.decode()
    assert "12件の明細を承認としました。" in page
    assert (
        "次の1件は自分で記録・確認・提出したものなので審査していません（内部牽制）。"
        "別の職員が審査してください：7番商事（平成23年6月3日・訪問を記録した）"
    ) in page
    assert list(claim.lines.filter(branch_decision=Decision.PENDING)) == [own]
    login(client, people["tokyo_admin"])  # the colleague finds it still waiting and approves it
    client.post("/payments/review/lines/", {"claim": claim.pk, "decision": "accepted"})
    own.refresh_from_db()
    assert (own.branch_decision, own.branch_by) == (Decision.ACCEPTED, people["tokyo_admin"])


def test_a_returned_line_waits_in_the_promoters_work_queue_until_claimed_again(client, people, submitted):
    # A line sent back was only a notice; the promoter's 作業一覧 did not show it.
    line = submitted.lines.order_by("pk").last()
    login(client, people["tokyo_staff"])
    client.post(
        "/payments/review/lines/", {"line": line.pk, "decision": "rejected", "reason": "訪問日の誤り"}
    )
    login(client, people["tokyo_promoter"])
    queues = client.get("/queues/").content.decode()
    assert 'data-testid="queue-returned"' in queues
    link = f'<a href="/payments/claims/{submitted.pk}/#line-{line.pk}">二番商事（調査説明費・平成23年6月3日）</a>'
    assert link in queues and "支部が差戻し：訪問日の誤り" in queues
    assert f'id="line-{line.pk}"' in client.get(f"/payments/claims/{submitted.pk}/").content.decode()
    # Claimed again in the next month's claim, it is no longer work to do.
    client.post("/payments/claims/build/", {"month": "2011-07"})
    assert "二番商事（調査説明費" not in client.get("/queues/").content.decode()
