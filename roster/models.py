"""Businesses, the sources that listed them, their status history, and each year's roster (R-ROS-1 … R-ROS-4)."""

from typing import Any

from django.conf import settings
from django.db import models

from kit import tracked
from kit.text import fit
from lib import normalize
from org.models import Branch, FiscalYear, Prefecture
from org.roles import Role
from org.scope import Scope
from org.workflow import MoveRefused, Workflow


class BusinessStatus(models.TextChoices):
    IDENTIFIED = "identified", "把握"
    ON_ROSTER = "on_roster", "名簿登載"
    ALLOCATED = "allocated", "役割分担済"
    VISITED = "visited", "訪問済"
    ENROLLED = "enrolled", "成立"
    # D-6: enrolled in one insurance while both apply; still unregistered for the other.
    PARTIAL = "partial", "一部成立"
    REFUSED = "refused", "拒否"
    CLOSED = "closed", "廃業・移転"
    HANDED_OVER = "handed_over", "労働局へ移管"


# Bands for summarising the roster by size (協議会資料, R-CNL-3); the lower bound of each band.
SIZE_BANDS = [
    (100, "100人以上"),
    (50, "50〜99人"),
    (30, "30〜49人"),
    (10, "10〜29人"),
    (5, "5〜9人"),
    (1, "1〜4人"),
]
SIZE_UNKNOWN = "不明"


def size_band(workers: int | None) -> str:
    for lower, label in SIZE_BANDS:
        if workers is not None and workers >= lower:
            return label
    return SIZE_UNKNOWN


# Statuses in which a business still needs work from the branch (not finished, not the bureau's).
OPEN_STATUSES = ("identified", "on_roster", "allocated", "visited", "refused", "partial")


class EndReason(models.TextChoices):
    """Why a business left the worklist it was on (Business.assigned_to; its history in assignments)."""

    REASSIGNED = "reassigned", "担当替え"
    REVOKED = "revoked", "委嘱取消"
    HANDED_OVER = "handed_over", "労働局へ移管"
    RELEASED = "released", "割当の解除"
    CLOSED = "closed", "法人の閉鎖"


