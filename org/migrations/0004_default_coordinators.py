"""Each branch's standard coordinator allocation from the FY2011 table (R-PPL-2, 別紙4 5)."""

import csv

from django.db import migrations

from org.data import PREFECTURES_CSV


def load(apps, schema_editor):
    Branch = apps.get_model("org", "Branch")
    with PREFECTURES_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Branch.objects.filter(prefecture__code=row["jis_code"]).update(
                default_coordinators=int(row["fy2011_coordinators"])
            )


class Migration(migrations.Migration):
    dependencies = [("org", "0003_association_coordinators_payment")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
