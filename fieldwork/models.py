"""Outreach visits recorded by promoters and instructors in the field (R-VIS-1 … R-VIS-3, R-PPL-9)."""

from typing import Any

from django.conf import settings
from django.db import models

from kit import tracked
from kit.files import StoredFile
from lib import wareki
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


class Visit(tracked.Tracked):
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
        return f"{wareki.format_date(self.visited_on)} {self.business} {self.get_method_display()}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.business.branch_id}

    @property
    def is_outreach(self) -> bool:
        """Counts as outreach and for the visit fee (R-VIS-2)."""
        return self.method == Method.DIRECT

    @property
    def topic_labels(self) -> list[str]:
        return [TOPICS[t] for t in self.topics if t in TOPICS]


class EnrolmentKind(models.TextChoices):
    """R-ENR-1 (別紙7 3(2)): the five kinds of enrolment."""

    UNIFIED_BOTH = "unified_both", "一元適用事業（労災保険・雇用保険）"
    UNIFIED_ROUSAI = "unified_rousai", "一元適用事業（労災保険のみ）"
    UNIFIED_KOYOU = "unified_koyou", "一元適用事業（雇用保険のみ）"
    SPLIT_ROUSAI = "split_rousai", "二元適用事業（労災保険）"
    SPLIT_KOYOU = "split_koyou", "二元適用事業（雇用保険）"


ROUSAI_KINDS = {EnrolmentKind.UNIFIED_BOTH, EnrolmentKind.UNIFIED_ROUSAI, EnrolmentKind.SPLIT_ROUSAI}
KOYOU_KINDS = {EnrolmentKind.UNIFIED_BOTH, EnrolmentKind.UNIFIED_KOYOU, EnrolmentKind.SPLIT_KOYOU}


class EvidenceKind(models.TextChoices):
    """R-ENR-2 (別紙7 4(1)イ): the copies that prove an enrolment."""

    ENROLMENT_NOTICE = "enrolment_notice", "保険関係成立届（写）"
    ESTABLISHMENT_NOTICE = "establishment_notice", "雇用保険適用事業所設置届（事業主控）（写）"
    INSURED_CONFIRMATION = "insured_confirmation", "被保険者資格取得等確認通知書（写・全員分）"
    E_APPLICATION = "e_application", "電子申請の処理完了通知（印刷）"


def required_evidence(covers_koyou: bool, filed_electronically: bool) -> list[str]:
    """R-ENR-2: the notice always; for employment insurance its notices, and the printed completion
    notice only when the 被保険者資格取得届 (an employment-insurance filing) was made online."""
    kinds: list[str] = [EvidenceKind.ENROLMENT_NOTICE]
    if covers_koyou:
        kinds += [EvidenceKind.ESTABLISHMENT_NOTICE, EvidenceKind.INSURED_CONFIRMATION]
        if filed_electronically:
            kinds.append(EvidenceKind.E_APPLICATION)
    return kinds


class Enrolment(tracked.Tracked):
    """An enrolment (保険関係成立) of a business in one or both insurances (R-ENR-1 … R-ENR-4)."""

    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="enrolments", verbose_name="事業所"
    )
    kind = models.CharField("成立の区分", max_length=20, choices=EnrolmentKind.choices)
    # Derived from kind; the constraints below allow one enrolment per business and insurance.
    covers_rousai = models.BooleanField("労災保険", editable=False)
    covers_koyou = models.BooleanField("雇用保険", editable=False)
    insurance_number = models.CharField("労働保険番号", max_length=14)
    enrolled_on = models.DateField("成立日")
    association = models.ForeignKey(
        "org.Association",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="手続した労働保険事務組合",
        related_name="introduced_enrolments",
    )
    filed_electronically = models.BooleanField("被保険者資格取得届を電子申請で提出した", default=False)
    bureau_guidance = models.BooleanField("労働局の手続指導による", default=False)
    ex_officio = models.BooleanField("職権成立", default=False)
    # The promoter or instructor the enrolment is credited to (their assignment at the time).
    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name="推進員",
    )
    koyou_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    koyou_confirmed_at = models.DateTimeField("雇用保険の手続の確認日時", null=True, blank=True)
    # A draft made on the phone carries one, so that sent twice it is recorded once;
    # enrolments entered at the office have none.
    client_key = models.UUIDField("送信キー", null=True, blank=True, unique=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登録日時", auto_now_add=True)

    scope = Scope(branch="business__branch", assignee="appointment__person__user")

    class Meta:
        ordering = ["-enrolled_on", "-pk"]
        verbose_name = verbose_name_plural = "保険関係成立"
        constraints = [
            models.UniqueConstraint(
                fields=["business"], condition=models.Q(covers_rousai=True), name="one_rousai_enrolment"
            ),
            models.UniqueConstraint(
                fields=["business"], condition=models.Q(covers_koyou=True), name="one_koyou_enrolment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business} {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.covers_rousai = self.kind in ROUSAI_KINDS
        self.covers_koyou = self.kind in KOYOU_KINDS
        super().save(*args, **kwargs)

    def get_additional_data(self) -> dict:
        return {"branch_id": self.business.branch_id}

    @property
    def required_evidence(self) -> list[str]:
        return required_evidence(self.covers_koyou, self.filed_electronically)

    def evidence_checklist(self, present: set[str] | None = None) -> list[tuple[str, bool]]:
        """(document, provided) for each document required; ``present`` saves a query when known."""
        if present is None:
            present = set(self.evidence.values_list("kind", flat=True))
        return [(EvidenceKind(kind).label, kind in present) for kind in self.required_evidence]

    @property
    def evidence_complete(self) -> bool:
        return all(done for _, done in self.evidence_checklist())

    @property
    def needs_koyou_confirmation(self) -> bool:
        """R-ENR-3: an employment-insurance enrolment is confirmed by the branch before a success fee."""
        return self.covers_koyou and self.koyou_confirmed_at is None


# D-8 (R-TGT-2, R-VIS-5): the enrolment measure counts enrolments credited to outreach — a promoter or
# instructor is credited, the bureau neither guided nor enrolled it ex officio, and it is not
# employment-insurance-only. Targets, the outreach plan, the activity page and the home pages all
# count with this one condition; the excluded kinds are shown beside it (EXCLUDED_FROM_TARGETS).
COUNTED_FOR_TARGETS = models.Q(
    covers_rousai=True, bureau_guidance=False, ex_officio=False, appointment__isnull=False
)
EXCLUDED_FROM_TARGETS = {
    "guidance": ("労働局の手続指導", models.Q(bureau_guidance=True)),
    "ex_officio": ("職権成立", models.Q(ex_officio=True, bureau_guidance=False)),
    "koyou_only": (
        "雇用保険のみ",
        models.Q(covers_rousai=False, bureau_guidance=False, ex_officio=False),
    ),
    "uncredited": (
        "推進員・指導員の記録なし",
        models.Q(covers_rousai=True, bureau_guidance=False, ex_officio=False, appointment__isnull=True),
    ),
}


class Evidence(StoredFile):
    """A copy proving an enrolment (PDF or photo), kept outside the web root (R-ENR-2, kit.files)."""

    FOLDER = "evidence"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField("書類", max_length=30, choices=EvidenceKind.choices)

    scope = Scope(branch="enrolment__business__branch", assignee="enrolment__appointment__person__user")

    class Meta:
        ordering = ["kind", "uploaded_at"]
        verbose_name = verbose_name_plural = "成立の証拠書類"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.enrolment.business.branch_id}
