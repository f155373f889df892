"""The federation's own workers' accident insurance (労保連労働災害保険, R-INS-1): member associations
registered as agents, their licensed staff, premium income per agent and month, and HQ's audits of
agents by document review."""

from django.conf import settings
from django.db import models

from kit import versions
from kit.files import StoredFile
from lib import wareki
from org.models import Association, FiscalYear
from org.roles import HQ_ROLES
from org.scope import Scope


class Agent(models.Model):
    """A member association registered as an agent (代理店登録会員事務組合, 取扱事務組合)."""

    association = models.OneToOneField(
        Association, on_delete=models.PROTECT, related_name="agent", verbose_name="事務組合"
    )
    code = models.CharField("代理店コード", max_length=20, unique=True)
    registered_on = models.DateField("代理店登録日")
    ended_on = models.DateField("登録抹消日", null=True, blank=True)

    # A branch reads its own agents; HQ registers them (the insurer's contract is HQ's).
    scope = Scope(branch="association__branch", writers=HQ_ROLES)

    class Meta:
        ordering = ["association__branch__prefecture__code", "code"]
        verbose_name = verbose_name_plural = "代理店（取扱事務組合）"

    def __str__(self) -> str:
        return f"{self.association.name}（{self.code}）"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.association.branch_id}


class LicensedStaff(models.Model):
    """A person of the agent registered to sell the insurance (保険募集人)."""

    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="staff", verbose_name="代理店")
    name = models.CharField("氏名", max_length=60)
    registration_number = models.CharField("募集人登録番号", max_length=30, blank=True)
    registered_on = models.DateField("登録日")
    ended_on = models.DateField("登録抹消日", null=True, blank=True)

    scope = Scope(branch="agent__association__branch", writers=HQ_ROLES)

    class Meta:
        ordering = ["agent", "name"]
        verbose_name = verbose_name_plural = "保険募集人"

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        return {"branch_id": self.agent.association.branch_id}


class PremiumStatement(models.Model):
    """One monthly statement from the insurer, imported once (its file's hash is unique)."""

    filename = models.CharField("ファイル名", max_length=200)
    digest = models.CharField("ファイルのSHA-256", max_length=64, unique=True)
    rows = models.PositiveIntegerField("行数")
    total = models.PositiveBigIntegerField("保険料の合計（円）")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField("取込日時", auto_now_add=True)

    scope = Scope(branch=None, writers=HQ_ROLES)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = verbose_name_plural = "保険料の月次明細"

    def __str__(self) -> str:
        return self.filename


class PremiumIncome(models.Model):
    """Premium income of one agent in one month, in whole yen: from a statement or entered by HQ.
    One figure per agent and month, so a statement imported again changes nothing."""

    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="premiums", verbose_name="代理店")
    month = models.DateField("対象年月", help_text="月の1日")
    amount = models.PositiveBigIntegerField("保険料（円）")
    statement = models.ForeignKey(
        PremiumStatement, on_delete=models.PROTECT, null=True, blank=True, related_name="incomes"
    )
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    scope = Scope(branch="agent__association__branch", writers=HQ_ROLES)

    class Meta:
        ordering = ["-month", "agent"]
        verbose_name = verbose_name_plural = "保険料収入"
        constraints = [models.UniqueConstraint(fields=["agent", "month"], name="one_premium_per_agent_month")]

    def __str__(self) -> str:
        return f"{self.agent} {wareki.year_month(self.month)} {self.amount:,}円"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.agent.association.branch_id}


class ChecklistItem(models.Model):
    """One question of the year's document review (書面点検), as HQ writes it."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, verbose_name="年度")
    number = models.PositiveSmallIntegerField("番号")
    text = models.CharField("点検項目", max_length=300)

    scope = Scope(branch=None, writers=HQ_ROLES)

    class Meta:
        ordering = ["fiscal_year", "number"]
        verbose_name = verbose_name_plural = "代理店監査の点検項目"
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "number"], name="one_item_per_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class AuditStatus(models.TextChoices):
    SENT = "sent", "点検票送付済"
    ANSWERED = "answered", "回答受領"
    FINDINGS = "findings", "指摘事項の是正中"
    CLOSED = "closed", "完了"


class AgentAudit(versions.Versioned):
    """HQ's audit of one agent by document review (代理店監査・書面点検, R-INS-1): the checklist
    sent, the agent's answers and documents, findings tracked to closure."""

    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="audits", verbose_name="代理店")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, verbose_name="年度")
    sent_on = models.DateField("点検票の送付日")
    answer_due = models.DateField("回答期限")
    answered_on = models.DateField("回答受領日", null=True, blank=True)
    closed_on = models.DateField("完了日", null=True, blank=True)
    status = models.CharField("状況", max_length=20, choices=AuditStatus.choices, default=AuditStatus.SENT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    # HQ audits; the agent's branch reads the audit of its agent.
    scope = Scope(branch="agent__association__branch", writers=HQ_ROLES)

    class Meta:
        ordering = ["-fiscal_year__year", "agent"]
        verbose_name = verbose_name_plural = "代理店監査"
        constraints = [
            models.UniqueConstraint(fields=["agent", "fiscal_year"], name="one_audit_per_agent_year")
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year.label} {self.agent}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.agent.association.branch_id}


