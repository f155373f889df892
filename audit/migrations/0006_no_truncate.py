"""On PostgreSQL the audit table refuses TRUNCATE too (a statement-level trigger), as it refuses
UPDATE and DELETE (0003). The application's database role does not own the table and so cannot
drop or disable these triggers (README, "Production database roles"); the test suite, which owns
its throw-away database, disables them only around its own resets (conftest.py)."""

from django.db import migrations

TABLE = "audit_auditentry"

CREATE = f"""
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""
DROP = f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE};"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_bulk_change_event")]
    operations = [migrations.RunPython(create, drop)]
