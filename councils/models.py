"""Councils with the labour bureau, the division of each year's roster, handovers and the outreach plan (R-CNL-1 … R-CNL-6)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from kit import tracked, versions
from kit.files import StoredFile
from lib import wareki
from org.models import Branch, FiscalYear
from org.scope import Scope
from roster.models import Business, RosterEntry


class MeetingNumber(models.TextChoices):
    FIRST = "1", "第1回"
    SECOND = "2", "第2回"
    THIRD = "3", "第3回"
    EXTRA = "extra", "随時"


class Counterpart(models.TextChoices):
    BUREAU = "bureau", "都道府県労働局"
    # R-CNL-6: local councils that complement the bureau's.
    INSPECTION_OFFICE = "inspection_office", "労働基準監督署"
    EMPLOYMENT_OFFICE = "employment_office", "公共職業安定所"


# R-CNL-1 (別紙6 2(2)): the month each regular council is held by, as (month, day, year offset from
# the fiscal year's first calendar year). Council ① slips to "as early as possible" after April,
# but a branch without it by 30 April is flagged.
DEADLINES = {
    MeetingNumber.FIRST: (4, 30, 0),
    MeetingNumber.SECOND: (9, 30, 0),
    MeetingNumber.THIRD: (3, 31, 1),
}


def deadline(number: str, fiscal_year: FiscalYear) -> datetime.date:
    month, day, offset = DEADLINES[MeetingNumber(number)]
    return datetime.date(fiscal_year.year + offset, month, day)


class CouncilMeeting(tracked.Tracked, versions.Versioned):
    """One council meeting (労働保険の未手続事業一掃対策に係る協議会) of a branch with the bureau (R-CNL-1, R-CNL-2)."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, verbose_name="支部", related_name="councils")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, verbose_name="年度")
    number = models.CharField("回", max_length=10, choices=MeetingNumber.choices)
    counterpart = models.CharField(
        "相手方", max_length=20, choices=Counterpart.choices, default=Counterpart.BUREAU
    )
    # A local council (R-CNL-6) is held with one office of the prefecture's bureau.
    inspection_office = models.ForeignKey(
        "org.InspectionOffice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="労働基準監督署",
    )
    employment_office = models.ForeignKey(
        "org.EmploymentOffice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="公共職業安定所",
    )
    planned_on = models.DateField("開催予定日")
    held_on = models.DateField("開催日", null=True, blank=True)
    venue = models.CharField("会場", max_length=100, blank=True)
    bureau_members = models.TextField(
        "出席者（労働局等）",
        blank=True,
        help_text="総務部（労働保険徴収部）長、適用主務課室長 など。1行に1人。",
    )
    branch_members = models.TextField(
        "出席者（支部）", blank=True, help_text="会長、役員、促進員、推進員 など。1行に1人。"
    )
    agenda = models.TextField("議題", blank=True)
    minutes = models.TextField("議事録", blank=True)
    decisions = models.TextField("決定事項", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scope = Scope(branch="branch")

    class Meta:
        ordering = ["-fiscal_year__year", "branch__prefecture__code", "planned_on", "pk"]
        verbose_name = verbose_name_plural = "協議会"
        constraints = [
            # ①②③ once a year per branch with the bureau; extra and local meetings as often as needed.
            models.UniqueConstraint(
                fields=["branch", "fiscal_year", "number"],
                condition=~Q(number="extra") & Q(counterpart="bureau"),
                name="one_regular_council_per_year",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_additional_data(self) -> dict:
        return {"branch_id": self.branch_id}

    @property
    def title(self) -> str:
        name = (
            "協議会"
            if self.counterpart == Counterpart.BUREAU
            else f"{self.get_counterpart_display()}との協議会"
        )
        return f"{self.get_number_display()}{name}"

    @property
    def reference(self) -> str:
        """How the meeting is cited on a fixed division: 令和8年度 第1回協議会（令和8年4月20日）."""
        day = self.held_on or self.planned_on
        held = wareki.format_date(day) if self.held_on else f"{wareki.format_date(day)}予定"
        return f"{self.fiscal_year.label} {self.title}（{held}）"


class CouncilFile(StoredFile):
    """A paper of the meeting (agenda, minutes, handouts), stored outside the web root (kit.files)."""

    FOLDER = "councils"

    meeting = models.ForeignKey(CouncilMeeting, on_delete=models.PROTECT, related_name="files")

    scope = Scope(branch="meeting__branch")

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = verbose_name_plural = "協議会の添付ファイル"

    def __str__(self) -> str:
        return self.filename

    def get_additional_data(self) -> dict:
        return {"branch_id": self.meeting.branch_id}


class Side(models.TextChoices):
    """Who takes a business for the year (役割分担, R-CNL-3)."""

    BRANCH = "branch", "支部（加入勧奨）"
    BUREAU = "bureau_guidance", "労働局（手続指導）"


class Allocation(models.Model):
    """The side a business on a year's roster was given; fixed once a council decides (R-CNL-3, R-CNL-4)."""

    entry = models.OneToOneField(RosterEntry, on_delete=models.PROTECT, related_name="allocation")
    side = models.CharField("分担", max_length=20, choices=Side.choices)
    basis = models.CharField("分担の根拠", max_length=100)
    # Set when the council decides; from then on a change needs a reason (AllocationChange).
    meeting = models.ForeignKey(
        CouncilMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
        verbose_name="決定した協議会",
    )
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField("更新日時")

    scope = Scope(branch="entry__business__branch")

    class Meta:
        verbose_name = verbose_name_plural = "役割分担"
        indexes = [models.Index(fields=["side", "meeting"])]

    def __str__(self) -> str:
        return f"{self.entry} {self.get_side_display()}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.entry.business.branch_id}

    @property
    def is_fixed(self) -> bool:
        return self.meeting_id is not None


class AllocationChange(models.Model):
    """A change of a fixed division after the council, with its reason (R-CNL-3)."""

    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="changes")
    from_side = models.CharField("変更前", max_length=20, choices=Side.choices)
    to_side = models.CharField("変更後", max_length=20, choices=Side.choices)
    reason = models.CharField("理由", max_length=200)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField("日時")

    scope = Scope(branch="allocation__entry__business__branch")

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = verbose_name_plural = "役割分担の変更"

    def __str__(self) -> str:
        return f"{self.allocation.entry.business} {self.get_from_side_display()}→{self.get_to_side_display()}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.allocation.entry.business.branch_id}


class Handover(models.Model):
    """A hard case handed over to the bureau (困難事案の移管, R-CNL-5); the business leaves the branch's work."""

    business = models.OneToOneField(Business, on_delete=models.PROTECT, related_name="handover")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, verbose_name="年度")
    handed_over_on = models.DateField("移管日")
    reason = models.TextField("移管の理由")
    meeting = models.ForeignKey(
        CouncilMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handovers",
        verbose_name="協議した協議会",
    )
    # The bureau's office that takes the case up, when the bureau names one.
    inspection_office = models.ForeignKey(
        "org.InspectionOffice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="担当する労働基準監督署",
    )
    # The bureau's answer, recorded by the branch (the bureau has no account here).
    answer = models.TextField("労働局の回答", blank=True)
    answered_on = models.DateField("回答日", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    scope = Scope(branch="business__branch")

    class Meta:
        ordering = ["-handed_over_on", "pk"]
        verbose_name = verbose_name_plural = "困難事案の移管"

    def __str__(self) -> str:
        return f"{self.business}（{wareki.format_date(self.handed_over_on)} 移管）"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.business.branch_id}


class OutreachPlan(versions.Versioned):
    """The branch's outreach plan for the year (加入促進計画), adopted at council ① (R-CNL-3)."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, verbose_name="支部", related_name="plans")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, verbose_name="年度")
    branch_capacity = models.PositiveIntegerField(
        "支部で実施する加入勧奨の年間件数", default=0, help_text="役割分担で支部が受け持てる事業所数"
    )
    bureau_capacity = models.PositiveIntegerField(
        "労働局で実施する手続指導の年間件数", default=0, help_text="役割分担で労働局が受け持つ事業所数の目安"
    )
    adopted_at = models.ForeignKey(
        CouncilMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="策定した協議会",
    )
    note = models.TextField("備考", blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    scope = Scope(branch="branch")

    class Meta:
        verbose_name = verbose_name_plural = "加入促進計画"
        constraints = [models.UniqueConstraint(fields=["branch", "fiscal_year"], name="one_plan_per_year")]

    def __str__(self) -> str:
        return f"{self.branch} {self.fiscal_year.label} 加入促進計画"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.branch_id}


class OutreachPlanMonth(models.Model):
    """One month of the plan: businesses to visit and enrolments expected."""

    plan = models.ForeignKey(OutreachPlan, on_delete=models.CASCADE, related_name="months")
    month = models.PositiveSmallIntegerField("月")
    visits = models.PositiveIntegerField("訪問（加入勧奨）事業所数", default=0)
    enrolments = models.PositiveIntegerField("保険関係成立件数", default=0)

    scope = Scope(branch="plan__branch")

    class Meta:
        verbose_name = verbose_name_plural = "加入促進計画（月別）"
        constraints = [
            models.UniqueConstraint(fields=["plan", "month"], name="one_plan_row_per_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="plan_month_1_to_12"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.month}月"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.plan.branch_id}
