"""Outreach visits recorded by promoters and instructors in the field (R-VIS-1 … R-VIS-3, R-PPL-9)."""

from django.conf import settings
from django.db import models

from org.scope import Scope
from people.models import Appointment
from roster.models import Business


class Method(models.TextChoices):
    DIRECT = "direct", "直接訪問"
    PHONE = "phone", "電話"
    POSTCARD = "postcard", "はがき"
    LETTER = "letter", "文書・郵送"
    OTHER = "other", "その他"


class Outcome(models.TextChoices):
    ABSENT = "absent", "不在"
    EXPLAINED = "explained", "説明した"
    REFUSED = "refused", "加入を拒否"
    WILL_ENROL = "will_enrol", "加入の意向あり"
    ENROLLED = "enrolled", "成立（手続済み）"
    CLOSED = "closed", "廃業・移転"


# R-VIS-1 (別紙5 4(1)): what a promoter explains on a visit.
TOPICS = {
    "system": "労働保険制度の概要",
    "obligation": "事業主の加入義務",
    "association": "労働保険事務組合制度",
    "books": "備え付ける帳簿（労働者名簿・賃金台帳など）",
    "koyou": "雇用保険の手続",
}


class Visit(models.Model):
    """One contact with a business; only a direct visit counts as outreach (R-VIS-2)."""

    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="visits", verbose_name="事業所"
    )
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, related_name="visits", verbose_name="訪問者"
    )
    # R-PPL-9: an instructor may go with a promoter (or a promoter with an instructor).
    companion = models.ForeignKey(
        Appointment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accompanied_visits",
        verbose_name="同行者",
    )
    visited_on = models.DateField("訪問日")
    visited_at = models.TimeField("時刻", null=True, blank=True)
    method = models.CharField("方法", max_length=20, choices=Method.choices, default=Method.DIRECT)
    met = models.CharField("面談者", max_length=100, blank=True)
    topics = models.JSONField("説明した内容", default=list, blank=True)
    outcome = models.CharField("結果", max_length=20, choices=Outcome.choices)
    next_action = models.CharField("次の対応", max_length=200, blank=True)
    next_on = models.DateField("次回予定日", null=True, blank=True)
    notes = models.TextField("メモ", blank=True)
    # Made on the device when the form is filled; a draft sent twice after a dropped connection
    # finds the first and is not recorded again.
    client_key = models.UUIDField("送信キー", unique=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登録日時", auto_now_add=True)

    scope = Scope(branch="business__branch", assignee="appointment__person__user")

    class Meta:
        ordering = ["-visited_on", "-visited_at", "-pk"]
        verbose_name = verbose_name_plural = "訪問（加入勧奨）"
        indexes = [
            models.Index(fields=["appointment", "visited_on"]),
            models.Index(fields=["business", "visited_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y/%m/%d} {self.business} {self.get_method_display()}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.business.branch_id}

    @property
    def is_outreach(self) -> bool:
        """Counts as outreach and for the visit fee (R-VIS-2)."""
        return self.method == Method.DIRECT

    @property
    def topic_labels(self) -> list[str]:
        return [TOPICS[t] for t in self.topics if t in TOPICS]
