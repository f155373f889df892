"""The FY2024 business plan's targets (R-TGT-2, 000 §4–§5) as FY2024's figures, so that a new site
shows the year's plan, not zeros: 97,000 businesses visited, 26,000 enrolments and three councils a
year in each branch. Seminar dispatches (720) and participants (12,240) are the events' own
settings (events.EventSettings); premium income comes with the insurance business.

Loaded without a user (updated_by empty: 「事業計画」); HQ changes them as any other target. A
figure HQ has already set is kept.
"""

from django.db import migrations

YEAR = 2024
NATIONAL = {"visited": 97_000, "enrolled": 26_000}
COUNCILS_PER_BRANCH = 3


def forwards(apps, schema_editor):
    FiscalYear = apps.get_model("org", "FiscalYear")
    Branch = apps.get_model("org", "Branch")
    Target = apps.get_model("targets", "Target")
    fiscal_year = FiscalYear.objects.filter(year=YEAR).first()
    if fiscal_year is None:
        return
    branches = list(Branch.objects.all())
    national = {**NATIONAL, "councils": COUNCILS_PER_BRANCH * len(branches)}
    for measure, value in national.items():
        Target.objects.get_or_create(
            fiscal_year=fiscal_year, branch=None, measure=measure, defaults={"value": value}
        )
    for branch in branches:
        Target.objects.get_or_create(
            fiscal_year=fiscal_year,
            branch=branch,
            measure="councils",
            defaults={"value": COUNCILS_PER_BRANCH},
        )


class Migration(migrations.Migration):
    dependencies = [("targets", "0002_target_updated_by_optional"), ("org", "0011_labour_bureaus")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
