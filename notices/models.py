"""Notices: what waits for a person, under the bell in the menu and, if they chose,
by e-mail. One per person, subject and day, so a reminder run twice sends nothing twice."""

from django.conf import settings
from django.db import models


class Notice(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices", verbose_name="宛先"
    )
    # What it is about, e.g. "claim_deadline:2026-11-01": the same key on the same day is one notice.
    key = models.CharField(max_length=120)
    on = models.DateField("日付")
    title = models.CharField("件名", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("開く画面", max_length=300, blank=True)
    created_at = models.DateTimeField("通知日時", auto_now_add=True)
    read_at = models.DateTimeField("既読日時", null=True, blank=True)
    emailed_at = models.DateTimeField("メール送信日時", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = verbose_name_plural = "通知"
        constraints = [models.UniqueConstraint(fields=["user", "key", "on"], name="one_notice_per_day")]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_unread")]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """A person's choice: notices by e-mail too, or under the bell only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference"
    )
    by_email = models.BooleanField("メールでも受け取る", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知の設定"

    def __str__(self) -> str:
        return f"{self.user}：{'メールあり' if self.by_email else '画面のみ'}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.user.branch_id}
