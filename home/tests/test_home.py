"""Each role's home page shows what that role does next."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import login, make_appointment, make_business, make_person
from fieldwork.models import Visit
from org.models import FiscalYear
from targets import measures
from targets.models import Target


def links(response) -> str:
    page = response.content.decode()
    return page[page.index("次の作業") :]


def test_hq_admin_home_shows_the_national_picture_and_admin_work(client, people):
    login(client, people["hq_admin"])
    response = client.get("/")
    page = response.content.decode()
    assert "本部 本部管理者のホーム" in page
    assert "令和" in page and "年度（" in page
    assert response.context["stats"][0] == {"label": "支部", "value": 47, "unit": "支部"}
    for label in ["ユーザー管理", "監査ログ", "支部一覧", "管理サイト"]:
        assert label in links(response)


def test_branch_admin_home_counts_their_branch_only(client, people):
    login(client, people["tokyo_admin"])
    response = client.get("/")
    stats = {s["label"]: s["value"] for s in response.context["stats"]}
    assert stats["支部"] == 1
    assert stats["推進員"] == 1  # tokyo_promoter; Osaka's promoter is not counted
    assert "東京支部 支部管理者のホーム" in response.content.decode()
    assert "管理サイト" not in links(response)


def test_branch_staff_home_links_to_their_branch(client, people, tokyo):
    login(client, people["tokyo_staff"])
    response = client.get("/")
    assert f"/org/branches/{tokyo.pk}/" in links(response)
    assert "ユーザー管理" not in links(response)


def test_promoter_home_is_short_and_counts_only_their_own_businesses(client, people):
    login(client, people["tokyo_promoter"])
    response = client.get("/")
    assert [s["label"] for s in response.context["stats"]] == ["担当事業所（未完了）"]
    assert "担当事業所" in links(response)
    assert "推進員のホーム" in response.content.decode()
    assert "パスワード変更" in links(response)


@pytest.mark.parametrize("who", ["hq_admin", "tokyo_admin", "tokyo_staff", "tokyo_promoter", "hq_viewer"])
def test_home_pages_need_few_queries(client, people, who, monkeypatch):
    login(client, people[who])
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    # 12 for the page, two for the alert on councils overdue (years, meetings held), twelve for the
    # year's progress (year, targets, branches, the branches' revisions, one per measure, and the
    # promoters and councils that bound the projections) and up to twelve for a branch's seven
    # work queues (a count with the oldest, and the first entries of those that hold any) — the same
    # whatever the number of branches or records (test_work_queues proves the queues' part).
    assert len(queries) <= 39, [q["sql"] for q in queries]
    # Seen again, the measures come from the figures kept for the branches' revisions.
    counted = []
    monkeypatch.setattr(measures, "monthly", lambda *args: counted.append(args))
    assert client.get("/").status_code == 200
    assert counted == []


def test_a_lecturer_home_leads_to_their_seminars_only(client, people):
    login(client, people["tokyo_lecturer"])
    response = client.get("/")
    assert "講師のホーム" in response.content.decode()
    work = links(response)
    assert "担当のセミナー・相談会" in work and "パスワード変更" in work
    assert "名簿" not in work and "担当事業所" not in work and "支給申請" not in work


def test_each_role_sees_its_own_progress_on_its_home(client, people, tokyo):
    today = timezone.localdate()
    promoter = make_appointment(
        make_person(tokyo, user=people["tokyo_promoter"]),
        status="active",
        year=FiscalYear.for_date(today).year,
    )
    Visit.objects.create(
        business=make_business(tokyo, "今月商事", year=FiscalYear.for_date(today).year),
        appointment=promoter,
        visited_on=today,
        outcome="explained",
        client_key=uuid.uuid4(),
        recorded_by=people["tokyo_promoter"],
    )
    Target.objects.create(
        fiscal_year=FiscalYear.for_date(today),
        branch=tokyo,
        measure="enrolled",
        value=100,
        updated_by=people["hq_staff"],
    )
    login(client, people["tokyo_promoter"])
    assert "今月の直接訪問 <strong>1件</strong>" in client.get("/").content.decode()
    login(client, people["tokyo_staff"])
    page = client.get("/").content.decode()
    assert 'data-testid="branch-progress"' in page and "遅れ" in page  # 0 of 100 enrolments
    login(client, people["hq_staff"])
    assert "東京支部</a>：0 / 100件（0.0%）" in client.get("/").content.decode()


def test_the_health_check_answers_without_a_login_and_shows_nothing(client, db):
    response = client.get("/healthz/")
    assert (response.status_code, response.content) == (200, b"ok")
