from django.db import migrations

from roster.keys import renormalize


class Migration(migrations.Migration):
    """lib.normalize now reads 大字・字, the bank's kana legal forms (カ)…) and more 異体字."""

    dependencies = [
        ("roster", "0009_import_check"),
    ]

    operations = [
        migrations.RunPython(renormalize, migrations.RunPython.noop),
    ]
