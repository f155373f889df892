"""Prefectures, blocks, branches and fiscal years loaded by migration (R-ORG-1, R-ORG-2, R-ORG-5)."""

import importlib

import pytest
from django.apps import apps as django_apps

from audit.models import AuditEntry
from conftest import login, post_edit
from org.models import Block, Branch, FiscalYear, Prefecture

master_data = importlib.import_module("org.migrations.0002_master_data")


@pytest.mark.django_db
def test_47_prefectures_with_jis_codes_and_47_branches_R_ORG_1():
    assert Prefecture.objects.count() == 47
    assert Prefecture.objects.get(code="01").name == "北海道"
    assert Prefecture.objects.get(code="13").name == "東京都"
    assert Prefecture.objects.get(code="47").name == "沖縄県"
    assert Branch.objects.count() == 47
    assert Branch.objects.get(prefecture__code="27").name == "大阪支部"


@pytest.mark.django_db
def test_six_blocks_group_the_branches_R_ORG_2():
    sizes = {block.name: block.branches.count() for block in Block.objects.all()}
    assert len(sizes) == 6
    assert sum(sizes.values()) == 47
    assert Branch.objects.get(prefecture__code="19").block.name == "関東・甲信越"  # 山梨
    assert Branch.objects.get(prefecture__code="47").block.name == "九州・沖縄"


@pytest.mark.django_db
def test_fiscal_years_are_labelled_in_both_calendars_R_ORG_5():
    fy = FiscalYear.objects.get(year=2024)
    assert fy.label == "令和6年度（2024年度）"
    assert (fy.start_label, fy.end_label) == ("令和6年4月1日", "令和7年3月31日")
    assert FiscalYear.objects.filter(year=2011).exists()


@pytest.mark.django_db
def test_loading_master_data_again_adds_nothing():
    before = (
        Block.objects.count(),
        Prefecture.objects.count(),
        Branch.objects.count(),
        FiscalYear.objects.count(),
    )
    master_data.load(django_apps, None)
    after = (
        Block.objects.count(),
        Prefecture.objects.count(),
        Branch.objects.count(),
        FiscalYear.objects.count(),
    )
    assert before == after


def test_hq_admin_renames_a_block_and_the_change_is_audited(client, people):
    block = Block.objects.get(number=1)
    login(client, people["hq_admin"])
    response = post_edit(client, f"/org/blocks/{block.pk}/edit/", {"name": "北海道・東北ブロック"})
    assert response.status_code == 302
    block.refresh_from_db()
    assert block.name == "北海道・東北ブロック"
    entry = AuditEntry.objects.filter(object_pk=str(block.pk), content_type__model="block").latest("pk")
    assert entry.changes["name"] == ["北海道・東北", "北海道・東北ブロック"]
    assert entry.actor == people["hq_admin"]


def test_hq_admin_renames_a_branch_and_moves_it_to_another_block(client, people, tokyo):
    other_block = Block.objects.get(number=3)
    login(client, people["hq_admin"])
    response = post_edit(
        client, f"/org/branches/{tokyo.pk}/edit/", {"name": "東京都支部", "block": other_block.pk}
    )
    assert response.status_code == 302
    tokyo.refresh_from_db()
    assert (tokyo.name, tokyo.block) == ("東京都支部", other_block)


@pytest.mark.parametrize("who", ["hq_staff", "tokyo_admin", "tokyo_staff"])
def test_only_hq_admin_edits_master_data(client, people, tokyo, who):
    login(client, people[who])
    response = client.post(f"/org/blocks/{tokyo.block_id}/edit/", {"name": "変更"})
    assert response.status_code == 403
    assert Block.objects.get(pk=tokyo.block_id).name != "変更"


def test_empty_block_name_is_refused_in_japanese(client, people):
    login(client, people["hq_admin"])
    response = post_edit(client, f"/org/blocks/{Block.objects.first().pk}/edit/", {"name": ""})
    assert response.status_code == 200
    assert "ブロック名：このフィールドは必須です。" in response.content.decode()


def test_year_pickers_offer_the_years_up_to_the_next_one(client, people, monkeypatch):
    """Not 平成23 … 令和17 everywhere: every year up to the next, newest first."""
    import datetime

    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2026, 11, 30))
    assert FiscalYear.objects.filter(year=2035).exists()  # the calendar holds far years in advance
    assert [y.year for y in FiscalYear.offered()][:2] == [2027, 2026]
    login(client, people["tokyo_staff"])
    page = client.get("/events/trainings/").content.decode()
    assert "令和9年度" in page and "令和10年度" not in page and "平成23年度" in page
