"""The audit trail: who, when, from where, before and after; append-only."""

import datetime
import os
import uuid
from pathlib import Path

import psycopg
import pytest
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from api.models import ApiToken
from audit.changes import readable
from audit.models import AuditEntry
from conftest import login, make_appointment, make_business, make_person, post_edit
from fieldwork.models import Method, Outcome, Visit
from org.models import User
from org.roles import Role

BUSINESS_APPS = ["org"]


def rename(client, user, name, **extra):
    """Rename a user on their page as an administrator does: the page's own fields, the name typed."""
    return post_edit(client, f"/users/{user.pk}/", {"full_name": name}, **extra)


def table(response) -> str:
    """The rows of the page's table, without the filter form's choices."""
    page = response.content.decode()
    return page[page.index("<tbody>") : page.index("</tbody>")]


# Not business records: a cache's counter, changed with every visit (org.revisions).
NOT_AUDITED = {"org.BranchRevision"}


def test_every_business_model_is_audited():
    for app in BUSINESS_APPS:
        for model in apps.get_app_config(app).get_models():
            assert auditlog.contains(model) != (model._meta.label in NOT_AUDITED), model


def test_an_update_records_who_when_where_and_before_after(client, people):
    login(client, people["tokyo_admin"])
    response = rename(client, people["tokyo_staff"], "東京 次郎", REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).latest("pk")
    assert entry.actor == people["tokyo_admin"]
    assert entry.remote_addr == "203.0.113.5"
    assert entry.changes["full_name"] == ["tokyo_staff_t", "東京 次郎"]
    assert entry.branch == people["tokyo_staff"].branch
    assert (timezone.now() - entry.timestamp).total_seconds() < 60


def test_a_creation_is_recorded_with_its_values(client, people, tokyo):
    login(client, people["hq_admin"])
    client.post(
        "/users/new/",
        {
            "username": "newcomer",
            "full_name": "新人",
            "role": Role.PROMOTER,
            "branch": tokyo.pk,
            "password": "a-long-password-2024",
        },
    )
    user = User.objects.get(username="newcomer")
    entry = AuditEntry.objects.get(
        action=AuditEntry.Action.CREATE, object_pk=str(user.pk), content_type__model="user"
    )
    assert entry.changes["full_name"][1] == "新人"
    assert "password" not in entry.changes  # secrets are not copied into the trail


def test_a_forged_forwarded_for_header_is_ignored_without_a_proxy(client, people):
    login(client, people["tokyo_admin"])
    rename(client, people["tokyo_staff"], "偽装", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert AuditEntry.objects.latest("pk").remote_addr == "203.0.113.5"


def test_behind_our_proxy_the_client_address_comes_from_forwarded_for(client, people, settings):
    settings.PROXY_COUNT = 1
    login(client, people["tokyo_admin"])
    rename(
        client,
        people["tokyo_staff"],
        "代理",
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.20",
    )
    assert AuditEntry.objects.latest("pk").remote_addr == "198.51.100.20"


@pytest.fixture
def two_branches_of_entries(client, people):
    login(client, people["hq_admin"])
    rename(client, people["tokyo_staff"], "東京の変更")
    rename(client, people["osaka_staff"], "大阪の変更")
    client.post("/logout/")


def test_hq_admin_sees_every_branchs_entries(client, people, two_branches_of_entries):
    login(client, people["hq_admin"])
    page = table(client.get("/audit/"))
    assert "東京の変更" in page and "大阪の変更" in page


def test_branch_admin_sees_only_their_branchs_entries(client, people, two_branches_of_entries):
    login(client, people["tokyo_admin"])
    page = table(client.get("/audit/"))
    assert "東京の変更" in page
    assert "大阪の変更" not in page
    osaka_entry = AuditEntry.objects.filter(branch=people["osaka_staff"].branch).latest("pk")
    assert client.get(f"/audit/{osaka_entry.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["hq_staff", "tokyo_staff", "tokyo_viewer", "hq_viewer", "tokyo_promoter"])
def test_only_administrators_read_the_trail(client, people, who):
    login(client, people[who])
    assert client.get("/audit/").status_code == 403


def test_the_trail_filters_by_user_model_and_date(client, people, two_branches_of_entries):
    login(client, people["hq_admin"])
    today = timezone.localdate().isoformat()
    page = table(client.get("/audit/", {"actor": people["tokyo_admin"].pk}))
    assert "東京の変更" not in page and "osaka_staff_t" not in page
    user_type = AuditEntry.objects.filter(content_type__model="user").first().content_type_id
    page = table(client.get("/audit/", {"model": user_type, "date_from": today, "date_to": today}))
    assert "大阪の変更" in page
    page = client.get("/audit/", {"date_from": "2000-01-01", "date_to": "2000-01-02"}).content.decode()
    assert "該当する記録はありません" in page


def test_the_detail_shows_before_and_after_in_japanese(client, people, two_branches_of_entries):
    login(client, people["hq_admin"])
    entry = AuditEntry.objects.filter(changes__has_key="full_name").latest("pk")
    page = client.get(f"/audit/{entry.pk}/").content.decode()
    assert "氏名" in page and "osaka_staff_t" in page and "大阪の変更" in page


def test_the_application_cannot_edit_or_delete_an_entry(people):
    entry = AuditEntry.objects.first()
    entry.object_repr = "改ざん"
    with pytest.raises(ValueError, match="監査ログは変更できません"):
        entry.save()
    with pytest.raises(ValueError, match="監査ログは削除できません"):
        entry.delete()


def test_the_admin_offers_no_way_to_the_trail(client, people):
    assert not admin.site.is_registered(AuditEntry)
    login(client, people["hq_admin"])
    assert client.get("/admin/audit/auditentry/").status_code == 404


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL only"
)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditentry SET object_repr = 'x'",
        "DELETE FROM audit_auditentry",
        "TRUNCATE audit_auditentry",
        "TRUNCATE audit_auditentry CASCADE",
    ],
)
def test_postgresql_itself_refuses_update_delete_and_truncate(people, statement):
    assert AuditEntry.objects.exists()
    with pytest.raises(DatabaseError, match="監査ログは変更・削除できません"), transaction.atomic():
        with connection.cursor() as cursor:
            # The rows this test added have key checks pending until commit, and PostgreSQL refuses to
            # TRUNCATE a table with pending checks before any trigger is asked: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(statement)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.all().delete()


