"""FY2011's fee rules from the seeds (別紙7), as data: payments/data/fee_rates_fy2011.csv."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "fee_rates_fy2011.csv"


def load(apps, schema_editor):
    FiscalYear = apps.get_model("org", "FiscalYear")
    FeeRules = apps.get_model("payments", "FeeRules")
    with DATA.open(encoding="utf-8") as handle:
        rows = {row["fee_code"]: row for row in csv.DictReader(handle)}
    visit = rows["visit"]
    FeeRules.objects.update_or_create(
        fiscal_year=FiscalYear.objects.get(year=2011),
        defaults={
            "visit_fee": int(visit["amount_incl_tax_yen"]),
            "paid_visits_per_business": int(visit["cap_per_business"].split()[0]),
            "paid_methods": ["direct"],
            "tax_rate_percent": int(visit["tax_rate_percent"]),
            **{
                code: int(row["amount_incl_tax_yen"])
                for code, row in rows.items()
                if code.startswith("success_")
            },
        },
    )


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial"), ("org", "0002_master_data")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
