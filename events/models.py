"""Employer briefings, promoter training, founders' seminars with questionnaires, block and national
meetings (R-EVT-1 … R-EVT-4)."""

import secrets

from django.conf import settings
from django.db import models

from kit import tracked, versions
from lib import wareki
from org.models import Block, Branch, FiscalYear
from org.roles import HQ_ROLES
from org.scope import Scope
from people.models import Appointment


class EventSettings(versions.Versioned):
    """HQ's figures for a year: the briefing target as a share of businesses visited (R-EVT-1) and the
    seminar targets (R-TGT-2)."""

    fiscal_year = models.OneToOneField(FiscalYear, on_delete=models.PROTECT, verbose_name="年度")
    briefing_percent = models.PositiveSmallIntegerField(
        "説明会参加の目標（訪問事業所数に対する%）", default=20
    )
    dispatch_target = models.PositiveIntegerField("講師派遣回数の目標", default=720)
    participant_target = models.PositiveIntegerField("セミナー受講者数の目標", default=12240)

    scope = Scope(branch=None, writers=HQ_ROLES)

    class Meta:
        verbose_name = verbose_name_plural = "説明会・セミナーの目標"

    def __str__(self) -> str:
        return f"{self.fiscal_year.label}の目標"

    @classmethod
    def of(cls, fiscal_year: FiscalYear) -> "EventSettings":
        """The year's settings; the seeds' figures until HQ changes them."""
        return cls.objects.filter(fiscal_year=fiscal_year).first() or cls(fiscal_year=fiscal_year)


class Partner(models.TextChoices):
    ALONE = "alone", "支部単独"
    CHAMBER = "chamber", "商工会議所"
    SHOKOKAI = "shokokai", "商工会"
    MUNICIPALITY = "municipality", "市区町村"
    BUREAU = "bureau", "労働局・監督署・安定所"
    OTHER = "other", "その他の団体"


