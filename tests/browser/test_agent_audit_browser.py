"""HQ audits an agent by document review in the browser: the year's checklist, the checklist sent,
the answers, a finding corrected and the audit closed (R-INS-1)."""

import datetime

import pytest

from associations import services as association_services
from conftest import make_user
from insurance import services
from insurance.models import AgentAudit, AuditStatus
from org.models import Association, Branch
from org.roles import Role
from tests.browser.conftest import SHOTS, log_in

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_hq_takes_an_agent_audit_from_checklist_to_closure(browser_page, live_server):
    tokyo = Branch.objects.get(prefecture__code="13")
    hq = make_user("hq_audit", Role.HQ_STAFF)
    association = Association.objects.create(branch=tokyo, name="新宿労働保険事務組合")
    association_services.membership_join(
        actor=hq, association=association, joined_on=datetime.date(2010, 4, 1)
    )
    services.agent_register(
        actor=hq, association=association, code="A1301", registered_on=datetime.date(2015, 4, 1)
    )
    page = browser_page
    log_in(page, live_server.url, "hq_audit")
    page.get_by_role("link", name="労保連労働災害保険").first.click()
    page.get_by_role("link", name="代理店監査").click()
    page.get_by_role("link", name="点検項目").click()
    for text in ["保険料の収納・送金を期限内に行っているか", "保険募集人の登録は最新か"]:
        page.get_by_label("点検項目").fill(text)
        page.get_by_role("button", name="項目を追加").click()
        page.wait_for_load_state()
    page.get_by_role("link", name="代理店監査の一覧へ").click()
    page.get_by_role("link", name="点検票を送付").click()
    page.get_by_label("代理店").select_option(label="新宿労働保険事務組合（A1301）")
    page.get_by_label("回答期限").fill("2026-12-25")
    page.get_by_role("button", name="登録する").click()
    page.get_by_test_id("audit-status").wait_for()
    assert "点検票送付済" in page.get_by_test_id("audit-status").inner_text()

    page.get_by_label("1. 保険料の収納・送金を期限内に行っているか").select_option(label="適")
    page.get_by_label("2. 保険募集人の登録は最新か").select_option(label="否")
    page.get_by_label("2の補足").fill("退職者1名の抹消が未了")
    page.get_by_role("button", name="回答を記録").click()
    page.get_by_label("指摘事項").fill("退職した募集人1名の登録が残っている")
    page.get_by_label("求める是正措置").fill("登録の抹消と名簿の更新")
    page.get_by_label("是正期限").fill("2027-01-31")
    page.get_by_role("button", name="指摘事項を登録").click()
    assert "指摘事項の是正中" in page.get_by_test_id("audit-status").inner_text()

    page.get_by_label("是正の内容（代理店の報告）").fill("12月20日に抹消済み")
    page.get_by_role("button", name="是正を確認").click()
    page.get_by_role("button", name="監査を完了").click()
    page.get_by_test_id("audit-status").wait_for()
    assert "完了" in page.get_by_test_id("audit-status").inner_text()
    assert "12月20日に抹消済み" in page.content()
    page.screenshot(path=str(SHOTS / "agent_audit.png"), full_page=True)
    audit = AgentAudit.objects.get()
    assert audit.status == AuditStatus.CLOSED and not audit.findings.filter(closed_on__isnull=True).exists()
