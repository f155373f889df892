"""Branch staff in a real browser: the division preview follows the rules as typed, then businesses are assigned."""

import pytest

from assignments.models import PromoterArea
from conftest import make_appointment, make_business, make_person, make_user
from councils.models import Allocation, Side
from org.models import Branch
from org.roles import Role
from tests.browser.conftest import SHOTS, log_in

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_preview_the_division_apply_it_and_split_the_branchs_share(browser_page, live_server):
    tokyo = Branch.objects.get(prefecture__code="13")
    make_user("hq_for_division", Role.HQ_ADMIN)
    make_user("tokyo_division", Role.BRANCH_STAFF, tokyo)
    for i in range(3):
        make_business(tokyo, f"大規模{i}", workers=60 + i, industry="製造業", address=f"東京都港区芝{i}")
        make_business(tokyo, f"小規模{i}", workers=3, industry="飲食業", address=f"東京都新宿区西新宿{i}")
    promoters = [make_appointment(make_person(tokyo, f"推進 {n}"), status="active") for n in ("一郎", "次郎")]
    for promoter in promoters:
        PromoterArea.objects.create(appointment=promoter, city_code="13104", city="新宿区")
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server.url, "tokyo_division")
    page.goto(f"{live_server.url}/councils/division/?year=2026")
    preview = page.get_by_test_id("division-preview")
    assert "3" in preview.locator("tr", has_text="労働局（手続指導）").inner_text()
    # Raising the threshold moves the large businesses to the branch, before anything is saved.
    page.get_by_label("労働者数がこの人数以上 → 労働局（手続指導）").fill("100")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=division-preview]').innerText.includes('6')"
    )
    assert not Allocation.objects.exists()
    page.get_by_label("労働者数がこの人数以上 → 労働局（手続指導）").fill("50")
    page.get_by_role("button", name="未確定の事業所にルールを適用").click()
    page.get_by_text("ルールを適用しました").wait_for()
    assert Allocation.objects.filter(side=Side.BUREAU).count() == 3
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "division.png", full_page=True)

    page.goto(f"{live_server.url}/assignments/?year=2026&side=branch")
    page.get_by_label("対象").select_option("all")
    page.get_by_role("button", name="担当地域の推進員に均等に割り振る").click()
    page.get_by_text("3件を割り当てました").wait_for()
    assert sorted(p.assigned_businesses.count() for p in promoters) == [1, 2]
    page.screenshot(path=SHOTS / "assignments.png", full_page=True)