class Briefing(tracked.Tracked, versions.Versioned):
    """An employer briefing (事業主説明会), planned then held (R-EVT-1)."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+", verbose_name="支部")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, verbose_name="年度")
    title = models.CharField("名称", max_length=100)
    planned_on = models.DateField("開催予定日")
    held_on = models.DateField("開催日", null=True, blank=True)
    partner = models.CharField("共催", max_length=20, choices=Partner.choices, default=Partner.ALONE)
    partner_name = models.CharField("共催団体名", max_length=100, blank=True)
    venue = models.CharField("会場", max_length=200)
    presenter = models.CharField("説明者（所属・氏名）", max_length=200)
    materials = models.TextField("資料", blank=True, help_text="本部作成のパンフレット等")
    notes = models.TextField("備考", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    scope = Scope(branch="branch")

    class Meta:
        ordering = ["-planned_on", "-pk"]
        verbose_name = verbose_name_plural = "事業主説明会"

    def __str__(self) -> str:
        return f"{self.title}（{wareki.format_date(self.planned_on)}）"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.branch_id}


class BriefingAttendance(models.Model):
    """A business that attended a briefing; linked to the roster where it is on it."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="attendees")
    business = models.ForeignKey(
        "roster.Business",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="briefings_attended",
        verbose_name="名簿の事業所",
    )
    name = models.CharField("事業所名", max_length=200)
    people = models.PositiveSmallIntegerField("参加人数", default=1)

    scope = Scope(branch="briefing__branch")

    class Meta:
        ordering = ["pk"]
        verbose_name = verbose_name_plural = "説明会の参加事業所"
        constraints = [
            models.UniqueConstraint(
                fields=["briefing", "business"],
                condition=models.Q(business__isnull=False),
                name="business_attends_a_briefing_once",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        return {"branch_id": self.briefing.branch_id}


class TrainingFormat(models.TextChoices):
    LECTURE = "lecture", "講義"
    GROUP_WORK = "group_work", "グループ討議"
    ROLE_PLAY = "role_play", "ロールプレイ"


class TrainingLevel(models.TextChoices):
    ALL = "all", "全員"
    NEW = "new", "新任者"
    EXPERIENCED = "experienced", "経験者"


class Training(tracked.Tracked, versions.Versioned):
    """A promoter training session (研修), held between April and September (R-EVT-2)."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+", verbose_name="支部")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, verbose_name="年度")
    held_on = models.DateField("実施日")
    # A session after September for those who missed the season's: kept, and marked.
    makeup = models.BooleanField(
        "期間外の補講", default=False, help_text="10月以降に、受講できなかった推進員のために行う研修"
    )
    venue = models.CharField("会場", max_length=200)
    formats = models.JSONField("形式", default=list)
    level = models.CharField("対象", max_length=20, choices=TrainingLevel.choices, default=TrainingLevel.ALL)
    lecturers = models.TextField("講師（所属・氏名）")
    topics = models.TextField("研修内容")
    notes = models.TextField("備考", blank=True)
    attendees = models.ManyToManyField(
        Appointment, through="TrainingAttendance", related_name="trainings", verbose_name="受講者"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    scope = Scope(branch="branch")

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = verbose_name_plural = "推進員研修"

    def __str__(self) -> str:
        return f"{wareki.format_date(self.held_on)} {self.venue}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.branch_id}

    @property
    def format_labels(self) -> str:
        return "・".join(TrainingFormat(f).label for f in self.formats)


class TrainingAttendance(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="attendance")
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="+")

    scope = Scope(branch="training__branch")

    class Meta:
        verbose_name = verbose_name_plural = "研修の受講"
        constraints = [
            models.UniqueConstraint(fields=["training", "appointment"], name="attends_a_training_once")
        ]

    def __str__(self) -> str:
        return f"{self.training} {self.appointment}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.training.branch_id}


class DispatchKind(models.TextChoices):
    SEMINAR = "seminar", "起業者向けセミナー"
    CONSULTATION = "consultation", "個別相談会"


def _token() -> str:
    return secrets.token_urlsafe(16)


class Dispatch(tracked.Tracked, versions.Versioned):
    """A lecturer sent to a founders' seminar or a consultation session (講師派遣, R-EVT-4), by HQ
    (no branch) or a branch; its questionnaire is answered through a secret link."""

    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="派遣元の支部"
    )
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, verbose_name="年度")
    kind = models.CharField("区分", max_length=20, choices=DispatchKind.choices, default=DispatchKind.SEMINAR)
    title = models.CharField("セミナー名", max_length=200)
    organiser = models.CharField("主催者", max_length=200, help_text="商工会議所、商工会、自治体など")
    held_on = models.DateField("開催日")
    place = models.CharField("会場", max_length=200)
    lecturer = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, related_name="dispatches", verbose_name="講師"
    )
    participants = models.PositiveIntegerField("受講者数（相談件数）", default=0)
    token = models.CharField(max_length=32, unique=True, default=_token, editable=False)
    questionnaire_open = models.BooleanField("アンケートを受け付ける", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    scope = Scope(branch="branch", assignee="lecturer__person__user")

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = verbose_name_plural = "講師派遣"

    def __str__(self) -> str:
        return f"{self.title}（{wareki.format_date(self.held_on)}）"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.branch_id}

    @property
    def organised_by(self) -> str:
        return self.branch.name if self.branch is not None else "本部"


class SeminarReport(versions.Versioned):
    """The lecturer's report of a seminar or consultation (実施報告書)."""

    dispatch = models.OneToOneField(Dispatch, on_delete=models.CASCADE, related_name="report")
    participants = models.PositiveIntegerField("受講者数（相談件数）")
    content = models.TextField("実施内容")
    reactions = models.TextField("受講者の反応・質問", blank=True)
    requests = models.TextField("課題・要望", blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField("作成日時", auto_now=True)

    scope = Scope(branch="dispatch__branch", assignee="dispatch__lecturer__person__user")

    class Meta:
        verbose_name = verbose_name_plural = "セミナー実施報告書"

    def __str__(self) -> str:
        return f"{self.dispatch}の実施報告書"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.dispatch.branch_id}


class QuestionKind(models.TextChoices):
    ONE = "one", "一つ選ぶ"
    MANY = "many", "いくつでも選ぶ"
    TEXT = "text", "自由記述"


class Question(versions.Versioned):
    """One question of a year's seminar questionnaire (アンケート), edited by HQ."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, verbose_name="年度")
    order = models.PositiveSmallIntegerField("順番", default=1)
    text = models.CharField("質問", max_length=200)
    kind = models.CharField("回答の形", max_length=10, choices=QuestionKind.choices, default=QuestionKind.ONE)
    choices = models.JSONField("選択肢", default=list, blank=True)
    required = models.BooleanField("回答必須", default=False)

    scope = Scope(branch=None, writers=HQ_ROLES)

    class Meta:
        ordering = ["fiscal_year", "order", "pk"]
        verbose_name = verbose_name_plural = "アンケートの質問"

    def __str__(self) -> str:
        return self.text


class Response(models.Model):
    """One participant's answers, kept without personal data; one per device and seminar."""

    dispatch = models.ForeignKey(Dispatch, on_delete=models.PROTECT, related_name="responses")
    device = models.CharField(max_length=64)  # a random id the browser keeps, hashed
    answers = models.JSONField(default=dict)  # question id → choice(s) or text
    answered_at = models.DateTimeField(auto_now_add=True)

    scope = Scope(branch="dispatch__branch", writers=frozenset())

    class Meta:
        verbose_name = verbose_name_plural = "アンケートの回答"
        constraints = [models.UniqueConstraint(fields=["dispatch", "device"], name="one_answer_per_device")]

    def __str__(self) -> str:
        return f"{self.dispatch}の回答"


class MeetingKind(models.TextChoices):
    BLOCK = "block", "ブロック会議"
    NATIONAL = "national", "全国会議"


class Meeting(versions.Versioned):
    """A block meeting (September–October) or the national meeting (13 November) (R-EVT-3)."""

    kind = models.CharField("区分", max_length=20, choices=MeetingKind.choices)
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, verbose_name="年度")
    block = models.ForeignKey(
        Block, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="ブロック"
    )
    held_on = models.DateField("開催日")
    venue = models.CharField("会場", max_length=200)
    participants = models.TextField("出席者", help_text="厚生労働省・労働局・支部など")
    agenda = models.TextField("議題")
    minutes = models.TextField("議事録", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    # Every branch reads the meetings; HQ keeps them.
    scope = Scope(branch=None, writers=HQ_ROLES)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = verbose_name_plural = "ブロック会議・全国会議"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="block", block__isnull=False)
                | models.Q(kind="national", block__isnull=True),
                name="block_meeting_has_a_block",
            )
        ]

    def __str__(self) -> str:
        where = self.block.name if self.block is not None else "全国"
        return f"{self.get_kind_display()}（{where}・{wareki.format_date(self.held_on)}）"


class IssueStatus(models.TextChoices):
    OPEN = "open", "対応中"
    DONE = "done", "対応済"


class MeetingIssue(versions.Versioned):
    """An issue a branch raised at a meeting, and HQ's follow-up."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="issues")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+", verbose_name="支部")
    issue = models.TextField("課題・要望")
    follow_up = models.TextField("本部の対応", blank=True)
    status = models.CharField("状況", max_length=10, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    scope = Scope(branch="branch", writers=HQ_ROLES)

    class Meta:
        ordering = ["status", "branch__prefecture__code", "pk"]
        verbose_name = verbose_name_plural = "会議で出された課題"

    def __str__(self) -> str:
        return f"{self.branch.name}：{self.issue[:20]}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.branch_id}
