"""Each role's home page shows what that role does next (issue 2, point 9)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import login


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
def test_home_pages_need_few_queries(client, people, who):
    login(client, people[who])
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    # 12 for the page, two for the alert on councils overdue (years, meetings held), one for claims.
    assert len(queries) <= 15, [q["sql"] for q in queries]


def test_a_lecturer_home_leads_to_their_seminars_only(client, people):
    login(client, people["tokyo_lecturer"])
    response = client.get("/")
    assert "講師のホーム" in response.content.decode()
    work = links(response)
    assert "担当のセミナー・相談会" in work and "パスワード変更" in work
    assert "名簿" not in work and "担当事業所" not in work and "支給申請" not in work
