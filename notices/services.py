"""Giving a person a notice, and e-mailing it when they want that (issue 20)."""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from notices.models import Notice, Preference
from org.models import User

log = logging.getLogger(__name__)


def wants_email(user: User) -> bool:
    if not user.email:
        return False
    preference = Preference.objects.filter(user=user).first()
    return preference is None or preference.by_email


def notify(
    user: User,
    *,
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    on: datetime.date | None = None,
    once: bool = False,
) -> Notice | None:
    """The notice, or None when the person already has it: the same ``key`` on the same day (or,
    with ``once``, on any day). Only an active person is notified."""
    if not user.is_active:
        return None
    on = on or timezone.localdate()
    if once and Notice.objects.filter(user=user, key=key).exists():
        return None
    try:
        with transaction.atomic():
            notice = Notice.objects.create(user=user, key=key, on=on, title=title, body=body, url=url)
    except IntegrityError:
        return None
    if wants_email(user):
        transaction.on_commit(lambda: _email(notice.pk))
    return notice


def _email(notice_id: int) -> None:
    notice = Notice.objects.select_related("user").get(pk=notice_id)
    site = settings.ISSOU_SITE_URL.rstrip("/")
    lines = [f"{notice.user.full_name} 様", "", notice.title]
    if notice.body:
        lines += ["", notice.body]
    if notice.url:
        lines += ["", f"{site}{notice.url}"]
    lines += ["", "――", "issou 全国労保連 業務システム", f"通知の受け取り方の変更：{site}/notices/"]
    try:
        send_mail(f"[issou] {notice.title}", "\n".join(lines), None, [notice.user.email])
    except OSError:
        # The notice stays under the bell; the mail server's trouble is logged, not the user's.
        log.exception("通知メールを送信できませんでした（通知 %s）", notice.pk)
        return
    Notice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())


def unread(user: User) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user: User, notice_ids: list[int] | None = None) -> int:
    notices = Notice.objects.filter(user=user, read_at__isnull=True)
    if notice_ids is not None:
        notices = notices.filter(pk__in=notice_ids)
    return notices.update(read_at=timezone.now())


def set_email(user: User, by_email: bool) -> None:
    Preference.objects.update_or_create(user=user, defaults={"by_email": by_email})
