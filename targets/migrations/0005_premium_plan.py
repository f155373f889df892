"""The insurance business's premium targets (000 §7(1), R-INS-1, R-TGT-2): the third promotion plan
runs three insurance years from FY2024, with 10億円 as its first year's target and 11億円 as its
final one (FY2026). The year between is HQ's to set. Loaded without a user; a figure HQ has
already set is kept."""

from django.db import migrations

PLAN = {2024: 1_000_000_000, 2026: 1_100_000_000}


def forwards(apps, schema_editor):
    FiscalYear = apps.get_model("org", "FiscalYear")
    Target = apps.get_model("targets", "Target")
    for year, value in PLAN.items():
        fiscal_year = FiscalYear.objects.filter(year=year).first()
        if fiscal_year is not None:
            Target.objects.get_or_create(
                fiscal_year=fiscal_year, branch=None, measure="premium", defaults={"value": value}
            )


class Migration(migrations.Migration):
    dependencies = [("targets", "0004_premium_measure")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
