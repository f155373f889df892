"""On PostgreSQL the database itself refuses UPDATE and DELETE on the audit table.

TRUNCATE is refused by 0006. SQLite gets no trigger, because Django's test flush there is a DELETE.
"""

from django.db import migrations

TABLE = "audit_auditentry"

CREATE = f"""
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    -- No percent sign here: the SQL passes through the driver's parameter formatting.
    RAISE EXCEPTION USING
        MESSAGE = '監査ログは変更・削除できません（' || TG_OP || '）',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
"""

DROP = f"""
DROP TRIGGER IF EXISTS audit_append_only ON {TABLE};
DROP FUNCTION IF EXISTS audit_refuse_change();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]
    operations = [migrations.RunPython(create, drop)]