class Business(tracked.Tracked):
    """A business that may be unregistered (未手続事業, R-ROS-1), kept once however many lists name it."""

    # The allowed status changes; Business.set_status enforces them and keeps the history.
    TRANSITIONS = {
        BusinessStatus.IDENTIFIED: {BusinessStatus.ON_ROSTER, BusinessStatus.CLOSED, BusinessStatus.ENROLLED},
        BusinessStatus.ON_ROSTER: {
            BusinessStatus.ALLOCATED,
            # Carried-over businesses may be visited before the council fixes the year's division.
            BusinessStatus.VISITED,
            BusinessStatus.HANDED_OVER,
            BusinessStatus.CLOSED,
            BusinessStatus.ENROLLED,
            BusinessStatus.PARTIAL,
        },
        BusinessStatus.ALLOCATED: {
            BusinessStatus.VISITED,
            BusinessStatus.HANDED_OVER,
            BusinessStatus.CLOSED,
            BusinessStatus.ENROLLED,
            BusinessStatus.PARTIAL,
        },
        BusinessStatus.VISITED: {
            BusinessStatus.ENROLLED,
            BusinessStatus.PARTIAL,
            BusinessStatus.REFUSED,
            BusinessStatus.CLOSED,
            BusinessStatus.HANDED_OVER,
        },
        # A business that refused may still close (the NTA's diff says so): nobody visits it again.
        BusinessStatus.REFUSED: {
            BusinessStatus.CLOSED,
            BusinessStatus.VISITED,
            BusinessStatus.HANDED_OVER,
            BusinessStatus.ENROLLED,
            BusinessStatus.PARTIAL,
        },
        # D-6: outreach goes on for the missing insurance until it is enrolled too.
        BusinessStatus.PARTIAL: {
            BusinessStatus.ENROLLED,
            BusinessStatus.REFUSED,
            BusinessStatus.CLOSED,
            BusinessStatus.HANDED_OVER,
        },
        BusinessStatus.ENROLLED: set(),
        BusinessStatus.CLOSED: {BusinessStatus.ON_ROSTER},
        BusinessStatus.HANDED_OVER: set(),
    }

    # Indexes are few on purpose: a 100,000-row import writes every one of them for every row.
    # The branch leads the composite indexes below, and the prefecture (the branch's own) is
    # never searched alone; linking reads a branch's keys whole, so they need no index either.
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, verbose_name="支部", related_name="businesses", db_index=False
    )
    name = models.CharField("事業所名", max_length=200)
    name_kana = models.CharField("事業所名（カナ）", max_length=200, blank=True)
    corporate_number = models.CharField("法人番号", max_length=13, blank=True)
    insurance_number = models.CharField("労働保険番号", max_length=14, blank=True)
    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, verbose_name="都道府県", db_index=False
    )
    city_code = models.CharField("市区町村コード", max_length=6, blank=True)
    # Read from the address (lib.cities): how businesses are grouped, divided and covered by area.
    city = models.CharField("市区町村", max_length=40, blank=True)
    address = models.CharField("所在地", max_length=300)
    postal_code = models.CharField("郵便番号", max_length=7, blank=True)
    phone = models.CharField("電話番号", max_length=20, blank=True)
    industry = models.CharField("業種", max_length=100, blank=True)
    workers = models.PositiveIntegerField("労働者数", null=True, blank=True)
    # D-6: where only one of the two insurances applies, enrolling in it completes the business.
    one_insurance_only = models.BooleanField("一方の保険のみ適用される事業", default=False)
    # Normalised beside the original (lib.normalize): what linking compares.
    name_core = models.CharField("名称（正規化）", max_length=200)
    legal_form = models.CharField("法人格", max_length=20, blank=True)
    address_key = models.CharField("所在地（正規化）", max_length=300)
    # What search compares (lib.normalize.search_text): name, reading and address folded, a line each.
    search_text = models.TextField("検索用", blank=True, default="", editable=False)
    status = models.CharField(
        "状態", max_length=20, choices=BusinessStatus.choices, default=BusinessStatus.IDENTIFIED
    )
    identified_on = models.DateField("把握日")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, verbose_name="把握年度")
    # The current assignment (assignments.Assignment keeps the history); a promoter or instructor
    # sees only the businesses assigned to them.
    assigned_to = models.ForeignKey(
        "people.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="担当者",
        related_name="assigned_businesses",
    )

    scope = Scope(branch="branch", assignee="assigned_to__person__user")

    class Meta:
        ordering = ["branch__prefecture__code", "name"]
        verbose_name = verbose_name_plural = "事業所"
        indexes = [
            models.Index(fields=["branch", "status"]),
            models.Index(fields=["branch", "fiscal_year"]),
            models.Index(fields=["branch", "city_code"]),
            # A branch's roster list, a page of it by name without sorting the whole branch.
            models.Index(fields=["branch", "name"]),
            # Visits, enrolments and roster entries are counted per branch by joining to their
            # business; this narrow index lets the database read id → branch without the wide rows
            # (target dashboards: about half the time on three national years).
            models.Index(fields=["id", "branch"], name="business_branch_of_id"),
            # A branch's latest change, read in one step: the roster list keeps its pages until it
            # moves (roster.views), and a branch's sync asks for what changed since (the API).
            models.Index(fields=["branch", "updated_at"], name="business_branch_changed"),
            # The NTA feed finds businesses by number (an index of its own: no LIKE variant).
            models.Index(fields=["corporate_number"], name="business_corporate_number"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A status step saves only its column; anything else may have changed what search finds.
        if kwargs.get("update_fields") is None:
            self.search_text = normalize.search_text(self.name, self.name_kana, self.address)
        super().save(*args, **kwargs)

    def get_additional_data(self) -> dict:
        return {"branch_id": self.branch_id}

    @property
    def size_band(self) -> str:
        return size_band(self.workers)

    def status_when_enrolled(self) -> str:
        """D-6: 成立 once every insurance that applies is enrolled; 一部成立 while one of two is missing,
        so that the business stays on the roster, is visited again and is carried into next year."""
        both = (
            self.enrolments.filter(covers_rousai=True).exists()
            and self.enrolments.filter(covers_koyou=True).exists()
        )
        if self.one_insurance_only or both:
            return BusinessStatus.ENROLLED
        return BusinessStatus.PARTIAL

    @property
    def missing_insurance(self) -> str:
        """The insurance a 一部成立 business has still to enrol in."""
        if self.status != BusinessStatus.PARTIAL:
            return ""
        rousai_enrolled = self.enrolments.filter(covers_rousai=True).exists()
        return "雇用保険" if rousai_enrolled else "労災保険"

    @property
    def can_close(self) -> bool:
        return BusinessStatus.CLOSED in self.TRANSITIONS[BusinessStatus(self.status)]

    def set_status(self, status: str, *, by=None, reason: str = "") -> "StatusChange":
        """Move to ``status`` if the workflow allows it, and record the step in the history."""
        if status not in self.TRANSITIONS[BusinessStatus(self.status)]:
            raise MoveRefused.between(dict(BusinessStatus.choices), self.status, status)
        change = StatusChange(
            business=self,
            from_status=self.status,
            to_status=status,
            changed_by=by,
            reason=fit(StatusChange, "reason", reason),
        )
        self.status = status
        self.save(update_fields=["status"])
        change.save()
        return change


class StatusChange(models.Model):
    """One step of a business's status history."""

    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField("変更前", max_length=20, choices=BusinessStatus.choices, blank=True)
    to_status = models.CharField("変更後", max_length=20, choices=BusinessStatus.choices)
    changed_at = models.DateTimeField("日時", auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.CharField("理由", max_length=200, blank=True)

    scope = Scope(branch="business__branch")

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = verbose_name_plural = "状態の履歴"

    def __str__(self) -> str:
        return f"{self.business} {self.get_from_status_display()}→{self.get_to_status_display()}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.business.branch_id}


class SourceKind(models.TextChoices):
    LIST = "list", "一覧表（CSV・Excel）"
    NTA = "nta", "法人番号公表サイト"
    MINISTRY_LIST = "ministry_list", "本省「未手続事業リスト」"
    REGISTERED = "registered", "適用事業の一覧（除外用）"
    MANUAL = "manual", "手入力"


class BusinessSource(models.Model):
    """A list that named the business, with the row as it came, so nothing is overwritten silently."""

    # The unique (business, row_hash) below serves lookups by business: no second index to write.
    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="sources", db_index=False)
    kind = models.CharField("出典", max_length=20, choices=SourceKind.choices)
    job = models.ForeignKey("ImportJob", on_delete=models.PROTECT, null=True, related_name="sources")
    original = models.JSONField("元の行")
    # The same row imported again finds this and adds nothing (re-runs, resumed imports).
    row_hash = models.CharField(max_length=64)
    added_at = models.DateTimeField("登録日時", auto_now_add=True)

    scope = Scope(branch="business__branch")

    class Meta:
        verbose_name = verbose_name_plural = "出典"
        constraints = [models.UniqueConstraint(fields=["business", "row_hash"], name="one_source_per_row")]

    def __str__(self) -> str:
        return f"{self.business}（{self.get_kind_display()}）"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.business.branch_id}


class JobStatus(models.TextChoices):
    QUEUED = "queued", "待機中"
    RUNNING = "running", "処理中"
    DONE = "done", "完了"
    FAILED = "failed", "失敗"
    CHECK = "check", "確認待ち"


class BackgroundJob:
    """What the page of a job run by the task queue asks of it, by its status (JobStatus)."""

    status: Any

    @property
    def is_done(self) -> bool:
        return self.status == JobStatus.DONE

    @property
    def is_failed(self) -> bool:
        return self.status == JobStatus.FAILED

    @property
    def is_pending(self) -> bool:
        """Waiting or running: its page keeps polling."""
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)


