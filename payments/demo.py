"""Demo fees: this year's rules (FY2011's amounts before tax, at a 10% tax rate) and two HQ payers,
so that a batch can be created by one and approved by the other."""

from django.db import transaction
from django.utils import timezone

from org.models import FiscalYear, User
from payments.models import FeeRules

# FY2011's fees were 1,200 / 9,000 / 5,000 / 4,000 / 5,000 / 4,000 yen before 5% tax (別紙7).
BEFORE_TAX = {
    "visit_fee": 1200,
    "success_unified_both": 9000,
    "success_unified_rousai": 5000,
    "success_unified_koyou": 4000,
    "success_split_rousai": 5000,
    "success_split_koyou": 4000,
}
DEMO_TAX_RATE = 10


@transaction.atomic
def seed(*, size: str, seed: int) -> dict:
    fiscal_year = FiscalYear.for_date(timezone.localdate())
    _, created = FeeRules.objects.get_or_create(
        fiscal_year=fiscal_year,
        defaults={
            "paid_methods": ["direct"],
            "tax_rate_percent": DEMO_TAX_RATE,
            **{name: amount * (100 + DEMO_TAX_RATE) // 100 for name, amount in BEFORE_TAX.items()},
        },
    )
    payers = User.objects.filter(username__in=["hq_admin", "hq_staff"], can_pay=False).update(can_pay=True)
    return {"支給基準の追加": int(created), "支払権限の付与": payers}
