"""Which promoter or instructor works on which business, with the history of every change (R-PPL-9)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from kit import tracked
from org.scope import Scope
from people.models import Appointment
from roster.models import Business, EndReason


class Assignment(tracked.Tracked):
    """A business given to a promoter or instructor; ended, never deleted, when it moves on."""

    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="assignments", verbose_name="事業所"
    )
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, related_name="assignments", verbose_name="担当者"
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField("割当日時")
    ended_at = models.DateTimeField("終了日時", null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField("終了理由", max_length=20, choices=EndReason.choices, blank=True)

    scope = Scope(branch="business__branch", assignee="appointment__person__user")

    class Meta:
        ordering = ["assigned_at", "pk"]
        verbose_name = verbose_name_plural = "担当割当"
        constraints = [
            models.UniqueConstraint(
                fields=["business"], condition=Q(ended_at__isnull=True), name="one_open_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.business} → {self.appointment.person}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.business.branch_id}


class PromoterArea(models.Model):
    """A city a promoter or instructor covers in their appointment year; used to split work by area."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="areas", verbose_name="推進員・指導員"
    )
    city_code = models.CharField("市区町村コード", max_length=6)
    city = models.CharField("市区町村", max_length=40)

    scope = Scope(branch="appointment__branch", assignee="appointment__person__user")

    class Meta:
        ordering = ["city_code"]
        verbose_name = verbose_name_plural = "担当地域"
        constraints = [models.UniqueConstraint(fields=["appointment", "city_code"], name="one_area_per_city")]

    def __str__(self) -> str:
        return f"{self.appointment.person} {self.city}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.appointment.branch_id}
