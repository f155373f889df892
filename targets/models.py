"""Targets per fiscal year, branch and measure (目標管理, R-TGT-1, R-TGT-2, R-ROS-2)."""

from django.conf import settings
from django.db import models

from org.models import Branch, FiscalYear
from org.roles import HQ_ROLES
from org.scope import Scope


class Measure(models.TextChoices):
    IDENTIFIED = "identified", "未手続事業の把握"
    VISITED = "visited", "訪問（加入勧奨）事業所"
    ENROLLED = "enrolled", "保険関係成立"
    BRIEFING = "briefing", "事業主説明会の参加事業所"
    TRAINED = "trained", "研修を受講した推進員"
    COUNCILS = "councils", "協議会の開催"
    PREMIUM = "premium", "労保連労働災害保険の保険料収入"
    # R-INS-2: the other programs, as each branch reports them month by month (insurance.ProgramRecord).
    RETIREMENT_ASSOCIATIONS = "retirement_associations", "中退共の復託契約会員事務組合"
    RETIREMENT_ENROLMENTS = "retirement_enrolments", "中退共の新規加入"
    PENSION_MEMBERS = "pension_members", "労保連年金共済の新規積立者"
    PUBLICATION_COPIES = "publication_copies", "情報誌・手引の頒布部数"
    AWARDS = "awards", "優良会員事務組合等の表彰"


# The core program's measures (未手続事業一掃): what a branch's home shows; the insurance business and
# the other programs have their own pages and appear in the dashboards.
OUTREACH: list[str] = [
    Measure.IDENTIFIED,
    Measure.VISITED,
    Measure.ENROLLED,
    Measure.BRIEFING,
    Measure.TRAINED,
    Measure.COUNCILS,
]

# What each measure counts, shown beside it wherever it appears, so that no label misleads.
DEFINITIONS = {
    Measure.IDENTIFIED: "その年度の名簿に新規または年度途中に追加された事業所（前年度からの繰越を除く）",
    Measure.VISITED: "年度内に直接訪問した事業所の実数（同じ事業所は年度内の初回訪問の月に1件）",
    Measure.ENROLLED: "加入勧奨による保険関係成立（労働局の手続指導・職権成立・雇用保険のみ・推進員の記録なしを除く）",
    Measure.BRIEFING: "開催済みの事業主説明会に参加した事業所（延べ）",
    Measure.TRAINED: "研修を1回以上受講した委嘱中の推進員（初回受講の月に1人）",
    Measure.COUNCILS: "労働局と開催した協議会の回数（随時開催を含む）",
    Measure.PREMIUM: "取扱事務組合（代理店）の保険料収入（保険会社の月次明細の対象月に計上、円）",
    Measure.RETIREMENT_ASSOCIATIONS: "中小企業退職金共済の復託契約を新たに結んだ会員事務組合（支部の月次報告）",
    Measure.RETIREMENT_ENROLMENTS: "復託契約会員事務組合を通じた中小企業退職金共済の新規加入事業所（支部の月次報告）",
    Measure.PENSION_MEMBERS: "労保連年金共済の新規積立者（支部の月次報告）",
    Measure.PUBLICATION_COPIES: "情報誌「全国労保連」・事務担当者必携・やさしい年度更新の頒布部数（支部の月次報告）",
    Measure.AWARDS: "優良会員事務組合・事務担当者等の表彰件数（支部の月次報告）",
}

UNITS = {
    Measure.IDENTIFIED: "件",
    Measure.VISITED: "件",
    Measure.ENROLLED: "件",
    Measure.BRIEFING: "件",
    Measure.TRAINED: "人",
    Measure.COUNCILS: "回",
    Measure.PREMIUM: "円",
    Measure.RETIREMENT_ASSOCIATIONS: "組合",
    Measure.RETIREMENT_ENROLMENTS: "件",
    Measure.PENSION_MEMBERS: "人",
    Measure.PUBLICATION_COPIES: "部",
    Measure.AWARDS: "件",
}


class Target(models.Model):
    """One target figure: a branch's, or the national one HQ sets (branch empty) to split."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, verbose_name="年度")
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="支部"
    )
    measure = models.CharField("指標", max_length=30, choices=Measure.choices)
    value = models.PositiveIntegerField("目標")
    # Empty for the figures of the business plan loaded with the system (FY2024, R-TGT-2).
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    # Every branch reads its own targets (and HQ's national ones); HQ sets them.
    scope = Scope(branch="branch", writers=HQ_ROLES)

    class Meta:
        ordering = ["fiscal_year", "measure", "branch__prefecture__code"]
        verbose_name = verbose_name_plural = "目標"
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "branch", "measure"],
                condition=models.Q(branch__isnull=False),
                name="one_target_per_branch_and_measure",
            ),
            models.UniqueConstraint(
                fields=["fiscal_year", "measure"],
                condition=models.Q(branch__isnull=True),
                name="one_national_target_per_measure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year.label} {self.branch or '全国'} {self.get_measure_display()} {self.value}"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.branch_id}
