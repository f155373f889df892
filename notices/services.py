"""Giving a person a notice, and e-mailing it when they want that.

A notice never fails or undoes the action that gives it: its title is cut to fit its column, and
the e-mail goes from the task queue after the action is committed (``notices.tasks``)."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from kit.text import fit, one_line
from notices.models import Notice, Preference
from notices.tasks import send_email
from org.models import User


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
    with ``once``, on any day). Only an active person is notified. ``title`` may name anything (a
    business's 200-character name, a line break): it is made one line and cut to fit."""
    if not user.is_active:
        return None
    on = on or timezone.localdate()
    if once and Notice.objects.filter(user=user, key=key).exists():
        return None
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                user=user, key=key, on=on, title=fit(Notice, "title", one_line(title)), body=body, url=url
            )
    except IntegrityError:
        return None
    if wants_email(user):
        # robust: a queue that cannot take the mail is logged; the committed action stands.
        transaction.on_commit(lambda: send_email.enqueue(notice.pk), robust=True)
    return notice


def unread(user: User) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user: User, notice_ids: list[int] | None = None) -> int:
    notices = Notice.objects.filter(user=user, read_at__isnull=True)
    if notice_ids is not None:
        notices = notices.filter(pk__in=notice_ids)
    return notices.update(read_at=timezone.now())


def set_email(user: User, by_email: bool) -> None:
    Preference.objects.update_or_create(user=user, defaults={"by_email": by_email})
