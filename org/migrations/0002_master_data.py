"""Loads the prefectures, blocks, branches (R-ORG-1, R-ORG-2) and fiscal years (R-ORG-5).

The data file lives inside the project (org/data/prefectures.csv); nothing is read from outside
at run time. Re-running finds the rows already there and changes nothing.
"""

import csv

from django.db import migrations

from org.data import PREFECTURES_CSV

FIRST_FISCAL_YEAR = 2011  # the seeds' oldest plan (平成23年度)
LAST_FISCAL_YEAR = 2035


def load(apps, schema_editor):
    Block = apps.get_model("org", "Block")
    Prefecture = apps.get_model("org", "Prefecture")
    Branch = apps.get_model("org", "Branch")
    FiscalYear = apps.get_model("org", "FiscalYear")
    with PREFECTURES_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            block, _ = Block.objects.get_or_create(
                number=int(row["block_no"]), defaults={"name": row["block_name"]}
            )
            prefecture, _ = Prefecture.objects.get_or_create(
                code=row["jis_code"],
                defaults={"name": row["name"], "short_name": row["short_name"]},
            )
            Branch.objects.get_or_create(
                prefecture=prefecture,
                defaults={"block": block, "name": f"{row['short_name']}支部"},
            )
    for year in range(FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR + 1):
        FiscalYear.objects.get_or_create(year=year)


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
