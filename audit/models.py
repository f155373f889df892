"""The audit trail: one append-only row per change of business data and per login event."""

from auditlog.models import AbstractLogEntry
from django.db import models

from org.scope import Scope

AUTH_EVENTS = [
    ("login", "ログイン"),
    ("logout", "ログアウト"),
    ("login_failed", "ログイン失敗"),
    ("locked_out", "アカウントロック"),
]


ACTION_LABELS = {
    AbstractLogEntry.Action.CREATE: "作成",
    AbstractLogEntry.Action.UPDATE: "更新",
    AbstractLogEntry.Action.DELETE: "削除",
    AbstractLogEntry.Action.ACCESS: "認証・閲覧",
}


class AuditEntry(AbstractLogEntry):
    """django-auditlog's log entry, plus the branch the change belongs to, for scoping.

    Rows are only ever inserted: no page, API or admin action edits or deletes them, and on
    PostgreSQL a trigger (migration 0002) makes the database itself refuse UPDATE and DELETE.
    """

    branch = models.ForeignKey(
        "org.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="支部",
    )
    event = models.CharField("認証イベント", max_length=20, blank=True, choices=AUTH_EVENTS)

    # Read by administrators only (audit.views); written by no one through the application.
    scope = Scope(branch="branch", writers=frozenset())

    class Meta(AbstractLogEntry.Meta):
        verbose_name = verbose_name_plural = "監査ログ"
        indexes = [models.Index(fields=["branch", "-timestamp"])]

    @property
    def operation_label(self) -> str:
        return self.get_event_display() if self.event else ACTION_LABELS[self.action]

    @property
    def target_label(self) -> str:
        model = self.content_type.model_class()
        return str(model._meta.verbose_name) if model else self.content_type.model

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("監査ログは変更できません。")
        # Models tell auditlog their branch through get_additional_data(); keep it as a column.
        if self.branch_id is None and self.additional_data:
            self.branch_id = self.additional_data.get("branch_id")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("監査ログは削除できません。")
