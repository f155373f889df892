"""Dividing the roster between bureau and branch (R-CNL-3, R-CNL-4), through the pages staff use."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import login, make_appointment, make_business, make_person
from councils.models import Allocation, AllocationChange, CouncilMeeting, OutreachPlan, Side
from org.models import FiscalYear
from roster.models import BusinessStatus, EntryOrigin

YEAR = 2026


@pytest.fixture
def roster(tokyo):
    """Six Tokyo businesses of every kind the rules look at."""
    return {
        "large": make_business(tokyo, "大手製造", workers=80, industry="製造業", address="東京都港区芝1-1"),
        "builder": make_business(tokyo, "山田建設", workers=12, industry="建設業", address="東京都港区芝2-2"),
        "shop": make_business(
            tokyo, "佐藤商店", workers=3, industry="小売業", address="東京都八王子市元本郷町1"
        ),
        "cafe": make_business(
            tokyo, "喫茶すずき", workers=4, industry="飲食業", address="東京都新宿区西新宿1-1"
        ),
        "unknown": make_business(
            tokyo, "田中サービス", industry="サービス業", address="東京都新宿区大久保2-2"
        ),
        "enrolled": make_business(tokyo, "成立済商事", workers=2, status=BusinessStatus.ENROLLED),
    }


@pytest.fixture
def held_council(tokyo, people):
    return CouncilMeeting.objects.create(
        branch=tokyo,
        fiscal_year=FiscalYear.objects.get(year=YEAR),
        number="1",
        planned_on=datetime.date(2026, 4, 20),
        held_on=datetime.date(2026, 4, 20),
        created_by=people["tokyo_staff"],
    )


def _apply(client, **rules):
    data = {"year": YEAR, "min_workers": 50, "default": Side.BRANCH, **rules}
    return client.post("/councils/division/apply/", data, follow=True)


def _side(business) -> str:
    return Allocation.objects.get(entry__business=business, entry__fiscal_year__year=YEAR).side


def test_rules_divide_by_size_then_industry_then_city_R_CNL_3(client, people, roster):
    login(client, people["tokyo_staff"])
    response = _apply(client, industries=["建設業"], cities=["13104"], default=Side.BUREAU)
    assert "支部（加入勧奨）2件、労働局（手続指導）3件" in response.content.decode()
    assert _side(roster["large"]) == Side.BUREAU  # 80 workers ≥ 50
    assert _side(roster["builder"]) == Side.BUREAU  # a listed industry
    assert _side(roster["cafe"]) == Side.BRANCH  # 新宿区 is the branch's
    assert _side(roster["unknown"]) == Side.BRANCH
    assert _side(roster["shop"]) == Side.BUREAU  # the default for the rest
    assert Allocation.objects.get(entry__business=roster["large"]).basis == "労働者数50人以上"
    # An enrolled business needs no one's work and is not divided.
    assert not Allocation.objects.filter(entry__business=roster["enrolled"]).exists()
    # The page keeps the rules just applied, to adjust them rather than type them again.
    form = client.get("/councils/division/", {"year": YEAR}).context["form"]
    assert (form["min_workers"].value(), form["industries"].value(), form["default"].value()) == (
        "50",
        ["建設業"],
        Side.BUREAU,
    )


def test_preview_counts_each_side_against_its_capacity_without_saving(client, people, roster, tokyo):
    OutreachPlan.objects.create(
        branch=tokyo,
        fiscal_year=FiscalYear.objects.get(year=YEAR),
        branch_capacity=2,
        bureau_capacity=10,
        updated_by=people["tokyo_staff"],
    )
    login(client, people["tokyo_staff"])
    response = client.get(
        "/councils/division/preview/", {"year": YEAR, "min_workers": 50, "default": Side.BRANCH}
    )
    sides = {s["side"]: s for s in response.context["preview"]["sides"]}
    assert sides[Side.BRANCH]["proposed"] == 4 and sides[Side.BRANCH]["over"]
    assert sides[Side.BUREAU]["proposed"] == 1 and not sides[Side.BUREAU]["over"]
    assert "超過" in response.content.decode()
    assert not Allocation.objects.exists()


def test_fixing_needs_a_held_council_and_every_business_divided(client, people, roster, tokyo, held_council):
    login(client, people["tokyo_staff"])
    planned = CouncilMeeting.objects.create(
        branch=tokyo,
        fiscal_year=held_council.fiscal_year,
        number="2",
        planned_on=datetime.date(2026, 9, 20),
        created_by=people["tokyo_staff"],
    )
    response = client.post("/councils/division/fix/", {"year": YEAR, "meeting": held_council.pk}, follow=True)
    assert "分担が決まっていない事業所が5件あります" in response.content.decode()
    _apply(client)
    response = client.post("/councils/division/fix/", {"year": YEAR, "meeting": planned.pk}, follow=True)
    assert "開催済みの労働局との協議会" in response.content.decode()
    assert not Allocation.objects.filter(meeting__isnull=False).exists()
    response = client.post("/councils/division/fix/", {"year": YEAR, "meeting": held_council.pk}, follow=True)
    assert (
        "5件の分担を令和8年度（2026年度） 第1回協議会（令和8年4月20日）で確定しました"
        in response.content.decode()
    )
    roster["shop"].refresh_from_db()
    assert roster["shop"].status == BusinessStatus.ALLOCATED
    assert roster["shop"].status_changes.last().reason == held_council.reference


def test_a_fixed_division_changes_only_with_a_reason_that_is_kept(client, people, roster, held_council):
    login(client, people["tokyo_staff"])
    _apply(client)
    client.post("/councils/division/fix/", {"year": YEAR, "meeting": held_council.pk})
    entry = roster["shop"].roster_entries.get()
    data = {"year": YEAR, "entry": [entry.pk], "to_side": Side.BUREAU}
    response = client.post("/councils/division/change/", data, follow=True)
    assert "変更の理由を入力してください" in response.content.decode()
    assert _side(roster["shop"]) == Side.BRANCH
    client.post("/councils/division/change/", {**data, "reason": "労働局が個別に指導するため"})
    assert _side(roster["shop"]) == Side.BUREAU
    change = AllocationChange.objects.get()
    assert (change.from_side, change.to_side, change.reason) == (
        Side.BRANCH,
        Side.BUREAU,
        "労働局が個別に指導するため",
    )
    assert change.changed_by == people["tokyo_staff"]
    page = client.get(f"/roster/businesses/{roster['shop'].pk}/").content.decode()
    assert "労働局が個別に指導するため" in page


def test_council_two_divides_only_the_businesses_added_mid_year_R_CNL_4(
    client, people, roster, tokyo, held_council
):
    login(client, people["tokyo_staff"])
    _apply(client)
    client.post("/councils/division/fix/", {"year": YEAR, "meeting": held_council.pk})
    added = make_business(tokyo, "本省リスト追加", workers=70, origin=EntryOrigin.MID_YEAR)
    # Rules that would send everything to the bureau touch only the new, unfixed business.
    _apply(client, min_workers=1, default=Side.BUREAU)
    assert _side(added) == Side.BUREAU
    assert _side(roster["shop"]) == Side.BRANCH
    assert Allocation.objects.filter(meeting=held_council).count() == 5


def test_filtered_selection_changes_all_matching_businesses_at_once(client, people, roster):
    login(client, people["tokyo_staff"])
    _apply(client)
    data = {"year": YEAR, "target": "all", "city": "13104", "to_side": Side.BUREAU}
    response = client.post("/councils/division/change/", data, follow=True)
    assert "2件の分担を「労働局（手続指導）」にしました" in response.content.decode()
    assert _side(roster["cafe"]) == _side(roster["unknown"]) == Side.BUREAU
    assert _side(roster["shop"]) == Side.BRANCH


def test_bureau_export_holds_only_the_bureaus_share(client, people, roster, osaka):
    make_business(osaka, "大阪の大企業", workers=500)
    login(client, people["tokyo_staff"])
    _apply(client, industries=["建設業"])
    response = client.get("/councils/division/bureau.xlsx", {"year": YEAR})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("事業所名", "事業所名（カナ）", "法人番号")
    assert sorted(r[0] for r in rows[1:]) == ["大手製造", "山田建設"]
    assert rows[1][-1] == "未確定（案）"


def test_council_papers_summarise_by_size_industry_and_area(client, people, roster):
    login(client, people["tokyo_staff"])
    _apply(client)
    response = client.get("/councils/division/papers.xlsx", {"year": YEAR})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["概要", "規模別", "業種別", "市区町村別", "分担案一覧"]
    total = list(book["概要"].iter_rows(values_only=True))[1]
    assert total == ("合計", 5, 1, 4, 0)
    sizes = {r[0]: r[1:] for r in book["規模別"].iter_rows(min_row=2, values_only=True)}
    assert sizes["50〜99人"] == (1, 1, 0, 0)
    assert sizes["不明"] == (1, 0, 1, 0)
    cities = {r[0]: r[1] for r in book["市区町村別"].iter_rows(min_row=2, values_only=True)}
    assert cities == {"港区": 2, "新宿区": 2, "八王子市": 1}
    pdf = client.get("/councils/division/papers.pdf", {"year": YEAR})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "path",
    [
        "/councils/division/",
        "/councils/division/bureau.xlsx",
        "/councils/division/papers.xlsx",
        "/councils/plan/",
    ],
)
def test_another_branchs_division_is_not_found(client, people, roster, tokyo, path):
    login(client, people["osaka_staff"])
    assert client.get(path, {"branch": tokyo.pk, "year": YEAR}).status_code == 404


def test_another_branch_cannot_change_the_division(client, people, roster, tokyo):
    login(client, people["osaka_staff"])
    entry = roster["shop"].roster_entries.get()
    data = {"branch": tokyo.pk, "year": YEAR, "entry": [entry.pk], "to_side": Side.BUREAU}
    assert client.post("/councils/division/change/", data).status_code == 404
    assert client.post("/councils/division/apply/", {"branch": tokyo.pk, "year": YEAR}).status_code == 404
    assert not Allocation.objects.exists()


def test_a_business_given_to_the_bureau_leaves_its_promoters_worklist(client, people, roster, tokyo):
    promoter = make_appointment(make_person(tokyo, user=people["tokyo_promoter"]), status="active")
    login(client, people["tokyo_staff"])
    client.post(
        "/assignments/assign/", {"year": YEAR, "business": [roster["builder"].pk], "appointment": promoter.pk}
    )
    roster["builder"].refresh_from_db()
    assert roster["builder"].assigned_to == promoter
    _apply(client, industries=["建設業"])
    roster["builder"].refresh_from_db()
    assert roster["builder"].assigned_to is None
    assert roster["builder"].assignments.get().end_reason == "released"


def test_the_division_and_assignment_pages_need_few_queries_however_many_businesses(client, people, tokyo):
    for i in range(60):
        make_business(tokyo, f"事業所{i}", workers=i, industry="製造業", address=f"東京都港区芝{i}")
    login(client, people["tokyo_staff"])
    _apply(client)
    for path in ("/councils/division/", "/assignments/", "/councils/plan/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, {"year": YEAR}).status_code == 200
        assert len(queries) <= 25, (path, len(queries))