ROLES_SQL = Path(__file__).resolve().parents[2] / "docs" / "production-db-roles.sql"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles exist on PostgreSQL only")
# serialized_rollback: the flush after this test would otherwise take the master data that the other
# transactional tests (the browser tests) restore from the same snapshot.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_application_role_of_the_production_recipe_cannot_unprotect_the_trail():
    """README, "Production database roles": the app's role reads and appends, and nothing more."""
    role = f"issou_app_test_{os.getpid()}"
    settings = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" LOGIN')
    try:
        # The recipe, applied by the owner (this test's own connection), to a role of this run.
        with connection.cursor() as cursor:
            cursor.execute(ROLES_SQL.read_text().replace("issou_app", f'"{role}"'))
        app = psycopg.connect(
            host=settings["HOST"] or "127.0.0.1",
            port=settings["PORT"] or 5432,
            dbname=settings["NAME"],
            user=role,
            autocommit=True,
        )
        with app:
            assert app.execute("SELECT count(*) FROM audit_auditentry").fetchone()[0] >= 0
            for statement in [
                "UPDATE audit_auditentry SET object_repr = 'x'",
                "DELETE FROM audit_auditentry",
                "TRUNCATE audit_auditentry",
                "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_append_only",
                "DROP TRIGGER audit_no_truncate ON audit_auditentry",
            ]:
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    app.execute(statement)
            # Business data is written as usual.
            app.execute("UPDATE org_branch SET name = name")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"; DROP ROLE "{role}"')


def test_every_audited_model_is_named_in_japanese_in_the_filter():
    """The filter's 「対象」 lists audited models by name: an English one (「Task Result」) means a
    library's bookkeeping is audited, which the settings meant to leave out."""
    import re

    english = [
        model._meta.label
        for model in auditlog.get_models()
        if not re.search(r"[^\x00-\x7f]", str(model._meta.verbose_name))
    ]
    assert english == []
    assert not auditlog.contains(apps.get_model("django_tasks_database", "DBTaskResult"))


def test_the_detail_reads_in_japanese_not_as_stored(client, people, tokyo):
    """The outside test found 「recorded by」, 「direct」, 事業所 「47」, 2026-12-07 20:29:44 (UTC) and a
    token's digest on the detail page: an auditor reads labels, names and 和暦 in Japan's time."""
    business = make_business(tokyo, "監査表示商事")
    appointment = make_appointment(make_person(tokyo, "推進 監査"), status="active")
    visit = Visit.objects.create(
        business=business,
        appointment=appointment,
        visited_on=datetime.date(2026, 12, 8),
        method=Method.DIRECT,
        outcome=Outcome.EXPLAINED,
        client_key=uuid.uuid4(),
        recorded_by=people["tokyo_staff"],
    )
    login(client, people["hq_admin"])
    entry = AuditEntry.objects.filter(content_type__model="visit", object_pk=str(visit.pk)).latest("pk")
    page = client.get(f"/audit/{entry.pk}/").content.decode()
    for shown in ("事業所", "監査表示商事", "訪問者", "直接訪問", "記録した人", "令和8年12月8日"):
        assert shown in page, shown
    for stored in ("recorded by", ">direct<", ">explained<", "2026-12-0", ".None"):
        assert stored not in page, stored
    ApiToken.issue(user=people["tokyo_staff"], name="監査用", expires_on=timezone.localdate())
    entry = AuditEntry.objects.filter(content_type__model="apitoken").latest("pk")
    page = client.get(f"/audit/{entry.pk}/").content.decode()
    assert "digest" not in page and ApiToken.objects.get(name="監査用").digest not in page


def test_a_recorded_moment_is_shown_in_japans_time():
    """auditlog keeps a moment in UTC; the trail shows it as the office's clock read it."""
    for stored in ("2026-12-07 20:29:44.499917+00:00", "2026-12-07 20:29:44.499917"):
        [change] = readable(Visit, {"recorded_at": [None, stored]})
        assert change.field == "登録日時" and change.after == "令和8年12月8日 05:29:44"