class ImportJob(BackgroundJob, Workflow, models.Model):
    """One upload of a list, processed in the background; its page shows progress and the result."""

    # A queued job runs; a run may be delivered again after a worker died (running → running), a
    # stalled or failed one is queued again by hand; a finished one never runs twice.
    TRANSITIONS = {
        JobStatus.QUEUED: {JobStatus.RUNNING, JobStatus.QUEUED},
        JobStatus.RUNNING: {
            JobStatus.RUNNING,
            JobStatus.DONE,
            JobStatus.FAILED,
            JobStatus.QUEUED,
            JobStatus.CHECK,
        },
        # Suspicious cells found: nothing is stored until the user says how to treat them.
        JobStatus.CHECK: {JobStatus.QUEUED},
        JobStatus.FAILED: {JobStatus.QUEUED, JobStatus.RUNNING},
        JobStatus.DONE: set(),
    }

    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, verbose_name="支部", related_name="import_jobs"
    )
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, verbose_name="年度")
    kind = models.CharField("出典", max_length=20, choices=SourceKind.choices)
    filename = models.CharField("ファイル名", max_length=200)
    stored_file = models.CharField(max_length=300)
    mapping = models.JSONField("列の対応", default=dict)
    status = models.CharField("状態", max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("進捗（%）", default=0)
    rows_read = models.PositiveIntegerField("読込件数", default=0)
    added = models.PositiveIntegerField("新規件数", default=0)
    merged = models.PositiveIntegerField("統合件数", default=0)
    to_review = models.PositiveIntegerField("要確認件数", default=0)
    rejected = models.PositiveIntegerField("不採用件数", default=0)
    rejected_rows = models.JSONField("不採用の行", default=list)
    # Cells that start like a formula or hold control characters: {行, 列, 値, 理由}, shown before
    # anything is stored; mapping["_suspicious"] then holds the user's choice (clean or skip).
    suspicious_cells = models.JSONField("確認が必要な値", default=list)
    error = models.TextField("エラー", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    finished_at = models.DateTimeField("完了日時", null=True, blank=True)
    # The branch's share of a national NTA difference file (roster.ntafeed), if it came from one.
    feed = models.ForeignKey(
        "NtaFeed",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name="差分データ",
    )

    scope = Scope(branch="branch")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "取込"

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"

    @property
    def awaits_choice(self) -> bool:
        return self.status == JobStatus.CHECK

    @property
    def can_retry(self) -> bool:
        return self.status != JobStatus.CHECK and self.can_move_to(JobStatus.QUEUED)

    def lock_unfinished(self) -> bool:
        """Inside the transaction that writes the job's rows: lock the job and say whether it is still
        unfinished. Two runs of one job — a worker thought dead that was not, 再実行 pressed while it
        ran — then write one after the other, and the second finds the first done and writes nothing."""
        return not ImportJob.objects.select_for_update().get(pk=self.pk).is_done

    def get_additional_data(self) -> dict:
        return {"branch_id": self.branch_id}


class NtaFeed(BackgroundJob, Workflow, models.Model):
    """One NTA difference file (差分データ) applied to every branch (roster.ntafeed).

    National, like the registered list: HQ uploads it (or a timer runs ``manage.py nta_diff``);
    each branch reads its own line of the summary and its own import job.
    """

    TRANSITIONS = {
        JobStatus.QUEUED: {JobStatus.RUNNING, JobStatus.QUEUED},
        JobStatus.RUNNING: {JobStatus.RUNNING, JobStatus.DONE, JobStatus.FAILED, JobStatus.QUEUED},
        JobStatus.FAILED: {JobStatus.QUEUED, JobStatus.RUNNING},
        JobStatus.DONE: set(),
        JobStatus.CHECK: set(),
    }

    filename = models.CharField("ファイル名", max_length=200)
    stored_file = models.CharField(max_length=300)
    status = models.CharField("状態", max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("進捗（%）", default=0)
    rows_read = models.PositiveIntegerField("法人数", default=0)
    # One line per branch touched: {branch, 支部, 新規候補, 既に名簿, 要確認, 閉鎖, 変更, job}.
    summary = models.JSONField("支部ごとの結果", default=list)
    error = models.TextField("エラー", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("受付日時", auto_now_add=True)
    finished_at = models.DateTimeField("完了日時", null=True, blank=True)

    # Every office reads the list (a branch sees its own line); only HQ's staff start one.
    scope = Scope(branch=None, writers=frozenset({Role.HQ_ADMIN, Role.HQ_STAFF}))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "法人番号の差分データ"

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"

    def lines_for(self, user) -> list[dict]:
        """The summary as ``user`` may read it: HQ every branch, a branch its own line."""
        if user.branch_id is None:
            return self.summary
        return [line for line in self.summary if line["branch"] == user.branch_id]


class ReviewDecision(models.TextChoices):
    PENDING = "pending", "未確認"
    SAME = "same", "同一の事業所"
    DIFFERENT = "different", "別の事業所"


class MatchReview(models.Model):
    """A doubtful pair: an incoming row that may be a business already on the roster (R-ROS-4).

    A person decides; the decision is audited and remembered, so the same row in a later
    import is settled without asking again.
    """

    job = models.ForeignKey(ImportJob, on_delete=models.PROTECT, related_name="reviews")
    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="reviews", verbose_name="既存の事業所"
    )
    incoming = models.JSONField("取り込んだ行")
    row_hash = models.CharField(max_length=64)
    score = models.PositiveSmallIntegerField("類似度")
    decision = models.CharField(
        "判断", max_length=20, choices=ReviewDecision.choices, default=ReviewDecision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField("判断日時", null=True, blank=True)

    scope = Scope(branch="business__branch")

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name = verbose_name_plural = "名寄せの確認"
        constraints = [models.UniqueConstraint(fields=["business", "row_hash"], name="one_review_per_row")]

    def __str__(self) -> str:
        return f"{self.incoming.get('name', '')} ≟ {self.business}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.business.branch_id}


class RegisteredWorkplace(models.Model):
    """A workplace already enrolled (適用事業), used only to exclude businesses from the roster."""

    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, verbose_name="都道府県")
    insurance_number = models.CharField("労働保険番号", max_length=14, unique=True)
    name = models.CharField("事業場名称", max_length=200)
    address = models.CharField("所在地", max_length=300)
    corporate_number = models.CharField("法人番号", max_length=13, blank=True, db_index=True)
    job = models.ForeignKey(ImportJob, on_delete=models.PROTECT, related_name="registered_workplaces")

    scope = Scope(branch="prefecture__branch")

    class Meta:
        verbose_name = verbose_name_plural = "適用事業"

    def __str__(self) -> str:
        return f"{self.name}（{self.insurance_number}）"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.prefecture.branch.pk}


class EntryOrigin(models.TextChoices):
    CARRIED_OVER = "carried_over", "前年度から継続"
    NEW = "new", "新規把握"
    MID_YEAR = "mid_year", "年度途中の追加"


class RosterEntry(models.Model):
    """A business on a branch's roster (未手続事業名簿) for one fiscal year (R-ROS-3)."""

    # The unique (business, fiscal_year) below serves lookups by business.
    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="roster_entries", db_index=False
    )
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, verbose_name="年度")
    origin = models.CharField("登載の経緯", max_length=20, choices=EntryOrigin.choices)
    source = models.CharField("出典", max_length=20, choices=SourceKind.choices, blank=True)
    added_on = models.DateField("登載日")

    scope = Scope(branch="business__branch")

    class Meta:
        ordering = ["fiscal_year__year", "business__name"]
        verbose_name = verbose_name_plural = "名簿登載"
        constraints = [models.UniqueConstraint(fields=["business", "fiscal_year"], name="one_entry_per_year")]

    def __str__(self) -> str:
        return f"{self.fiscal_year.label} {self.business}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.business.branch_id}
