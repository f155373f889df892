"""A notice never fails or undoes the action that gives it: a title naming a 200-character business
fits its column (PostgreSQL refuses a longer value and would roll the action back), a line break in
a name never reaches a mail header, and the e-mail goes from the task queue after the commit, tried
again when the mail server fails, while the action stays recorded."""

import datetime
import logging

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assignments.services import assignments_assign
from conftest import login, make_appointment, make_business, make_person, make_user
from councils.models import Handover
from fieldwork.models import Enrolment
from notices import tasks
from notices.models import Notice
from org.models import FiscalYear
from org.roles import Role
from roster.models import BusinessStatus

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
LONG_NAME = "株式会社" + "長" * 190 + "製作所本店"  # 200 characters, the longest name a business has
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


def _with_email(*users):
    for n, user in enumerate(users):
        user.email = f"staff{n}@example.jp"
        user.save(update_fields=["email"])


def _answer(client, people, business) -> Handover:
    """The branch hands the business over, and records the bureau's answer: through the pages."""
    login(client, people["tokyo_staff"])
    response = client.post(
        f"/councils/handovers/new/{business.pk}/", {"handed_over_on": "2026-06-01", "reason": "拒否"}
    )
    assert response.status_code == 302, response.content.decode()
    handover = Handover.objects.get(business=business)
    login(client, people["tokyo_admin"])
    response = client.post(
        f"/councils/handovers/{handover.pk}/answer/",
        {"answered_on": "2026-06-20", "answer": "監督署が手続指導を行う"},
    )
    assert response.status_code == 302, response.content.decode()
    handover.refresh_from_db()
    return handover


def test_the_bureaus_answer_on_a_200_character_business_is_recorded_and_its_notice_fits(
    client, people, tokyo, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    _with_email(people["tokyo_staff"])
    business = make_business(tokyo, LONG_NAME, status=BusinessStatus.VISITED)
    with django_capture_on_commit_callbacks(execute=True):
        handover = _answer(client, people, business)
    assert handover.answer == "監督署が手続指導を行う"
    notice = Notice.objects.get(user=people["tokyo_staff"], key=f"handover_answered:{handover.pk}")
    limit = Notice._meta.get_field("title").max_length
    # The name is cut, the sentence around it kept.
    assert len(notice.title) == limit and notice.title.startswith("移管した「株式会社長長")
    assert notice.title.endswith("長…」に労働局から回答がありました")
    assert [m.subject for m in mail.outbox] == [f"[issou] {notice.title}"]


def test_evidence_for_a_200_character_business_makes_its_success_fee_payable_D_5(
    client, people, tokyo, settings, monkeypatch, tmp_path
):
    moment = timezone.make_aware(datetime.datetime(2026, 10, 15, 10, 0))
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    settings.VAR_DIR = tmp_path
    alice = make_appointment(
        make_person(tokyo, "推進 アリス", user=people["tokyo_promoter"]), status="active"
    )
    business = make_business(tokyo, LONG_NAME, status=BusinessStatus.VISITED)
    assignments_assign(
        actor=people["tokyo_staff"],
        branch=tokyo,
        fiscal_year=FiscalYear.objects.get(year=2026),
        business_ids=[business.pk],
        appointment=alice,
    )
    login(client, people["tokyo_promoter"])
    client.post(
        f"/field/businesses/{business.pk}/enrolment/",
        {"kind": "unified_rousai", "insurance_number": "13-1-01-123456-000", "enrolled_on": "2026-10-01"},
    )
    enrolment = Enrolment.objects.get(business=business)
    assert not enrolment.evidence_complete
    response = client.post(
        f"/enrolments/{enrolment.pk}/evidence/",
        {"evidence_enrolment_notice": SimpleUploadedFile("成立届.pdf", PDF)},
        follow=True,
    )
    assert "証拠書類を1件追加しました。" in response.content.decode()
    assert enrolment.evidence_complete
    notice = Notice.objects.get(key=f"payable:{enrolment.pk}")
    assert len(notice.title) == Notice._meta.get_field("title").max_length
    assert notice.title.endswith("長…」の成功報酬費を申請できるようになりました")


def test_a_line_break_in_a_name_is_mailed_on_one_line_to_everyone(
    client, people, tokyo, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    second = make_user("tokyo_staff_2", Role.BRANCH_STAFF, tokyo)
    _with_email(people["tokyo_staff"], second)
    business = make_business(tokyo, "改行\r\n商事", status=BusinessStatus.VISITED)
    with django_capture_on_commit_callbacks(execute=True):
        handover = _answer(client, people, business)
    assert handover.answered_by == people["tokyo_admin"]
    # Both staff get their mail: the first one's does not stop the second's.
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        (f"staff{n}@example.jp", "[issou] 移管した「改行 商事」に労働局から回答がありました") for n in (0, 1)
    ]
    assert client.get("/councils/handovers/", {"year": 2026}).status_code == 200


def test_a_failing_mail_server_is_logged_and_tried_again_and_the_action_stays(
    client, people, tokyo, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    _with_email(people["tokyo_staff"])
    business = make_business(tokyo, "再送商事", status=BusinessStatus.VISITED)
    with django_capture_on_commit_callbacks(execute=True):
        handover = _answer(client, people, business)
    assert handover.answer == "監督署が手続指導を行う"
    notice = Notice.objects.get(key=f"handover_answered:{handover.pk}")
    # The mail waits in the queue, for the worker (the database backend, as in production).
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "notices.tasks.send_email" and mail.outbox == []
    with caplog.at_level(logging.WARNING, logger="notices.tasks"):
        tasks.send_email.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
    assert f"通知メールを送信できませんでした（通知 {notice.pk}、1回目）" in caplog.text
    again = DBTaskResult.objects.exclude(pk=queued.pk).get()
    assert again.args_kwargs["args"] == [notice.pk, 2] and again.run_after > timezone.now()
    notice.refresh_from_db()
    assert notice.emailed_at is None
    # The last attempt gives up, logged, and queues nothing more.
    caplog.clear()
    tasks.send_email.call(notice.pk, tasks.ATTEMPTS)
    assert "再送をやめました" in caplog.text and DBTaskResult.objects.count() == 2
    # The server is back: the queued attempt sends it.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    tasks.send_email.call(*again.args_kwargs["args"])
    notice.refresh_from_db()
    assert notice.emailed_at is not None and len(mail.outbox) == 1
    handover.refresh_from_db()
    assert handover.answered_by == people["tokyo_admin"]


# serialized_rollback: the flush after this test would otherwise take the master data (branches,
# fiscal years) the other tests need.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_mail_is_sent_by_the_worker_after_the_action_is_committed(client, people, tokyo):
    _with_email(people["tokyo_staff"])
    business = make_business(tokyo, "送信商事", status=BusinessStatus.VISITED)
    handover = _answer(client, people, business)
    # The answer is committed; the mail is not sent by the request but waits for the worker.
    assert Handover.objects.get(pk=handover.pk).answer == "監督署が手続指導を行う"
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(task_path="notices.tasks.send_email").count() == 1
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay")
    assert [m.to for m in mail.outbox] == [["staff0@example.jp"]]
    assert Notice.objects.get(key=f"handover_answered:{handover.pk}").emailed_at is not None
