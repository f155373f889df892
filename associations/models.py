"""Member associations over time: membership periods, incidents, entrusting employers and the
branch's consultations about new and closing associations (R-ORG-3, R-PPL-7)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from org.models import Association, Branch
from org.scope import Scope


class Membership(models.Model):
    """One period of membership (入会 … 退会); the rate at any date counts the periods covering it."""

    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="memberships", verbose_name="事務組合"
    )
    joined_on = models.DateField("入会日")
    # The first day it is no longer a member; empty while it is.
    left_on = models.DateField("退会日", null=True, blank=True)
    leave_reason = models.CharField("退会理由", max_length=200, blank=True)
    # Empty only for the periods the migration made from the earlier "member" flag.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    scope = Scope(branch="association__branch")

    class Meta:
        ordering = ["association", "joined_on"]
        verbose_name = verbose_name_plural = "会員期間"
        constraints = [
            models.UniqueConstraint(
                fields=["association"], condition=Q(left_on__isnull=True), name="one_open_membership"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gt=models.F("joined_on")),
                name="membership_leaves_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.association} {self.joined_on}〜{self.left_on or ''}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.association.branch_id}


class IncidentKind(models.TextChoices):
    ACCOUNTING_ACCIDENT = "accounting_accident", "会計事故等"
    SEIZURE = "seizure", "労働保険料等の差押等の滞納処分"


class Incident(models.Model):
    """An accounting accident or a seizure (R-PPL-7): once recorded, the association's
    representative can no longer be appointed to visit; the record is never undone."""

    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="incidents", verbose_name="事務組合"
    )
    kind = models.CharField("種別", max_length=30, choices=IncidentKind.choices)
    occurred_on = models.DateField("発生日（処分日）")
    summary = models.TextField("概要")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登録日時", auto_now_add=True)

    scope = Scope(branch="association__branch")

    class Meta:
        ordering = ["association", "-occurred_on"]
        verbose_name = verbose_name_plural = "会計事故・滞納処分の履歴"

    def __str__(self) -> str:
        return f"{self.association} {self.get_kind_display()} {self.occurred_on}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.association.branch_id}


class EntrustingEmployer(models.Model):
    """An employer that entrusts its labour-insurance procedures to the association (委託事業主)."""

    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="employers", verbose_name="事務組合"
    )
    name = models.CharField("事業主名", max_length=200)
    insurance_number = models.CharField("労働保険番号", max_length=14, blank=True)
    entrusted_on = models.DateField("委託日", null=True, blank=True)
    ended_on = models.DateField("委託解除日", null=True, blank=True)

    scope = Scope(branch="association__branch")

    class Meta:
        ordering = ["association", "name"]
        verbose_name = verbose_name_plural = "委託事業主"

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        return {"branch_id": self.association.branch_id}


class ConsultationKind(models.TextChoices):
    NEW = "new", "新規設立の相談"
    JOINING = "joining", "入会の勧誘"
    CLOSING = "closing", "解散・廃止の相談"
    # R-INS-1: recruiting member associations to register as agents of the federation's insurance.
    AGENT = "agent", "代理店登録の勧誘"
    OTHER = "other", "その他"


class Consultation(models.Model):
    """The branch's consultation desk (000 §2(1)): a talk with an association, or with people who
    mean to found one (not yet an association, so only its name)."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+", verbose_name="支部")
    association = models.ForeignKey(
        Association,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name="事務組合",
    )
    party = models.CharField("相談者（設立予定の団体等）", max_length=200, blank=True)
    kind = models.CharField("相談の種別", max_length=20, choices=ConsultationKind.choices)
    held_on = models.DateField("相談日")
    summary = models.TextField("相談内容")
    outcome = models.TextField("対応・結果", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    scope = Scope(branch="branch")

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = verbose_name_plural = "事務組合の相談記録"

    def __str__(self) -> str:
        return f"{self.held_on} {self.association or self.party} {self.get_kind_display()}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.branch_id}
