"""Each branch's identification target from the FY2011 table (R-ROS-2, 別紙3), the default until targets are set."""

import csv

from django.db import migrations

from org.data import PREFECTURES_CSV


def load(apps, schema_editor):
    Branch = apps.get_model("org", "Branch")
    with PREFECTURES_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Branch.objects.filter(prefecture__code=row["jis_code"]).update(
                default_identification_target=int(row["fy2011_identification_target"])
            )


class Migration(migrations.Migration):
    dependencies = [("org", "0005_identification_target")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
