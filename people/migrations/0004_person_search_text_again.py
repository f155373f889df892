from django.db import migrations

from people.keys import refold


class Migration(migrations.Migration):
    """lib.normalize now folds more 異体字 (濱, 澤, 嶋 …): 浜田 finds 濱田."""

    dependencies = [
        ("people", "0003_person_search_text"),
    ]

    operations = [
        migrations.RunPython(refold, migrations.RunPython.noop),
    ]
