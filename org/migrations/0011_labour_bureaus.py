"""One labour bureau per prefecture (R-ORG-4), named as the ministry names them: 東京労働局,
北海道労働局 (the prefecture's short name). Addresses and contacts are kept by each branch."""

from django.db import migrations


def forwards(apps, schema_editor):
    Prefecture = apps.get_model("org", "Prefecture")
    LabourBureau = apps.get_model("org", "LabourBureau")
    for prefecture in Prefecture.objects.all():
        LabourBureau.objects.get_or_create(
            prefecture=prefecture, defaults={"name": f"{prefecture.short_name}労働局"}
        )


class Migration(migrations.Migration):
    dependencies = [("org", "0010_associations_and_bureaus")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
