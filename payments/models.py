"""The fee rules of each fiscal year (R-FEE-1 … R-FEE-3), set by HQ."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from fieldwork.models import EnrolmentKind, Method
from kit import tracked, versions
from lib import fiscal, wareki
from org.models import FiscalYear
from org.roles import Role
from org.scope import Scope
from org.workflow import Workflow
from payments.rules import tax_part


class CapScope(models.TextChoices):
    FISCAL_YEAR = "fiscal_year", "年度ごと（翌年度に名簿へ繰り越した事業所は再び対象）"
    LIFETIME = "lifetime", "事業所ごとに通算"


class FeeRules(versions.Versioned):
    """A year's visit fee, paid visits per business, paid contact methods, success fees and tax rate."""

    fiscal_year = models.OneToOneField(
        FiscalYear, on_delete=models.PROTECT, verbose_name="年度", related_name="fee_rules"
    )
    visit_fee = models.PositiveIntegerField("調査説明費（1事業所1回・税込）")
    paid_visits_per_business = models.PositiveSmallIntegerField(
        "調査説明費を支給する訪問回数（1事業所あたり）",
        default=2,
        validators=[MinValueValidator(1, "1回以上を入力してください。"), MaxValueValidator(10)],
    )
    # D-1: the cap counts within one fiscal year by default; a year may count over the business's life.
    visit_cap_scope = models.CharField(
        "訪問回数の上限を数える期間",
        max_length=20,
        choices=CapScope.choices,
        default=CapScope.FISCAL_YEAR,
    )
    # D-3: nobody met, nothing explained: no visit fee unless the year says otherwise.
    pays_absent_visits = models.BooleanField(
        "不在（面談できず）の訪問にも調査説明費を支給する", default=False
    )
    # R-VIS-2: direct visits only in the seeds; an emergency year may allow others.
    paid_methods = models.JSONField("調査説明費の対象となる方法", default=list)
    success_unified_both = models.PositiveIntegerField("成功報酬費 一元適用事業・両保険（税込）")
    success_unified_rousai = models.PositiveIntegerField("成功報酬費 一元適用事業・労災保険（税込）")
    success_unified_koyou = models.PositiveIntegerField("成功報酬費 一元適用事業・雇用保険（税込）")
    success_split_rousai = models.PositiveIntegerField("成功報酬費 二元適用事業・労災保険（税込）")
    success_split_koyou = models.PositiveIntegerField("成功報酬費 二元適用事業・雇用保険（税込）")
    tax_rate_percent = models.PositiveSmallIntegerField("消費税率（%）", validators=[MaxValueValidator(100)])
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    scope = Scope(branch=None, writers=frozenset({Role.HQ_ADMIN, Role.HQ_STAFF}))

    class Meta:
        ordering = ["-fiscal_year__year"]
        verbose_name = verbose_name_plural = "加入勧奨推進費の支給基準"

    def __str__(self) -> str:
        return f"{self.fiscal_year.label} 支給基準"

    def success_fee(self, kind: str) -> int:
        """R-FEE-2: the success fee of an enrolment kind."""
        return getattr(self, f"success_{EnrolmentKind(kind).value}")

    def pays_visit(self, method: str) -> bool:
        return method in self.paid_methods

    @property
    def cap_label(self) -> str:
        """How the cap reads on screens and in reasons: 年度内2回 / 通算2回."""
        per = "年度内" if self.visit_cap_scope == CapScope.FISCAL_YEAR else "通算"
        return f"{per}{self.paid_visits_per_business}回"

    def tax(self, amount_incl_tax: int) -> int:
        return tax_part(amount_incl_tax, self.tax_rate_percent)

    @property
    def tax_parts(self) -> dict:
        return {"visit": self.tax(self.visit_fee)}

    @property
    def success_rows(self) -> list[tuple[str, int, int]]:
        """(kind, tax-inclusive fee, its tax) for the five kinds of R-ENR-1."""
        return [
            (kind.label, self.success_fee(kind), self.tax(self.success_fee(kind))) for kind in EnrolmentKind
        ]

    @property
    def paid_method_labels(self) -> list[str]:
        return [Method(m).label for m in self.paid_methods if m in Method.values]


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", "作成中"
    SUBMITTED = "submitted", "申請済（支部審査待ち）"
    SENT = "sent", "支部審査済（本部へ送付）"
    DECIDED = "decided", "本部審査済"


