"""The audit trail: one append-only row per change of business data and per login event."""

from auditlog.models import AbstractLogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.middleware import client_ip
from org.scope import Scope

# Events that are not a change of data: logins and the viewing of protected values.
EVENTS = [
    ("login", "ログイン"),
    ("logout", "ログアウト"),
    ("login_failed", "ログイン失敗"),
    ("locked_out", "アカウントロック"),
    ("account_reveal", "口座番号の表示"),
    # Bulk changes (division, assignment, review, rollover) write one row listing the objects changed.
    ("bulk_change", "一括変更"),
    ("file_download", "振込ファイルのダウンロード"),
    ("api_use", "APIの利用"),
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
    event = models.CharField("イベント", max_length=20, blank=True, choices=EVENTS)

    # Read by administrators only (audit.views); written by no one through the application.
    scope = Scope(branch="branch", writers=frozenset())

    class Meta(AbstractLogEntry.Meta):
        verbose_name = verbose_name_plural = "監査ログ"
        indexes = [models.Index(fields=["branch", "-timestamp"])]

    @classmethod
    def record_event(
        cls,
        event: str,
        *,
        target,
        target_repr: str = "",
        actor=None,
        request=None,
        branch_id=None,
        objects=(),
    ):
        """Write an event row (ACCESS action) about ``target``, a model instance or a model class; a
        bulk change lists the ids of every object it changed (``objects``), so none goes unrecorded."""
        pk = target.pk if isinstance(target, models.Model) else None
        return cls.objects.create(
            content_type=ContentType.objects.get_for_model(target),
            object_pk="" if pk is None else str(pk),
            object_id=pk,
            object_repr=target_repr or (str(target) if pk is not None else ""),
            action=cls.Action.ACCESS,
            actor=actor,
            remote_addr=client_ip(request) if request is not None else None,
            branch_id=branch_id,
            event=event,
            additional_data={"ids": sorted(objects)} if objects else None,
        )

    @property
    def object_ids(self) -> list[int]:
        """The objects a bulk change listed."""
        return (self.additional_data or {}).get("ids", [])

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
