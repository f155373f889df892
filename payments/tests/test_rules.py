"""Fee rules per fiscal year (R-FEE-1 … R-FEE-3): FY2011 as data, tax parts in whole yen, set by HQ."""

import csv
from pathlib import Path

import pytest

from conftest import login
from payments.models import FeeRules
from payments.rules import tax_part

SEED = Path(__file__).resolve().parents[2] / "payments" / "data" / "fee_rates_fy2011.csv"


def _seed_rows():
    with SEED.open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["fee_code"] != "coordinator_daily"]


@pytest.mark.parametrize("row", _seed_rows(), ids=lambda row: row["fee_code"])
def test_fy2011_fees_and_their_tax_parts_match_the_seeds_line_by_line_R_FEE_1_R_FEE_2(db, row):
    rules = FeeRules.objects.get(fiscal_year__year=2011)
    amount = rules.visit_fee if row["fee_code"] == "visit" else getattr(rules, row["fee_code"])
    assert amount == int(row["amount_incl_tax_yen"])
    assert rules.tax(amount) == int(row["consumption_tax_yen"])
    assert rules.tax_rate_percent == int(row["tax_rate_percent"])


def test_fy2011_pays_two_direct_visits_per_business_in_the_year_and_none_where_nobody_was_met_D_1_D_3(db):
    rules = FeeRules.objects.get(fiscal_year__year=2011)
    assert (rules.paid_visits_per_business, rules.visit_cap_scope, rules.pays_absent_visits) == (
        2,
        "fiscal_year",
        False,
    )
    assert rules.pays_visit("direct") and not rules.pays_visit("phone")


@pytest.mark.parametrize(
    ("amount", "rate", "tax"),
    [(1260, 5, 60), (9450, 5, 450), (1100, 10, 100), (1000, 10, 90), (1, 10, 0), (-1260, 5, -60), (0, 8, 0)],
)
def test_the_tax_part_is_derived_in_whole_yen_rounded_down_R_FEE_3(amount, rate, tax):
    assert tax_part(amount, rate) == tax


# A year at 10% as HQ would enter it on the rules page.
FORM = {
    "visit_fee": 1320,
    "paid_visits_per_business": 3,
    "paid_methods": ["direct", "phone"],
    "success_unified_both": 9900,
    "success_unified_rousai": 5500,
    "success_unified_koyou": 4400,
    "success_split_rousai": 5500,
    "success_split_koyou": 4400,
    "tax_rate_percent": 10,
    "visit_cap_scope": "fiscal_year",
}


def test_hq_sets_a_years_rules_and_the_tax_parts_show(client, people):
    login(client, people["hq_staff"])
    data = {**FORM, "visit_cap_scope": "lifetime", "pays_absent_visits": "on"}
    assert client.post("/payments/rules/2026/", data).status_code == 302
    rules = FeeRules.objects.get(fiscal_year__year=2026)
    assert (rules.paid_visits_per_business, rules.pays_visit("phone"), rules.updated_by) == (
        3,
        True,
        people["hq_staff"],
    )
    assert (rules.visit_cap_scope, rules.pays_absent_visits, rules.cap_label) == ("lifetime", True, "通算3回")
    page = client.get("/payments/rules/2026/").content.decode()
    assert "1,320円" in page and "120円" in page  # 1,320 at 10% holds 120 yen of tax
    # FY2011 is unchanged: each year keeps its own rules.
    assert FeeRules.objects.get(fiscal_year__year=2011).visit_fee == 1260


def test_branches_read_the_rules_but_cannot_set_them(client, people):
    login(client, people["tokyo_staff"])
    assert "1,260円" in client.get("/payments/rules/").content.decode()
    assert client.post("/payments/rules/2026/", {"visit_fee": 1}).status_code == 403
    assert not FeeRules.objects.filter(fiscal_year__year=2026).exists()


def test_bad_figures_are_refused_with_the_field_named(client, people):
    login(client, people["hq_admin"])
    response = client.post("/payments/rules/2026/", {"visit_fee": -5, "tax_rate_percent": 10})
    assert "調査説明費（1事業所1回・税込）：" in response.content.decode()
    assert not FeeRules.objects.filter(fiscal_year__year=2026).exists()


@pytest.mark.parametrize("cap", ["0", "-1"])
def test_a_cap_of_zero_or_less_is_refused_and_nothing_saved_D_1(client, people, cap):
    login(client, people["hq_admin"])
    page = client.post("/payments/rules/2026/", {**FORM, "paid_visits_per_business": cap}).content.decode()
    assert "調査説明費を支給する訪問回数（1事業所あたり）：" in page
    assert "1回以上を入力してください。" in page
    assert not FeeRules.objects.filter(fiscal_year__year=2026).exists()
