"""Associations marked members before membership periods existed get one open period.

Their joining date is not known: the period starts on BEFORE_RECORDS (1 April 2000), so that the
rate at any date the system has records for counts them as members, as the flag did.
"""

import datetime

from django.db import migrations

BEFORE_RECORDS = datetime.date(2000, 4, 1)


def forwards(apps, schema_editor):
    Association = apps.get_model("org", "Association")
    Membership = apps.get_model("associations", "Membership")
    Membership.objects.bulk_create(
        Membership(association=a, joined_on=a.approved_on or BEFORE_RECORDS)
        for a in Association.objects.filter(is_member=True)
    )


class Migration(migrations.Migration):
    dependencies = [("associations", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
