"""Every claim line names the rules it was paid at (filled by 0009, in its own transaction: PostgreSQL
refuses to alter a table with row changes still pending in the same one)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0009_fee_decisions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="claimline",
            name="rules",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="payments.feerules",
                verbose_name="適用した支給基準",
            ),
        ),
    ]