class FeeClaim(Workflow, tracked.Tracked):
    """A promoter's monthly claim (労働保険調査説明費・成功報酬費支給申請書, R-FEE-4)."""

    # Built and rebuilt as a draft, submitted by the promoter, sent on by the branch, decided by HQ.
    TRANSITIONS = {
        ClaimStatus.DRAFT: {ClaimStatus.SUBMITTED},
        ClaimStatus.SUBMITTED: {ClaimStatus.SENT},
        ClaimStatus.SENT: {ClaimStatus.DECIDED},
        ClaimStatus.DECIDED: set(),
    }

    appointment = models.ForeignKey(
        "people.Appointment", on_delete=models.PROTECT, related_name="claims", verbose_name="推進員"
    )
    month = models.DateField("対象月")  # the first day of the month
    rules = models.ForeignKey(
        FeeRules, on_delete=models.PROTECT, related_name="claims", verbose_name="支給基準"
    )
    status = models.CharField("状態", max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT)
    submitted_at = models.DateTimeField("申請日時", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField("本部への送付日時", null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope = Scope(branch="appointment__branch", assignee="appointment__person__user")

    class Meta:
        ordering = ["-month", "appointment__person__full_name_kana"]
        verbose_name = verbose_name_plural = "支給申請"
        constraints = [models.UniqueConstraint(fields=["appointment", "month"], name="one_claim_per_month")]

    def __str__(self) -> str:
        return f"{wareki.year_month(self.month)} {self.appointment.person}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.appointment.branch_id}

    @property
    def submit_by(self) -> datetime.date:
        """R-FEE-4: a month's claim reaches the branch by the month's last day."""
        following = datetime.date(self.month.year + self.month.month // 12, self.month.month % 12 + 1, 1)
        return following - datetime.timedelta(days=1)

    @property
    def send_by(self) -> datetime.date:
        """R-FEE-5: the branch sends a month's claims to HQ by the 7th of the next month; March's by
        31 March, so that they stay in their own fiscal year."""
        if self.month.month == 3:
            return self.month.replace(day=31)
        return datetime.date(self.month.year + self.month.month // 12, self.month.month % 12 + 1, 7)

    @property
    def is_draft(self) -> bool:
        """Still the promoter's: rebuilt from the records and submitted by them."""
        return self.can_move_to(ClaimStatus.SUBMITTED)

    @property
    def in_branch_review(self) -> bool:
        return self.can_move_to(ClaimStatus.SENT)

    @property
    def in_hq_review(self) -> bool:
        return self.can_move_to(ClaimStatus.DECIDED)

    @property
    def is_overdue_at_branch(self) -> bool:
        """Waiting at the branch past the sending deadline, or sent to HQ after it (R-FEE-5)."""
        if self.in_branch_review:
            return timezone.localdate() > self.send_by
        if self.in_hq_review:
            return timezone.localtime(self.sent_at).date() > self.send_by
        return False

    @property
    def is_late(self) -> bool:
        submitted = (
            timezone.localtime(self.submitted_at).date() if self.submitted_at else timezone.localdate()
        )
        return submitted > self.submit_by

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines.all())

    @property
    def tax_total(self) -> int:
        return sum(line.tax for line in self.lines.all())


class Decision(models.TextChoices):
    PENDING = "pending", "未審査"
    ACCEPTED = "accepted", "承認"
    REJECTED = "rejected", "差戻し"


class ClaimLine(models.Model):
    """One fee of a claim, or one record that earns none with the reasons why (R-FEE-1, R-FEE-2)."""

    claim = models.ForeignKey(FeeClaim, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(
        "区分", max_length=20, choices=[("visit_fee", "調査説明費"), ("success_fee", "成功報酬費")]
    )
    # The visit's or the enrolment's business, kept on the line for the caps and the lists. Its
    # integrity follows from those records' own keys, so the database checks no key of its own here:
    # that check was a third of the national run's time at commit (150,000 lines a year).
    business = models.ForeignKey(
        "roster.Business", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    visit = models.ForeignKey(
        "fieldwork.Visit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enrolment = models.ForeignKey(
        "fieldwork.Enrolment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    day = models.DateField("日付")
    # D-5: a success fee is paid at the rates of its enrolment's year, whatever the claim's month;
    # set only where that year is not the claim's (empty: the claim's rules, for nearly every line,
    # which spares the national run a key to check on each of its 150,000 lines a year).
    rules = models.ForeignKey(
        FeeRules,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="適用した支給基準（申請と異なる年度のとき）",
    )
    description = models.CharField("内容", max_length=100)
    amount = models.IntegerField("金額（税込）", default=0)
    tax = models.IntegerField("うち消費税", default=0)
    reasons = models.JSONField("対象外の理由", default=list)
    branch_decision = models.CharField(
        "支部審査", max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    branch_reason = models.CharField("支部審査の理由", max_length=200, blank=True)
    branch_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # never searched by reviewer; one index less to keep on 150,000 lines a year
    )
    branch_at = models.DateTimeField("支部審査日時", null=True, blank=True)
    hq_decision = models.CharField(
        "本部審査", max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    hq_reason = models.CharField("本部審査の理由", max_length=200, blank=True)
    hq_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # never searched by reviewer; one index less to keep on 150,000 lines a year
    )
    hq_at = models.DateTimeField("本部審査日時", null=True, blank=True)
    # A correction: the negative copy of a paid line, paid (deducted) in a later batch.
    reversal_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        verbose_name="訂正元",
    )
    # Set when a batch takes the line; the line is paid once that batch is confirmed.
    batch = models.ForeignKey(
        "PaymentBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        verbose_name="支払バッチ",
    )

    scope = Scope(branch="claim__appointment__branch", assignee="claim__appointment__person__user")

    class Meta:
        ordering = ["kind", "day", "pk"]
        verbose_name = verbose_name_plural = "支給申請の明細"
        constraints = [
            # A visit or an enrolment is claimed once while its line stands; a rejected line frees it
            # to be claimed again when fixed.
            models.UniqueConstraint(
                fields=["visit"],
                condition=models.Q(amount__gt=0)
                & ~models.Q(branch_decision="rejected")
                & ~models.Q(hq_decision="rejected"),
                name="one_live_line_per_visit",
            ),
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=models.Q(amount__gt=0)
                & ~models.Q(branch_decision="rejected")
                & ~models.Q(hq_decision="rejected"),
                name="one_live_line_per_enrolment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim} {self.get_kind_display()} {self.description}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.claim.appointment.branch_id}

    @property
    def payable(self) -> bool:
        return not self.reasons

    @property
    def is_earlier(self) -> bool:
        """A record of an earlier month that joined this claim once it became payable (D-5)."""
        return self.day < self.claim.month

    @property
    def valued_at(self) -> FeeRules:
        """The rules the line's amount follows: its record's year (D-5), usually the claim's."""
        return self.rules or self.claim.rules

    @property
    def from_earlier_year(self) -> bool:
        return self.rules_id is not None


# 区分経理 (R-FEE-7): the account each kind of payment is booked to.
ACCOUNT_CODES = {
    "visit_fee": ("A1", "未手続事業一掃業務（加入勧奨推進費）"),
    "success_fee": ("A1", "未手続事業一掃業務（加入勧奨推進費）"),
    "coordinator": ("B1", "適正加入促進業務（促進員手当）"),
}


class BatchStatus(models.TextChoices):
    DRAFT = "draft", "作成済（承認待ち）"
    APPROVED = "approved", "承認済"
    CONFIRMED = "confirmed", "支払確定"


class PaymentBatch(Workflow, tracked.Tracked):
    """A quarter's payment (R-FEE-6): approved unpaid lines and coordinators' pay, approved by a second
    person, then confirmed with its Zengin transfer file. A confirmed batch's lines are paid for good."""

    # Created, approved by a second payer (D-7), confirmed with its transfer file. Until confirmed it
    # may be cancelled (deleted: its lines wait for the next batch).
    TRANSITIONS = {
        BatchStatus.DRAFT: {BatchStatus.APPROVED},
        BatchStatus.APPROVED: {BatchStatus.CONFIRMED},
        BatchStatus.CONFIRMED: set(),
    }

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, verbose_name="年度")
    quarter = models.PositiveSmallIntegerField("四半期", validators=[MaxValueValidator(4)])
    transfer_date = models.DateField("振込日")
    status = models.CharField("状態", max_length=20, choices=BatchStatus.choices, default=BatchStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField("承認日時", null=True, blank=True)
    confirmed_at = models.DateTimeField("確定日時", null=True, blank=True)
    transfer_file = models.CharField("振込ファイル", max_length=100, blank=True)

    scope = Scope(branch=None, writers=frozenset({Role.HQ_ADMIN, Role.HQ_STAFF}))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "支払バッチ"

    def __str__(self) -> str:
        return f"{self.fiscal_year.label} 第{self.quarter}四半期（{self.get_status_display()}）"

    @property
    def can_approve(self) -> bool:
        return self.can_move_to(BatchStatus.APPROVED)

    @property
    def can_confirm(self) -> bool:
        return self.can_move_to(BatchStatus.CONFIRMED)

    @property
    def can_cancel(self) -> bool:
        """Until confirmed; a confirmed batch is corrected by negative lines in a later one."""
        return bool(self.TRANSITIONS[self.status])

    @property
    def is_confirmed(self) -> bool:
        return not self.can_cancel

    @property
    def is_paid(self) -> bool:
        """Paid once confirmed and the transfer date has come: "支払済" never shows before the money moves."""
        return self.is_confirmed and self.transfer_date <= timezone.localdate()

    @property
    def transfer_warning(self) -> str:
        """A transfer more than three months after the quarter's end is allowed (a late catch-up) but flagged."""
        last = self.months[1]
        if (self.transfer_date - last).days > 92:
            return f"振込日が第{self.quarter}四半期の末日から3か月を超えています。日付を確認してください。"
        return ""

    @property
    def covered_months(self) -> list[datetime.date]:
        """The claim months (and coordinators' months) this batch pays, for the statements."""
        months = set(self.lines.values_list("claim__month", flat=True))
        months |= set(self.coordinator_pay.values_list("month", flat=True))
        return sorted(months)

    @property
    def months(self) -> tuple[datetime.date, datetime.date]:
        """The quarter's first and last day: Q1 April–June … Q4 January–March."""
        return fiscal.quarter_range(self.fiscal_year.year, self.quarter)


class CoordinatorPay(models.Model):
    """A coordinator's pay for a month: working days × the year's daily rate (R-PPL-3), paid once."""

    appointment = models.ForeignKey("people.Appointment", on_delete=models.PROTECT, related_name="pay")
    month = models.DateField("対象月")
    days = models.PositiveSmallIntegerField("稼動日数")
    daily_rate = models.PositiveIntegerField("日額")
    amount = models.PositiveIntegerField("金額")
    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="coordinator_pay")

    scope = Scope(branch="appointment__branch", assignee="appointment__person__user")

    class Meta:
        ordering = ["month", "pk"]
        verbose_name = verbose_name_plural = "促進員手当"
        constraints = [models.UniqueConstraint(fields=["appointment", "month"], name="coordinator_paid_once")]

    def __str__(self) -> str:
        return f"{self.appointment.person} {wareki.year_month(self.month)} {self.days}日"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.appointment.branch_id}
