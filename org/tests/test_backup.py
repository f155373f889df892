"""Backup and restore (README): pg_dump, pg_restore into a fresh database, the same rows and audit trail."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from conftest import login
from org.management.commands.backup_check import differences


def test_a_difference_in_counts_or_in_the_audit_trail_is_reported():
    source = {"counts": {"org_user": 3, "audit_auditentry": 5}, "audit": "a"}
    assert differences(source, source) == []
    assert differences(source, {"counts": {"org_user": 2, "audit_auditentry": 5}, "audit": "b"}) == [
        "org_user: 3行 → 2行",
        "監査ログの内容が一致しません",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore are PostgreSQL's")
# serialized_rollback: the other transactional tests restore the master data from the same snapshot.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_restores_with_the_same_rows_and_audit_trail(people, client):
    login(client, people["tokyo_admin"])  # audit rows: logins, the second factor
    out = StringIO()
    call_command("backup_check", stdout=out)
    assert "復元を確認しました" in out.getvalue() and "が一致。" in out.getvalue()


def test_the_check_needs_postgresql(db):
    if connection.vendor == "postgresql":
        pytest.skip("this is the SQLite answer")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("backup_check")
