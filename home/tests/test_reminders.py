"""Daily reminders, each with the clock set to the day in question: the month end with
its working days (R-FEE-4), a holiday inside the last days, March's sending deadline (R-FEE-5),
HQ's queues; once per person, subject and day, by e-mail when the person wants it."""

import datetime
import io
import uuid

import pytest
from django.core import mail
from django.core.management import call_command

from conftest import login, make_appointment, make_business, make_person
from fieldwork.models import Visit
from home import reminders
from notices.models import Notice
from payments.models import ClaimStatus, FeeClaim, FeeRules


def _promoter_with_a_visit(people, tokyo, day: datetime.date):
    appointment = make_appointment(make_person(tokyo, user=people["tokyo_promoter"]), status="active")
    Visit.objects.create(
        business=make_business(tokyo, "訪問商事"),
        appointment=appointment,
        visited_on=day.replace(day=2),
        outcome="explained",
        client_key=uuid.uuid4(),
        recorded_by=people["tokyo_promoter"],
    )
    return appointment


def _titles(user) -> list[str]:
    return list(Notice.objects.filter(user=user).order_by("on", "pk").values_list("title", flat=True))


def _run(day: str) -> str:
    out = io.StringIO()
    call_command("send_reminders", date=day, stdout=out)
    return out.getvalue()


def test_the_claim_deadline_in_the_months_last_three_working_days_R_FEE_4(people, tokyo):
    # November 2026 ends on Monday the 30th: its last three working days are 26, 27 and 30.
    _promoter_with_a_visit(people, tokyo, datetime.date(2026, 11, 1))
    assert "支給申請の提出期限" not in _run("2026-11-25")
    assert "支給申請の提出期限 1件" in _run("2026-11-26")
    again = _run("2026-11-26")  # the same day again gives nothing
    assert again == "令和8年11月26日 の通知：0件\n"
    _run("2026-11-28")  # a Saturday: nobody is reminded
    _run("2026-11-27")
    assert _titles(people["tokyo_promoter"]) == [
        "11月分の支給申請の提出期限（令和8年11月30日）まで、あと3営業日です",
        "11月分の支給申請の提出期限（令和8年11月30日）まで、あと2営業日です",
    ]


def test_a_holiday_in_the_last_days_is_not_a_working_day(people, tokyo):
    # April 2026: the 29th (昭和の日) is a holiday, so the 28th has two working days left (28, 30).
    _promoter_with_a_visit(people, tokyo, datetime.date(2026, 4, 1))
    assert reminders.run(datetime.date(2026, 4, 29))["claim_deadline"] == 0
    reminders.run(datetime.date(2026, 4, 28))
    assert _titles(people["tokyo_promoter"]) == [
        "4月分の支給申請の提出期限（令和8年4月30日）まで、あと2営業日です"
    ]


def test_a_submitted_claim_or_a_month_without_work_is_not_reminded(people, tokyo):
    appointment = _promoter_with_a_visit(people, tokyo, datetime.date(2026, 11, 1))
    FeeClaim.objects.create(
        appointment=appointment,
        month=datetime.date(2026, 11, 1),
        rules=FeeRules.objects.first(),
        status=ClaimStatus.SUBMITTED,
    )
    assert reminders.run(datetime.date(2026, 11, 27))["claim_deadline"] == 0
    Visit.objects.all().delete()
    FeeClaim.objects.all().delete()
    assert reminders.run(datetime.date(2026, 11, 27))["claim_deadline"] == 0


def _submitted(people, tokyo, month: datetime.date) -> FeeClaim:
    appointment = make_appointment(make_person(tokyo, f"推進 {month.month}月"), status="active")
    return FeeClaim.objects.create(
        appointment=appointment, month=month, rules=FeeRules.objects.first(), status=ClaimStatus.SUBMITTED
    )


def test_march_claims_are_due_at_the_branch_by_31_march_R_FEE_5(people, tokyo, osaka):
    _submitted(people, tokyo, datetime.date(2027, 3, 1))
    # 31 March 2027 is a Wednesday: the 26th (Friday) has four working days left, the 29th three.
    reminders.run(datetime.date(2027, 3, 26))
    assert _titles(people["tokyo_staff"]) == []
    reminders.run(datetime.date(2027, 3, 29))
    assert _titles(people["tokyo_staff"]) == [
        "審査待ちの支給申請が1件あります（本部への送付期限 令和9年3月31日）"
    ]
    assert _titles(people["osaka_staff"]) == []  # another branch's claims are not Osaka's business


