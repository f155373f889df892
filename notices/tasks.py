"""E-mail of notices, sent by the task queue's worker (``manage.py db_worker``) once the action
that gave the notice is committed. A mail server's trouble is logged and the mail tried again a
bounded number of times, later each time; the notice stays under the bell whatever happens."""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from kit.text import one_line
from notices.models import Notice

log = logging.getLogger(__name__)

ATTEMPTS = 5
# Waits before the 2nd, 3rd, … attempt: 1, 2, 4, 8 minutes.
FIRST_WAIT = datetime.timedelta(minutes=1)


def compose(notice: Notice) -> tuple[str, str]:
    """The mail's subject (one line, as mail headers must be) and body."""
    site = settings.ISSOU_SITE_URL.rstrip("/")
    lines = [f"{one_line(notice.user.full_name)} 様", "", notice.title]
    if notice.body:
        lines += ["", notice.body]
    if notice.url:
        lines += ["", f"{site}{notice.url}"]
    lines += ["", "――", "issou 全国労保連 業務システム", f"通知の受け取り方の変更：{site}/notices/"]
    return one_line(f"[issou] {notice.title}"), "\n".join(lines)


@task()
def send_email(notice_id: int, attempt: int = 1) -> None:
    notice = Notice.objects.select_related("user").filter(pk=notice_id).first()
    if notice is None or notice.emailed_at is not None or not notice.user.email:
        return  # gone, or delivered twice and already sent
    subject, body = compose(notice)
    try:
        send_mail(subject, body, None, [notice.user.email])
    except Exception:
        # Any failure of the mail server or of the message: logged with the notice, tried again.
        if attempt >= ATTEMPTS:
            log.exception("通知メールを%d回送信できず、再送をやめました（通知 %s）", attempt, notice.pk)
            return
        log.exception(
            "通知メールを送信できませんでした（通知 %s、%d回目）。後で再送します。", notice.pk, attempt
        )
        _again(notice.pk, attempt + 1)
        return
    Notice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())


def _again(notice_id: int, attempt: int) -> None:
    again = send_email
    if again.get_backend().supports_defer:
        again = again.using(run_after=timezone.now() + FIRST_WAIT * 2 ** (attempt - 2))
    again.enqueue(notice_id, attempt)
