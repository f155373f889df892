"""Targets per branch and year: set by HQ on the page or from Excel, split from a national figure (R-TGT-1)."""

import io

import openpyxl
import pytest

from conftest import form_data, login, make_appointment, make_person
from targets.models import Target


def _xlsx(rows) -> io.BytesIO:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "目標.xlsx"
    return buffer


def _save_grid(client, cells: dict[str, str], **kwargs):
    """Save the year's grid as the page shows it, with ``cells`` typed in."""
    data = form_data(client.get("/targets/edit/", {"year": 2026}), having="version_read")
    return client.post(
        "/targets/edit/", {**data, **{name: [value] for name, value in cells.items()}}, **kwargs
    )


def test_hq_sets_targets_and_a_branch_reads_only_its_own(client, people, tokyo, osaka):
    login(client, people["hq_staff"])
    _save_grid(
        client, {f"t-{tokyo.pk}-enrolled": "120", f"t-{osaka.pk}-enrolled": "80", "t-0-enrolled": "250"}
    )
    set_2026 = Target.objects.filter(fiscal_year__year=2026, measure="enrolled")
    assert dict(set_2026.values_list("branch", "value")) == {tokyo.pk: 120, osaka.pk: 80, None: 250}
    page = client.get("/targets/edit/", {"year": 2026}).content.decode()
    assert "支部計 200・差 50" in page  # HQ's national figure against the branches' sum
    bad = _save_grid(client, {f"t-{tokyo.pk}-enrolled": "-3"}, follow=True)
    assert "東京支部「保険関係成立」：0以上の整数で入力してください（-3）。" in bad.content.decode()
    assert set_2026.get(branch=tokyo).value == 120
    login(client, people["tokyo_staff"])
    page = client.get("/targets/edit/", {"year": 2026}).content.decode()
    assert "東京支部" in page and "大阪支部" not in page and "全国（本部設定）" not in page
    assert client.post("/targets/edit/", {"year": 2026, f"t-{tokyo.pk}-enrolled": "999"}).status_code == 403
    assert client.get("/targets/", follow=True).redirect_chain[-1][0] == "/targets/branch/"
    assert client.get("/targets/branch/", {"branch": osaka.pk}).status_code == 404


def test_a_branch_reads_its_targets_with_thousands_separators(client, people, tokyo):
    """Figures read as the offices write them: 6,150, not 6150."""
    login(client, people["hq_staff"])
    _save_grid(client, {f"t-{tokyo.pk}-enrolled": "6150"})
    login(client, people["tokyo_staff"])
    page = client.get("/targets/edit/", {"year": 2026}).content.decode()
    assert "6,150" in page and ">6150<" not in page


def test_targets_come_back_from_the_exported_sheet_and_a_bad_cell_changes_nothing(client, people, tokyo):
    login(client, people["hq_staff"])
    exported = openpyxl.load_workbook(
        io.BytesIO(client.get("/targets/edit/", {"year": 2026, "format": "xlsx"}).content)
    )
    headers = [c.value for c in exported.active[1]]
    assert headers[:3] == ["支部コード", "支部", "未手続事業の把握"]
    response = client.post(
        "/targets/import/",
        {
            "year": 2026,
            "file": _xlsx([headers, ["13", "東京支部", 500, 1000, "たくさん"], ["99", "架空", 1]]),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "2行目・5列目「保険関係成立」：0以上の整数で入力してください（たくさん）。" in page
    assert "3行目「支部コード」：99 は支部コードではありません。" in page
    assert not Target.objects.filter(fiscal_year__year=2026, branch__isnull=False).exists()
    client.post(
        "/targets/import/", {"year": 2026, "file": _xlsx([headers, ["13", "東京支部", 500, 1000, 120]])}
    )
    imported = Target.objects.filter(fiscal_year__year=2026, branch__isnull=False)
    assert dict(imported.values_list("measure", "value")) == {
        "identified": 500,
        "visited": 1000,
        "enrolled": 120,
    }


def test_a_national_target_is_split_by_promoters_and_adds_up(client, people, tokyo, osaka):
    for n in range(2):
        make_appointment(make_person(tokyo, f"推進 東{n}"), status="active")
    make_appointment(make_person(osaka, "推進 西"), status="active")
    login(client, people["hq_staff"])
    page = client.post("/targets/split/", {"year": 2026, "measure": "visited"}, follow=True).content.decode()
    assert "全国の目標が設定されていません。" in page
    _save_grid(client, {"t-0-visited": "100"})
    client.post("/targets/split/", {"year": 2026, "measure": "visited"})
    split = Target.objects.filter(fiscal_year__year=2026, branch__isnull=False)
    assert dict(split.values_list("branch", "value")) == {
        tokyo.pk: 67,
        osaka.pk: 33,
    }


@pytest.mark.parametrize("path", ["/targets/", "/targets/branch/", "/targets/edit/"])
def test_the_pages_open_for_hq(client, people, path):
    login(client, people["hq_staff"])
    assert client.get(path).status_code == 200


def test_the_committee_report_is_a_pdf_for_the_nation_or_one_branch(client, people, tokyo, osaka):
    login(client, people["hq_staff"])
    national = client.get("/targets/report.pdf", {"year": 2026})
    assert national["Content-Type"] == "application/pdf" and national.content.startswith(b"%PDF")
    assert "%E5%85%A8%E5%9B%BD" in national["Content-Disposition"]  # 全国, percent-encoded (RFC 6266)
    login(client, people["tokyo_staff"])
    own = client.get("/targets/report.pdf", {"year": 2026})
    assert own.status_code == 200 and own.content.startswith(b"%PDF")
    assert client.get("/targets/report.pdf", {"branch": osaka.pk}).status_code == 404


def test_hq_drills_down_from_the_nation_to_a_block_and_a_branch(client, people, tokyo, osaka):
    login(client, people["hq_staff"])
    page = client.get("/targets/", {"measure": "enrolled", "block": tokyo.block_id}).content.decode()
    ranking = page[page.index('data-testid="ranking"') :]
    assert "東京支部" in ranking and "大阪支部" not in ranking
    assert f"/targets/branch/?branch={tokyo.pk}" in ranking


def test_the_fy2024_plan_is_there_on_a_new_site_R_TGT_2(client, people, tokyo):
    """Loaded by migration: the business plan's national figures and three councils per branch."""
    fy2024 = Target.objects.filter(fiscal_year__year=2024)
    assert dict(fy2024.filter(branch=None).values_list("measure", "value")) == {
        "visited": 97_000,
        "enrolled": 26_000,
        "councils": 3 * 47,
        "premium": 1_000_000_000,
    }
    assert fy2024.get(branch=tokyo, measure="councils").value == 3
    login(client, people["hq_staff"])
    page = client.get("/targets/edit/", {"year": 2024}).content.decode()
    assert 'value="97000"' in page and 'value="26000"' in page