def test_a_claim_past_its_sending_deadline_is_named_as_late(people, tokyo):
    _submitted(people, tokyo, datetime.date(2026, 10, 1))  # due at HQ by 7 November
    reminders.run(datetime.date(2026, 11, 9))
    assert _titles(people["tokyo_staff"]) == [
        "本部への送付期限（令和8年11月7日）を過ぎた支給申請があります（1件）"
    ]


def test_hq_is_reminded_of_claims_to_decide_and_late_branches(people, tokyo):
    claim = _submitted(people, tokyo, datetime.date(2026, 10, 1))
    reminders.run(datetime.date(2026, 11, 9))
    assert "期限を過ぎている支部があります" in _titles(people["hq_staff"])
    claim.status = ClaimStatus.SENT
    claim.save()
    reminders.run(datetime.date(2026, 11, 10))
    assert "支給決定待ちの支給申請が1件あります" in _titles(people["hq_staff"])
    assert _titles(people["tokyo_promoter"]) == []


def test_a_notice_is_mailed_to_who_wants_it_and_listed_under_the_bell(
    client, people, tokyo, django_capture_on_commit_callbacks, settings
):
    # The mail goes from the task queue (notices.tasks); here the queue runs its task at once.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    promoter = people["tokyo_promoter"]
    promoter.email = "suishin@example.jp"
    promoter.save()
    _promoter_with_a_visit(people, tokyo, datetime.date(2026, 11, 1))
    with django_capture_on_commit_callbacks(execute=True):
        reminders.run(datetime.date(2026, 11, 26))
    assert [m.subject for m in mail.outbox] == [
        "[issou] 11月分の支給申請の提出期限（令和8年11月30日）まで、あと3営業日です"
    ]
    assert mail.outbox[0].to == ["suishin@example.jp"] and "/payments/claims/" in mail.outbox[0].body
    login(client, promoter)
    assert client.get("/notices/badge/").content.decode().count("1<span") == 1
    page = client.get("/notices/").content.decode()
    assert "あと3営業日です" in page and "メール送信済" in page
    # Turning e-mail off: the next notice is under the bell only.
    client.post("/notices/preference/", {})
    with django_capture_on_commit_callbacks(execute=True):
        reminders.run(datetime.date(2026, 11, 27))
    assert len(mail.outbox) == 1 and Notice.objects.filter(user=promoter).count() == 2
    notice = Notice.objects.filter(user=promoter).first()
    assert client.post(f"/notices/{notice.pk}/open/")["Location"] == "/payments/claims/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_another_persons_notice_is_not_found(client, people, tokyo):
    _promoter_with_a_visit(people, tokyo, datetime.date(2026, 11, 1))
    reminders.run(datetime.date(2026, 11, 26))
    notice = Notice.objects.get(user=people["tokyo_promoter"])
    login(client, people["tokyo_staff"])
    assert client.post(f"/notices/{notice.pk}/open/").status_code == 404
    client.post("/notices/read/")
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.mark.parametrize("day", ["2026-13-01", "昨日"])
def test_a_bad_date_is_refused_in_japanese(day):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", date=day)


def test_confirmations_waiting_are_reminded_on_mondays_R_ENR_3(people, tokyo):
    from fieldwork.models import Enrolment

    appointment = _promoter_with_a_visit(people, tokyo, datetime.date(2026, 11, 1))
    Enrolment.objects.create(
        business=make_business(tokyo, "成立商事"),
        kind="unified_both",
        insurance_number="13101123456000",
        enrolled_on=datetime.date(2026, 11, 10),
        appointment=appointment,
        recorded_by=people["tokyo_promoter"],
    )
    reminders.run(datetime.date(2026, 11, 24))  # a Tuesday
    assert "雇用保険の手続の確認待ちの成立が1件あります" not in _titles(people["tokyo_staff"])
    reminders.run(datetime.date(2026, 11, 30))  # a Monday
    assert "雇用保険の手続の確認待ちの成立が1件あります" in _titles(people["tokyo_staff"])
    assert "雇用保険の手続の確認待ちの成立が1件あります" not in _titles(people["osaka_staff"])
