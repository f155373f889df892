"""The insurance business: agents, premium income from the insurer's statements, and audits by
document review to closure (R-INS-1, R-TGT-2)."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from associations import services as association_services
from conftest import form_data, login
from insurance import services
from insurance.models import (
    Agent,
    AgentAudit,
    AuditStatus,
    ChecklistItem,
    Finding,
    PremiumIncome,
    ProgramRecord,
)
from lib import wareki
from org.models import Association, FiscalYear
from targets.models import Target


def statement(rows: list[list], name: str = "明細.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    book.active.append(["代理店コード", "対象年月", "保険料"])
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def member(tokyo, people):
    association = Association.objects.create(branch=tokyo, name="新宿労働保険事務組合")
    association_services.membership_join(
        actor=people["hq_admin"], association=association, joined_on=datetime.date(2010, 4, 1)
    )
    return association


@pytest.fixture
def agent(member, people):
    return services.agent_register(
        actor=people["hq_admin"], association=member, code="A1301", registered_on=datetime.date(2015, 4, 1)
    )


def test_hq_registers_a_member_as_an_agent_and_a_non_member_is_refused_R_INS_1(client, people, tokyo, member):
    outsider = Association.objects.create(branch=tokyo, name="非会員事務組合")
    login(client, people["hq_staff"])
    refused = client.post(
        "/insurance/agents/new/", {"association": outsider.pk, "code": "A1", "registered_on": "2024-04-01"}
    )
    assert "正しく選択してください" in refused.content.decode()
    response = client.post(
        "/insurance/agents/new/", {"association": member.pk, "code": "A1301", "registered_on": "2024-04-01"}
    )
    agent = Agent.objects.get()
    assert response.url == f"/insurance/agents/{agent.pk}/"
    login(client, people["tokyo_staff"])
    assert client.get("/insurance/agents/new/").status_code == 403


def test_a_statement_is_imported_whole_and_again_changes_nothing(client, people, agent):
    login(client, people["hq_staff"])
    rows = [["A1301", "令和6年4月", 1_250_000], ["A1301", "2024/5", "980,000"]]
    # The very same bytes twice (openpyxl stamps the time it saves: two workbooks may differ).
    sent = statement(rows)
    client.post("/insurance/statements/", {"file": sent})
    assert dict(PremiumIncome.objects.values_list("month", "amount")) == {
        datetime.date(2024, 4, 1): 1_250_000,
        datetime.date(2024, 5, 1): 980_000,
    }
    sent.seek(0)
    again = client.post("/insurance/statements/", {"file": sent}, follow=True).content.decode()
    assert "取込済みです" in again
    # A corrected statement for May replaces May's figure: one figure per agent and month.
    client.post("/insurance/statements/", {"file": statement([["A1301", "2024-05", 990_000]], "訂正.xlsx")})
    assert PremiumIncome.objects.get(month=datetime.date(2024, 5, 1)).amount == 990_000
    assert PremiumIncome.objects.count() == 2
    page = client.get("/insurance/", {"year": 2024}).content.decode()
    assert "2,240,000円" in page


def test_a_statement_with_a_bad_row_names_it_and_saves_nothing(client, people, agent):
    login(client, people["hq_staff"])
    rows = [["A1301", "令和6年4月", 1_000], ["Z9999", "令和6年4月", 1_000], ["A1301", "6月", "千円"]]
    page = client.post("/insurance/statements/", {"file": statement(rows)}, follow=True).content.decode()
    assert "3行目「代理店コード」：登録されていない代理店コードです：Z9999" in page
    assert (
        "4行目「対象年月」" in page
        and "4行目・3列目「保険料」：0以上の整数で入力してください（千円）" in page
    )
    assert not PremiumIncome.objects.exists()


def test_premium_income_counts_on_the_target_dashboard_against_the_plan_R_TGT_2(client, people, tokyo, agent):
    """The plan's premium targets are loaded: 10億円 in FY2024, 11億円 at the plan's end (FY2026)."""
    plan = dict(
        Target.objects.filter(measure="premium", branch=None).values_list("fiscal_year__year", "value")
    )
    assert plan == {2024: 1_000_000_000, 2026: 1_100_000_000}
    services.premium_enter(
        actor=people["hq_admin"], agent=agent, month=datetime.date(2024, 6, 1), amount=5_000_000
    )
    login(client, people["hq_staff"])
    page = client.get("/targets/", {"year": 2024, "measure": "premium"}).content.decode()
    assert "5,000,000" in page and "1,000,000,000" in page
    branch = client.get("/insurance/premiums/", {"branch": tokyo.pk, "year": 2024}).content.decode()
    assert "新宿労働保険事務組合" in branch and "5,000,000" in branch


def test_another_branch_cannot_see_an_agent_and_a_branch_only_reads(client, people, agent, osaka):
    login(client, people["osaka_staff"])
    assert client.get(f"/insurance/agents/{agent.pk}/").status_code == 404
    assert "新宿労働保険事務組合" not in client.get("/insurance/").content.decode()
    login(client, people["tokyo_staff"])
    assert client.get(f"/insurance/agents/{agent.pk}/").status_code == 200
    response = client.post(f"/insurance/agents/{agent.pk}/premiums/", {"month": "2024/4", "amount": 1})
    assert response.status_code == 403
    login(client, people["tokyo_promoter"])
    assert client.get("/insurance/").status_code == 403


def test_an_agent_audit_from_checklist_to_closure_R_INS_1(client, people, agent):
    fy = FiscalYear.objects.get(year=2026)
    login(client, people["hq_staff"])
    no_items = client.post(
        "/insurance/audits/new/",
        {"year": 2026, "agent": agent.pk, "sent_on": "2026-07-01", "answer_due": "2026-07-31"},
    )
    assert "点検項目が登録されていません" in no_items.content.decode()
    for text in ["保険料の収納・送金を遅滞なく行っているか", "募集人の登録は最新か"]:
        client.post("/insurance/checklist/", {"year": 2026, "text": text})
    first, second = ChecklistItem.objects.filter(fiscal_year=fy)
    client.post(
        "/insurance/audits/new/",
        {"year": 2026, "agent": agent.pk, "sent_on": "2026-07-01", "answer_due": "2026-07-31"},
    )
    audit = AgentAudit.objects.get()
    url = f"/insurance/audits/{audit.pk}"
    # Posted as the page shows it, with the version of the audit it read.
    shown = form_data(client.get(f"{url}/"))
    partial = client.post(
        f"{url}/answers/", {**shown, "answered_on": "2026-07-20", f"answer_{first.pk}": "yes"}, follow=True
    )
    assert "回答のない点検項目があります：2" in partial.content.decode()
    client.post(
        f"{url}/answers/",
        {
            **shown,
            "answered_on": "2026-07-20",
            f"answer_{first.pk}": "yes",
            f"answer_{second.pk}": "no",
            f"comment_{second.pk}": "1名未更新",
        },
    )
    client.post(f"{url}/documents/", {"file": SimpleUploadedFile("帳簿.pdf", b"%PDF-1.4\n%%EOF\n")})
    document = audit.documents.get()
    download = client.get(f"/insurance/audit-documents/{document.pk}/")
    assert download["Content-Disposition"].startswith("attachment")
    client.post(
        f"{url}/findings/",
        {"description": "募集人1名の登録が未更新", "action": "登録の更新", "due_on": "2026-09-30"},
    )
    audit.refresh_from_db()
    assert audit.status == AuditStatus.FINDINGS
    refused = client.post(f"{url}/close/", {"closed_on": "2026-10-01"}, follow=True).content.decode()
    assert "是正が確認されていない指摘事項が1件あります" in refused
    finding = Finding.objects.get()
    client.post(
        f"/insurance/findings/{finding.pk}/close/",
        {"corrected": "9月10日に更新済み", "closed_on": "2026-09-12"},
    )
    client.post(f"{url}/close/", {"closed_on": "2026-10-01"})
    audit.refresh_from_db()
    assert (audit.status, audit.closed_on) == (AuditStatus.CLOSED, datetime.date(2026, 10, 1))
    # The agent's branch reads the audit; another branch does not.
    login(client, people["tokyo_staff"])
    assert "9月10日に更新済み" in client.get(f"{url}/").content.decode()
    login(client, people["osaka_staff"])
    assert client.get(f"{url}/").status_code == 404


def test_the_demo_has_agents_premiums_and_a_checklist(db):
    from django.core.management import call_command

    call_command("seed_demo", size="small", seed=3, stdout=open("/dev/null", "w"))
    assert Agent.objects.exists()
    assert all(agent.association.is_member for agent in Agent.objects.select_related("association"))
    current = FiscalYear.objects.get(year=2026)
    assert ChecklistItem.objects.filter(fiscal_year=current).count() == 4
    assert services.premium_total(current) > 0
    counts = Agent.objects.count(), PremiumIncome.objects.count()
    call_command("seed_demo", size="small", seed=3, stdout=open("/dev/null", "w"))
    assert (Agent.objects.count(), PremiumIncome.objects.count()) == counts


def test_a_branch_reports_its_other_programs_by_month_and_they_count_as_measures_R_INS_2(
    client, people, tokyo
):
    login(client, people["tokyo_staff"])
    url = f"/insurance/programs/?branch={tokyo.pk}&year=2026"
    bad = client.post(
        url, {"branch": tokyo.pk, "year": 2026, "pension_members-5": "3", "awards-6": "二"}, follow=True
    )
    assert "「優良会員事務組合等の表彰」6月：0以上の整数で入力してください（二）。" in bad.content.decode()
    assert not ProgramRecord.objects.exists()
    shown = form_data(client.get(url), having="version_read")
    client.post(url, {**shown, "pension_members-5": "3", "publication_copies-1": "1,200"})
    assert dict(ProgramRecord.objects.values_list("program", "month")) == {
        "pension_members": datetime.date(2026, 5, 1),
        "publication_copies": datetime.date(2027, 1, 1),
    }
    # Blank is "not reported": the figure goes.
    shown = form_data(client.get(url), having="version_read")
    client.post(url, {**shown, "publication_copies-1": ""})
    assert ProgramRecord.objects.count() == 1
    page = client.get("/targets/branch/", {"year": 2026}).content.decode()
    assert "労保連年金共済の新規積立者" in page
    login(client, people["tokyo_viewer"])
    assert client.post(url, {"branch": tokyo.pk, "year": 2026, "pension_members-5": "9"}).status_code == 403


def test_the_same_statement_again_names_the_japanese_day_it_was_imported(
    client, people, agent, utc_server_at_1am_jst
):
    # At 01:00 JST the stored time is still yesterday in UTC; the day shown is Japan's.
    login(client, people["hq_staff"])
    sent = statement([["A1301", "令和6年4月", 1_250_000]])
    client.post("/insurance/statements/", {"file": sent})
    sent.seek(0)
    again = client.post("/insurance/statements/", {"file": sent}, follow=True).content.decode()
    assert f"このファイルは{wareki.format_date(utc_server_at_1am_jst)}に取込済みです" in again
