"""People the federation appoints: coordinators, promoters, instructors and lecturers (R-PPL-1 … R-PPL-9)."""

import datetime
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from kit import tracked, versions
from lib import normalize, wareki
from org.models import Association, Branch, FiscalYear, Prefecture
from org.roles import Role
from org.scope import Scope
from org.workflow import MoveRefused

kana_validator = RegexValidator(r"^[ァ-ヶー　 ・]+$", "全角カナで入力してください。")
postal_validator = RegexValidator(r"^\d{7}$", "郵便番号は7桁の数字で入力してください（ハイフンなし）。")
phone_validator = RegexValidator(r"^[0-9-]{10,13}$", "電話番号は数字とハイフンで入力してください。")


def mask_account_number(value: str) -> str:
    """****567: the last three digits, enough for a person to recognise their own account."""
    return "****" + str(value)[-3:]


class Person(tracked.Tracked, versions.Versioned):
    """Someone a branch works with and HQ may appoint; the registry is kept per branch."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, verbose_name="支部", related_name="people")
    full_name = models.CharField("氏名", max_length=60)
    full_name_kana = models.CharField("氏名（カナ）", max_length=60, validators=[kana_validator])
    # What search compares (lib.normalize.fold): the name and its reading, folded, a line each.
    search_text = models.TextField("検索用", blank=True, default="", editable=False)
    birth_date = models.DateField("生年月日", null=True, blank=True)
    postal_code = models.CharField("郵便番号", max_length=7, blank=True, validators=[postal_validator])
    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, null=True, blank=True, verbose_name="都道府県"
    )
    city = models.CharField("市区町村", max_length=60, blank=True)
    town = models.CharField("町域", max_length=100, blank=True)
    address_line = models.CharField("番地・建物", max_length=150, blank=True)
    phone = models.CharField("電話番号", max_length=13, blank=True, validators=[phone_validator])
    email = models.EmailField("メールアドレス", blank=True)
    association = models.ForeignKey(
        Association,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="代表する事務組合",
        help_text="推進員が労働保険事務組合の代表者である場合",
        related_name="representatives",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="ログインアカウント",
        related_name="person",
    )

    # A promoter or instructor sees their own record only.
    scope = Scope(branch="branch", assignee="user")

    class Meta:
        ordering = ["branch__prefecture__code", "full_name_kana"]
        verbose_name = verbose_name_plural = "人員"

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("update_fields") is None:
            # 髙橋 as 高橋, ｽｽﾞｷ as スズキ, spaces aside (lib.normalize).
            self.search_text = normalize.search_text(self.full_name, self.full_name_kana)
        super().save(*args, **kwargs)

    def get_additional_data(self) -> dict:
        return {"branch_id": self.branch_id}

    @property
    def address(self) -> str:
        prefecture = self.prefecture.name if self.prefecture else ""
        return f"{prefecture}{self.city}{self.town}{self.address_line}"


class AppointmentRole(models.TextChoices):
    COORDINATOR = "coordinator", "促進員"
    PROMOTER = "promoter", "推進員"
    INSTRUCTOR = "instructor", "指導員"
    LECTURER = "lecturer", "講師"


# The title printed on the appointment letter (R-PPL-1, R-PPL-6; 2024 names).
APPOINTMENT_TITLES = {
    AppointmentRole.COORDINATOR: "労働保険適正加入促進員",
    AppointmentRole.PROMOTER: "労働保険未手続事業一掃推進員",
    AppointmentRole.INSTRUCTOR: "労働保険未手続事業一掃指導員",
    AppointmentRole.LECTURER: "起業者向けセミナー講師",
}

# The login role that matches an appointment, for linking accounts.
USER_ROLES = {
    AppointmentRole.COORDINATOR: Role.BRANCH_STAFF,
    AppointmentRole.PROMOTER: Role.PROMOTER,
    AppointmentRole.INSTRUCTOR: Role.INSTRUCTOR,
    AppointmentRole.LECTURER: Role.LECTURER,
}


class AppointmentStatus(models.TextChoices):
    REQUESTED = "requested", "申請中"
    ACTIVE = "active", "委嘱中"
    REFUSED = "refused", "委嘱不可"
    REVOKED = "revoked", "委嘱取消"


class RevokeReason(models.TextChoices):
    # R-PPL-8 (別紙4 8, 別紙5 6)
    FALSE_REPORT = "false_report", "加入勧奨状況報告書における虚偽報告"
    CONFIDENTIALITY = "confidentiality", "守秘義務違反"
    UNABLE = "unable", "その他、業務を確実に実施できないと認められる"


class Appointment(models.Model):
    """An appointment (委嘱) of a person to a role at a branch for one fiscal year (R-PPL-1)."""

    # Allowed status changes; Appointment.set_status enforces them.
    TRANSITIONS = {
        AppointmentStatus.REQUESTED: {AppointmentStatus.ACTIVE, AppointmentStatus.REFUSED},
        AppointmentStatus.ACTIVE: {AppointmentStatus.REVOKED},
        AppointmentStatus.REFUSED: set(),
        AppointmentStatus.REVOKED: set(),
    }

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, verbose_name="氏名", related_name="appointments"
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, verbose_name="配置支部", related_name="appointments"
    )
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, verbose_name="年度")
    role = models.CharField("区分", max_length=20, choices=AppointmentRole.choices)
    status = models.CharField(
        "状態", max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.REQUESTED
    )
    # R-PPL-7 and 別紙4 3: the conditions HQ checks before appointing.
    has_expertise = models.BooleanField("労働保険制度等の専門的知識を有する", default=False)
    declared_no_violation = models.BooleanField("過去に労働保険関係法令の違反がない（申告）", default=False)
    pledge_signed_on = models.DateField("誓約書の提出日", null=True, blank=True)
    is_representative = models.BooleanField(
        "支部の代表促進員", default=False, help_text="本部との連絡調整を担います"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申請者"
    )
    requested_at = models.DateTimeField("申請日時", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="決定者",
    )
    appointed_on = models.DateField("委嘱日", null=True, blank=True)
    refusal_reason = models.TextField("委嘱できない理由", blank=True)
    revoked_on = models.DateField("取消日", null=True, blank=True)
    revoke_reason = models.CharField("取消理由", max_length=20, choices=RevokeReason.choices, blank=True)
    revoke_note = models.TextField("取消の詳細", blank=True)

    scope = Scope(branch="branch", assignee="person__user")

    class Meta:
        ordering = ["-fiscal_year__year", "branch__prefecture__code", "role", "person__full_name_kana"]
        verbose_name = verbose_name_plural = "委嘱"
        constraints = [
            # One live appointment per person, year and role; refused requests may be made again.
            models.UniqueConstraint(
                fields=["person", "fiscal_year", "role"],
                condition=~Q(status="refused"),
                name="one_appointment_per_person_year_role",
            ),
            models.UniqueConstraint(
                fields=["branch", "fiscal_year"],
                condition=Q(is_representative=True, status="active"),
                name="one_representative_per_branch_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year.label} {self.get_role_display()} {self.person.full_name}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.branch_id}

    @property
    def title(self) -> str:
        return APPOINTMENT_TITLES[AppointmentRole(self.role)]

    @property
    def term_start(self) -> datetime.date:
        return max(self.fiscal_year.start, self.appointed_on or self.fiscal_year.start)

    @property
    def term_end(self) -> datetime.date:
        return self.revoked_on or self.fiscal_year.end

    @property
    def number(self) -> str:
        """The number printed on letters and ID cards: year, prefecture, sequence."""
        return f"{self.fiscal_year.year}-{self.branch.prefecture.code}-{self.pk:06d}"

    def set_status(self, status: str) -> None:
        if status not in self.TRANSITIONS[AppointmentStatus(self.status)]:
            raise MoveRefused.between(dict(AppointmentStatus.choices), self.status, status)
        self.status = status


class CoordinatorAllocation(models.Model):
    """How many coordinators a branch is allocated in a fiscal year (R-PPL-2)."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, verbose_name="支部")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, verbose_name="年度")
    count = models.PositiveSmallIntegerField("配置人数")

    scope = Scope(branch="branch", writers=frozenset({Role.HQ_ADMIN, Role.HQ_STAFF}))

    class Meta:
        verbose_name = verbose_name_plural = "促進員配置人数"
        constraints = [
            models.UniqueConstraint(fields=["branch", "fiscal_year"], name="one_allocation_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.fiscal_year.label} {self.count}人"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.branch_id}


class CoordinatorTerms(models.Model):
    """A fiscal year's terms for coordinators: daily rate and days a month (R-PPL-3, R-FEE-3)."""

    fiscal_year = models.OneToOneField(FiscalYear, on_delete=models.PROTECT, verbose_name="年度")
    daily_rate = models.PositiveIntegerField("日額（円）", default=9200)
    monthly_day_limit = models.PositiveSmallIntegerField("月稼動日数の上限", default=15)

    scope = Scope(branch=None, writers=frozenset({Role.HQ_ADMIN}))

    class Meta:
        verbose_name = verbose_name_plural = "促進員の勤務条件"

    def __str__(self) -> str:
        return f"{self.fiscal_year.label} 日額{self.daily_rate:,}円・月{self.monthly_day_limit}日"


class WorkDay(models.Model):
    """A day a coordinator worked, marked by branch staff (R-PPL-3)."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, related_name="work_days", verbose_name="委嘱"
    )
    day = models.DateField("稼動日")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # D-7: a second person confirms a month's days before they are paid; neither the coordinator nor
    # whoever marked a day may confirm it.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField("確認日時", null=True, blank=True)

    scope = Scope(branch="appointment__branch", assignee="appointment__person__user")

    class Meta:
        ordering = ["day"]
        verbose_name = verbose_name_plural = "促進員の稼動日"
        constraints = [models.UniqueConstraint(fields=["appointment", "day"], name="one_work_day_per_day")]

    def __str__(self) -> str:
        return f"{self.appointment.person} {wareki.format_date(self.day)}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.appointment.branch_id}


class AccountType(models.TextChoices):
    ORDINARY = "1", "普通"
    CURRENT = "2", "当座"
    SAVINGS = "4", "貯蓄"


class BankAccount(models.Model):
    """The account a payee's fees or pay are transferred to (R-FEE-6)."""

    person = models.OneToOneField(
        Person, on_delete=models.PROTECT, related_name="bank_account", verbose_name="人員"
    )
    bank_code = models.CharField("金融機関コード", max_length=4)
    bank_name = models.CharField("金融機関名", max_length=60)
    branch_code = models.CharField("支店コード", max_length=3)
    branch_name = models.CharField("支店名", max_length=60)
    account_type = models.CharField(
        "預金種目", max_length=1, choices=AccountType.choices, default=AccountType.ORDINARY
    )
    account_number = models.CharField("口座番号", max_length=7)
    holder_kana = models.CharField("口座名義（半角カナ）", max_length=30)

    scope = Scope(branch="person__branch", assignee="person__user")

    class Meta:
        verbose_name = verbose_name_plural = "振込口座"

    def __str__(self) -> str:
        return f"{self.bank_name} {self.branch_name} {self.get_account_type_display()} {self.masked_number}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.person.branch_id}

    @property
    def masked_number(self) -> str:
        return mask_account_number(self.account_number)