class Answer(models.TextChoices):
    YES = "yes", "適"
    NO = "no", "否"
    NOT_APPLICABLE = "na", "該当なし"


class AuditAnswer(models.Model):
    audit = models.ForeignKey(AgentAudit, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField("回答", max_length=10, choices=Answer.choices)
    comment = models.TextField("補足", blank=True)

    scope = Scope(branch="audit__agent__association__branch", writers=HQ_ROLES)

    class Meta:
        ordering = ["audit", "item__number"]
        verbose_name = verbose_name_plural = "点検票の回答"
        constraints = [models.UniqueConstraint(fields=["audit", "item"], name="one_answer_per_item")]

    def __str__(self) -> str:
        return f"{self.item.number}: {self.get_answer_display()}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.audit.agent.association.branch_id}


class Finding(models.Model):
    """A finding of the review and the corrective action asked for, open until HQ confirms it."""

    audit = models.ForeignKey(AgentAudit, on_delete=models.PROTECT, related_name="findings")
    description = models.TextField("指摘事項")
    action = models.TextField("求める是正措置")
    due_on = models.DateField("是正期限")
    corrected = models.TextField("是正の内容（代理店の報告）", blank=True)
    closed_on = models.DateField("是正確認日", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope = Scope(branch="audit__agent__association__branch", writers=HQ_ROLES)

    class Meta:
        ordering = ["audit", "due_on", "pk"]
        verbose_name = verbose_name_plural = "監査の指摘事項"

    def __str__(self) -> str:
        return self.description[:40]

    def get_additional_data(self) -> dict:
        return {"branch_id": self.audit.agent.association.branch_id}


class AuditDocument(StoredFile):
    """A document the agent sent with its answers (books, receipts, registers), kept outside the
    web root and served only as a download (kit.files)."""

    FOLDER = "agent_audits"

    audit = models.ForeignKey(AgentAudit, on_delete=models.PROTECT, related_name="documents")

    scope = Scope(branch="audit__agent__association__branch", writers=HQ_ROLES)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = verbose_name_plural = "代理店監査の提出書類"

    def __str__(self) -> str:
        return self.filename

    def get_additional_data(self) -> dict:
        return {"branch_id": self.audit.agent.association.branch_id}


class Program(models.TextChoices):
    """The federation's other programs whose progress is tracked (R-INS-2)."""

    RETIREMENT_ASSOCIATIONS = "retirement_associations", "中退共の復託契約会員事務組合"
    RETIREMENT_ENROLMENTS = "retirement_enrolments", "中退共の新規加入者"
    PENSION_MEMBERS = "pension_members", "労保連年金共済の新規積立者"
    PUBLICATION_COPIES = "publication_copies", "情報誌・手引の頒布部数"
    AWARDS = "awards", "優良会員事務組合等の表彰"


class ProgramRecord(models.Model):
    """A branch's figure of one program for one month, as the branch reports it (R-INS-2)."""

    branch = models.ForeignKey("org.Branch", on_delete=models.PROTECT, related_name="+", verbose_name="支部")
    program = models.CharField("事業", max_length=30, choices=Program.choices)
    month = models.DateField("対象年月", help_text="月の1日")
    value = models.PositiveIntegerField("実績")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    scope = Scope(branch="branch")

    class Meta:
        ordering = ["branch", "program", "month"]
        verbose_name = verbose_name_plural = "その他の事業の実績"
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "program", "month"], name="one_program_figure_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.get_program_display()} {wareki.year_month(self.month)} {self.value}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.branch_id}
