"""The demo has this year's fee rules and two HQ payers, so a whole payment can be tried."""

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from org.models import FiscalYear, User
from payments.models import FeeRules


def test_the_demo_sets_this_years_rules_and_two_payers(db):
    call_command("seed_demo", size="small", seed=3, stdout=StringIO())
    rules = FeeRules.objects.get(fiscal_year=FiscalYear.for_date(timezone.localdate()))
    assert (rules.visit_fee, rules.tax(rules.visit_fee), rules.success_unified_both) == (1320, 120, 9900)
    assert set(User.objects.filter(can_pay=True).values_list("username", flat=True)) == {
        "hq_admin",
        "hq_staff",
    }
    assert FeeRules.objects.get(fiscal_year__year=2011).visit_fee == 1260
