"""The fee rules of each fiscal year (R-FEE-1 … R-FEE-3), set by HQ."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models

from fieldwork.models import EnrolmentKind, Method
from org.models import FiscalYear
from org.roles import Role
from org.scope import Scope
from payments.rules import tax_part


class FeeRules(models.Model):
    """A year's visit fee, paid visits per business, paid contact methods, success fees and tax rate."""

    fiscal_year = models.OneToOneField(
        FiscalYear, on_delete=models.PROTECT, verbose_name="年度", related_name="fee_rules"
    )
    visit_fee = models.PositiveIntegerField("調査説明費（1事業所1回・税込）")
    paid_visits_per_business = models.PositiveSmallIntegerField(
        "調査説明費を支給する訪問回数（1事業所あたり）", default=2, validators=[MaxValueValidator(10)]
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
